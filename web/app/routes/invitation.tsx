import type { ReactNode } from "react";
import { data, Form, Link, redirect, useNavigation } from "react-router";
import { DraftPanel } from "~/components/draft-panel";
import { Fact } from "~/components/facts";
import { TextAreaField, TextField } from "~/components/field";
import { Notice } from "~/components/notice";
import { StatusBadge } from "~/components/status-badge";
import { When } from "~/components/when";
import { apiCall } from "~/lib/api.server";
import type {
  DraftView,
  InvitationAction,
  InvitationPage,
  InvitationSlot,
  NetworkExpert,
  Problem,
  Review,
  ThreadMessage,
} from "~/lib/api-types";
import { CLEAR_FLASH, readFlash } from "~/lib/flash.server";
import { type FieldErrors, fieldErrors, formText, problemMessage } from "~/lib/forms";
import { type MessageKey, preferredLang, translatorFor } from "~/lib/i18n";
import { formatMoney, MAX_SLOTS } from "~/lib/invitation";
import { useT } from "~/lib/root-data";
import { fromLocalInput, isTimeZone, requestTimeZone } from "~/lib/time";
import { useTimeZone } from "~/lib/time-zone";
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
      now: Date.now(),
    },
    flash ? { headers: { "set-cookie": CLEAR_FLASH } } : undefined,
  );
}

const TRANSITIONS = ["send", "accept", "decline", "counter", "cancel", "complete"] as const;
type Intent = (typeof TRANSITIONS)[number] | "sign-off" | "message" | "review" | "introduce";

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

  let result: Awaited<ReturnType<typeof apiCall>>;
  if ((TRANSITIONS as readonly string[]).includes(intent)) {
    const body: { slotId?: string; slots?: string[]; message?: string } = {};
    if (text("message")) body.message = text("message");
    if (intent === "accept") {
      if (!text("slotId")) return refuse({ slotId: t("action.chooseSlot") });
      body.slotId = text("slotId");
    }
    if (intent === "counter") {
      const zone = isTimeZone(text("tz")) ? text("tz") : requestTimeZone(request);
      const typed = [1, 2, 3].map((n) => text(`slot${n}`)).filter(Boolean);
      const instants = typed.map((value) => fromLocalInput(value, zone));
      if (!typed.length || instants.some((instant) => instant === null))
        return refuse({ slots: t("action.badSlots") });
      body.slots = instants.map((instant) => new Date(instant ?? 0).toISOString());
    }
    result = await apiCall(context, request, `${api}/${intent}`, { json: body });
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
  const t = useT();
  const { invitation, party, actions, requester, expert, slots, history, canReview, messages, reviews } =
    loaderData;
  const counterpart = party === "requester" ? expert : requester;
  const errors = actionData?.errors ?? {};
  // Only a club's draft needs a sign-off, and only an officer can give it: someone acting for the
  // club who is not the club account itself (the API shows a club's draft to nobody else).
  const showSignOff =
    party === "requester" &&
    invitation.status === "draft" &&
    !invitation.signedOff &&
    requester.role === "club" &&
    loaderData.viewerId !== requester.id;
  const calendar = invitation.status === "scheduled" || invitation.status === "completed";

  return (
    <div className="stack invitation-page">
      <p>
        <Link to="/invitations">← {t("invitation.back")}</Link>
      </p>
      <section className="card">
        <div className="invitation-head">
          <h1 data-testid="invitation-title">{invitation.title}</h1>
          <StatusBadge status={invitation.status} testId="invitation-status" />
        </div>
        <p className="muted">
          {t(`kind.${invitation.kind}` as MessageKey)} · {t(`format.${invitation.format}` as MessageKey)} ·{" "}
          {party === "requester"
            ? t("invitation.youSent", { name: counterpart.displayName })
            : t("invitation.youReceived", { name: counterpart.displayName })}
        </p>
        {invitation.scheduledStart ? (
          <p className="scheduled" data-testid="scheduled-start">
            <strong>{t("invitation.scheduled")}:</strong> <When iso={invitation.scheduledStart} />
          </p>
        ) : null}
        {loaderData.introducer ? (
          <p className="introduced" data-testid="introduced-by">
            {t("intro.introducedBy", { name: loaderData.introducer.displayName })}
            {invitation.introductionNote ? (
              <span className="prewrap"> · “{invitation.introductionNote}”</span>
            ) : null}
          </p>
        ) : null}
        {loaderData.notSent ? (
          <Notice tone="error" testId="not-sent">
            {t("invitation.notSent", { reason: loaderData.notSent })}
          </Notice>
        ) : null}
        {actionData?.problem ? (
          <Notice tone="error" testId="action-error">
            {problemMessage(actionData.problem, t)}
          </Notice>
        ) : null}
        {errors.form ? <Notice tone="error">{errors.form}</Notice> : null}
        {calendar ? (
          <p>
            {/* A plain link: the API answers it with a file, with the session cookie of this origin. */}
            <a
              href={`/api/invitations/${invitation.id}/ics`}
              download
              className="button button-ghost"
              data-testid="ics-link"
            >
              {t("invitation.calendar")}
            </a>
          </p>
        ) : null}
      </section>

      <section className="card" aria-labelledby="actions-title" data-testid="actions">
        <h2 id="actions-title">{t("invitation.actions")}</h2>
        {requester.role === "club" && invitation.status === "draft" ? (
          <p className="muted small">
            {invitation.signedOff ? t("invitation.signedOff") : t("invitation.needsSignOff")}
          </p>
        ) : null}
        {actions.length === 0 && !showSignOff ? <p className="muted">{t("invitation.noActions")}</p> : null}
        <div className="action-forms">
          {showSignOff ? (
            <ActionForm intent="sign-off" label={t("action.signOff")} testId="action-sign-off" />
          ) : null}
          {actions.map((action) => (
            <TransitionForm
              key={action}
              action={action}
              party={party}
              slots={slots}
              now={loaderData.now}
              errors={actionData?.intent === action ? errors : {}}
            />
          ))}
        </div>
      </section>

      <section className="card" aria-labelledby="details-title">
        <h2 id="details-title">{t("invitation.details")}</h2>
        <dl className="facts">
          <Fact label={t("invitation.requester")}>
            <Link to={`/u/${requester.id}`}>{requester.displayName}</Link>
          </Fact>
          <Fact label={t("invitation.expert")}>
            <Link to={`/experts/${expert.id}`}>{expert.displayName}</Link>
            {expert.headline ? <span className="muted"> · {expert.headline}</span> : null}
            {expert.verified === false ? (
              <span className="badge badge-muted" data-testid="expert-unverified">
                {t("expert.unverified")}
              </span>
            ) : null}
          </Fact>
          <Fact label={t("invitation.kind")}>{t(`kind.${invitation.kind}` as MessageKey)}</Fact>
          <Fact label={t("invitation.format")}>{t(`format.${invitation.format}` as MessageKey)}</Fact>
          {invitation.venue ? <Fact label={t("invitation.venue")}>{invitation.venue}</Fact> : null}
          <Fact label={t("invitation.duration")}>
            {t("invitation.minutes", { n: invitation.durationMinutes })}
          </Fact>
          <Fact label={t("invitation.audience")}>
            {t("invitation.people", { n: invitation.audienceSize })}
          </Fact>
          <Fact label={t("invitation.honorarium")}>
            {invitation.honorarium ? formatMoney(invitation.honorarium) : t("invitation.noHonorarium")}
          </Fact>
          <Fact label={t("invitation.language")}>
            {isSessionLanguage(invitation.language)
              ? t(`language.${invitation.language}` as MessageKey)
              : invitation.language}
          </Fact>
          <Fact label={t("invitation.deadline")}>
            <When iso={invitation.responseDeadline} />
          </Fact>
        </dl>
        <h3>{t("invitation.agenda")}</h3>
        <p className="prewrap">{invitation.agenda}</p>
        {invitation.proposal ? (
          <>
            <h3>{t("invitation.proposal")}</h3>
            <p className="prewrap">{invitation.proposal}</p>
          </>
        ) : null}
      </section>

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

      <section className="card" aria-labelledby="timeline-title" hidden={history.length === 0}>
        <h2 id="timeline-title">{t("invitation.timeline")}</h2>
        <ol className="timeline" data-testid="timeline">
          {history.map((event) => (
            <li key={`${event.createdAt}-${event.action}-${event.toStatus}`}>
              <p>
                <strong>{event.actorName}</strong> {historyText(event.action, t)}{" "}
                <StatusBadge status={event.toStatus as InvitationPage["invitation"]["status"]} />
              </p>
              {event.message ? <p className="prewrap quote">{event.message}</p> : null}
              <p className="muted small">
                <When iso={event.createdAt} />
              </p>
            </li>
          ))}
        </ol>
      </section>

      <Thread
        messages={messages}
        viewerId={loaderData.viewerId}
        error={actionData?.intent === "message" ? errors.body : undefined}
      />

      {canReview ? <ReviewForm errors={actionData?.intent === "review" ? errors : {}} /> : null}
      {reviews.length ? (
        <section className="card" aria-labelledby="reviews-title">
          <h2 id="reviews-title">{t("invitation.reviews")}</h2>
          <ul className="plain reviews">
            {reviews.map((review) => (
              <li key={review.authorId} className="review">
                <p className="stars" role="img" aria-label={t("expert.stars", { n: review.rating })}>
                  {"★".repeat(review.rating)}
                  <span className="stars-off">{"★".repeat(5 - review.rating)}</span>
                </p>
                {review.body ? <p className="review-body">{review.body}</p> : null}
                <p className="muted small">{review.authorName}</p>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

function isSessionLanguage(language: string): boolean {
  return ["en", "zh", "ms", "ta"].includes(language);
}

const HISTORY = new Set([
  "create",
  "send",
  "accept",
  "schedule",
  "decline",
  "counter",
  "cancel",
  "complete",
  "expire",
]);
function historyText(action: string, t: ReturnType<typeof useT>): string {
  return HISTORY.has(action) ? t(`history.${action}` as MessageKey) : action;
}

function useBusy(intent: string): boolean {
  const navigation = useNavigation();
  return navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
}

/** A button alone in its form: sign-off, send, complete. */
function ActionForm({ intent, label, testId }: { intent: string; label: string; testId: string }) {
  const busy = useBusy(intent);
  return (
    <Form method="post" className="action-form">
      <input type="hidden" name="intent" value={intent} />
      <button type="submit" className="button" disabled={busy} data-testid={testId}>
        {label}
      </button>
    </Form>
  );
}

interface TransitionProps {
  action: InvitationAction;
  party: InvitationPage["party"];
  slots: InvitationSlot[];
  now: number;
  errors: FieldErrors;
}

/** One form per action the API says this viewer may take now; nothing else is offered. */
function TransitionForm({ action, party, slots, now, errors }: TransitionProps) {
  const t = useT();
  const zone = useTimeZone();
  const busy = useBusy(action);
  const testId = `action-${action}`;
  const label = t(`action.${action}` as MessageKey);

  if (action === "send" || action === "complete") {
    return <ActionForm intent={action} label={label} testId={testId} />;
  }
  if (action === "accept") {
    const current = slots.filter((slot) => slot.current && slot.proposedBy !== party);
    const offered = current.length ? current : slots.filter((slot) => slot.current);
    return (
      <Form method="post" className="action-form">
        <input type="hidden" name="intent" value="accept" />
        <fieldset className={errors.slotId ? "has-error" : undefined}>
          <legend>{t("action.chooseSlot")}</legend>
          <ul className="plain choice-list" data-testid="accept-slots">
            {offered.map((slot) => (
              <li key={slot.id}>
                <label className="choice">
                  <input
                    type="radio"
                    name="slotId"
                    value={slot.id}
                    required
                    defaultChecked={offered.length === 1}
                    disabled={Date.parse(slot.startsAt) <= now}
                  />
                  <When iso={slot.startsAt} />
                </label>
              </li>
            ))}
          </ul>
          {errors.slotId ? <p className="field-error">{errors.slotId}</p> : null}
        </fieldset>
        <button type="submit" className="button" disabled={busy} data-testid={testId}>
          {label}
        </button>
      </Form>
    );
  }
  if (action === "counter") {
    return (
      <Form method="post" className="action-form">
        <input type="hidden" name="intent" value="counter" />
        <input type="hidden" name="tz" value={zone} />
        <fieldset className={errors.slots ? "has-error" : undefined}>
          <legend>{t("action.counterSlots", { zone })}</legend>
          {Array.from({ length: MAX_SLOTS }, (_, i) => (
            <TextField
              key={`slot${i + 1}`}
              label={t("action.counterSlot", { n: i + 1 })}
              name={`slot${i + 1}`}
              type="datetime-local"
              required={i === 0}
            />
          ))}
          {errors.slots ? <p className="field-error">{errors.slots}</p> : null}
        </fieldset>
        <TextAreaField
          label={t("action.message")}
          name="message"
          rows={2}
          maxLength={2000}
          error={errors.message}
        />
        <button type="submit" className="button button-ghost" disabled={busy} data-testid={testId}>
          {label}
        </button>
      </Form>
    );
  }
  // decline, cancel: an optional message to the other side.
  return (
    <Form method="post" className="action-form">
      <input type="hidden" name="intent" value={action} />
      <TextAreaField
        label={t("action.message")}
        name="message"
        rows={2}
        maxLength={2000}
        error={errors.message}
      />
      <button type="submit" className="button button-danger" disabled={busy} data-testid={testId}>
        {label}
      </button>
    </Form>
  );
}

function SlotsSection({
  slots,
  requesterName,
  expertName,
}: {
  slots: InvitationSlot[];
  requesterName: string;
  expertName: string;
}) {
  const t = useT();
  const rounds = [...new Set(slots.map((slot) => slot.round))].sort((a, b) => b - a);
  return (
    <section className="card" aria-labelledby="slots-title">
      <h2 id="slots-title">{t("invitation.slots")}</h2>
      {rounds.map((round) => {
        const inRound = slots.filter((slot) => slot.round === round);
        const current = inRound.some((slot) => slot.current);
        const by = inRound[0]?.proposedBy === "expert" ? expertName : requesterName;
        return (
          <div
            key={round}
            className={current ? "round round-current" : "round"}
            data-testid={current ? "current-round" : undefined}
          >
            <h3 className="round-title">
              {t("invitation.round", { n: round + 1 })} · {t("invitation.proposedBy", { name: by })}
              {current ? <span className="badge">{t("invitation.currentRound")}</span> : null}
            </h3>
            <ul className="plain">
              {inRound.map((slot) => (
                <li key={slot.id}>
                  <When iso={slot.startsAt} />
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </section>
  );
}

function Thread({
  messages,
  viewerId,
  error,
}: {
  messages: ThreadMessage[];
  viewerId: string;
  error?: string;
}) {
  const t = useT();
  const busy = useBusy("message");
  return (
    <section className="card" aria-labelledby="thread-title" data-testid="thread">
      <h2 id="thread-title">{t("invitation.thread")}</h2>
      {messages.length === 0 ? <p className="muted">{t("invitation.noMessages")}</p> : null}
      <ol className="thread">
        {messages.map((message) => (
          <li
            key={message.id}
            className={message.authorId === viewerId ? "message mine" : "message"}
            data-testid="message"
          >
            <p className="message-meta small">
              <strong>{message.authorName}</strong> · <When iso={message.createdAt} zone={false} />
            </p>
            <p className="prewrap">{message.body}</p>
          </li>
        ))}
      </ol>
      {/* Keyed by the count, so the text box empties once the message is in the thread. */}
      <Form method="post" className="form" key={messages.length}>
        <input type="hidden" name="intent" value="message" />
        <TextAreaField
          label={t("invitation.messageBody")}
          name="body"
          rows={3}
          maxLength={2000}
          required
          error={error}
        />
        <div>
          <button type="submit" className="button" disabled={busy} data-testid="post-message">
            {t("invitation.post")}
          </button>
        </div>
      </Form>
    </section>
  );
}

function ReviewForm({ errors }: { errors: FieldErrors }) {
  const t = useT();
  const busy = useBusy("review");
  return (
    <section className="card" aria-labelledby="review-title">
      <h2 id="review-title">{t("invitation.review")}</h2>
      <Form method="post" className="form" data-testid="review-form">
        <input type="hidden" name="intent" value="review" />
        <fieldset className={errors.rating ? "has-error" : undefined}>
          <legend>{t("invitation.rating")}</legend>
          <div className="rating">
            {[1, 2, 3, 4, 5].map((n) => (
              <label key={n} className="choice">
                <input type="radio" name="rating" value={n} required />
                <span aria-hidden="true">{"★".repeat(n)}</span>
                <span className="visually-hidden">{t("expert.stars", { n })}</span>
              </label>
            ))}
          </div>
          {errors.rating ? <p className="field-error">{errors.rating}</p> : null}
        </fieldset>
        <TextAreaField
          label={t("invitation.reviewBody")}
          name="body"
          rows={3}
          maxLength={2000}
          error={errors.body}
        />
        <div>
          <button type="submit" className="button" disabled={busy}>
            {t("invitation.submitReview")}
          </button>
        </div>
      </Form>
    </section>
  );
}

function IntroductionForm({
  expertName,
  mutuals,
  errors,
}: {
  expertName: string;
  mutuals: { userId: string; displayName: string }[];
  errors: FieldErrors;
}) {
  const t = useT();
  const busy = useBusy("introduce");
  return (
    <section className="card" aria-labelledby="intro-title" data-testid="introduction-form">
      <h2 id="intro-title">{t("intro.title")}</h2>
      <p className="muted small">{t("intro.lead", { expert: expertName })}</p>
      <Form method="post" className="form">
        <input type="hidden" name="intent" value="introduce" />
        <label className="inline-field">
          <span>{t("intro.connector")}</span>
          <select name="connectorId" data-testid="intro-connector">
            {mutuals.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.displayName}
              </option>
            ))}
          </select>
        </label>
        {errors.connectorId ? <p className="field-error">{errors.connectorId}</p> : null}
        <TextAreaField label={t("intro.message")} name="note" rows={2} maxLength={1000} />
        <button type="submit" className="button" disabled={busy} data-testid="intro-ask">
          {t("intro.ask")}
        </button>
      </Form>
    </section>
  );
}
