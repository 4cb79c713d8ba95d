import type { ActionContext } from "../../shared/context";
import { NotFound } from "../../shared/errors";
import { loadProfile } from "./load-profile";

/**
 * Public profiles are readable by anyone. They are read from D1 every time: a profile is one
 * indexed row (and its role's row), so a cache in Upstash would cost more commands than it saves
 * rows, and every edit shows on the next read.
 */
export async function getProfile({ ctx, input }: { ctx: ActionContext; input: { userId: string } }) {
  const profile = await loadProfile(ctx.db, input.userId);
  if (!profile) throw new NotFound("No such profile.");
  return { profile };
}
