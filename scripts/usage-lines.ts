/**
 * Reads the per-invocation usage lines the worker prints (one JSON object a line, `"atas":"usage"`;
 * the contract is in docs/operations.md, "Cost") out of wrangler dev's output, and turns each into
 * the billable units of worker/src/ops/prices.ts:
 *
 *   requests          1 a line (a fetch, a queue batch and a cron run are each one Workers invocation)
 *   d1RowsRead/Written  d1.rowsRead / d1.rowsWritten
 *   storeCommands     store.commands
 *   queueOps          queue.sends x 3 (a message is a write, a read and a delete; ours are ids, under 64 KB)
 *   doRequests        durableObject.requests
 *   doGbSeconds       durationMs x 128 MB when the line made Durable Object requests: an upper bound
 *                     for the objects' active time (they answer inside the invocation, and hibernate after)
 *   r2ClassA/B, aiPromptTokens/CompletionTokens  as named
 *
 * CPU time is not in the line (durationMs is wall time): the cost script measures workerd's CPU from
 * outside and spreads it over the invocations. Lines that do not parse are counted, never fatal.
 */
import { z } from "zod";
import { addUnits, emptyUnits, type UnitCounts } from "../worker/src/ops/prices.ts";

const count = z.number().nonnegative();

// A group of counters or a counter left out reads as zero.
export const UsageLine = z.object({
  atas: z.literal("usage"),
  kind: z.enum(["request", "batch", "cron"]),
  requestId: z.string().optional(),
  method: z.string().optional(),
  route: z.string().optional(),
  status: z.number().int().optional(),
  durationMs: count.default(0),
  actor: z.string().nullable().optional(),
  d1: z.object({ queries: count, rowsRead: count, rowsWritten: count }).partial().default({}),
  store: z.object({ commands: count }).partial().default({}),
  // A batch line names its queue; the contract puts the name in `queue` too, so either shape is read.
  queue: z.union([z.string(), z.object({ sends: count }).partial().default({})]).optional(),
  queueName: z.string().optional(),
  messages: count.optional(),
  cron: z.string().optional(),
  durableObject: z.object({ requests: count }).partial().default({}),
  r2: z.object({ classA: count, classB: count, bytesWritten: count }).partial().default({}),
  ai: z.object({ promptTokens: count, completionTokens: count }).partial().default({}),
});
export type UsageLine = z.infer<typeof UsageLine>;

export const ErrorLine = z.object({
  atas: z.literal("error"),
  requestId: z.string().optional(),
  route: z.string().optional(),
  message: z.string().optional(),
});
export type ErrorLine = z.infer<typeof ErrorLine>;

/** Durable Objects bill 128 MB of memory per active object. */
const DO_GB = 128 / 1024;

export type ParsedLine =
  | { kind: "usage"; line: UsageLine }
  | { kind: "error"; line: ErrorLine }
  | { kind: "malformed"; text: string }
  | null;

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are what it removes.
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * One line of wrangler's output: a usage line, an error line, a line that claims to be one of ours
 * but does not parse (`malformed`), or null for anything else. wrangler may prefix the worker's
 * console output (colours, a level tag), so the object is read from the first `{"atas":`.
 */
export function parseLine(raw: string): ParsedLine {
  const text = raw.replace(ANSI, "");
  const start = text.indexOf('{"atas":');
  if (start < 0) return null;
  const body = text.slice(start, text.lastIndexOf("}") + 1);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { kind: "malformed", text: body.slice(0, 200) };
  }
  const usage = UsageLine.safeParse(value);
  if (usage.success) return { kind: "usage", line: usage.data };
  const error = ErrorLine.safeParse(value);
  if (error.success) return { kind: "error", line: error.data };
  return { kind: "malformed", text: body.slice(0, 200) };
}

/** The billable units one usage line stands for (CPU apart: see the header). */
export function unitsOf(line: UsageLine): Partial<UnitCounts> {
  const sends = typeof line.queue === "object" ? (line.queue.sends ?? 0) : 0;
  const doRequests = line.durableObject.requests ?? 0;
  return {
    requests: 1,
    d1RowsRead: line.d1.rowsRead ?? 0,
    d1RowsWritten: line.d1.rowsWritten ?? 0,
    storeCommands: line.store.commands ?? 0,
    queueOps: sends * 3,
    doRequests,
    doGbSeconds: doRequests > 0 ? (line.durationMs / 1000) * DO_GB : 0,
    r2ClassA: line.r2.classA ?? 0,
    r2ClassB: line.r2.classB ?? 0,
    aiPromptTokens: line.ai.promptTokens ?? 0,
    aiCompletionTokens: line.ai.completionTokens ?? 0,
  };
}

/** What a line is about, for the per-route breakdown: `GET /api/notes/{id}`, `batch atas-email`, `cron 0 * * * *`. */
export function labelOf(line: UsageLine): string {
  if (line.kind === "batch") {
    const name = line.queueName ?? (typeof line.queue === "string" ? line.queue : "?");
    return `batch ${name}`;
  }
  if (line.kind === "cron") return `cron ${line.cron ?? "?"}`;
  return `${line.method ?? "?"} ${line.route ?? "?"}`;
}

export interface Tally {
  units: UnitCounts;
  lines: number;
  errors: number;
  malformed: number;
  /** Invocations by label (labelOf). */
  byLabel: Map<string, number>;
}

export const emptyTally = (): Tally => ({
  units: emptyUnits(),
  lines: 0,
  errors: 0,
  malformed: 0,
  byLabel: new Map(),
});

/**
 * Adds up wrangler's output by the action being played when each line arrived: the cost script
 * runs one action at a time and waits for its queued work to finish, so a line belongs to the
 * action open when it is printed. Lines before the first action or between actions go to `idle`.
 */
export class UsageTally {
  readonly actions = new Map<string, Tally>();
  private current = "idle";

  /** Attribute the lines that follow to `action` (until the next call). */
  begin(action: string) {
    this.current = action;
  }

  end() {
    this.current = "idle";
  }

  /** Feeds one line of output; returns what it was. */
  read(raw: string): ParsedLine {
    const parsed = parseLine(raw);
    if (!parsed) return parsed;
    const tally = this.tallyOf(this.current);
    if (parsed.kind === "malformed") tally.malformed += 1;
    else if (parsed.kind === "error") tally.errors += 1;
    else {
      tally.lines += 1;
      addUnits(tally.units, unitsOf(parsed.line));
      const label = labelOf(parsed.line);
      tally.byLabel.set(label, (tally.byLabel.get(label) ?? 0) + 1);
    }
    return parsed;
  }

  tallyOf(action: string): Tally {
    let tally = this.actions.get(action);
    if (!tally) {
      tally = emptyTally();
      this.actions.set(action, tally);
    }
    return tally;
  }

  /** Every action's units added together. */
  total(): Tally {
    const total = emptyTally();
    for (const tally of this.actions.values()) {
      addUnits(total.units, tally.units);
      total.lines += tally.lines;
      total.errors += tally.errors;
      total.malformed += tally.malformed;
      for (const [label, n] of tally.byLabel) total.byLabel.set(label, (total.byLabel.get(label) ?? 0) + n);
    }
    return total;
  }
}
