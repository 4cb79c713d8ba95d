/** Blocks: one person shutting another out, ending every tie between them. */
export { mountBlocks } from "./routes/blocks";
export { block, unblock } from "./services/blocks";
