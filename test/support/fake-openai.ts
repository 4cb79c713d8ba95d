import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

interface ChatMessage {
  role: string;
  content: string;
}

interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** One request as received, and (when it streamed) the text and usage it was answered with. */
export interface FakeOpenAIRequest {
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
  response?: { text: string; usage: ChatUsage };
}

/** Longer than any client timeout a test sets, far shorter than a test's own timeout. */
const SLOW_MS = 5_000;
/** How long a stalled stream stays open before the server gives up on the client. */
const STALL_MS = 10_000;
const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);

/**
 * A local server that speaks OpenAI's `POST /v1/chat/completions` as the real API does when
 * streaming: bearer auth, OpenAI-shaped error bodies, `chat.completion.chunk` server-sent events,
 * a usage chunk when `stream_options.include_usage` asks for one, then `[DONE]`. It writes a
 * proposal from the facts in the user message, so tests can check a draft is grounded.
 *
 * The requested model picks a failure: `fail-500`, `fail-429`, `bad-request` (400), `slow`
 * (answers after SLOW_MS), `stall` (stops sending after a few chunks), `no-usage` (never sends
 * usage, as some compatible providers do). `GET /__requests` lists what it received (with what it
 * answered) and `DELETE /__requests` forgets it. `firstByteDelayMs` makes every answer start late,
 * `chunkDelayMs` (default 5) spaces the chunks.
 */
export async function startFakeOpenAI(
  apiKey: string,
  options: { firstByteDelayMs?: number; chunkDelayMs?: number } = {},
) {
  const chunkDelayMs = options.chunkDelayMs ?? 5;
  const received: FakeOpenAIRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json", "x-request-id": requestId() });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/__requests" || path === "/v1/__requests") {
      if (req.method === "GET") return send(200, received);
      if (req.method === "DELETE") {
        received.length = 0;
        return send(200, {});
      }
    }
    if (req.method !== "POST" || path !== "/v1/chat/completions") {
      return send(404, openaiError(`Invalid URL (${req.method} ${path})`, "invalid_request_error"));
    }
    const auth = req.headers.authorization;
    if (auth !== `Bearer ${apiKey}`) {
      const message = auth
        ? `Incorrect API key provided: ${auth.replace(/^Bearer\s+/i, "").slice(0, 8)}****. You can find your API key at https://platform.openai.com/account/api-keys.`
        : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
      return send(401, openaiError(message, "invalid_request_error", auth ? "invalid_api_key" : null));
    }
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error("not an object");
      body = parsed as Record<string, unknown>;
    } catch {
      return send(
        400,
        openaiError(
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
          "invalid_request_error",
        ),
      );
    }
    const entry: FakeOpenAIRequest = { headers: req.headers, body };
    received.push(entry);

    const invalid = validate(body);
    if (invalid) return send(400, invalid);
    const model = body.model as string;
    const messages = body.messages as ChatMessage[];
    if (model === "fail-500") {
      return send(
        500,
        openaiError(
          "The server had an error while processing your request. Sorry about that!",
          "server_error",
        ),
      );
    }
    if (model === "fail-429") {
      return send(
        429,
        openaiError(
          `Rate limit reached for ${model} on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.`,
          "requests",
          "rate_limit_exceeded",
        ),
      );
    }
    if (model === "bad-request") {
      return send(
        400,
        openaiError(
          `The model \`${model}\` does not support these parameters.`,
          "invalid_request_error",
          "unsupported_parameter",
        ),
      );
    }

    const closed = new Promise<void>((resolve) => res.once("close", resolve));
    let gone = false;
    void closed.then(() => {
      gone = true;
    });
    const wait = (ms: number) =>
      Promise.race([new Promise<void>((resolve) => setTimeout(resolve, ms)), closed]);

    if (options.firstByteDelayMs) await wait(options.firstByteDelayMs);
    if (model === "slow") await wait(SLOW_MS);
    if (gone) return;

    const text = proposalFrom(messages);
    const pieces = text.match(/\S{1,6}\s*|\s+/gu) ?? [];
    const promptTokens = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: pieces.length,
      total_tokens: promptTokens + pieces.length,
    };
    entry.response = { text, usage };
    const includeUsage =
      model !== "no-usage" &&
      (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    await stream(res, { model, pieces, usage: includeUsage ? usage : undefined, stall: model === "stall" });

    async function stream(
      response: ServerResponse,
      answer: { model: string; pieces: string[]; usage: ChatUsage | undefined; stall: boolean },
    ) {
      const id = `chatcmpl-${randomUUID().replaceAll("-", "").slice(0, 24)}`;
      const created = Math.floor(Date.now() / 1000);
      const event = (
        choices: { index: number; delta: Record<string, unknown>; finish_reason: string | null }[],
        usage?: ChatUsage,
      ) => {
        const chunk = {
          id,
          object: "chat.completion.chunk",
          created,
          model: answer.model,
          system_fingerprint: "fp_fake",
          choices,
          ...(answer.usage ? { usage: usage ?? null } : {}),
        };
        response.write(`data: ${JSON.stringify(chunk)}\n\n`);
      };
      response.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        connection: "keep-alive",
        "x-request-id": requestId(),
      });
      event([{ index: 0, delta: { role: "assistant", content: "", refusal: null }, finish_reason: null }]);
      for (const [i, piece] of answer.pieces.entries()) {
        if (answer.stall && i === 3) {
          await wait(STALL_MS);
          if (!gone) response.end();
          return;
        }
        await wait(chunkDelayMs);
        if (gone) return;
        event([{ index: 0, delta: { content: piece }, finish_reason: null }]);
      }
      event([{ index: 0, delta: {}, finish_reason: "stop" }]);
      if (answer.usage) event([], answer.usage);
      response.end("data: [DONE]\n\n");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function openaiError(message: string, type: string, code: string | null = null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

function requestId() {
  return `req_${randomUUID().replaceAll("-", "")}`;
}

/** The checks the real API makes on the fields this server reads, with its wording. */
function validate(body: Record<string, unknown>) {
  if (typeof body.model !== "string" || !body.model) {
    return openaiError("you must provide a model parameter", "invalid_request_error");
  }
  if (!Array.isArray(body.messages)) {
    return openaiError(
      "Missing required parameter: 'messages'.",
      "invalid_request_error",
      "missing_required_parameter",
      "messages",
    );
  }
  if (body.messages.length === 0) {
    return openaiError(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      "invalid_request_error",
      "empty_array",
      "messages",
    );
  }
  for (const [i, message] of (body.messages as unknown[]).entries()) {
    const { role, content } = (message ?? {}) as { role?: unknown; content?: unknown };
    if (typeof role !== "string" || !ROLES.has(role)) {
      return openaiError(
        `Invalid value for 'messages[${i}].role'.`,
        "invalid_request_error",
        "invalid_value",
        `messages[${i}].role`,
      );
    }
    if (typeof content !== "string") {
      return openaiError(
        `Invalid type for 'messages[${i}].content': expected a string.`,
        "invalid_request_error",
        "invalid_type",
        `messages[${i}].content`,
      );
    }
  }
  if (body.stream !== true) {
    return openaiError(
      "This fake only streams: set 'stream' to true.",
      "invalid_request_error",
      "invalid_value",
      "stream",
    );
  }
  return null;
}

/**
 * Stands in for the model: reads the user message's `Label: value` lines (a `- item` line adds to
 * the list above it) and writes them into a proposal, in Chinese when the system message asks for it,
 * keeping the rules the system message sets: plain text, no brackets.
 */
function proposalFrom(messages: ChatMessage[]) {
  const system = messages.find((m) => m.role === "system")?.content ?? "";
  const user = messages.findLast((m) => m.role === "user")?.content ?? "";
  const facts = new Map<string, string>();
  const lists = new Map<string, string[]>();
  let label = "";
  for (const line of user.split("\n")) {
    const item = line.match(/^- (.*)$/);
    if (item?.[1]) lists.set(label, [...(lists.get(label) ?? []), item[1]]);
    const fact = line.match(/^([^:]+):\s*(.*)$/);
    if (fact?.[1] && !item) {
      label = fact[1].trim().toLowerCase();
      facts.set(label, fact[2]?.trim() ?? "");
    }
  }
  const fact = (name: string) => facts.get(name) ?? "";
  const expert = fact("expert");
  if (!expert) return `Hello,\n\nThank you for these details:\n${user}\n\nBest regards`;
  const requester = fact("requester");
  const campus = fact("campus");
  const slots = lists.get("proposed slots") ?? [];
  const pastTalks = fact("expert's past talks on atas");
  const venue = fact("venue");
  const honorarium = fact("honorarium");
  if (system.includes("Simplified Chinese")) {
    return [
      `${expert}您好：`,
      `我们是${campus ? `${campus}的` : ""}${requester}，诚邀您参加${fact("kind")}“${fact("title")}”。您是${fact("expert company")}的${fact("expert headline")}，在${fact("expert topics")}方面的经验正是我们希望学习的${pastTalks && pastTalks !== "none" ? `，您在 ATAS 上的分享“${pastTalks}”也广受好评` : ""}。`,
      `本次活动的内容是：${fact("agenda")}。约${fact("audience size")}位同学将从中获得实用的行业见解。`,
      `我们提议的时间为${fact("time zone")}时间：${slots.join("；")}。时长${fact("duration")}，形式为${fact("format")}${venue ? `，地点：${venue}` : ""}。酬劳：${honorarium === "none" ? "无" : honorarium}。`,
      `恳请您在${fact("reply deadline")}之前回复，告知哪个时间合适。`,
      `此致\n敬礼\n${requester}`,
    ].join("\n\n");
  }
  return [
    `Dear ${expert},`,
    `I am writing on behalf of ${requester}${campus ? ` at ${campus}` : ""} to invite you to a ${fact("kind")} titled "${fact("title")}". As ${fact("expert headline")} at ${fact("expert company")}, your experience in ${fact("expert topics")} is exactly what our members hope to learn from${pastTalks && pastTalks !== "none" ? `, and your past ATAS sessions, ${pastTalks}, were warmly received` : ""}.`,
    `The session would cover: ${fact("agenda")}. Around ${fact("audience size")} attendees would come away with practical insight from someone doing the work.`,
    `We propose these times, in ${fact("time zone")} time: ${slots.join("; ")}. It would run for ${fact("duration")}, ${fact("format")}${venue ? ` at ${venue}` : ""}. Honorarium: ${honorarium}.`,
    `Could you let us know by ${fact("reply deadline")} which time suits you?`,
    `Best regards,\n${requester}`,
  ].join("\n\n");
}
