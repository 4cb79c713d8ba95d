import { bodyLimit } from "hono/body-limit";
import { mountBlocks } from "./blocks";
import { mountOfficers } from "./clubs";

import { createDb } from "./db/client";
import { d1Meter } from "./dev/d1-meter";
import { mountDev } from "./dev/routes";
import { mountDrafts } from "./drafts";
import {
  loadSession,
  mountCampuses,
  mountPassword,
  mountRegister,
  mountSession,
  mountVerify,
} from "./identity";
import { mountDeadLetters } from "./jobs/routes/dead-letters";
import {
  mountDiscover,
  mountEngagement,
  mountEvents,
  mountFeeds,
  mountModeration,
  mountNotes,
  mountSearch,
  mountTopics,
  NOTE_IMAGE_UPLOAD_PATH,
  noteAsSource,
} from "./link";
import { mountMe } from "./me";
import { mountNetwork } from "./network";
import { mountNotifications } from "./notifications";
import { mountMetrics } from "./ops";
import { mountExperts, mountIntroductions, mountInvitations } from "./pro";
import { mountExpertVetting, mountProfiles } from "./profiles";
import { mountInbox } from "./realtime";
import { mountRooms } from "./rooms";
import { csrfGuard } from "./shared/csrf";
import { NotFound, PayloadTooLarge } from "./shared/errors";
import { createRouter } from "./shared/openapi";
import { renderError } from "./shared/render-error";
import { requestId } from "./shared/request-id";
import { usageRoute } from "./shared/usage-route";
import { adaptersFor } from "./wiring";

export const MAX_BODY_BYTES = 1024 * 1024;

/** The API: every route under /api, the OpenAPI document, and the dev-only pages. */
export function createApp() {
  const app = createRouter();
  app.use("*", requestId);
  app.use("*", usageRoute);
  const apiBodyLimit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new PayloadTooLarge(MAX_BODY_BYTES);
    },
  });
  // Note images (up to 5 MB) carry their own, larger limit on their route.
  app.use("/api/*", (c, next) => (c.req.path === NOTE_IMAGE_UPLOAD_PATH ? next() : apiBodyLimit(c, next)));
  app.use("/api/*", d1Meter);
  app.use("*", async (c, next) => {
    c.set("adapters", adaptersFor(c.env, createDb(c.env.DB)));
    await next();
  });
  app.use("/api/*", csrfGuard);
  app.use("/api/*", loadSession);

  mountRegister(app);
  mountVerify(app);
  mountSession(app);
  mountPassword(app);
  mountCampuses(app);
  mountMe(app);
  mountProfiles(app);
  mountOfficers(app);
  mountExperts(app);
  mountExpertVetting(app);
  mountInbox(app);
  mountRooms(app);
  mountDeadLetters(app);
  mountMetrics(app);
  mountDrafts(app);
  mountNetwork(app);
  mountBlocks(app);
  mountIntroductions(app);
  mountInvitations(app, { sourceNotes: noteAsSource });
  mountNotifications(app);
  mountNotes(app);
  mountEvents(app);
  mountEngagement(app);
  mountFeeds(app);
  mountDiscover(app);
  mountModeration(app);
  mountSearch(app);
  mountTopics(app);
  mountDev(app);

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "ATAS API",
      version: "0.1.0",
      description: "atas-pro and atas-link share one account. Errors are application/problem+json.",
    },
  });
  app.notFound(() => {
    throw new NotFound("No such endpoint.");
  });
  app.onError(renderError);
  return app;
}

export type App = ReturnType<typeof createApp>;
