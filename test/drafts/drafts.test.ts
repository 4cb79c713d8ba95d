import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { type Drafter, DrafterUnavailable } from "../../worker/src/adapters/drafter/interface";
import { openaiDrafter } from "../../worker/src/adapters/drafter/openai";
import { failDraft, runDraftJob } from "../../worker/src/drafts/services/run-draft-job";
import { spokenDay } from "../../worker/src/pro/proposal-text";
import { inboxOf } from "../../worker/src/realtime";
import type { DraftFrame, InboxFrame } from "../../worker/src/realtime/inbox";
import { systemContext } from "../../worker/src/shared/context";
import { enforce, enforceAll } from "../../worker/src/shared/rate-limit";
import { adaptersFor } from "../../worker/src/wiring";
import { act, draft as draftInvitation, expert as makeExpert } from "../pro/fixtures";
import worker from "../support/entry";
import type { FakeOpenAIRequest } from "../support/fake-openai";
import { call, expectProblem, freshIp, ORIGIN, signUp, waitFor, waitForMail } from "../support/http";

interface DraftBody {
  id: string;
  status: string;
  text: string;
  problems: { code: string }[];
  error: string | null;
  usage: { provider: string; promptTokens: number; completionTokens: number } | null;
}

async function setUp(overrides: Record<string, unknown> = {}) {
  const student = await signUp({ role: "student", displayName: "Mei Ling" });
  const expert = await makeExpert();
  const title = `Payments at scale ${crypto.randomUUID().slice(0, 6)}`;
  const invitationId = await draftInvitation(student.cookie, expert.id, { title, ...overrides });
  return { student, expert, invitationId, title };
}

function requestDraft(
  cookie: string,
  invitationId: string,
  options: { ip?: string; json?: unknown; key?: string } = {},
) {
  return call(`/api/invitations/${invitationId}/draft`, {
    method: "POST",
    cookie,
    ...(options.ip ? { ip: options.ip } : {}),
    ...(options.json ? { json: options.json } : {}),
    ...(options.key ? { headers: { "idempotency-key": options.key } } : {}),
  });
}

async function readDraft(cookie: string, id: string): Promise<DraftBody> {
  const response = await call(`/api/drafts/${id}`, { cookie });
  expect(response.status).toBe(200);
  return (await response.json()) as DraftBody;
}

async function settled(cookie: string, id: string, timeoutMs = 15_000): Promise<DraftBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const draft = await readDraft(cookie, id);
    if (draft.status === "ready" || draft.status === "failed") return draft;
    if (Date.now() > deadline) throw new Error(`draft ${id} still ${draft.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function openInbox(cookie: string) {
  const response = await SELF.fetch(`${ORIGIN}/api/inbox`, {
    headers: { upgrade: "websocket", cookie, origin: ORIGIN },
  });
  const socket = response.webSocket;
  if (!socket) throw new Error(`no socket: ${response.status}`);
  const frames: InboxFrame[] = [];
  socket.addEventListener("message", (e) => frames.push(JSON.parse(String(e.data)) as InboxFrame));
  socket.accept();
  return { socket, frames };
}

describe("POST /api/invitations/{id}/draft", { timeout: 20_000 }, () => {
  it("answers 202 at once; the ai queue writes a grounded draft that streams to the inbox, then saves it", async () => {
    const { student, invitationId, title } = await setUp();
    const inbox = await openInbox(student.cookie);
    const response = await requestDraft(student.cookie, invitationId);
    expect(response.status).toBe(202);
    const { draftId, status } = (await response.json()) as { draftId: string; status: string };
    expect(status).toBe("queued");
    expect(response.headers.get("location")).toBe(`/api/drafts/${draftId}`);

    const draft = await settled(student.cookie, draftId);
    expect(draft.status).toBe("ready");
    const invitation = (await (
      await call(`/api/invitations/${invitationId}`, { cookie: student.cookie })
    ).json()) as {
      invitation: { responseDeadline: string };
    };
    const deadline = spokenDay(Date.parse(invitation.invitation.responseDeadline), "Asia/Kuala_Lumpur", "en");
    for (const fact of [
      "Dr Expert",
      title,
      "Staff Engineer",
      "About 80 people",
      deadline,
      "Mei Ling",
      "Would you",
    ])
      expect(draft.text).toContain(fact);
    expect(draft.problems).toEqual([]);
    expect(draft.usage).toMatchObject({ provider: "local" });
    expect(draft.usage?.completionTokens).toBeGreaterThan(50);

    // The live text arrived in many steps, each continuing the last, and adds up to the saved text.
    // The socket's frames trail the saved row: wait for the last one, never for a fixed time.
    const ofDraft = () =>
      inbox.frames.filter((f): f is DraftFrame => f.type === "draft" && f.draftId === draftId);
    const steps = await waitFor(
      "the ready frame",
      async () => ofDraft(),
      (f) => f.at(-1)?.status === "ready",
    );
    const writing = steps.filter((f) => f.status === "writing" && f.chunk);
    expect(writing.length).toBeGreaterThan(3);
    let text = "";
    for (const step of writing) {
      expect(step.offset).toBe(text.length);
      text += step.chunk;
    }
    expect(text).toBe(draft.text);
    expect(steps.at(-1)?.status).toBe("ready");
    inbox.socket.close(1000);
  });

  it("writes Chinese when asked, with the dates in Chinese", async () => {
    const { student, invitationId } = await setUp();
    const response = await requestDraft(student.cookie, invitationId, {
      json: { language: "zh", tone: "formal" },
    });
    const { draftId } = (await response.json()) as { draftId: string };
    const draft = await settled(student.cookie, draftId);
    expect(draft.text).toContain("尊敬的Dr Expert");
    expect(draft.text).toMatch(/\d+月\d+日/);
    expect(draft.problems).toEqual([]);
  });

  it("the same Idempotency-Key returns the first draft and queues nothing more", async () => {
    const { student, invitationId } = await setUp();
    const key = crypto.randomUUID();
    const [a, b] = await Promise.all([
      requestDraft(student.cookie, invitationId, { key }),
      requestDraft(student.cookie, invitationId, { key }),
    ]);
    const ids = await Promise.all([a, b].map(async (r) => ((await r.json()) as { draftId: string }).draftId));
    expect(ids[0]).toBe(ids[1]);
    const rows = await env.DB.prepare("select count(*) as n from proposal_drafts where invitation_id = ?")
      .bind(invitationId)
      .first<{ n: number }>();
    expect(rows?.n).toBe(1);
  });

  it("only the requester's side drafts, only a draft invitation; anyone else gets 404", async () => {
    const { student, expert, invitationId } = await setUp();
    const stranger = await signUp();
    await expectProblem(await requestDraft(stranger.cookie, invitationId), 404);
    await expectProblem(await requestDraft(expert.cookie, invitationId), 404);
    const { draftId } = (await (await requestDraft(student.cookie, invitationId)).json()) as {
      draftId: string;
    };
    await expectProblem(await call(`/api/drafts/${draftId}`, { cookie: stranger.cookie }), 404);
    await expectProblem(
      await call(`/api/invitations/${invitationId}/drafts`, { cookie: stranger.cookie }),
      404,
    );
    expect((await act(student.cookie, invitationId, "send")).status).toBe(200);
    await expectProblem(await requestDraft(expert.cookie, invitationId), 403);
    const late = await requestDraft(student.cookie, invitationId);
    await expectProblem(late, 409);
    await expectProblem(await requestDraft(student.cookie, invitationId, { json: { tone: "shouty" } }), 400);
  });
});

describe("attaching a draft", { timeout: 20_000 }, () => {
  it("checks the edited text, attaches it as the proposal, and the invitation goes out with it", async () => {
    const { student, expert, invitationId } = await setUp();
    const { draftId } = (await (await requestDraft(student.cookie, invitationId)).json()) as {
      draftId: string;
    };
    const draft = await settled(student.cookie, draftId);

    const attach = (text: string) =>
      call(`/api/drafts/${draftId}/attach`, { cookie: student.cookie, json: { text } });
    const refused = async (text: string) => {
      const response = await attach(text);
      const body = (await expectProblem(response, 400)) as unknown as {
        code: string;
        problems: { code: string }[];
      };
      expect(body.code).toBe("proposal-checks");
      return body.problems.map((p) => p.code);
    };
    expect(await refused("Hi, come talk to us?")).toEqual(
      expect.arrayContaining(["too-short", "no-date", "no-ask"]),
    );
    expect(await refused(`${draft.text}\n\n[Your phone number]`)).toEqual(["placeholder"]);
    const withoutDeadline = draft.text.replace(/Would you be available[^\n]*/u, "We look forward to it.");
    expect(await refused(withoutDeadline)).toEqual(["no-ask"]);

    const edited = `${draft.text}\n\nP.S. We can also record the session for students who cannot attend.`;
    const ok = await attach(edited);
    expect(ok.status).toBe(200);
    const page = (await (
      await call(`/api/invitations/${invitationId}`, { cookie: student.cookie })
    ).json()) as {
      invitation: { proposal: string };
    };
    expect(page.invitation.proposal).toBe(edited);
    expect((await act(student.cookie, invitationId, "send")).status).toBe(200);
    // The expert reads the proposal in the mail that brings the invitation.
    const mail = await waitForMail(expert.email, "new invitation");
    expect(mail.text).toContain("record the session for students who cannot attend");
  });

  it("a draft still being written cannot be attached", async () => {
    const { student, invitationId } = await setUp();
    const { draftId } = (await (await requestDraft(student.cookie, invitationId)).json()) as {
      draftId: string;
    };
    await env.DB.prepare("update proposal_drafts set status = 'writing' where id = ?").bind(draftId).run();
    await expectProblem(
      await call(`/api/drafts/${draftId}/attach`, { cookie: student.cookie, json: { text: "x" } }),
      409,
    );
  });
});

/**
 * The limit tests queue dozens of drafts nobody reads; failing the ones still queued makes their
 * jobs no-ops (the claim needs `queued`), so the draft-job tests below do not wait behind them.
 */
async function dropQueuedDrafts(invitationId: string) {
  await env.DB.prepare(
    "update proposal_drafts set status = 'failed', error = 'not needed by the test' where invitation_id = ? and status = 'queued'",
  )
    .bind(invitationId)
    .run();
}

describe("rate limits on drafting", { timeout: 20_000 }, () => {
  it("20 concurrent requests from one IP: exactly 5 accepted, 15 × 429; another IP is unaffected; the next minute refills", async () => {
    const { student, invitationId } = await setUp();
    const ip = freshIp();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => requestDraft(student.cookie, invitationId, { ip })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    const limited = responses.find((r) => r.status === 429);
    if (!limited) throw new Error("no 429");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await expectProblem(limited, 429)) as unknown as { code: string; retryAfter: number };
    expect(body.code).toBe("ip-limit");
    expect((await requestDraft(student.cookie, invitationId, { ip: freshIp() })).status).toBe(202);

    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 61_000);
      expect((await requestDraft(student.cookie, invitationId, { ip })).status).toBe(202);
    } finally {
      vi.useRealTimers();
    }
    await dropQueuedDrafts(invitationId);
  });

  it("anonymous and invalid requests from a shared address spend none of a signed-in student's 5 a minute", async () => {
    const { student, invitationId } = await setUp();
    const stranger = await signUp({ role: "student" });
    const ip = freshIp();
    for (let i = 0; i < 10; i++) {
      expect((await call(`/api/invitations/${invitationId}/draft`, { method: "POST", ip })).status).toBe(401);
    }
    for (let i = 0; i < 5; i++) {
      const bad = await requestDraft(student.cookie, invitationId, { ip, json: { tone: "furious" } });
      expect(bad.status).toBe(400);
      // Someone else's invitation is a 404, and spends nothing either.
      expect((await requestDraft(stranger.cookie, invitationId, { ip })).status).toBe(404);
    }
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await requestDraft(student.cookie, invitationId, { ip })).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
    await dropQueuedDrafts(invitationId);
  });

  it("bursts either side of a minute's edge (real requests, controlled clock): never more than 5 in 60 s", async () => {
    const { student, invitationId } = await setUp();
    const ip = freshIp();
    const t0 = Math.ceil(Date.now() / 60_000) * 60_000;
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(t0);
      const statuses = [(await requestDraft(student.cookie, invitationId, { ip })).status];
      vi.setSystemTime(t0 + 59_900);
      for (let i = 0; i < 4; i++)
        statuses.push((await requestDraft(student.cookie, invitationId, { ip })).status);
      vi.setSystemTime(t0 + 60_100);
      for (let i = 0; i < 5; i++)
        statuses.push((await requestDraft(student.cookie, invitationId, { ip })).status);
      expect(statuses).toEqual([202, 202, 202, 202, 202, 202, 429, 429, 429, 429]);
    } finally {
      vi.useRealTimers();
    }
    await dropQueuedDrafts(invitationId);
  });

  // 31 requests one after another, plus two sign-ups: more than the default on a busy machine.
  it("an account rotating IPs still meets its daily quota", { timeout: 45_000 }, async () => {
    const { student, invitationId } = await setUp();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      statuses.push((await requestDraft(student.cookie, invitationId)).status);
      // Writing 30 drafts meanwhile would slow every request down; only the quota is under test.
      await dropQueuedDrafts(invitationId);
    }
    expect(statuses.slice(0, 30).every((s) => s === 202)).toBe(true);
    const body = (await expectProblem(await requestDraft(student.cookie, invitationId), 429)) as unknown as {
      code: string;
    };
    expect(body.code).toBe("daily-quota");
  });

  it("store round trips and commands per request: 1 (two script calls in one pipeline) for an allowed draft and for the refusal that finds the block, 0 after", async () => {
    const { student, invitationId } = await setUp();
    const ip = freshIp();
    const printed: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(" "));
    });
    // The store's HTTP requests (round trips), as @upstash/redis sends them through fetch.
    const realFetch = globalThis.fetch;
    let storeRequests = 0;
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.startsWith(env.UPSTASH_REDIS_REST_URL)) storeRequests++;
      return realFetch(input, init);
    });
    /** Sends one draft request; its status, the store commands its usage line counts and the store requests it made. */
    const draftWithUsage = async (): Promise<{ status: number; commands: number; requests: number }> => {
      const requestId = `draft-usage-${crypto.randomUUID()}`;
      const requestsBefore = storeRequests;
      const ctx = createExecutionContext();
      const response = await worker.fetch(
        new Request(`${ORIGIN}/api/invitations/${invitationId}/draft`, {
          method: "POST",
          headers: {
            cookie: student.cookie,
            origin: ORIGIN,
            "x-atas-csrf": "1",
            "cf-connecting-ip": ip,
            "cf-ray": requestId,
          },
        }) as Request<unknown, IncomingRequestCfProperties>,
        env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      const line = await vi.waitFor(
        () => {
          for (const text of printed) {
            try {
              const parsed = JSON.parse(text) as {
                atas?: string;
                requestId?: string;
                store?: { commands: number };
              };
              if (parsed.atas === "usage" && parsed.requestId === requestId) return parsed;
            } catch {
              // not a log line of ours
            }
          }
          throw new Error("no usage line yet");
        },
        { timeout: 15_000, interval: 50 },
      );
      return {
        status: response.status,
        commands: line.store?.commands ?? -1,
        requests: storeRequests - requestsBefore,
      };
    };
    try {
      // The scripts may need loading once (EVALSHA, then EVAL) in a fresh runtime: not what is counted.
      await enforceAll(env, [
        { policy: "draftIp", identifier: freshIp() },
        { policy: "draftAccount", identifier: crypto.randomUUID() },
      ]);
      const seen = [];
      for (let i = 0; i < 7; i++) seen.push(await draftWithUsage());
      // The refused sixth still spends a daily token (each limit its own budget, as in @upstash/ratelimit).
      expect(seen).toEqual([
        ...Array.from({ length: 5 }, () => ({ status: 202, commands: 2, requests: 1 })),
        { status: 429, commands: 2, requests: 1 },
        { status: 429, commands: 0, requests: 0 },
      ]);
    } finally {
      spy.mockRestore();
      fetchSpy.mockRestore();
    }
    await dropQueuedDrafts(invitationId);
  });

  it("an IP known to be blocked is refused from memory: no store call (it still answers 429 with the store gone)", async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) await enforce(env, "draftIp", ip);
    await expect(enforce(env, "draftIp", ip)).rejects.toMatchObject({ status: 429 });
    const storeGone = { ...env, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" };
    await expect(enforce(storeGone, "draftIp", ip)).rejects.toMatchObject({ status: 429 });
    // A client the limiter has not seen needs the store, which is down: fail closed.
    await expect(enforce(storeGone, "draftIp", freshIp())).rejects.toMatchObject({ status: 503 });
  });

  it("fails closed: with the limiter's store unreachable the endpoint answers 503 with Retry-After", async () => {
    const { student, invitationId } = await setUp();
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request(`${ORIGIN}/api/invitations/${invitationId}/draft`, {
        method: "POST",
        headers: {
          cookie: student.cookie,
          origin: ORIGIN,
          "x-atas-csrf": "1",
          "cf-connecting-ip": freshIp(),
        },
      }) as Request<unknown, IncomingRequestCfProperties>,
      { ...env, UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    await expectProblem(response, 503);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("draft jobs", { timeout: 20_000 }, () => {
  it("a job delivered twice writes one draft", async () => {
    const { student, invitationId } = await setUp();
    const { draftId } = (await (await requestDraft(student.cookie, invitationId)).json()) as {
      draftId: string;
    };
    await env.AI_QUEUE.send({ kind: "draft", key: draftId, draftId });
    const draft = await settled(student.cookie, draftId);
    await new Promise((r) => setTimeout(r, 500));
    const again = await readDraft(student.cookie, draftId);
    expect(again.text).toBe(draft.text);
    const row = await env.DB.prepare("select attempts from proposal_drafts where id = ?")
      .bind(draftId)
      .first<{ attempts: number }>();
    expect(row?.attempts).toBe(1);
  });

  it("a draft whose retries are exhausted is failed with the reason, and the page is told", async () => {
    const { student, invitationId } = await setUp();
    const inbox = await openInbox(student.cookie);
    const [{ id }] = (
      await env.DB.prepare(
        "insert into proposal_drafts (id, invitation_id, requested_by, tone, language, length, status, created_at) values (?, ?, ?, 'warm', 'en', 'short', 'queued', ?) returning id",
      )
        .bind(crypto.randomUUID(), invitationId, student.id, Date.now())
        .all<{ id: string }>()
    ).results as [{ id: string }];
    await failDraft(env, id, "The AI service did not answer after several tries.");
    const draft = await readDraft(student.cookie, id);
    expect(draft).toMatchObject({
      status: "failed",
      error: "The AI service did not answer after several tries.",
    });
    await waitFor(
      "the failed frame",
      async () => inbox.frames,
      (frames) => frames.some((f) => f.type === "draft" && f.draftId === id && f.status === "failed"),
    );
    inbox.socket.close(1000);
  });

  it("a page that connects mid-way gets the text so far in its hello", async () => {
    const user = await signUp();
    const draftId = crypto.randomUUID();
    const box = inboxOf(env, user.id);
    await box.draftProgress({ draftId, status: "writing", offset: 0, chunk: "", sentAt: Date.now() });
    await box.draftProgress({ draftId, status: "writing", offset: 0, chunk: "Dear Dr ", sentAt: Date.now() });
    await box.draftProgress({ draftId, status: "writing", offset: 8, chunk: "Expert,", sentAt: Date.now() });
    // A step that does not continue the text (one was lost) is not stored.
    await box.draftProgress({ draftId, status: "writing", offset: 99, chunk: "lost", sentAt: Date.now() });
    const inbox = await openInbox(user.cookie);
    await waitFor(
      "the hello frame",
      async () => inbox.frames,
      (frames) => frames.length > 0,
    );
    expect(inbox.frames[0]).toMatchObject({
      type: "hello",
      drafts: [{ draftId, status: "writing", text: "Dear Dr Expert," }],
    });
    inbox.socket.close(1000);
  });
});

describe("GET /api/admin/ai-usage", { timeout: 20_000 }, () => {
  it("totals the day's drafts and tokens for admins only", async () => {
    const { student, invitationId } = await setUp();
    const { draftId } = (await (await requestDraft(student.cookie, invitationId)).json()) as {
      draftId: string;
    };
    const draft = await settled(student.cookie, draftId);
    const admin = await signUp();
    await env.DB.prepare("update users set role = 'admin' where id = ?").bind(admin.id).run();
    const usage = (await (await call("/api/admin/ai-usage", { cookie: admin.cookie })).json()) as {
      drafts: number;
      promptTokens: number;
      completionTokens: number;
      byProvider: { provider: string; completionTokens: number }[];
    };
    expect(usage.drafts).toBeGreaterThanOrEqual(1);
    expect(usage.completionTokens).toBeGreaterThanOrEqual(draft.usage?.completionTokens ?? 1);
    expect(usage.byProvider.some((p) => p.provider === "local")).toBe(true);
    await expectProblem(await call("/api/admin/ai-usage", { cookie: student.cookie }), 403);
    await expectProblem(await call("/api/admin/ai-usage?day=2026-02-30", { cookie: admin.cookie }), 400);
  });
});

describe("draft jobs against an OpenAI-compatible provider (the local fake speaks its protocol)", {
  timeout: 20_000,
}, () => {
  const provider = (model: string) =>
    openaiDrafter({ apiKey: "sk-test-key", baseURL: env.FAKE_OPENAI_URL, model, timeoutMs: 2_000 });
  /** A job's context with this provider in place of the configured drafter. */
  const jobWith = (drafter: Drafter) => systemContext(env, { ...adaptersFor(env), drafter });
  async function requestsFor(title: string) {
    const all = (await (await fetch(`${env.FAKE_OPENAI_URL}/__requests`)).json()) as FakeOpenAIRequest[];
    return all.filter((r) => JSON.stringify(r.body).includes(title));
  }
  async function queuedDraft() {
    const { student, invitationId, title } = await setUp();
    const id = crypto.randomUUID();
    await env.DB.prepare(
      "insert into proposal_drafts (id, invitation_id, requested_by, tone, language, length, status, created_at) values (?, ?, ?, 'warm', 'en', 'medium', 'queued', ?)",
    )
      .bind(id, invitationId, student.id, Date.now())
      .run();
    return { student, title, id, job: { kind: "draft" as const, key: id, draftId: id } };
  }

  it("a job delivered twice at once makes one provider call and one draft", async () => {
    const { student, title, id, job } = await queuedDraft();
    const outcomes = await Promise.all([
      runDraftJob(jobWith(provider("gpt-4o-mini")), job),
      runDraftJob(jobWith(provider("gpt-4o-mini")), job),
    ]);
    expect(outcomes.sort()).toEqual(["skipped", "written"]);
    const calls = await requestsFor(title);
    expect(calls).toHaveLength(1);
    const draft = await readDraft(student.cookie, id);
    expect(draft.status).toBe("ready");
    expect(draft.text).toBe(calls[0]?.response?.text);
    expect(draft.usage).toMatchObject({
      provider: "openai:gpt-4o-mini",
      promptTokens: calls[0]?.response?.usage.prompt_tokens,
      completionTokens: calls[0]?.response?.usage.completion_tokens,
    });
    // A late redelivery finds it written and calls nobody.
    expect(await runDraftJob(jobWith(provider("gpt-4o-mini")), job)).toBe("skipped");
    expect(await requestsFor(title)).toHaveLength(1);
  });

  it("a provider 5xx puts the draft back in the queue state and throws, so the queue retries; the retry writes it", async () => {
    const { student, id, job } = await queuedDraft();
    await expect(runDraftJob(jobWith(provider("fail-500")), job)).rejects.toBeInstanceOf(DrafterUnavailable);
    expect(await readDraft(student.cookie, id)).toMatchObject({ status: "queued" });
    expect(await runDraftJob(jobWith(provider("gpt-4o-mini")), job)).toBe("written");
    expect(await readDraft(student.cookie, id)).toMatchObject({ status: "ready", error: null });
  });

  it("a refusal (400) fails the draft at once with the reason", async () => {
    const { student, id, job } = await queuedDraft();
    expect(await runDraftJob(jobWith(provider("bad-request")), job)).toBe("failed");
    const draft = await readDraft(student.cookie, id);
    expect(draft.status).toBe("failed");
    expect(draft.error).toMatch(/refused/);
  });
});
