import type { WebContext } from "../../server";
import { type ApiResult, apiCall } from "./api.server";
import type { PersonIntent, PersonState } from "./person";

/** Calls the block (network) or mute (link) API for one person on behalf of the reader. */
export function personAction(
  context: WebContext,
  request: Request,
  intent: PersonIntent,
  userId: string,
): Promise<ApiResult<unknown>> {
  const id = encodeURIComponent(userId);
  const calls: Record<PersonIntent, [string, string]> = {
    block: [`/api/blocks/${id}`, "PUT"],
    unblock: [`/api/blocks/${id}`, "DELETE"],
    mute: [`/api/users/${id}/mute`, "POST"],
    unmute: [`/api/users/${id}/mute`, "DELETE"],
  };
  const [path, method] = calls[intent];
  return apiCall(context, request, path, { method });
}

/** Whether the reader blocked and muted `userId` (false for both when they cannot know: signed out). */
export async function personState(
  context: WebContext,
  request: Request,
  userId: string,
): Promise<PersonState> {
  const [block, mutes] = await Promise.all([
    apiCall<{ blocked: boolean }>(context, request, `/api/blocks/${encodeURIComponent(userId)}`),
    apiCall<{ users: { id: string }[] }>(context, request, "/api/mutes"),
  ]);
  return {
    userId,
    blocked: block.ok && block.data.blocked,
    muted: mutes.ok && mutes.data.users.some((u) => u.id === userId),
  };
}
