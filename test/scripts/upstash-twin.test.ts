import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:net";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startThrowawayRedis } from "../../scripts/platform.ts";
import { startUpstashTwin, type UpstashTwin } from "../../scripts/upstash-twin.ts";

const NODE = "node_modules/.bin/node";

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}

/** A private redis-server for the "redis" mode; missing, it fails that mode loudly rather than skip it. */
async function startRedisServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const redis = await startThrowawayRedis();
  if (!redis)
    throw new Error(
      "redis-server is not on PATH (nor at REDIS_SERVER_PATH): `npm test` installs Debian's redis-server first, or run apt-get install redis-server",
    );
  return redis;
}

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** Fixed and sliding windows of 60 s: keep a test's eight requests inside one window. */
async function awayFromWindowEdge(): Promise<void> {
  const intoWindow = Date.now() % 60_000;
  if (intoWindow > 57_000) await new Promise((r) => setTimeout(r, 60_000 - intoWindow + 50));
}

const RATELIMIT_SCRIPT = `#!lua flags=allow-key-locking
  local n = redis.call("INCRBY", KEYS[1], ARGV[1])
  return {n, ARGV[2], {"nested", false}}
`;

type Mode = "memory" | "redis";

describe.each<Mode>(["memory", "redis"])("upstash twin (%s mode)", (mode) => {
  let twin: UpstashTwin;
  let redisServer: Awaited<ReturnType<typeof startRedisServer>> | undefined;
  let redis: Redis;

  /** Raw protocol access, for what the client does not expose. */
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${twin.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${twin.token}`, ...headers },
      body:
        typeof body === "string"
          ? body
          : body instanceof Uint8Array
            ? (body as Uint8Array<ArrayBuffer>)
            : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  beforeAll(async () => {
    if (mode === "redis") redisServer = await startRedisServer();
    twin = await startUpstashTwin({ port: 0, redisUrl: redisServer?.url ?? "memory" });
    redis = new Redis({ url: twin.url, token: twin.token, enableTelemetry: false });
  });

  afterAll(async () => {
    await twin?.close();
    await redisServer?.stop();
  });

  describe("with @upstash/redis", () => {
    it("runs on the requested backend", () => {
      expect(twin.mode).toBe(mode);
      expect(twin.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    });

    it("round-trips strings, unicode and JSON values", async () => {
      const unicode = "héllo wörld ✓ 日本語 🎉 \u0000 end";
      await redis.set("s:unicode", unicode);
      expect(await redis.get("s:unicode")).toBe(unicode);

      const object = { a: 1, nested: { list: ["x", "ü", null], flag: true }, emoji: "🚀" };
      await redis.set("s:json", object);
      expect(await redis.get("s:json")).toEqual(object);

      // Strings that are valid base64 or special-cased by the client must still come back intact.
      for (const value of ["OK", "PONG", "abcd", "", "12345678901234567890"]) {
        await redis.set("s:tricky", value);
        const raw = new Redis({ url: twin.url, token: twin.token, automaticDeserialization: false });
        expect(await raw.get("s:tricky")).toBe(value);
      }
      expect(await redis.get("s:missing")).toBeNull();
    });

    it("counts the calls it answers, a pipeline as one, and the commands, as Upstash bills them", async () => {
      const before = twin.requests;
      const commandsBefore = twin.commands;
      const prefixBefore = twin.requestsByPrefix.get("s") ?? 0;
      const pipeline = redis.pipeline();
      pipeline.set("s:count", "1");
      pipeline.get("s:count");
      await pipeline.exec();
      await redis.get("s:count");
      const transaction = redis.multi();
      transaction.incr("s:count");
      transaction.incr("s:count");
      transaction.incr("s:count");
      await transaction.exec();
      expect(twin.requests - before).toBe(3);
      expect(twin.commands - commandsBefore).toBe(6);
      expect(twin.commandsByKind.get("INCR s")).toBeGreaterThanOrEqual(3);
      // By the keys' first segment: each of the three calls once, however many commands it carried.
      expect((twin.requestsByPrefix.get("s") ?? 0) - prefixBefore).toBe(3);
    });

    it("talks the same without base64 response encoding", async () => {
      const plain = new Redis({ url: twin.url, token: twin.token, responseEncoding: false });
      await plain.set("s:plain", "naïve ✓");
      expect(await plain.get("s:plain")).toBe("naïve ✓");
      expect(await plain.mget("s:plain", "s:none")).toEqual(["naïve ✓", null]);
    });

    it("covers the cache-aside commands", async () => {
      const direct = new Redis({ url: twin.url, token: twin.token, enableAutoPipelining: false });
      expect(await direct.ping()).toBe("PONG");
      expect(await direct.set("c:a", "1", { ex: 100 })).toBe("OK");
      expect(await direct.set("c:a", "2", { nx: true })).toBeNull();
      expect(await direct.set("c:b", "2", { px: 100_000, nx: true })).toBe("OK");
      expect(await direct.mget("c:a", "c:b", "c:none")).toEqual([1, 2, null]);
      expect(await direct.ttl("c:a")).toBeGreaterThan(90);
      expect(await direct.expire("c:b", 50)).toBe(1);
      expect(await direct.incr("c:n")).toBe(1);
      expect(await direct.incr("c:n")).toBe(2);
      expect(await direct.del("c:a", "c:b", "c:none")).toBe(2);
      expect(await direct.zadd("c:z", { score: 1, member: "one" }, { score: 3, member: "three" })).toBe(2);
      expect(await direct.zadd("c:z", { score: 2, member: "two" })).toBe(1);
      expect(await direct.zadd("c:z", { nx: true }, { score: 9, member: "one" })).toBe(0);
      expect(await direct.zscore("c:z", "one")).toBe(1);
      expect(await direct.zrange("c:z", 0, -1, { rev: true })).toEqual(["three", "two", "one"]);
      expect(await direct.zremrangebyrank("c:z", 0, 0)).toBe(1);
      expect(await direct.zrange("c:z", 0, -1)).toEqual(["two", "three"]);
      expect(await direct.hset("c:h", { f1: "v1", f2: "ü" })).toBe(2);
      expect(await direct.hgetall("c:h")).toEqual({ f1: "v1", f2: "ü" });
      expect(await direct.dbsize()).toBeGreaterThan(0);

      const zrevrange = await post("/", ["ZREVRANGE", "c:z", "0", "-1", "WITHSCORES"]);
      expect(zrevrange).toEqual({ status: 200, body: { result: ["three", "3", "two", "2"] } });

      expect(await direct.flushall()).toBe("OK");
      expect(await direct.dbsize()).toBe(0);
    });

    it("works with the app's client options (raw values, pipelines, abort signal)", async () => {
      const app = new Redis({
        url: twin.url,
        token: twin.token,
        automaticDeserialization: false,
        enableTelemetry: false,
        retry: { retries: 1, backoff: () => 50 },
        signal: () => AbortSignal.timeout(1500),
      });
      await app.set("app:k", JSON.stringify({ v: 1 }), { ex: 60 });
      expect(await app.mget<(string | null)[]>("app:k", "app:none")).toEqual(['{"v":1}', null]);
      expect(await app.ttl("app:k")).toBeGreaterThan(50);
      const [count, expired] = await app
        .pipeline()
        .incr("app:n")
        .expire("app:n", 30)
        .exec<[number, number]>();
      expect([count, expired]).toEqual([1, 1]);
      expect(await app.del("app:k", "app:n")).toBe(2);
    });

    it("runs pipelines with independent per-command errors", async () => {
      await redis.set("p:text", "abc");
      const results = await redis
        .pipeline()
        .set("p:a", 1)
        .incr("p:a")
        .incr("p:text")
        .get("p:a")
        .exec({ keepErrors: true });
      expect(results.map((r) => r.result)).toEqual(["OK", 2, undefined, 2]);
      expect(results[2]?.error).toMatch(/^ERR value is not an integer/);
      expect(results.filter((r) => r.error).length).toBe(1);

      await expect(redis.pipeline().incr("p:text").get("p:a").exec()).rejects.toThrow(
        /Command 1 \[ incr \] failed/,
      );
    });

    it("runs multi-exec transactions and aborts on queue-time errors", async () => {
      const [set, incr, get] = await redis.multi().set("m:a", 10).incr("m:a").get("m:a").exec();
      expect([set, incr, get]).toEqual(["OK", 11, 11]);

      const aborted = await post("/multi-exec", [
        ["INCR", "m:a"],
        ["NOPE", "x"],
      ]);
      expect(aborted.status).toBe(400);
      expect(aborted.body).toMatchObject({ error: expect.stringMatching(/^EXECABORT/) });
      expect(await redis.get("m:a")).toBe(11);

      await redis.set("m:text", "abc");
      const mixed = await post("/multi-exec", [
        ["INCR", "m:a"],
        ["INCR", "m:text"],
      ]);
      expect(mixed.status).toBe(200);
      expect(mixed.body).toEqual([{ result: 12 }, { error: "ERR value is not an integer or out of range" }]);
    });

    it("returns error replies as 400 and the client throws them", async () => {
      const direct = new Redis({ url: twin.url, token: twin.token, enableAutoPipelining: false });
      await direct.set("e:text", "not a number");
      await expect(direct.incr("e:text")).rejects.toThrow(/ERR value is not an integer or out of range/);
      expect(await direct.get("e:text")).toBe("not a number");
      await expect(redis.incr("e:text")).rejects.toThrow(/not an integer/);

      const unknown = await post("/", ["NOSUCHCOMMAND", "a"]);
      expect(unknown.status).toBe(400);
      expect(unknown.body).toEqual({ error: expect.stringMatching(/^ERR unknown command 'NOSUCHCOMMAND'/) });
    });

    it("rejects a wrong token", async () => {
      const wrong = new Redis({ url: twin.url, token: "wrong-token", retry: false });
      await expect(wrong.get("anything")).rejects.toThrow(/Unauthorized/);
      const res = await fetch(twin.url, { method: "POST", body: '["PING"]' });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "Unauthorized" });
    });

    it("maps EVALSHA of the original script hash after EVAL and SCRIPT LOAD", async () => {
      const hash = sha1(RATELIMIT_SCRIPT);
      await expect(redis.evalsha(hash, ["lua:n"], [2, "x"])).rejects.toThrow(/NOSCRIPT/);
      expect(await redis.scriptExists(hash)).toEqual([0]);
      expect(await redis.eval(RATELIMIT_SCRIPT, ["lua:n"], [2, "x"])).toEqual([2, "x", ["nested", null]]);
      expect(await redis.evalsha(hash, ["lua:n"], [3, "y"])).toEqual([5, "y", ["nested", null]]);
      expect(await redis.scriptExists(hash, "0".repeat(40))).toEqual([1, 0]);

      const other = `#!lua flags=allow-key-locking\nreturn "loaded " .. ARGV[1]`;
      expect(await redis.scriptLoad(other)).toBe(sha1(other));
      expect(await redis.evalsha(sha1(other), [], ["ok"])).toBe("loaded ok");
      const ro = new Redis({ url: twin.url, token: twin.token, enableAutoPipelining: false });
      expect(await ro.evalshaRo(sha1(other), [], ["ro"])).toBe("loaded ro");
      expect(await ro.evalRo(`return ARGV[1]`, [], ["eval_ro"])).toBe("eval_ro");

      // Results are base64 encoded recursively on the wire; integers and nulls are left alone.
      const raw = await post("/", ["EVALSHA", hash, "1", "lua:n", "1", "z"], {
        "upstash-encoding": "base64",
      });
      expect(raw).toEqual({ status: 200, body: { result: [6, "eg==", ["bmVzdGVk", null]] } });

      expect(await redis.scriptFlush()).toBe("OK");
      await expect(redis.evalsha(hash, ["lua:n"], [1, "x"])).rejects.toThrow(/NOSCRIPT/);
    });

    it("gives Lua scripts Redis semantics", async () => {
      await redis.set("lua:k1", "v");
      await redis.hset("lua:h", { a: "x" });
      const script = `
        local s = redis.call('SCAN', '0', 'MATCH', 'lua:k*', 'COUNT', '1000')
        return {s[1], s[2], redis.call('HMGET', 'lua:h', 'a', 'b'), redis.call('GET', 'lua:none') == false, 2.7, -2.7}`;
      expect(await redis.eval(script, [], [])).toEqual([0, ["lua:k1"], ["x", null], 1, 2, -2]);
      expect(await redis.eval("local t = {} for i = 1, 3 do t[i] = i * 2 end return t", [], [])).toEqual([
        2, 4, 6,
      ]);
      expect(await redis.eval("redis.call('SET', KEYS[1], 'no return')", ["lua:set"], [])).toBeNull();
      expect(await redis.get("lua:set")).toBe("no return");
      await expect(redis.eval("return {err = 'MYERR boom'}", [], [])).rejects.toThrow(/MYERR boom/);
      await expect(redis.eval("local x = nil + 1", [], [])).rejects.toThrow(/arithmetic on a nil value/);
    });

    it.each([
      ["slidingWindow", Ratelimit.slidingWindow(5, "60 s")],
      ["fixedWindow", Ratelimit.fixedWindow(5, "60 s")],
      ["tokenBucket", Ratelimit.tokenBucket(5, "60 s", 5)],
    ])("@upstash/ratelimit %s allows exactly 5 of 8", async (name, limiter) => {
      await awayFromWindowEdge();
      const ratelimit = new Ratelimit({ redis, limiter, prefix: `rl:${name}:${Date.now()}`, timeout: 0 });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 8; i++) outcomes.push((await ratelimit.limit("user-1")).success);
      expect(outcomes).toEqual([true, true, true, true, true, false, false, false]);

      const fresh = await ratelimit.limit("user-2");
      expect(fresh.success).toBe(true);
      expect(fresh.remaining).toBe(4);

      // A limiter without the in-process cache must still see the counts stored by the twin.
      const uncached = new Ratelimit({
        redis: new Redis({ url: twin.url, token: twin.token, automaticDeserialization: false }),
        limiter,
        prefix: `rl:${name}:uncached:${Date.now()}`,
        ephemeralCache: false,
        timeout: 0,
      });
      let successes = 0;
      for (let i = 0; i < 8; i++) if ((await uncached.limit("user-1")).success) successes++;
      expect(successes).toBe(5);
      expect((await uncached.getRemaining("user-1")).remaining).toBe(0);

      // resetUsedTokens runs a SCAN/DEL script.
      await uncached.resetUsedTokens("user-1");
      expect((await uncached.limit("user-1")).success).toBe(true);
    });
  });

  describe("numbered stores (/db/<n>: one per workerd test file)", () => {
    it("keeps each store's keys, pipelines and scripts apart from the others and from the root", async () => {
      const one = new Redis({ url: `${twin.url}/db/1`, token: twin.token, enableTelemetry: false });
      const two = new Redis({ url: `${twin.url}/db/2`, token: twin.token, enableTelemetry: false });
      await redis.set("ns:key", "root");
      await one.set("ns:key", "one");
      const pipeline = two.pipeline();
      pipeline.set("ns:key", "two");
      pipeline.zadd("ns:set", { score: 1, member: "only-in-two" });
      await pipeline.exec();
      expect([await redis.get("ns:key"), await one.get("ns:key"), await two.get("ns:key")]).toEqual([
        "root",
        "one",
        "two",
      ]);
      expect(await one.zrange("ns:set", 0, -1)).toEqual([]);
      expect(await two.zrange("ns:set", 0, -1)).toEqual(["only-in-two"]);
      expect(await one.eval("return redis.call('GET', KEYS[1])", ["ns:key"], [])).toBe("one");
      await one.del("ns:key");
      expect(await two.get("ns:key")).toBe("two");
    });

    it("refuses a store number out of range", async () => {
      expect((await post("/db/0", ["PING"])).status).toBe(400);
      expect((await post("/db/4096/pipeline", [["PING"]])).status).toBe(400);
      expect((await post("/db/x", ["PING"])).status).toBe(400);
    });
  });

  describe("wire protocol", () => {
    it("base64-encodes every string in the result, recursively, only when asked", async () => {
      await post("/", ["DEL", "w:h"]);
      await post("/", ["RPUSH", "w:l", "ä", "b"]);
      expect(await post("/", ["LRANGE", "w:l", "0", "-1"], { "Upstash-Encoding": "base64" })).toEqual({
        status: 200,
        body: { result: [Buffer.from("ä").toString("base64"), "Yg=="] },
      });
      expect(await post("/", ["LRANGE", "w:l", "0", "-1"])).toEqual({
        status: 200,
        body: { result: ["ä", "b"] },
      });
      expect(await post("/", ["LLEN", "w:l"], { "Upstash-Encoding": "base64" })).toEqual({
        status: 200,
        body: { result: 2 },
      });
      expect(
        await post("/pipeline", [["PING"], ["GET", "w:none"]], { "Upstash-Encoding": "base64" }),
      ).toEqual({
        status: 200,
        body: [{ result: "UE9ORw==" }, { result: null }],
      });
    });

    it("accepts the path-style form and keeps binary values byte-exact", async () => {
      const bytes = new Uint8Array([0xff, 0x00, 0x80, 0x41, 0xc3]);
      expect(await post("/set/w:bin", bytes)).toEqual({ status: 200, body: { result: "OK" } });
      const got = await post("/get/w:bin", "", { "Upstash-Encoding": "base64" });
      expect(got.status).toBe(200);
      expect(Buffer.from((got.body as { result: string }).result, "base64")).toEqual(Buffer.from(bytes));

      const res = await fetch(`${twin.url}/set/w:path/v%2F1?EX=100&_token=${twin.token}`);
      expect(await res.json()).toEqual({ result: "OK" });
      expect(await post("/get/w:path", "")).toEqual({ status: 200, body: { result: "v/1" } });
      expect(await post("/ttl/w:path", "")).toMatchObject({
        status: 200,
        body: { result: expect.any(Number) },
      });
    });

    it("answers malformed and oversized bodies with a JSON error", async () => {
      expect(await post("/", "not json")).toMatchObject({ status: 400, body: { error: expect.any(String) } });
      expect(await post("/", [])).toMatchObject({ status: 400, body: { error: expect.any(String) } });
      expect(await post("/pipeline", { no: "array" })).toMatchObject({
        status: 400,
        body: { error: expect.any(String) },
      });
      expect(await post("/", ["SET", "k", { nested: 1 }])).toMatchObject({ status: 400 });
      const huge = await post("/", ["SET", "w:huge", "x".repeat(11 * 1024 * 1024)]);
      expect(huge).toMatchObject({ status: 413, body: { error: expect.any(String) } });
    });
  });
});

describe("backend selection", () => {
  it("throws when an explicit Redis URL does not answer", async () => {
    const port = await freePort();
    await expect(startUpstashTwin({ redisUrl: `redis://127.0.0.1:${port}` })).rejects.toThrow(
      /cannot reach Redis/,
    );
  });

  it("keeps the data of separate in-memory twins apart", async () => {
    const [a, b] = await Promise.all([
      startUpstashTwin({ redisUrl: "memory" }),
      startUpstashTwin({ redisUrl: "memory" }),
    ]);
    try {
      const ra = new Redis({ url: a.url, token: a.token });
      const rb = new Redis({ url: b.url, token: b.token });
      await ra.set("shared?", "a");
      expect(await rb.get("shared?")).toBeNull();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("runs as a CLI, prints its address and stops on SIGTERM", async () => {
    const child = spawn(
      NODE,
      ["scripts/upstash-twin.ts", "--port", "0", "--memory", "--token", "cli-token"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      const [line] = (await once(child.stdout, "data")) as [Buffer];
      const match = /^upstash-twin listening on (http:\/\/127\.0\.0\.1:\d+) \(mode: memory\)\n$/.exec(
        line.toString(),
      );
      expect(match).not.toBeNull();
      const cli = new Redis({ url: match?.[1] ?? "", token: "cli-token" });
      expect(await cli.ping()).toBe("PONG");
    } finally {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    }
  });
});
