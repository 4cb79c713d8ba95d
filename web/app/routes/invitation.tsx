import { data, Link, redirect } from "react-router";
import { DraftPanel } from "~/components/draft-panel";
import { ActionsSection } from "~/components/invitation/actions-section";
import { IntroductionForm } from "~/components/invitation/introduction-form";
import { InvitationDetails } from "~/components/invitation/invitation-details";
import { InvitationHeader } from "~/components/invitation/invitation-header";
import { MeetingLinkSection } from "~/components/invitation/meeting-link-section";
import { RescheduleSection } from "~/components/invitation/reschedule-section";
import { ReviewForm } from "~/components/invitation/review-form";
import { Reviews } from "~/components/invitation/reviews";
import { SlotsSection } from "~/components/invitation/slots-section";
import { Thread } from "~/components/invitation/thread";
import { Timeline } from "~/components/invitation/timeline";
import { PublishEventForm } from "~/components/publish-event-form";
import { apiCall } from "~/lib/api.server";
import type {
  DraftView,
  InvitationPage,
  NetworkExpert,
  Problem,
  Review,
  ThreadMessage,
} from "~/lib/api-types";
import { CLEAR_FLASH, readFlash } from "~/lib/flash.server";
import { type FieldErrors, fieldErrors, formText } from "~/lib/forms";
import { preferredLang, translatorFor } from "~/lib/i18n";
import { useT } from "~/lib/root-data";
import { fromLocalInput, isTimeZone, requestTimeZone } from "~/lib/time";
import type { Route } from "./+types/invitation";

export const meta: Route.MetaFunction = ({ data: page }) => [
  { title: page ? `${page.invitation.title} · ATAS` : "ATAS" },
];

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const path = `/invitations/${params.id}`;
  const api = `/api/invitations/${encodeURIComponent(params.id)}`;
  const [page, thread] = await Promise.all([
    apiCall<InvitationPage>(context, request, api),
    apiCall<{ messages: ThreadMessage[] }>(context, request, `${api}/messages`),
  ]);
  if (page.status === 401)
    throw redirect(`/login?redirectTo=${encodeURIComponent(path)}`, { headers: page.headers });
  // Someone else's invitation is as missing as one that does not exist.
  if (page.status === 404 || page.status === 400) throw data(null, { status: 404 });
  if (!page.ok) throw data(page.problem, { status: page.status });
  const reviews =
    page.data.invitation.status === "completed"
      ? await apiCall<{ reviews: Review[] }>(context, request, `${api}/reviews`)
      : null;
  // The requester's side drafts the proposal while the invitation is a draft; resume the latest draft.
  const drafts =
    page.data.party === "requester" && page.data.invitation.status === "draft"
      ? await apiCall<{ drafts: DraftView[] }>(context, request, `${api}/drafts?limit=1`)
      : null;
  // Mutual connections of the requester and the expert: who could introduce this invitation.
  const canAskIntroduction =
    page.data.party === "requester" &&
    !page.data.introducer &&
    ["draft", "sent", "countered"].includes(page.data.invitation.status);
  const [network, intros] = canAskIntroduction
    ? await Promise.all([
        apiCall<{ experts: NetworkExpert[] }>(context, request, "/api/network/experts?limit=100"),
        apiCall<{ asked: { invitationId: string; status: string; connectorName: string }[] }>(
          context,
          request,
          "/api/introductions",
        ),
      ])
    : [null, null];
  const pendingIntroduction = intros?.ok
    ? (intros.data.asked.find((i) => i.invitationId === page.data.invitation.id && i.status === "pending")
        ?.connectorName ?? null)
    : null;
  const mutuals = network?.ok
    ? (network.data.experts.find((e) => e.id === page.data.expert.id)?.via ?? [])
    : [];
  // A session that could be (or was) an event: the event it was published as, so it is not offered twice.
  const eventNoteId =
    ["scheduled", "completed", "cancelled"].includes(page.data.invitation.status) &&
    ["talk", "workshop", "panel"].includes(page.data.invitation.kind)
      ? await apiCall<{ noteId: string | null }>(context, request, `${api}/event`)
      : null;
  const flash = readFlash(request, path);
  return data(
    {
      ...page.data,
      messages: thread.ok ? thread.data.messages : [],
      reviews: reviews?.ok ? reviews.data.reviews : [],
      canDraft: drafts?.ok ?? false,
      mutuals: pendingIntroduction ? [] : mutuals,
      pendingIntroduction,
      latestDraft: drafts?.ok ? (drafts.data.drafts[0] ?? null) : null,
      notSent: flash?.reason ?? null,
      eventNoteId: eventNoteId?.ok ? eventNoteId.data.noteId : null,
      now: Date.now(),
    },
    flash ? { headers: { "set-cookie": CLEAR_FLASH } } : undefined,
  );
}

const TRANSITIONS = ["send", "accept", "decline", "counter", "cancel", "complete"] as const;
const RESCHEDULE_STEPS = ["propose", "accept", "decline", "counter", "withdraw"] as const;
type Intent =
  | (typeof TRANSITIONS)[number]
  | `reschedule-${(typeof RESCHEDULE_STEPS)[number]}`
  | "meeting-link"
  | "sign-off"
  | "message"
  | "review"
  | "introduce";

interface Refused {
  intent: Intent;
  problem?: Problem;
  errors: FieldErrors;
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const path = `/invitations/${params.id}`;
  const api = `/api/invitations/${encodeURIComponent(params.id)}`;
  const t = await translatorFor(preferredLang(request));
  const form = await request.formData();
  const text = (name: string) => formText(form, name).trim();
  const intent = text("intent") as Intent;
  const refuse = (errors: FieldErrors) => data<Refused>({ intent, errors }, { status: 400 });

  /** The one to three typed times (slot1..slot3, in the form's zone) as instants, or null if any is not a time. */
  const typedSlots = () => {
    const zone = isTimeZone(text("tz")) ? text("tz") : requestTimeZone(request);
    const typed = [1, 2, 3].map((n) => text(`slot${n}`)).filter(Boolean);
    const instants = typed.map((value) => fromLocalInput(value, zone));
    if (!typed.length || instants.some((instant) => instant === null)) return null;
    return instants.map((instant) => new Date(instant ?? 0).toISOString());
  };

  let result: Awaited<ReturnType<typeof apiCall>>;
  const step = intent.startsWith("reschedule-") ? intent.slice("reschedule-".length) : null;
  if ((TRANSITIONS as readonly string[]).includes(intent)) {
    const body: { slotId?: string; slots?: string[]; message?: string; namePublicly?: boolean } = {};
    if (text("message")) body.message = text("message");
    if (intent === "accept") {
      if (!text("slotId")) return refuse({ slotId: t("action.chooseSlot") });
      body.slotId = text("slotId");
      // An unticked box sends nothing; the marker says the expert saw it.
      if (text("consentShown")) body.namePublicly = form.get("namePublicly") === "on";
    }
    if (intent === "counter") {
      const slots = typedSlots();
      if (!slots) return refuse({ slots: t("action.badSlots") });
      body.slots = slots;
      if (text("consentShown")) body.namePublicly = form.get("namePublicly") === "on";
    }
    result = await apiCall(context, request, `${api}/${intent}`, { json: body });
  } else if (step && (RESCHEDULE_STEPS as readonly string[]).includes(step)) {
    const body: { slotId?: string; slots?: string[]; message?: string } = {};
    if (text("message")) body.message = text("message");
    if (step === "accept") {
      if (!text("slotId")) return refuse({ slotId: t("action.chooseSlot") });
      body.slotId = text("slotId");
    }
    if (step === "propose" || step === "counter") {
      const slots = typedSlots();
      if (!slots) return refuse({ slots: t("action.badSlots") });
      body.slots = slots;
    }
    result = await apiCall(context, request, `${api}/reschedule${step === "propose" ? "" : `/${step}`}`, {
      json: body,
    });
  } else if (intent === "meeting-link") {
    const url = text("clear") ? null : text("url");
    if (url !== null && !url.startsWith("https://")) return refuse({ url: t("meeting.bad") });
    result = await apiCall(context, request, `${api}/meeting-link`, { method: "PATCH", json: { url } });
  } else if (intent === "introduce") {
    if (!text("connectorId")) return refuse({ connectorId: t("form.required") });
    result = await apiCall(context, request, `${api}/introductions`, {
      json: { connectorId: text("connectorId"), ...(text("note") ? { message: text("note") } : {}) },
    });
  } else if (intent === "sign-off") {
    result = await apiCall(context, request, `${api}/sign-off`, { method: "POST" });
  } else if (intent === "message") {
    if (!text("body")) return refuse({ body: t("form.required") });
    result = await apiCall(context, request, `${api}/messages`, { json: { body: text("body") } });
  } else if (intent === "review") {
    const rating = Number(text("rating"));
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) return refuse({ rating: t("form.required") });
    result = await apiCall(context, request, `${api}/review`, { json: { rating, body: text("body") } });
  } else {
    return refuse({ form: t("error.generic") });
  }

  if (result.ok) return redirect(path, { headers: result.headers });
  return data<Refused>(
    { intent, problem: result.problem, errors: fieldErrors(result.problem) },
    { status: result.status, headers: result.headers },
  );
}

export default function InvitationView({ loaderData, actionData }: Route.ComponentProps) {
  const { invitation, party, requester, expert, slots, history, canReview, messages, reviews } = loaderData;
  const counterpart = party === "requester" ? expert : requester;
  const errors = actionData?.errors ?? {};
  const t = useT();

  return (
    <div className="stack invitation-page">
      <p>
        <Link to="/invitations">← {t("invitation.back")}</Link>
      </p>
      <InvitationHeader
        invitation={invitation}
        party={party}
        counterpart={counterpart}
        introducer={loaderData.introducer}
        notSent={loaderData.notSent}
        problem={actionData?.problem}
        errors={errors}
      />
      <ActionsSection
        invitation={invitation}
        party={party}
        requester={requester}
        actions={loaderData.actions}
        slots={slots}
        viewerId={loaderData.viewerId}
        now={loaderData.now}
        refusedIntent={actionData?.intent}
        errors={errors}
        countersLeft={loaderData.countersLeft}
      />
      <RescheduleSection
        reschedule={loaderData.reschedule}
        rescheduleActions={loaderData.rescheduleActions}
        party={party}
        now={loaderData.now}
        refusedIntent={actionData?.intent}
        errors={errors}
      />
      <MeetingLinkSection
        invitation={invitation}
        meetingLink={loaderData.meetingLink}
        canSetMeetingLink={loaderData.canSetMeetingLink}
        errors={actionData?.intent === "meeting-link" ? errors : {}}
      />
      {loaderData.sourceNote ? (
        <p className="card small" data-testid="invitation-source">
          {t("ask.source")}:{" "}
          <Link to={`/notes/${loaderData.sourceNote.id}`}>{loaderData.sourceNote.title}</Link>
        </p>
      ) : null}
      <InvitationDetails invitation={invitation} requester={requester} expert={expert} />
      {["scheduled", "completed"].includes(invitation.status) ? (
        <p className="muted small" data-testid="named-publicly">
          {loaderData.expertNamedPublicly ? t("invitation.namedPublicly") : t("invitation.notNamedPublicly")}
        </p>
      ) : null}
      {loaderData.eventNoteId ? (
        <p className="card" data-testid="invitation-event">
          {t("events.publishedAs")}{" "}
          <Link to={`/notes/${loaderData.eventNoteId}`} data-testid="invitation-event-link">
            {t("events.openEvent")}
          </Link>
        </p>
      ) : party === "requester" &&
        invitation.status === "scheduled" &&
        ["talk", "workshop", "panel"].includes(invitation.kind) ? (
        <PublishEventForm invitationId={invitation.id} />
      ) : null}

      {loaderData.pendingIntroduction ? (
        <p className="card muted" data-testid="intro-pending">
          {t("network.waiting", { name: loaderData.pendingIntroduction })} · {t("intro.asked")}
        </p>
      ) : null}
      {loaderData.mutuals.length ? (
        <IntroductionForm
          expertName={expert.displayName}
          mutuals={loaderData.mutuals}
          errors={actionData?.intent === "introduce" ? errors : {}}
        />
      ) : null}

      {loaderData.canDraft ? (
        <DraftPanel
          invitationId={invitation.id}
          language={invitation.language}
          latest={loaderData.latestDraft}
        />
      ) : null}

      <SlotsSection slots={slots} requesterName={requester.displayName} expertName={expert.displayName} />
      <Timeline history={history} />
      <Thread
        messages={messages}
        viewerId={loaderData.viewerId}
        error={actionData?.intent === "message" ? errors.body : undefined}
      />
      {canReview ? <ReviewForm errors={actionData?.intent === "review" ? errors : {}} /> : null}
      <Reviews reviews={reviews} />
    </div>
  );
}
