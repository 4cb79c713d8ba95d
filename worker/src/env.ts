import type { Session, User } from "./identity/schema";
import type { AiJob, EmailJob, FanoutJob, GraphJob } from "./jobs/contracts";
import type { Inbox } from "./realtime/inbox";
import type { Room } from "./realtime/room";

import type { Adapters } from "./shared/context";
import type { SessionProof } from "./shared/session-proof";

/** Bindings declared in wrangler.toml. Secrets are optional: each adapter falls back to its local twin. */
export interface Env {
  DB: D1Database;
  UPLOADS: R2Bucket;
  INBOX: DurableObjectNamespace<Inbox>;
  ROOMS: DurableObjectNamespace<Room>;
  EMAIL_QUEUE: Queue<EmailJob>;
  AI_QUEUE: Queue<AiJob>;
  GRAPH_QUEUE: Queue<GraphJob>;
  FANOUT_QUEUE: Queue<FanoutJob>;
  ASSETS?: Fetcher;
  /** Workers Analytics Engine: one data point per request, queue batch and cron run (production). */
  METRICS?: AnalyticsEngineDataset;

  APP_ENV: "development" | "test" | "production";
  /** Public origin of the app, used in mail links and the CSRF origin check. */
  APP_ORIGIN?: string;
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
  /** `resend` sends through Resend; anything else (default) keeps mail in the dev outbox. */
  MAILER?: string;
  /** `inline` sends mail inside the request, as before the queue existed; only for bench/register.ts. */
  MAIL_DELIVERY?: string;
  /** `inline` writes an AI draft inside the request, as before the queue; only for bench/drafts.ts. */
  DRAFT_DELIVERY?: string;
  /** `fixed` broadcasts room messages in a fixed 40 ms window, as before issue 15; only for bench/rooms.ts (ignored in production). */
  ROOM_BROADCAST?: string;
  /** The local drafter's pause between chunks in ms (default 25); tests set it lower. */
  LOCAL_DRAFTER_PACE_MS?: string;
  RESEND_API_KEY?: string;
  RESEND_BASE_URL?: string;
  MAIL_FROM?: string;
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_MODEL?: string;
  /** `two-hop` reads experts through D1's two-hop query (the reference, cached) instead of the candidate set; only for bench/network.ts. */
  SECOND_DEGREE_READ?: string;
  NEO4J_QUERY_URL?: string;
  NEO4J_USER?: string;
  NEO4J_PASSWORD?: string;
  /** The Aura database to query (default "neo4j"); ignored when NEO4J_QUERY_URL already ends in /query/v2. */
  NEO4J_DATABASE?: string;
  /** Entries kept per following-feed timeline (default 800, Mastodon's); tests set it lower. */
  FEED_TIMELINE_CAP?: string;
  /** Authors with more followers than this are merged at read time instead of fanned out (default 10000). */
  FANOUT_MAX_FOLLOWERS?: string;
  /** Where unhandled errors are reported (worker/src/ops/sentry.ts); nothing is sent without it. */
  SENTRY_DSN?: string;
  /** Key of the actor hash in log lines (a secret); without it production logs no actor. */
  LOG_ACTOR_KEY?: string;
  /** `true` (outside production): every select's rows read is exact, at twice its D1 cost (`npm run cost`). */
  USAGE_D1_EXACT?: string;
}

/**
 * The secrets a deployed worker reads, set with `wrangler secret put` and never written in
 * wrangler.toml. This is the one list: `npm run deploy:setup` prints a command for each.
 */
export const SECRETS = {
  UPSTASH_REDIS_REST_TOKEN: "required: the Upstash database's REST token",
  RESEND_API_KEY: 'required while [env.production.vars] has MAILER = "resend"',
  OPENAI_API_KEY: "optional: without it the local drafter writes the AI drafts",
  NEO4J_USER: "optional: only with NEO4J_QUERY_URL (the graph mirror)",
  NEO4J_PASSWORD: "optional: only with NEO4J_QUERY_URL",
  SENTRY_DSN: "optional: unhandled errors go to Sentry when it is set",
} as const satisfies Partial<Record<keyof Env, string>>;

export interface Variables {
  requestId: string;
  user: User | null;
  session: Session | null;
  /** Set when the session came from the isolate's cache: confirmed in D1 before the response leaves. */
  sessionProof: SessionProof | null;
  /** The outside systems for this request, built once (worker/src/wiring.ts). */
  adapters: Adapters;
}

export type AppEnv = { Bindings: Env; Variables: Variables };
