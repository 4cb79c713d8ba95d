export * from "../drafts/schema";
export * from "../graph/schema";
export * from "../identity/schema";
export * from "../jobs/schema";
export * from "../network/schema";
export * from "../pro/schema";
export * from "../profiles/schema";
export * from "../realtime/schema";
