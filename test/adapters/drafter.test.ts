import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { drafterFor } from "../../worker/src/adapters/drafter";

describe("Drafter, local twin", () => {
  it("streams a proposal grounded in the request, in chunks", async () => {
    const drafter = drafterFor(env);
    const chunks: string[] = [];
    for await (const chunk of drafter.draft({
      kind: "talk",
      title: "Scaling payments in Southeast Asia",
      agenda: "How GrabPay handles peak traffic",
      expertName: "Aisyah Rahman",
      expertHeadline: "Staff Engineer, Payments",
      requesterName: "UM Computing Society",
      campusName: "Universiti Malaya",
      language: "en",
    })) {
      chunks.push(chunk);
    }
    expect(chunks.length).toBeGreaterThan(5);
    const text = chunks.join("");
    for (const fact of [
      "Aisyah Rahman",
      "Staff Engineer, Payments",
      "Scaling payments in Southeast Asia",
      "Universiti Malaya",
    ]) {
      expect(text).toContain(fact);
    }
  });

  it("refuses a configured OpenAI key until the real adapter exists", () => {
    expect(() => drafterFor({ ...env, OPENAI_API_KEY: "sk-test" })).toThrow(/OpenAI adapter/);
  });
});
