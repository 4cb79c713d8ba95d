import type en from "./i18n/en";

/** The message keys are English's: every other language's dictionary is typed by them. */
export type MessageKey = keyof typeof en;
export type Dictionary = Record<MessageKey, string>;

export const LANGS = ["en", "zh"] as const;
export type Lang = (typeof LANGS)[number];
export const LANG_COOKIE = "lang";

/** Written on <html lang>. */
export const HTML_LANG: Record<Lang, string> = { en: "en", zh: "zh-Hans" };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/**
 * Each language is its own module (and its own chunk in the browser build), imported only for a
 * visitor who speaks it: the server loads the page's language before it renders (entry.server.tsx)
 * and the browser loads it before it hydrates (entry.client.tsx), so nobody downloads the other one.
 */
const IMPORTS: Record<Lang, () => Promise<{ default: Dictionary }>> = {
  en: () => import("./i18n/en"),
  zh: () => import("./i18n/zh"),
};

const loaded: Partial<Record<Lang, Dictionary>> = {};
const listeners = new Set<() => void>();

export async function loadLanguage(lang: Lang): Promise<Dictionary> {
  const known = loaded[lang];
  if (known) return known;
  const dictionary = (await IMPORTS[lang]()).default;
  loaded[lang] = dictionary;
  for (const listener of listeners) listener();
  return dictionary;
}

/** Called whenever another language finishes loading (for `useSyncExternalStore`). */
export function onLanguageLoaded(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * The language's dictionary if loaded, else one that is (a page whose root data names another
 * language than it loaded, say after the cookie changed in another tab, speaks its own until the
 * new one arrives). Undefined only before any language has loaded.
 */
export function dictionaryFor(lang: Lang): Dictionary | undefined {
  return loaded[lang] ?? LANGS.map((other) => loaded[other]).find(Boolean);
}

export function translate(dictionary: Dictionary | undefined): Translate {
  return (key, vars) => {
    const text = dictionary?.[key] ?? key;
    if (!vars) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
  };
}

/** For code that runs once the page's language is loaded (rendering, meta). */
export function translator(lang: Lang): Translate {
  return translate(dictionaryFor(lang));
}

/** For loaders and actions, which may run before anything has loaded the language. */
export async function translatorFor(lang: Lang): Promise<Translate> {
  return translate(await loadLanguage(lang));
}

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGS as readonly string[]).includes(value);
}

/** The language a rendered page speaks, read back from its <html lang>. */
export function langOfHtml(htmlLang: string): Lang {
  return LANGS.find((lang) => HTML_LANG[lang] === htmlLang) ?? "en";
}

/** The `lang` cookie if set, else Chinese when the browser prefers it, else English. */
export function preferredLang(request: Request): Lang {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [name, value] = part.trim().split("=");
    if (name === LANG_COOKIE && isLang(value)) return value;
  }
  const first = request.headers.get("accept-language")?.split(",")[0]?.trim().toLowerCase() ?? "";
  return first.startsWith("zh") ? "zh" : "en";
}

export function langCookie(lang: Lang): string {
  return `${LANG_COOKIE}=${lang}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
