import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { drafterFor } from "../../worker/src/adapters/drafter";
import {
  DrafterRefused,
  DrafterUnavailable,
  type DraftRequest,
  type DraftUsage,
} from "../../worker/src/adapters/drafter/interface";
import { openaiDrafter, proposalMessages } from "../../worker/src/adapters/drafter/openai";
import type { FakeOpenAIRequest } from "../support/fake-openai";

const KEY = "sk-test-key";

/** A request whose title carries a marker, to find its call among other test files' calls. */
function draftRequest(overrides: Partial<DraftRequest> = {}): DraftRequest {
  return {
    language: "en",
    tone: "warm",
    length: "short",
    invitation: {
      kind: "talk",
      title: `Scaling payments in Southeast Asia ${crypto.randomUUID().slice(0, 8)}`,
      agenda: "How GrabPay handles peak traffic,\nand what broke on the way",
      audienceSize: 80,
      durationMinutes: 60,
      format: "on-site",
      venue: "Dewan Kuliah A, Faculty of Computer Science",
      honorarium: "MYR 300",
      slots: ["Tuesday, 8 December 2026, 19:00", "Thursday, 10 December 2026, 14:30"],
      deadline: "Friday, 4 December 2026",
      timeZone: "Asia/Kuala_Lumpur",
    },
    expert: {
      name: "Aisyah Rahman",
      headline: "Staff Engineer, Payments",
      company: "GrabPay",
      topics: ["payments", "distributed systems"],
      pastTalks: ["Idempotency keys in practice"],
    },
    requester: { name: "UM Computing Society", kind: "club", campus: "Universiti Malaya" },
    ...overrides,
  };
}

async function collect(stream: AsyncGenerator<string, DraftUsage, void>) {
  const chunks: string[] = [];
  for (;;) {
    const next = await stream.next();
    if (next.done) return { chunks, text: chunks.join(""), usage: next.value };
    chunks.push(next.value);
  }
}

async function requestsFor(marker: string) {
  const response = await fetch(`${env.FAKE_OPENAI_URL}/__requests`);
  const all = (await response.json()) as FakeOpenAIRequest[];
  return all.filter((r) => JSON.stringify(r.body).includes(marker));
}

const drafter = (model?: string, timeoutMs?: number) =>
  openaiDrafter({ apiKey: KEY, baseURL: env.FAKE_OPENAI_URL, model, timeoutMs });

describe("Drafter, OpenAI", () => {
  it("streams a grounded proposal in chunks and returns the usage the API reported", async () => {
    const request = draftRequest();
    const { chunks, text, usage } = await collect(drafter().draft(request));

    expect(chunks.length).toBeGreaterThan(10);
    const { invitation, expert, requester } = request;
    for (const fact of [
      expert.name,
      invitation.title,
      ...invitation.slots,
      invitation.deadline,
      requester.name,
    ]) {
      expect(text).toContain(fact);
    }

    const calls = await requestsFor(invitation.title);
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(call?.body).toMatchObject({
      model: "gpt-4o-mini",
      stream: true,
      stream_options: { include_usage: true },
    });
    const messages = call?.body.messages as { role: string; content: string }[];
    expect(messages.map((m) => m.role)).toEqual(["system", "user"]);
    for (const fact of [expert.name, invitation.title, ...invitation.slots, invitation.deadline]) {
      expect(messages[1]?.content).toContain(fact);
    }
    expect(text).toBe(call?.response?.text);
    expect(usage).toEqual({
      promptTokens: call?.response?.usage.prompt_tokens,
      completionTokens: call?.response?.usage.completion_tokens,
    });
  });

  it("is named for its model", () => {
    expect(drafter().name).toBe("openai:gpt-4o-mini");
    expect(drafter("gpt-4.1-mini").name).toBe("openai:gpt-4.1-mini");
  });

  it("estimates usage when the provider sends none", async () => {
    const { text, usage } = await collect(drafter("no-usage").draft(draftRequest()));
    expect(usage.completionTokens).toBe(Math.ceil(text.length / 4));
    expect(usage.promptTokens).toBeGreaterThan(100);
  });

  it("writes the prompt for the language, tone and length asked", () => {
    const request = draftRequest({ language: "zh", tone: "formal", length: "long" });
    const [system, user] = proposalMessages(request);
    expect(system?.content).toContain("Simplified Chinese");
    expect(system?.content).toContain("formal");
    expect(system?.content).toContain("560-720 Chinese characters");
    expect(user?.content).toContain("Honorarium: MYR 300");
    // A multi-line agenda stays on its own line, so it cannot pose as another fact.
    expect(user?.content).toContain("Agenda: How GrabPay handles peak traffic, and what broke on the way\n");
    const unpaid = proposalMessages(
      draftRequest({ invitation: { ...request.invitation, honorarium: null } }),
    );
    expect(unpaid[1]?.content).toContain("Honorarium: none");
  });

  it("throws DrafterUnavailable for 5xx and 429, with the status and the provider's message", async () => {
    await expect(collect(drafter("fail-500").draft(draftRequest()))).rejects.toThrow(
      new DrafterUnavailable(
        "openai:fail-500 answered 500 The server had an error while processing your request. Sorry about that!",
      ),
    );
    const rateLimited = collect(drafter("fail-429").draft(draftRequest()));
    await expect(rateLimited).rejects.toBeInstanceOf(DrafterUnavailable);
    await expect(rateLimited).rejects.toThrow(/429 Rate limit reached/);
  });

  it("throws DrafterRefused for a bad request and a wrong key", async () => {
    const bad = collect(drafter("bad-request").draft(draftRequest()));
    await expect(bad).rejects.toBeInstanceOf(DrafterRefused);
    await expect(bad).rejects.toThrow(/400 The model `bad-request` does not support/);
    const wrongKey = openaiDrafter({ apiKey: "sk-wrong", baseURL: env.FAKE_OPENAI_URL });
    const unauthorized = collect(wrongKey.draft(draftRequest()));
    await expect(unauthorized).rejects.toBeInstanceOf(DrafterRefused);
    await expect(unauthorized).rejects.toThrow(/401 Incorrect API key provided/);
  });

  it("throws DrafterUnavailable when the provider is too slow to answer", async () => {
    const started = Date.now();
    const slow = collect(drafter("slow", 300).draft(draftRequest()));
    await expect(slow).rejects.toBeInstanceOf(DrafterUnavailable);
    await expect(slow).rejects.toThrow(/timed out/i);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("throws DrafterUnavailable when a started stream goes quiet", async () => {
    const chunks: string[] = [];
    const stalled = (async () => {
      for await (const chunk of drafter("stall", 300).draft(draftRequest())) chunks.push(chunk);
    })();
    await expect(stalled).rejects.toThrow(new DrafterUnavailable("openai:stall: no data for 300 ms"));
    expect(chunks.length).toBeGreaterThan(0);
  });

  it("stops with the caller's reason when the caller aborts", async () => {
    const controller = new AbortController();
    const chunks: string[] = [];
    const aborted = (async () => {
      for await (const chunk of drafter().draft(draftRequest(), controller.signal)) {
        chunks.push(chunk);
        if (chunks.length === 3) controller.abort(new Error("the invitation was withdrawn"));
      }
    })();
    await expect(aborted).rejects.toThrow("the invitation was withdrawn");
    expect(chunks).toHaveLength(3);
  });

  it("is what drafterFor builds from OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_MODEL", async () => {
    const configured = drafterFor({
      ...env,
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: env.FAKE_OPENAI_URL,
      OPENAI_MODEL: "gpt-4.1-mini",
    });
    expect(configured.name).toBe("openai:gpt-4.1-mini");
    const request = draftRequest();
    const { text } = await collect(configured.draft(request));
    expect(text).toContain(request.expert.name);
    const calls = await requestsFor(request.invitation.title);
    expect(calls.map((c) => c.body.model)).toEqual(["gpt-4.1-mini"]);
    expect(drafterFor({ ...env, OPENAI_API_KEY: undefined }).name).toBe("local");
  });
});
