import { describe, expect, it } from "vitest";
import { sharedReads } from "../../web/shared-reads";

/** An API stand-in that answers each call with its own number, and counts them. */
function countingApi() {
  const seen: string[] = [];
  const api = async (request: Request) => {
    seen.push(`${request.method} ${new URL(request.url).pathname}`);
    return Response.json({ call: seen.length });
  };
  return { api, seen };
}

describe("a page render's API reads", () => {
  it("asks once for the same GET and gives every loader its own readable answer", async () => {
    const { api, seen } = countingApi();
    const reads = sharedReads(api);
    const [a, b] = await Promise.all([
      reads(new Request("http://x/api/me")),
      reads(new Request("http://x/api/me")),
    ]);
    expect(await a.json()).toEqual({ call: 1 });
    expect(await b.json()).toEqual({ call: 1 });
    const other = await reads(new Request("http://x/api/me?x=1"));
    expect(await other.json()).toEqual({ call: 2 });
    expect(seen).toEqual(["GET /api/me", "GET /api/me"]);
  });

  it("a write is never shared, and the reads after it ask again", async () => {
    const { api, seen } = countingApi();
    const reads = sharedReads(api);
    await reads(new Request("http://x/api/me"));
    await reads(new Request("http://x/api/auth/logout", { method: "POST" }));
    await reads(new Request("http://x/api/auth/logout", { method: "POST" }));
    const after = await reads(new Request("http://x/api/me"));
    expect(await after.json()).toEqual({ call: 4 });
    expect(seen).toEqual(["GET /api/me", "POST /api/auth/logout", "POST /api/auth/logout", "GET /api/me"]);
  });
});
