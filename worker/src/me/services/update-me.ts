import { setClubOfficers } from "../../clubs";
import { checkProfilePatch, type ProfilePatch, writeProfile } from "../../profiles";
import type { ActionContext } from "../../shared/context";

/**
 * The signed-in user's profile edit: checked first, then a club's officer list (asked, never
 * appointed: new names are invited and the ties left out end), then the profile itself.
 */
export async function updateMe({ ctx, input }: { ctx: ActionContext; input: ProfilePatch }) {
  await checkProfilePatch(ctx, input);
  const officers = input.club?.officers;
  if (officers) await setClubOfficers(ctx, officers, input.club?.name);
  return writeProfile({ ctx, input });
}
