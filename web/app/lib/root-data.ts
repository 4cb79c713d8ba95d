import { useEffect, useMemo, useSyncExternalStore } from "react";
import { type MetaDescriptor, useRouteLoaderData } from "react-router";
import type { loader } from "../root";
import {
  dictionaryFor,
  isLang,
  type Lang,
  loadLanguage,
  type MessageKey,
  onLanguageLoaded,
  type Translate,
  translate,
  translator,
} from "./i18n";

/** What every page knows: who is signed in and which language to speak. Undefined only if the root loader itself failed. */
export function useRootData() {
  return useRouteLoaderData<typeof loader>("root");
}

export function useLang(): Lang {
  return useRootData()?.lang ?? "en";
}

export function useT(): Translate {
  const lang = useLang();
  // The page's language is loaded before render (entry.server/entry.client). Should the root data
  // name another one later, the page keeps speaking its own until that one has loaded.
  const snapshot = () => dictionaryFor(lang);
  const dictionary = useSyncExternalStore(onLanguageLoaded, snapshot, snapshot);
  useEffect(() => {
    void loadLanguage(lang);
  }, [lang]);
  return useMemo(() => translate(dictionary), [dictionary]);
}

type MetaMatches = ReadonlyArray<{ id: string; data?: unknown } | undefined>;

/** `<title>` for a page, in the language the root loader chose. */
export function pageMeta(matches: MetaMatches, key: MessageKey): MetaDescriptor[] {
  const root = matches.find((match) => match?.id === "root")?.data as { lang?: unknown } | undefined;
  const t = translator(isLang(root?.lang) ? root.lang : "en");
  return [{ title: `${t(key)} · ATAS` }, { name: "description", content: t("meta.description") }];
}
