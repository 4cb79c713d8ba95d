import { describe, expect, it } from "vitest";
import { dayCost } from "../../worker/src/ops/services/metrics-report";
import { actorHash, routeTemplate, usageLine } from "../../worker/src/telemetry/log-line";
import { dataPoint, METERED_QUEUES } from "../../worker/src/telemetry/metrics";
import {
  currentUsage,
  meteredBatch,
  meteredD1,
  meteredNamespace,
  meteredQueue,
  meteredR2,
  meterScope,
  timed,
  Usage,
  upstashCommands,
} from "../../worker/src/telemetry/usage";

describe("route templates", () => {
  it("writes Hono's parameters as the OpenAPI document does", () => {
    expect(routeTemplate("/api/notes/:id")).toBe("/api/notes/{id}");
    expect(routeTemplate("/api/invitations/:id/:action")).toBe("/api/invitations/{id}/{action}");
    expect(routeTemplate("/api/rooms/:id{[a-z:0-9-]+}/ws")).toBe("/api/rooms/{id}/ws");
    expect(routeTemplate("/api/campuses")).toBe("/api/campuses");
  });
});

describe("Upstash commands as Upstash bills them", () => {
  it("counts one a command, each command of a pipeline or transaction, one a script call", () => {
    expect(upstashCommands([], ["get", "k"])).toBe(1);
    expect(upstashCommands(undefined, ["evalsha", "abc", "1", "k"])).toBe(1);
    expect(
      upstashCommands(
        ["pipeline"],
        [
          ["incr", "k"],
          ["expire", "k", "60"],
        ],
      ),
    ).toBe(2);
    expect(
      upstashCommands(
        ["multi-exec"],
        [
          ["set", "a", "1"],
          ["set", "b", "2"],
          ["del", "c"],
        ],
      ),
    ).toBe(3);
  });
});

describe("the usage line", () => {
  it("has the contract's fields for a request, a batch and a cron run", () => {
    const usage = new Usage({ requestId: "r1" });
    usage.route = "/api/notes/{id}";
    usage.counts.d1.rowsRead = 3;
    const request = usageLine({ kind: "request", method: "GET", status: 200 }, usage, "r1", 12.345, null);
    expect(request).toEqual({
      atas: "usage",
      requestId: "r1",
      kind: "request",
      method: "GET",
      route: "/api/notes/{id}",
      status: 200,
      durationMs: 12.3,
      actor: null,
      d1: { queries: 0, rowsRead: 3, rowsWritten: 0 },
      store: { commands: 0 },
      queue: { sends: 0 },
      durableObject: { requests: 0 },
      r2: { classA: 0, classB: 0, bytesWritten: 0 },
      ai: { promptTokens: 0, completionTokens: 0 },
    });
    const batch = usageLine({ kind: "batch", queue: "atas-email", messages: 2 }, usage, "r2", 1, null);
    expect(batch).toMatchObject({ kind: "batch", queueName: "atas-email", messages: 2, queue: { sends: 0 } });
    expect(batch).not.toHaveProperty("route");
    const cron = usageLine({ kind: "cron", cron: "0 * * * *" }, usage, "r3", 1, null);
    expect(cron).toMatchObject({ kind: "cron", cron: "0 * * * *" });
    expect(cron).not.toHaveProperty("status");
  });

  it("names the actor by a keyed hash: stable, 16 hex, different under another key, none without a key in production", async () => {
    const dev = { APP_ENV: "development" };
    const a = await actorHash("user-1", dev);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(await actorHash("user-1", dev)).toBe(a);
    expect(await actorHash("user-2", dev)).not.toBe(a);
    expect(await actorHash("user-1", { APP_ENV: "production", LOG_ACTOR_KEY: "k1" })).not.toBe(a);
    expect(await actorHash("user-1", { APP_ENV: "production" })).toBeNull();
    expect(await actorHash(undefined, dev)).toBeNull();
  });
});

/** A stand-in D1 that answers like workerd's: rows, and meta with rows read and written. */
function fakeD1() {
  const statement = (sql: string): D1PreparedStatement =>
    ({
      bind: () => statement(sql),
      all: async () => ({
        results: [{ id: 1 }, { id: 2 }],
        meta: { rows_read: 7, rows_written: 0 },
        success: true,
      }),
      run: async () => ({ results: [], meta: { rows_read: 1, rows_written: 3 }, success: true }),
      raw: async () => [[1], [2]],
      first: async () => ({ id: 1 }),
    }) as unknown as D1PreparedStatement;
  return {
    prepare: statement,
    batch: async (statements: D1PreparedStatement[]) =>
      statements.map(() => ({
        results: [{ id: 1 }],
        meta: { rows_read: 2, rows_written: 1 },
        success: true,
      })),
  } as unknown as D1Database;
}

describe("the meter's bindings", () => {
  it("D1: meta where D1 gives it, rows handed back where raw() gives none, and the exact mode", async () => {
    const usage = new Usage();
    const db = meteredD1(fakeD1(), usage);
    await db.prepare("select * from notes where id = ?").bind("x").all();
    await db.prepare("update notes set title = ?").bind("t").run();
    expect(await db.prepare("select id from notes").first("id")).toBe(1);
    await db.prepare("select id from notes").raw();
    await db.prepare("insert into notes (id) values (1), (2) returning id").raw();
    await db.batch([db.prepare("insert into a values (1)"), db.prepare("insert into b values (1)")]);
    expect(usage.counts.d1).toEqual({ queries: 7, rowsRead: 7 + 1 + 7 + 2 + 0 + 4, rowsWritten: 3 + 2 + 2 });
    expect(usage.roundTrips).toBe(6);
    const exact = new Usage({ exactRows: true });
    await meteredD1(fakeD1(), exact).prepare("select id from notes").raw();
    expect(exact.counts.d1.rowsRead).toBe(7);
  });

  it("R2 by price class, queue sends per message, Durable Object calls, batch acks and retries", async () => {
    const usage = new Usage();
    const bucket = meteredR2(
      {
        put: async (_key: string, value: unknown) => ({ size: (value as Uint8Array).byteLength }),
        get: async () => null,
        head: async () => null,
        list: async () => ({ objects: [] }),
        delete: async () => undefined,
      } as unknown as R2Bucket,
      usage,
    );
    await bucket.put("a", new Uint8Array(10));
    await bucket.get("a");
    await bucket.head("a");
    await bucket.list();
    await bucket.delete("a");
    expect(usage.counts.r2).toEqual({ classA: 2, classB: 2, bytesWritten: 10 });

    const queue = meteredQueue(
      { send: async () => {}, sendBatch: async () => {} } as unknown as Queue<string>,
      "atas-email",
      usage,
    );
    await queue.send("x");
    await queue.sendBatch([{ body: "y" }, { body: "z" }]);
    expect(usage.counts.queue.sends).toBe(3);
    expect(usage.sendsByQueue).toEqual({ "atas-email": 3 });

    const stub = { fetch: async () => new Response(null), notify: async () => true, id: "object-id" };
    const namespace = meteredNamespace({ get: () => stub, idFromName: () => "object-id" }, usage);
    const got = namespace.get();
    await got.fetch();
    await got.notify();
    expect(got.id).toBe("object-id");
    expect(usage.counts.durableObject.requests).toBe(2);

    const acks: string[] = [];
    const message = (id: string) => ({
      id,
      body: id,
      ack: () => acks.push(`ack ${id}`),
      retry: () => acks.push(`retry ${id}`),
    });
    const batch = meteredBatch(
      { queue: "atas-email", messages: [message("1"), message("2")] } as unknown as MessageBatch<string>,
      usage,
    );
    batch.messages[0]?.ack();
    batch.messages[1]?.retry();
    expect(acks).toEqual(["ack 1", "retry 2"]);
    expect(usage.batch).toEqual({ acked: 1, retried: 1 });
  });

  it("finds the current tally through the async scope, and none outside it", async () => {
    const usage = new Usage();
    expect(currentUsage()).toBeUndefined();
    await meterScope(usage, async () => {
      await Promise.resolve();
      expect(currentUsage()).toBe(usage);
    });
  });
});

describe("the Analytics Engine data point and the day's cost", () => {
  it("lays the point out as the SQL API queries in docs/operations.md expect", () => {
    const usage = new Usage();
    usage.counts.d1.rowsRead = 40;
    usage.sendsByQueue["atas-fanout"] = 2;
    const point = dataPoint({
      at: 0,
      kind: "request",
      name: "/api/notes/{id}",
      method: "GET",
      status: 503,
      durationMs: 9,
      messages: 0,
      usage,
    });
    expect(point.indexes).toEqual(["/api/notes/{id}"]);
    expect(point.blobs).toEqual(["request", "/api/notes/{id}", "GET"]);
    expect(point.doubles).toHaveLength(20);
    expect(point.doubles?.slice(0, 3)).toEqual([503, 9, 1]);
    expect(point.doubles?.[7]).toBe(40);
    expect(point.doubles?.[15 + METERED_QUEUES.indexOf("atas-fanout")]).toBe(2);
  });

  it("prices a day's units at list price and as a month at that rate", () => {
    const day = dayCost({
      requests: 1_000_000,
      d1RowsRead: 1_000_000_000,
      queueSends: 1000,
      storeCommands: 100_000,
    });
    expect(day.units.queueOps).toBe(3000);
    expect(day.listUsd.workers).toBeCloseTo(0.3, 9);
    expect(day.listUsd.d1).toBeCloseTo(1, 9);
    expect(day.listUsd.store).toBeCloseTo(0.2, 9);
    expect(day.listUsd.platform).toBeCloseTo(0.3 + 1 + 0.2 + (3000 / 1e6) * 0.4, 9);
    // 30 M requests a month: 20 M beyond the 10 M included, plus the $5 base.
    expect(day.monthAtThisRateUsd.workers).toBeCloseTo(5 + 20 * 0.3, 9);
  });
});

describe("the timing breakdown (x-atas-measure: timing)", () => {
  /** A D1 stand-in whose batch answers at once. */
  const fakeD1 = () =>
    ({
      prepare: (sql: string) => ({ sql, bind: () => ({}) }),
      batch: async (statements: unknown[]) => statements.map(() => ({ results: [], meta: {} })),
    }) as unknown as D1Database;

  it("adds each part's time and count; the session's own D1 trips apart from the rest", async () => {
    const usage = new Usage({ timing: true });
    const db = meteredD1(fakeD1(), usage);
    await meterScope(usage, async () => {
      await timed("session", () => db.batch([]), true);
      await db.batch([]);
      await db.batch([]);
      expect(timed("rank", () => 42)).toBe(42);
    });
    const parts = usage.timings?.parts;
    expect(parts?.get("session.d1")?.count).toBe(1);
    expect(parts?.get("d1")?.count).toBe(2);
    expect(parts?.get("session")?.count).toBe(1);
    expect(parts?.get("rank")?.count).toBe(1);
    expect(usage.roundTrips).toBe(3);
    expect(usage.timings?.header(5)).toMatch(
      /^total;dur=5\.00, session\.d1;dur=[\d.]+;desc="1", session;dur=[\d.]+;desc="1", d1;dur=[\d.]+;desc="2", rank;dur=[\d.]+;desc="1"$/,
    );
  });

  it("is off unless asked: nothing is timed, the work still runs", async () => {
    const usage = new Usage();
    const result = await meterScope(usage, () => timed("session", async () => "done", true));
    expect(result).toBe("done");
    expect(usage.timings).toBeUndefined();
    expect(timed("rank", () => 1)).toBe(1);
  });
});
