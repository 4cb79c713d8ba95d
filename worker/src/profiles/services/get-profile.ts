import { readThrough } from "../../shared/cache-aside";
import type { ActionContext } from "../../shared/context";
import { NotFound } from "../../shared/errors";
import { loadProfile } from "./load-profile";
import { PROFILE_TTL_SECONDS, profileKey } from "./profile-cache";

/** Public profiles are readable by anyone; reads go through the cache. */
export async function getProfile({ ctx, input }: { ctx: ActionContext; input: { userId: string } }) {
  const { value, cache } = await readThrough(ctx, {
    key: profileKey(input.userId),
    ttlSeconds: PROFILE_TTL_SECONDS,
    load: () => loadProfile(ctx.db, input.userId),
  });
  if (!value) throw new NotFound("No such profile.");
  return { profile: value, cache };
}
