import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local server that speaks Resend's `POST /emails` as the real API documents it: bearer auth,
 * JSON body with from/to/subject and text or html, an id back. Recipients decide failures:
 * `+fail` answers 500 and `+limit` 429 (retryable), `+reject` answers 422 (permanent). `GET /__requests` lists
 * what it received so tests can check the exact requests. `delayMs` makes it a slow provider.
 */
export async function startFakeResend(apiKey: string, options: { delayMs?: number } = {}) {
  const received: { headers: IncomingMessage["headers"]; body: unknown }[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && req.url === "/__requests") return send(200, received);
    if (req.method === "DELETE" && req.url === "/__requests") {
      received.length = 0;
      return send(200, {});
    }
    if (req.method !== "POST" || req.url !== "/emails")
      return send(404, { name: "not_found", message: "Not found" });
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return send(401, {
        statusCode: 401,
        name: "missing_api_key",
        message: "Missing API key in the authorization header",
      });
    }
    let body: { from?: string; to?: string[]; subject?: string; text?: string; html?: string };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return send(400, { statusCode: 400, name: "validation_error", message: "Invalid JSON" });
    }
    received.push({ headers: req.headers, body });
    if (!body.from || !Array.isArray(body.to) || !body.subject || !(body.text || body.html)) {
      return send(422, { statusCode: 422, name: "validation_error", message: "Missing required field" });
    }
    if (body.to.some((to) => to.includes("+fail")))
      return send(500, { statusCode: 500, name: "application_error", message: "Internal" });
    if (body.to.some((to) => to.includes("+limit"))) {
      return send(429, { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" });
    }
    if (body.to.some((to) => to.includes("+reject"))) {
      return send(422, { statusCode: 422, name: "validation_error", message: "Invalid `to` field" });
    }
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    return send(200, { id: crypto.randomUUID() });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        // workerd keeps its connections alive; close them, or close() waits on them forever.
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
