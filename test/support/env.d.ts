import type { D1Migration } from "cloudflare:test";
import type { Env as AppBindings } from "../../worker/src/env";

declare global {
  namespace Cloudflare {
    interface Env extends AppBindings {
      TEST_MIGRATIONS: D1Migration[];
      FAKE_RESEND_URL: string;
      FAKE_OPENAI_URL: string;
      FAKE_NEO4J_URL: string;
      FAKE_SENTRY_URL: string;
    }
  }
}

declare module "vitest" {
  interface ProvidedContext {
    upstashUrl: string;
    upstashToken: string;
    resendUrl: string;
    openaiUrl: string;
    neo4jUrl: string;
    sentryUrl: string;
  }
}
