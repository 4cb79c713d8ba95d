import { describe, expect, it } from "vitest";
import {
  dictionaryFor,
  HTML_LANG,
  LANGS,
  langOfHtml,
  loadLanguage,
  translate,
  translatorFor,
} from "../../../web/app/lib/i18n";
import en from "../../../web/app/lib/i18n/en";
import zh from "../../../web/app/lib/i18n/zh";

describe("i18n: one module per language, loaded on demand", () => {
  it("each language's module loads and speaks that language, with {vars} filled in", async () => {
    expect((await translatorFor("en"))("home.welcomeBack", { name: "Aisha" })).toBe("Welcome back, Aisha.");
    expect((await translatorFor("zh"))("nav.login")).toBe("登录");
    expect(dictionaryFor("zh")).toBe(zh);
    expect(await loadLanguage("en")).toBe(en);
  });

  it("both dictionaries hold the same keys", () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
  });

  it("a page reads its language back from <html lang>", () => {
    for (const lang of LANGS) expect(langOfHtml(HTML_LANG[lang])).toBe(lang);
    expect(langOfHtml("fr")).toBe("en");
  });

  it("with no dictionary yet, the key shows rather than nothing", () => {
    expect(translate(undefined)("nav.login")).toBe("nav.login");
  });
});
