/** Blocks: one person shutting another out, ending every tie between them. */
export { mountBlocks } from "./routes/blocks";
export { block, blockState, blockUser, unblock, unblockUser } from "./services/blocks";
