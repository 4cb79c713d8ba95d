import { describe, expect, it } from "vitest";
import { scrub } from "../../worker/src/ops/sentry";

describe("what an event keeps before it leaves for Sentry", () => {
  it("the request's method and URL without its query; no cookies, headers, body, user or log lines", () => {
    const event = scrub({
      exception: { values: [{ type: "Error", value: "boom" }] },
      request: {
        method: "POST",
        url: "https://atas.example/api/auth/reset?token=secret-token",
        query_string: "token=secret-token",
        cookies: { atas_session: "secret-cookie" },
        headers: { authorization: "Bearer secret", "cf-connecting-ip": "10.0.0.1" },
        data: '{"email":"someone@example.com"}',
      },
      user: { id: "user-1", ip_address: "10.0.0.1", email: "someone@example.com" },
      breadcrumbs: [
        { category: "console", message: "someone@example.com signed in" },
        { category: "fetch", data: { url: "https://db.upstash.io/pipeline?token=x", method: "POST" } },
      ],
      tags: { request_id: "r-1" },
    });
    expect(event.request).toEqual({ method: "POST", url: "https://atas.example/api/auth/reset" });
    expect(event.user).toBeUndefined();
    expect(event.breadcrumbs).toEqual([
      { category: "fetch", data: { url: "https://db.upstash.io/pipeline", method: "POST" } },
    ]);
    expect(event.tags).toEqual({ request_id: "r-1" });
    expect(JSON.stringify(event)).not.toMatch(/secret|someone@|10\.0\.0\.1/);
  });
});
