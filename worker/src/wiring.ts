import { drafterFor } from "./adapters/drafter";
import { mailerFor } from "./adapters/mailer";
import { neo4jGraphFor } from "./adapters/second-degree";
import { upstashStore } from "./adapters/store/upstash";
import { createDb, type Db } from "./db/client";
import type { Env } from "./env";
import { d1SecondDegree } from "./network/second-degree-d1";
import type { Adapters } from "./shared/context";

/**
 * The one place configuration picks each outside system: Upstash (or its local twin, by URL) for
 * the store, Resend or the dev outbox for mail, OpenAI or the local drafter for drafts, Neo4j or
 * D1's two-hop query for the graph. Built once per request (the middleware in app.ts) and once per
 * queue batch or cron run (worker.ts); verbs reach them through `ctx.adapters` and never choose.
 *
 * It sits above the domains because the D1 graph query belongs to the network domain. Each
 * adapter is made on first use, so a request that sends no mail never builds a mailer, and a
 * mailer misconfiguration fails only the work that mails (the mail queue's batch, a request that
 * sends mail inline).
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
      made.drafter ??= drafterFor(env);
      return made.drafter;
    },
    get graph() {
      made.graph ??= neo4jGraph() ?? d1SecondDegree(db);
      return made.graph;
    },
    get graphMirror() {
      return neo4jGraph();
    },
  };
}
