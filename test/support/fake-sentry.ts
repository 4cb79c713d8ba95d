import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

/** One envelope as Sentry's ingest receives it: its header, then each item's header and payload. */
export interface ReceivedEnvelope {
  project: string;
  /** The public key, from the X-Sentry-Auth header or the sentry_key query parameter. */
  key: string | null;
  /** The envelope exactly as sent (decompressed), for tests that look for what must not be there. */
  raw: string;
  header: Record<string, unknown>;
  items: { type: string; payload: unknown }[];
}

/**
 * A local server that speaks Sentry's envelope endpoint, `POST /api/<project>/envelope/`, as the
 * SDK's transport uses it: newline-separated JSON (an envelope header, then a header and a payload
 * per item), possibly gzipped, the key in X-Sentry-Auth or `?sentry_key=`. It answers 200 with an
 * id like Sentry, refuses anything else, and lists what it received at `GET /__envelopes`.
 */
export async function startFakeSentry() {
  const received: ReceivedEnvelope[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? "/", "http://fake-sentry");
    if (req.method === "GET" && url.pathname === "/__envelopes") return send(200, received);
    const match = url.pathname.match(/^\/api\/(\d+)\/envelope\/$/);
    if (req.method !== "POST" || !match?.[1]) return send(404, { detail: "not found" });
    const auth = req.headers["x-sentry-auth"];
    const key =
      (typeof auth === "string" ? auth.match(/sentry_key=([^,\s]+)/)?.[1] : undefined) ??
      url.searchParams.get("sentry_key");
    if (!key) return send(401, { detail: "missing authorization information" });
    const sent = Buffer.concat(chunks);
    const raw: string = (req.headers["content-encoding"] === "gzip" ? gunzipSync(sent) : sent).toString(
      "utf8",
    );
    try {
      const [head, ...rest] = raw.split("\n").filter((line) => line.trim() !== "");
      const items: ReceivedEnvelope["items"] = [];
      for (let i = 0; i + 1 < rest.length; i += 2) {
        const itemHeader = JSON.parse(rest[i] as string) as { type: string };
        items.push({ type: itemHeader.type, payload: JSON.parse(rest[i + 1] as string) });
      }
      received.push({ project: match[1], key, raw, header: JSON.parse(head ?? "{}"), items });
    } catch {
      return send(400, { detail: "invalid envelope" });
    }
    return send(200, { id: crypto.randomUUID().replaceAll("-", "") });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
