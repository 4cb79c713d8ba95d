import { describe, expect, it } from "vitest";
import type { DraftRequest, DraftUsage } from "../../worker/src/adapters/drafter/interface";
import { pacedLocalDrafter } from "../../worker/src/adapters/drafter/local";
import { checkProposal } from "../../worker/src/pro/proposal-text";

const REQUEST: DraftRequest = {
  language: "en",
  tone: "warm",
  length: "medium",
  invitation: {
    kind: "talk",
    title: "Scaling payments in Southeast Asia",
    agenda: "How GrabPay handles peak traffic",
    audienceSize: 120,
    durationMinutes: 90,
    format: "on-site",
    venue: "Dewan Kuliah A, Universiti Malaya",
    honorarium: "MYR 300",
    slots: ["Tuesday 8 December 2026, 19:00", "Thursday 10 December 2026, 19:00"],
    deadline: "Friday 4 December 2026",
    timeZone: "Asia/Kuala_Lumpur",
  },
  expert: {
    name: "Aisyah Rahman",
    headline: "Staff Engineer, Payments",
    company: "Grab",
    topics: ["payments", "reliability"],
    pastTalks: ["Designing for peak day"],
  },
  requester: { name: "UM Computing Society", kind: "club", campus: "Universiti Malaya" },
};

async function drain(stream: AsyncGenerator<string, DraftUsage>) {
  const chunks: string[] = [];
  for (;;) {
    const step = await stream.next();
    if (step.done) return { chunks, usage: step.value };
    chunks.push(step.value);
  }
}

describe("Drafter, local twin", () => {
  it("streams a whole proposal grounded in the request, in chunks, and counts its usage", async () => {
    const { chunks, usage } = await drain(pacedLocalDrafter(0).draft(REQUEST));
    expect(chunks.length).toBeGreaterThan(20);
    const text = chunks.join("");
    for (const fact of [
      "Dear Aisyah Rahman",
      "Staff Engineer, Payments at Grab",
      "Scaling payments in Southeast Asia",
      "UM Computing Society at Universiti Malaya",
      "Designing for peak day",
      "About 120 people",
      "Tuesday 8 December 2026, 19:00; Thursday 10 December 2026, 19:00",
      "Duration: 90 minutes",
      "on site at Dewan Kuliah A",
      "Honorarium: MYR 300",
      "reply by Friday 4 December 2026",
    ])
      expect(text).toContain(fact);
    expect(usage.completionTokens).toBeGreaterThan(100);
    // What it writes passes the checks a proposal must pass to be attached.
    const slot = Date.UTC(2026, 11, 8, 11);
    const facts = { slotInstants: [slot], deadline: Date.UTC(2026, 11, 4, 4), timeZone: "Asia/Kuala_Lumpur" };
    expect(checkProposal(text, { ...facts, language: "en" })).toEqual([]);
    for (const tone of ["formal", "concise"] as const)
      for (const length of ["short", "long"] as const) {
        const variant = (await drain(pacedLocalDrafter(0).draft({ ...REQUEST, tone, length }))).chunks.join(
          "",
        );
        expect(checkProposal(variant, { ...facts, language: "en" })).toEqual([]);
      }
    const chinese = (
      await drain(
        pacedLocalDrafter(0).draft({
          ...REQUEST,
          language: "zh",
          invitation: {
            ...REQUEST.invitation,
            slots: ["2026年12月8日星期二 19:00"],
            deadline: "2026年12月4日星期五",
          },
        }),
      )
    ).chunks.join("");
    expect(chinese).toMatch(/^亲爱的Aisyah Rahman：/);
    expect(checkProposal(chinese, { ...facts, language: "zh" })).toEqual([]);
  });

  it("stops when its caller aborts", async () => {
    const controller = new AbortController();
    const stream = pacedLocalDrafter(0).draft(REQUEST, controller.signal);
    await stream.next();
    controller.abort();
    await expect(stream.next()).rejects.toThrow();
  });
});
