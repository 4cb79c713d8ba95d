import { describe, expect, it } from "vitest";
import { labelOf, parseLine, UsageTally, unitsOf } from "../../scripts/usage-lines";

const REQUEST = {
  atas: "usage",
  kind: "request",
  requestId: "r-1",
  method: "GET",
  route: "/api/notes/{id}",
  status: 200,
  durationMs: 12.4,
  actor: "0123456789abcdef",
  d1: { queries: 3, rowsRead: 120, rowsWritten: 0 },
  store: { commands: 1 },
  queue: { sends: 0 },
  durableObject: { requests: 0 },
  r2: { classA: 0, classB: 1, bytesWritten: 0 },
  ai: { promptTokens: 0, completionTokens: 0 },
};
const line = (value: object) => JSON.stringify(value);

describe("parseLine", () => {
  it("reads the contract's request line, with or without wrangler's prefix and colours", () => {
    for (const raw of [line(REQUEST), `[wrangler:info] \u001b[32m${line(REQUEST)}\u001b[39m`]) {
      const parsed = parseLine(raw);
      expect(parsed?.kind).toBe("usage");
      if (parsed?.kind !== "usage") return;
      expect(parsed.line.route).toBe("/api/notes/{id}");
      expect(parsed.line.d1.rowsRead).toBe(120);
    }
  });

  it("ignores other output, and flags our lines that do not parse", () => {
    expect(parseLine("[wrangler:info] GET /api/notes 200 OK (12ms)")).toBeNull();
    expect(parseLine('{"other":"json"}')).toBeNull();
    expect(parseLine('{"atas":"usage","kind":"request"')?.kind).toBe("malformed");
    expect(parseLine(line({ ...REQUEST, kind: "nap" }))?.kind).toBe("malformed");
    expect(parseLine(line({ ...REQUEST, d1: { rowsRead: -1 } }))?.kind).toBe("malformed");
  });

  it("reads error lines", () => {
    const parsed = parseLine(
      line({ atas: "error", requestId: "r-1", route: "/api/x", message: "boom", stack: "at" }),
    );
    expect(parsed?.kind).toBe("error");
  });
});

describe("unitsOf", () => {
  it("turns a request line into billable units", () => {
    const parsed = parseLine(line(REQUEST));
    if (parsed?.kind !== "usage") throw new Error("not parsed");
    expect(unitsOf(parsed.line)).toEqual({
      requests: 1,
      d1RowsRead: 120,
      d1RowsWritten: 0,
      storeCommands: 1,
      queueOps: 0,
      doRequests: 0,
      doGbSeconds: 0,
      r2ClassA: 0,
      r2ClassB: 1,
      aiPromptTokens: 0,
      aiCompletionTokens: 0,
    });
  });

  it("bills a queued message three operations and a Durable Object its active time at 128 MB", () => {
    const parsed = parseLine(
      line({ ...REQUEST, durationMs: 80, queue: { sends: 2 }, durableObject: { requests: 1 } }),
    );
    if (parsed?.kind !== "usage") throw new Error("not parsed");
    const units = unitsOf(parsed.line);
    expect(units.queueOps).toBe(6);
    expect(units.doRequests).toBe(1);
    expect(units.doGbSeconds).toBeCloseTo(0.08 * 0.125, 12);
  });

  it("reads batch and cron lines, whose counters may be absent, and labels them", () => {
    const batch = parseLine(
      line({
        atas: "usage",
        kind: "batch",
        queue: "atas-email",
        messages: 3,
        durationMs: 5,
        d1: { rowsWritten: 3 },
      }),
    );
    const cron = parseLine(line({ atas: "usage", kind: "cron", cron: "0 * * * *", durationMs: 9 }));
    if (batch?.kind !== "usage" || cron?.kind !== "usage") throw new Error("not parsed");
    expect(labelOf(batch.line)).toBe("batch atas-email");
    expect(labelOf(cron.line)).toBe("cron 0 * * * *");
    expect(unitsOf(batch.line)).toMatchObject({
      requests: 1,
      d1RowsWritten: 3,
      queueOps: 0,
      storeCommands: 0,
    });
    const named = parseLine(
      line({ atas: "usage", kind: "batch", queueName: "atas-ai", queue: { sends: 1 } }),
    );
    if (named?.kind !== "usage") throw new Error("not parsed");
    expect(labelOf(named.line)).toBe("batch atas-ai");
    expect(unitsOf(named.line).queueOps).toBe(3);
  });
});

describe("UsageTally", () => {
  it("adds each line to the action open when it arrived, and totals them", () => {
    const tally = new UsageTally();
    tally.read(line(REQUEST));
    tally.begin("open a note");
    tally.read(line(REQUEST));
    tally.read(line(REQUEST));
    tally.read("not ours");
    tally.read('{"atas":"usage"');
    tally.read(line({ atas: "error", message: "boom" }));
    tally.begin("like");
    tally.read(line({ ...REQUEST, method: "POST", route: "/api/notes/{id}/like", d1: { rowsWritten: 2 } }));
    tally.end();
    const open = tally.tallyOf("open a note");
    expect(open.lines).toBe(2);
    expect(open.units.d1RowsRead).toBe(240);
    expect(open.malformed).toBe(1);
    expect(open.errors).toBe(1);
    expect(open.byLabel.get("GET /api/notes/{id}")).toBe(2);
    expect(tally.tallyOf("like").units.d1RowsWritten).toBe(2);
    expect(tally.tallyOf("idle").lines).toBe(1);
    const total = tally.total();
    expect(total.lines).toBe(4);
    expect(total.units.requests).toBe(4);
    expect(total.units.d1RowsRead).toBe(360);
    expect(total.byLabel.get("GET /api/notes/{id}")).toBe(3);
  });
});
