import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The usage meter: what one request, queue batch or cron run cost in billable units. The entry
 * (worker.ts) makes one `Usage`, runs the work inside `meterScope` and hands it bindings wrapped
 * here (wiring.ts `meteredEnv`), so no domain counts anything itself. The store client is shared by
 * the isolate, so it finds the tally through the async scope (`currentUsage`) rather than a wrapper.
 *
 * D1 counts come from each statement's result meta (`rows_read`, `rows_written`), except `raw()`:
 * workerd's D1 shim receives the meta for it but returns only the rows, and `all()` cannot stand in
 * because it turns rows into objects keyed by column name (a join's two `id` columns collapse into
 * one, which drizzle's positional mapping then misreads). So a `raw()` select counts the rows it
 * returned as rows read (exact for lookups by key, a floor for scans and aggregates), and a write
 * with RETURNING counts them as rows written (a floor: index updates count too). `exactRows`
 * (the dev measurement mode, or USAGE_D1_EXACT outside production) runs such a statement once more
 * through `all()` to read its meta, doubling its D1 cost; docs/operations.md, "Logs", has the detail.
 */
export interface UsageCounts {
  d1: { queries: number; rowsRead: number; rowsWritten: number };
  store: { commands: number };
  queue: { sends: number };
  durableObject: { requests: number };
  r2: { classA: number; classB: number; bytesWritten: number };
  ai: { promptTokens: number; completionTokens: number };
}

/**
 * Where a request's wall time went (`x-atas-measure: timing`, never in production): per part (the
 * session lookup, D1 round trips, store calls, ranking, JSON…) its total milliseconds and count,
 * sent back as a `server-timing` header (worker.ts). Parts may nest (the session lookup includes its
 * D1 round trip); the benchmark reads them as such.
 */
export class Timings {
  readonly parts = new Map<string, { ms: number; count: number }>();
  /** A part whose D1 round trips are its own (`<part>.d1`), not added to "d1" (the session lookup's). */
  owner: string | undefined;

  add(name: string, ms: number): void {
    const part = this.parts.get(name);
    if (part) {
      part.ms += ms;
      part.count += 1;
    } else this.parts.set(name, { ms, count: 1 });
  }

  /** `total;dur=12.3, d1;dur=4.5;desc="2", …`: desc is the part's count. */
  header(totalMs: number): string {
    const parts = [`total;dur=${totalMs.toFixed(2)}`];
    for (const [name, { ms, count }] of this.parts)
      parts.push(`${name};dur=${ms.toFixed(2)};desc="${count}"`);
    return parts.join(", ");
  }
}

/**
 * Runs `work`, adding its wall time to the current request's `name` part when timing is on. With
 * `ownTrips`, the D1 round trips made meanwhile count as `<name>.d1` (work that runs alone, as the
 * session lookup does before the route).
 */
export function timed<T>(name: string, work: () => T, ownTrips = false): T {
  const timings = scope.getStore()?.timings;
  if (!timings) return work();
  const started = performance.now();
  if (ownTrips) timings.owner = name;
  const done = () => {
    timings.add(name, performance.now() - started);
    if (ownTrips) timings.owner = undefined;
  };
  const result = work();
  if (result instanceof Promise) return result.finally(done) as T;
  done();
  return result;
}

export interface CapturedStatement {
  sql: string;
  params: unknown[];
}

export class Usage {
  readonly counts: UsageCounts = {
    d1: { queries: 0, rowsRead: 0, rowsWritten: 0 },
    store: { commands: 0 },
    queue: { sends: 0 },
    durableObject: { requests: 0 },
    r2: { classA: 0, classB: 0, bytesWritten: 0 },
    ai: { promptTokens: 0, completionTokens: 0 },
  };
  /** Rows D1 handed back, and round trips (a batch is one): the dev measurement mode's extras. */
  rowsReturned = 0;
  roundTrips = 0;
  /** Messages sent, by queue name (atas-email, …): the admin page's queue depth. */
  readonly sendsByQueue: Record<string, number> = {};
  /** A queue batch's messages acknowledged and sent back for a retry. */
  readonly batch = { acked: 0, retried: 0 };
  /** Set by the API (Hono's matched route) or the web handler (the page's route pattern). */
  route: string | undefined;
  /** The signed-in user's id, hashed before it is written anywhere. */
  actorId: string | undefined;
  /** The statements themselves (`x-atas-measure: d1+sql`), never in production. */
  statements: CapturedStatement[] | undefined;
  /** Wall time per part (`x-atas-measure: timing`), never in production. */
  timings: Timings | undefined;
  /** A batch or cron run that threw (a request says so by its status). */
  failed = false;
  readonly requestId: string;

  readonly options: {
    requestId?: string;
    exactRows?: boolean;
    captureStatements?: boolean;
    timing?: boolean;
  };

  constructor(
    options: { requestId?: string; exactRows?: boolean; captureStatements?: boolean; timing?: boolean } = {},
  ) {
    this.options = options;
    this.requestId = options.requestId ?? crypto.randomUUID();
    if (options.captureStatements) this.statements = [];
    if (options.timing) this.timings = new Timings();
  }
}

const scope = new AsyncLocalStorage<Usage>();

/** Runs the work with `usage` as the tally every metered call inside it adds to. */
export function meterScope<T>(usage: Usage, work: () => T): T {
  return scope.run(usage, work);
}

/** The tally of the request, batch or cron run this code is part of (none in a Durable Object). */
export function currentUsage(): Usage | undefined {
  return scope.getStore();
}

const WRITE_STATEMENT = /^\s*(insert|update|delete|replace|with\b[\s\S]*\b(insert|update|delete)\b)/i;

type D1Meta = { rows_read?: number; rows_written?: number } | undefined;

function countD1(usage: Usage, meta: D1Meta, rows: number, text: CapturedStatement | undefined) {
  usage.counts.d1.queries += 1;
  usage.counts.d1.rowsRead += meta?.rows_read ?? 0;
  usage.counts.d1.rowsWritten += meta?.rows_written ?? 0;
  usage.rowsReturned += rows;
  if (usage.statements && text) usage.statements.push(text);
}

/** A D1 database (or D1 session) whose every statement is counted into `usage`. */
export function meteredD1<T extends D1Database | D1DatabaseSession>(database: T, usage: Usage): T {
  const timings = usage.timings;
  /** A round trip to D1, timed when the request is (`x-atas-measure: timing`). */
  const trip = async <R>(work: () => Promise<R>): Promise<R> => {
    usage.roundTrips += 1;
    if (!timings) return work();
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings.add(timings.owner ? `${timings.owner}.d1` : "d1", performance.now() - started);
    }
  };
  const texts = new WeakMap<D1PreparedStatement, CapturedStatement>();
  const originals = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
  const wrapStatement = (statement: D1PreparedStatement, text: CapturedStatement): D1PreparedStatement => {
    const wrapped: D1PreparedStatement = new Proxy(statement, {
      get(target, property) {
        switch (property) {
          case "bind":
            return (...params: unknown[]) => wrapStatement(target.bind(...params), { sql: text.sql, params });
          case "all":
            return async () => {
              const result = await trip(() => target.all());
              countD1(usage, result.meta, result.results.length, text);
              return result;
            };
          case "run":
            return async () => {
              const result = await trip(() => target.run());
              countD1(usage, result.meta, result.results?.length ?? 0, text);
              return result;
            };
          case "first":
            // workerd's first() fetches every row and keeps the first; all() does the same work and keeps the meta.
            return async (column?: string) => {
              const result = await trip(() => target.all<Record<string, unknown>>());
              countD1(usage, result.meta, Math.min(result.results.length, 1), text);
              const row = result.results[0];
              if (!row) return null;
              if (column === undefined) return row;
              if (!(column in row)) throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`);
              return row[column];
            };
          case "raw":
            return async (options?: { columnNames?: boolean }) => {
              if (usage.options.exactRows) {
                usage.roundTrips += 1;
                const measured = await target.all();
                countD1(usage, measured.meta, measured.results.length, text);
                if (WRITE_STATEMENT.test(text.sql)) {
                  // A write must not run twice (an insert would meet its own key): its rows come from
                  // the one run, in column order (a RETURNING list names each column once).
                  const rows = measured.results.map((row) => Object.values(row as Record<string, unknown>));
                  const names = Object.keys(
                    (measured.results[0] as Record<string, unknown> | undefined) ?? {},
                  );
                  return options?.columnNames ? [names, ...rows] : rows;
                }
                return options?.columnNames ? target.raw({ columnNames: true }) : target.raw();
              }
              const rows = await trip(() =>
                options?.columnNames ? target.raw({ columnNames: true }) : target.raw(),
              );
              const returned = options?.columnNames ? Math.max(rows.length - 1, 0) : rows.length;
              // No meta: the rows handed back are a floor of the rows a select read or a write's RETURNING wrote.
              countD1(
                usage,
                WRITE_STATEMENT.test(text.sql) ? { rows_written: returned } : { rows_read: returned },
                returned,
                text,
              );
              return rows;
            };
          default: {
            const value = Reflect.get(target, property);
            return typeof value === "function" ? value.bind(target) : value;
          }
        }
      },
    });
    texts.set(wrapped, text);
    originals.set(wrapped, statement);
    return wrapped;
  };
  return new Proxy(database, {
    get(target, property) {
      if (property === "prepare")
        return (query: string) => wrapStatement(target.prepare(query), { sql: query, params: [] });
      if (property === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const results = await trip(() => target.batch(statements.map((s) => originals.get(s) ?? s)));
          results.forEach((result, i) => {
            const statement = statements[i];
            countD1(usage, result.meta, result.results?.length ?? 0, statement && texts.get(statement));
          });
          return results;
        };
      }
      if (property === "withSession")
        return (constraint?: string) =>
          meteredD1((target as D1Database).withSession(constraint as D1SessionConstraint), usage);
      if (property === "exec") {
        return async (query: string) => {
          usage.roundTrips += 1;
          const result = await (target as D1Database).exec(query);
          usage.counts.d1.queries += result.count;
          return result;
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Size of a body R2 is given, when it is knowable before the upload (a stream's is read from the result). */
function bodyBytes(value: unknown): number | undefined {
  if (typeof value === "string") return new TextEncoder().encode(value).byteLength;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof Blob) return value.size;
  return undefined;
}

/**
 * R2 by its price classes: class A is put, list and the multipart calls; class B is get and head.
 * Deletes are free on R2 and are not counted.
 */
export function meteredR2(bucket: R2Bucket, usage: Usage): R2Bucket {
  const r2 = usage.counts.r2;
  const wrapUpload = (upload: R2MultipartUpload): R2MultipartUpload =>
    new Proxy(upload, {
      get(target, property) {
        if (property === "uploadPart")
          return async (...args: Parameters<R2MultipartUpload["uploadPart"]>) => {
            r2.classA += 1;
            const part = await target.uploadPart(...args);
            r2.bytesWritten += bodyBytes(args[1]) ?? 0;
            return part;
          };
        if (property === "complete")
          return (...args: Parameters<R2MultipartUpload["complete"]>) => {
            r2.classA += 1;
            return target.complete(...args);
          };
        const value = Reflect.get(target, property);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  return new Proxy(bucket, {
    get(target, property) {
      switch (property) {
        case "put":
          return async (...args: Parameters<R2Bucket["put"]>) => {
            r2.classA += 1;
            const stored = await target.put(...args);
            r2.bytesWritten += stored?.size ?? bodyBytes(args[1]) ?? 0;
            return stored;
          };
        case "list":
          return (...args: Parameters<R2Bucket["list"]>) => {
            r2.classA += 1;
            return target.list(...args);
          };
        case "createMultipartUpload":
          return async (...args: Parameters<R2Bucket["createMultipartUpload"]>) => {
            r2.classA += 1;
            return wrapUpload(await target.createMultipartUpload(...args));
          };
        case "resumeMultipartUpload":
          return (...args: Parameters<R2Bucket["resumeMultipartUpload"]>) =>
            wrapUpload(target.resumeMultipartUpload(...args));
        case "get":
          return (...args: Parameters<R2Bucket["get"]>) => {
            r2.classB += 1;
            return target.get(...args);
          };
        case "head":
          return (...args: Parameters<R2Bucket["head"]>) => {
            r2.classB += 1;
            return target.head(...args);
          };
        default: {
          const value = Reflect.get(target, property);
          return typeof value === "function" ? value.bind(target) : value;
        }
      }
    },
  });
}

/** A queue producer whose sends are counted per message (a sendBatch of n is n, as Queues bills). */
export function meteredQueue<T>(queue: Queue<T>, name: string, usage: Usage): Queue<T> {
  // A binding the configuration lacks stays absent (the health check reports it).
  if (typeof queue !== "object" || queue === null) return queue;
  const sent = (n: number) => {
    usage.counts.queue.sends += n;
    usage.sendsByQueue[name] = (usage.sendsByQueue[name] ?? 0) + n;
  };
  return new Proxy(queue, {
    get(target, property) {
      if (property === "send")
        return async (...args: Parameters<Queue<T>["send"]>) => {
          const result = await target.send(...args);
          sent(1);
          return result;
        };
      if (property === "sendBatch")
        return async (...args: Parameters<Queue<T>["sendBatch"]>) => {
          const result = await target.sendBatch(...args);
          sent([...args[0]].length);
          return result;
        };
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Stub methods that are the stub's own bookkeeping, not a call to the object. */
const LOCAL_STUB_PROPERTIES = new Set<PropertyKey>(["id", "name", "then", "constructor", "toString"]);

/** A Durable Object namespace whose stubs count each fetch or RPC call (a forwarded WebSocket upgrade is a fetch). */
export function meteredNamespace<T extends object>(namespace: T, usage: Usage): T {
  const wrapStub = (stub: object) =>
    new Proxy(stub, {
      get(target, property) {
        const value = Reflect.get(target, property);
        if (
          typeof value !== "function" ||
          LOCAL_STUB_PROPERTIES.has(property) ||
          typeof property === "symbol"
        )
          return value;
        // Reflect.apply, not value.apply: on an RPC stub every property, `apply` too, is a remote method.
        return (...args: unknown[]) => {
          usage.counts.durableObject.requests += 1;
          return Reflect.apply(value, target, args);
        };
      },
    });
  return new Proxy(namespace, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      if (property === "get" || property === "getByName")
        return (...args: unknown[]) => wrapStub(Reflect.apply(value, target, args) as object);
      return value.bind(target);
    },
  });
}

/** Upstash bills each command, including each command of a pipeline or transaction; a script call is one. */
export function upstashCommands(path: string[] | undefined, body: unknown): number {
  const first = path?.[0];
  if ((first === "pipeline" || first === "multi-exec") && Array.isArray(body)) return body.length;
  return 1;
}

/** A batch whose messages' acks and retries are counted (the queue's backlog on the admin page). */
export function meteredBatch<T>(batch: MessageBatch<T>, usage: Usage): MessageBatch<T> {
  const tally = usage.batch;
  const messages = batch.messages.map(
    (message) =>
      new Proxy(message, {
        get(target, property) {
          if (property === "ack")
            return () => {
              tally.acked += 1;
              target.ack();
            };
          if (property === "retry")
            return (options?: QueueRetryOptions) => {
              tally.retried += 1;
              target.retry(options);
            };
          const value = Reflect.get(target, property);
          return typeof value === "function" ? value.bind(target) : value;
        },
      }),
  );
  return new Proxy(batch, {
    get(target, property) {
      if (property === "messages") return messages;
      if (property === "ackAll")
        return () => {
          tally.acked += messages.length;
          target.ackAll();
        };
      if (property === "retryAll")
        return (options?: QueueRetryOptions) => {
          tally.retried += messages.length;
          target.retryAll(options);
        };
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
