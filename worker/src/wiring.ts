import { drafterFor } from "./adapters/drafter";
import type { Drafter } from "./adapters/drafter/interface";
import { mailerFor } from "./adapters/mailer";
import { neo4jGraphFor } from "./adapters/second-degree";
import { upstashStore } from "./adapters/store/upstash";
import { createDb, type Db } from "./db/client";
import type { Env } from "./env";
import { d1SecondDegree } from "./network/second-degree-d1";
import { d1SecondDegreeSet } from "./network/second-degree-set";
import type { Adapters } from "./shared/context";
import {
  currentUsage,
  meteredD1,
  meteredNamespace,
  meteredQueue,
  meteredR2,
  type Usage,
} from "./telemetry/usage";

/** Each producer binding's queue, as wrangler.toml names it (a binding object does not say). */
export const QUEUE_NAMES = {
  EMAIL_QUEUE: "atas-email",
  AI_QUEUE: "atas-ai",
  GRAPH_QUEUE: "atas-graph",
  FANOUT_QUEUE: "atas-fanout",
} as const satisfies Record<keyof Env & `${string}_QUEUE`, string>;

/**
 * The bindings of one request, batch or cron run, each counting into `usage`: D1 statements and
 * rows, R2 operations by price class, queue sends, Durable Object calls. Made once at the entry
 * (worker.ts), so every domain below uses metered bindings without knowing it.
 */
export function meteredEnv(env: Env, usage: Usage): Env {
  return {
    ...env,
    DB: meteredD1(env.DB, usage),
    UPLOADS: meteredR2(env.UPLOADS, usage),
    INBOX: meteredNamespace(env.INBOX, usage),
    ROOMS: meteredNamespace(env.ROOMS, usage),
    EMAIL_QUEUE: meteredQueue(env.EMAIL_QUEUE, QUEUE_NAMES.EMAIL_QUEUE, usage),
    AI_QUEUE: meteredQueue(env.AI_QUEUE, QUEUE_NAMES.AI_QUEUE, usage),
    GRAPH_QUEUE: meteredQueue(env.GRAPH_QUEUE, QUEUE_NAMES.GRAPH_QUEUE, usage),
    FANOUT_QUEUE: meteredQueue(env.FANOUT_QUEUE, QUEUE_NAMES.FANOUT_QUEUE, usage),
  };
}

/** The tokens a drafter reports are added to the usage of the job that asked for the draft. */
function meteredDrafter(drafter: Drafter): Drafter {
  return {
    name: drafter.name,
    async *draft(request, signal) {
      const spent = yield* drafter.draft(request, signal);
      const usage = currentUsage();
      if (usage) {
        usage.counts.ai.promptTokens += spent.promptTokens;
        usage.counts.ai.completionTokens += spent.completionTokens;
      }
      return spent;
    },
  };
}

/**
 * The one place configuration picks each outside system: Upstash (or its local twin, by URL) for
 * the store, Resend or the dev outbox for mail, OpenAI or the local drafter for drafts, Neo4j or
 * D1's candidate set for the graph. Built once per request (the middleware in app.ts) and once per
 * queue batch or cron run (worker.ts); verbs reach them through `ctx.adapters` and never choose.
 *
 * It sits above the domains because the D1 graph query belongs to the network domain. Each
 * adapter is made on first use, so a request that sends no mail never builds a mailer, and a
 * mailer misconfiguration fails only the work that mails (the mail queue's batch, a request that
 * sends mail inline).
 *
 * Store commands are counted by the store client itself (it is shared by the isolate, so it bills
 * each command to the usage of the work it runs for); drafts add the tokens their drafter reports.
 */
export function adaptersFor(env: Env, db: Db = createDb(env.DB)): Adapters {
  const made: Partial<Adapters> = {};
  let neo4j: ReturnType<typeof neo4jGraphFor> | undefined;
  const neo4jGraph = () => {
    if (neo4j === undefined) neo4j = neo4jGraphFor(env);
    return neo4j;
  };
  return {
    get store() {
      made.store ??= upstashStore(env);
      return made.store;
    },
    get mailer() {
      made.mailer ??= mailerFor(env, db);
      return made.mailer;
    },
    get drafter() {
      made.drafter ??= meteredDrafter(drafterFor(env));
      return made.drafter;
    },
    get graph() {
      made.graph ??=
        neo4jGraph() ?? (env.SECOND_DEGREE_READ === "two-hop" ? d1SecondDegree(db) : d1SecondDegreeSet(db));
      return made.graph;
    },
    get graphMirror() {
      return neo4jGraph();
    },
  };
}
