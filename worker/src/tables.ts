/** Every table of the worker, for drizzle-kit (drizzle.config.ts); the worker itself imports each domain's schema. */
export * from "./adapters/mailer/outbox-schema";
export * from "./clubs/schema";
export * from "./drafts/schema";
export * from "./identity/schema";
export * from "./jobs/schema";
export * from "./link/engagement/schema";
export * from "./link/events/schema";
export * from "./link/feeds/schema";
export * from "./link/moderation/schema";
export * from "./link/notes/schema";
export * from "./network/schema";
export * from "./notifications/schema";
export * from "./pro/schema";
export * from "./profiles/schema";
export * from "./rooms/schema";
export * from "./telemetry/metrics-schema";
