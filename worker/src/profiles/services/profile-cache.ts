import { invalidate } from "../../shared/cache-aside";
import type { ActionContext } from "../../shared/context";

export const PROFILE_TTL_SECONDS = 300;
export const profileKey = (userId: string) => `profile:${userId}`;

export function invalidateProfile(ctx: ActionContext, userId: string) {
  return invalidate(ctx, profileKey(userId));
}
