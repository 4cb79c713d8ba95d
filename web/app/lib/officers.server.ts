import type { WebContext } from "../../server";
import { apiCall } from "./api.server";
import type { OfficerAnswer, OfficerInvitationStatus, Problem } from "./api-types";
import { formText } from "./forms";

const ANSWERS = new Set<OfficerAnswer>(["accept", "decline", "leave"]);

/**
 * A student's answer to an officer invitation, posted from a form (`intent`, `id`): the clubs page
 * and the notifications page share it. Unknown intents are refused before the API is asked.
 */
export async function answerOfficerInvitation(
  context: WebContext,
  request: Request,
  form: FormData,
): Promise<
  | { ok: true; status: OfficerInvitationStatus; headers: Headers }
  | { ok: false; status: number; problem: Problem; headers: Headers }
> {
  const intent = formText(form, "intent") as OfficerAnswer;
  const id = formText(form, "id");
  if (!ANSWERS.has(intent) || !/^[0-9a-f-]{36}$/i.test(id))
    return { ok: false, status: 400, problem: { title: "Bad request", status: 400 }, headers: new Headers() };
  const result = await apiCall<{ status: OfficerInvitationStatus }>(
    context,
    request,
    `/api/officer-invitations/${id}/${intent}`,
    { method: "POST" },
  );
  return result.ok
    ? { ok: true, status: result.data.status, headers: result.headers }
    : { ok: false, status: result.status, problem: result.problem, headers: result.headers };
}
