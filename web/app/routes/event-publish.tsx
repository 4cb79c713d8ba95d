import { data, Link, redirect } from "react-router";
import { Notice } from "~/components/notice";
import { apiCall } from "~/lib/api.server";
import type { EventItem, Problem } from "~/lib/api-types";
import { formText, problemMessage } from "~/lib/forms";
import { useT } from "~/lib/root-data";
import type { Route } from "./+types/event-publish";

/**
 * "Publish as event" posts here from the invitation page (a plain form, no JavaScript needed): on
 * success the new event note opens; otherwise this page says why, with the way back.
 */
export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const invitationId = formText(form, "invitationId");
  const body = formText(form, "body").trim();
  const result = await apiCall<EventItem>(context, request, "/api/events", {
    json: { invitationId, visibility: formText(form, "visibility"), ...(body ? { body } : {}) },
  });
  if (result.ok) return redirect(`/notes/${result.data.note.id}`, { headers: result.headers });
  return data<{ problem: Problem; invitationId: string }>(
    { problem: result.problem, invitationId },
    { status: result.status, headers: result.headers },
  );
}

export function loader() {
  return redirect("/events");
}

export default function EventPublishPage({ actionData }: Route.ComponentProps) {
  const t = useT();
  return (
    <div className="stack">
      <h1>{t("events.publishFailed")}</h1>
      {actionData ? <Notice tone="error">{problemMessage(actionData.problem, t)}</Notice> : null}
      {actionData?.invitationId ? (
        <Link to={`/invitations/${encodeURIComponent(actionData.invitationId)}`}>
          {t("events.backToInvitation")}
        </Link>
      ) : null}
    </div>
  );
}
