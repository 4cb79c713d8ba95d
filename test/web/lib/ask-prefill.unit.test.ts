import { beforeAll, describe, expect, it } from "vitest";
import { type Translate, translatorFor } from "../../../web/app/lib/i18n";
import { askedNoteId, askPrefill } from "../../../web/app/lib/invite/ask-prefill";

describe("Ask this expert: the invitation form prefilled from a note", () => {
  let en: Translate;
  let zh: Translate;
  beforeAll(async () => {
    en = await translatorFor("en");
    zh = await translatorFor("zh");
  });

  it("titles a talk after the note and takes its text as the agenda", () => {
    expect(askPrefill({ title: "Shipping payments", body: "  What I learned.  " }, en)).toEqual({
      kind: "talk",
      title: "Re: Shipping payments",
      agenda: "What I learned.",
    });
    expect(askPrefill({ title: "支付", body: "" }, zh)).toEqual({
      kind: "talk",
      title: "回复：支付",
      agenda: "支付",
    });
  });

  it("keeps within the invitation's limits (title 140, agenda 4000 characters), counting characters not bytes", () => {
    const long = askPrefill({ title: "界".repeat(300), body: "𝔸".repeat(5000) }, en);
    expect([...long.title]).toHaveLength(140);
    expect(long.title.startsWith("Re: 界")).toBe(true);
    expect(long.title.endsWith("…")).toBe(true);
    expect([...long.agenda]).toHaveLength(4000);
  });

  it("reads only a note id from ?note=", () => {
    const id = crypto.randomUUID();
    expect(askedNoteId(new URL(`https://atas.test/experts/x/invite?note=${id}`))).toBe(id);
    expect(askedNoteId(new URL("https://atas.test/experts/x/invite?note=../../me"))).toBeNull();
    expect(askedNoteId(new URL("https://atas.test/experts/x/invite"))).toBeNull();
  });
});
