import { data, Form, Link, redirect, useNavigation } from "react-router";
import { SelectField, TextAreaField, TextField } from "~/components/field";
import { FormatFields } from "~/components/invite/format-fields";
import { HonorariumFields } from "~/components/invite/honorarium-fields";
import { InviteClosed } from "~/components/invite/invite-closed";
import { ScheduleFields } from "~/components/invite/schedule-fields";
import { Notice } from "~/components/notice";
import { apiCall } from "~/lib/api.server";
import type { CreateInvitation, Expert, Me, Note, Problem } from "~/lib/api-types";
import { setFlash } from "~/lib/flash.server";
import { type FieldErrors, fieldErrors, formText, problemMessage } from "~/lib/forms";
import { type MessageKey, preferredLang, translatorFor } from "~/lib/i18n";
import {
  CURRENCIES,
  canInvite,
  FORMATS,
  KINDS,
  MAX_SLOTS,
  parseAmount,
  SESSION_LANGUAGES,
} from "~/lib/invitation";
import { askedNoteId, askPrefill } from "~/lib/invite/ask-prefill";
import { DEADLINE_MARGIN, DEFAULT_DURATION, useInviteSchedule } from "~/lib/invite/use-invite-schedule";
import { parseWholeNumber } from "~/lib/profile-form";
import { pageMeta, useT } from "~/lib/root-data";
import { formatZoned, fromLocalInput, isTimeZone, requestTimeZone } from "~/lib/time";
import { useTimeZone } from "~/lib/time-zone";
import type { Route } from "./+types/expert-invite";

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "nav.experts");

async function loadPage({ request, context, params }: Route.LoaderArgs | Route.ActionArgs) {
  const path = `/experts/${params.id}/invite`;
  const [me, expert] = await Promise.all([
    apiCall<Me>(context, request, "/api/me"),
    apiCall<Expert>(context, request, `/api/experts/${encodeURIComponent(params.id)}`),
  ]);
  if (me.status === 401)
    throw redirect(`/login?redirectTo=${encodeURIComponent(path)}`, { headers: me.headers });
  if (!me.ok) throw data(me.problem, { status: me.status });
  if (expert.status === 404 || expert.status === 400) throw data(null, { status: 404 });
  if (!expert.ok) throw data(expert.problem, { status: expert.status });
  return { me: me.data, expert: expert.data };
}

/**
 * "Ask this expert" (`?note=<id>`): the note as the reader may see it (the note read applies the
 * visibility rule), and only when it is by this expert; otherwise the form opens empty.
 */
async function askedNote({ request, context }: Route.LoaderArgs, expertId: string) {
  const noteId = askedNoteId(new URL(request.url));
  if (!noteId) return null;
  const found = await apiCall<{ note: Note }>(context, request, `/api/notes/${noteId}`);
  if (!found.ok || found.data.note.author.id !== expertId) return null;
  const { note } = found.data;
  const t = await translatorFor(preferredLang(request));
  return { id: note.id, noteTitle: note.title, ...askPrefill(note, t) };
}

/** How far ahead the slot picker offers times (availabilityStarts' default), plus a day. */
const BUSY_AHEAD = 22 * 86_400_000;

export async function loader(args: Route.LoaderArgs) {
  const { me, expert } = await loadPage(args);
  const profile = expert.profile;
  const now = Date.now();
  // The expert's booked times (start and end only), so the picker greys out times that overlap them.
  const busy = await apiCall<{ busy: { start: string; end: string }[] }>(
    args.context,
    args.request,
    `/api/experts/${encodeURIComponent(profile.id)}/busy?from=${new Date(now).toISOString()}&to=${new Date(now + BUSY_AHEAD).toISOString()}`,
  );
  return {
    source: await askedNote(args, profile.id),

    busy: busy.ok ? busy.data.busy : [],
    account: me.account,
    clubs: me.clubs,
    expert: {
      id: profile.id,
      displayName: profile.displayName,
      availability: profile.expert?.availability ?? [],
      accepting: profile.expert?.acceptingInvitations ?? false,
    },
    now: Date.now(),
  };
}

type Values = Record<string, string>;
interface Rejected {
  errors: FieldErrors;
  problem?: Problem;
  values: Values;
  picked: string[];
}

export async function action(args: Route.ActionArgs) {
  const { request, context } = args;
  const { expert, me } = await loadPage(args);
  const t = await translatorFor(preferredLang(request));
  const form = await request.formData();
  const values: Values = {};
  for (const [name, value] of form) if (typeof value === "string" && name !== "slots") values[name] = value;
  const picked = form.getAll("slots").filter((slot): slot is string => typeof slot === "string");
  const zone = isTimeZone(values.tz) ? values.tz : requestTimeZone(request);
  const text = (name: string) => formText(form, name).trim();
  const errors: FieldErrors = {};
  const now = Date.now();

  const starts = picked.map((slot) => Date.parse(slot));
  if (starts.length < 1 || starts.length > MAX_SLOTS || starts.some(Number.isNaN))
    errors.slots = t("invite.pickSlots");
  const durationMinutes = parseWholeNumber(text("durationMinutes"), 15, 480);
  if (!durationMinutes) errors.durationMinutes = t("invite.badDuration");
  const audienceSize = parseWholeNumber(text("audienceSize"), 1, 5000);
  if (!audienceSize) errors.audienceSize = t("invite.badAudience");
  const amount = parseAmount(text("honorariumAmount"));
  if (amount === undefined) errors.honorariumAmount = t("invite.badAmount");
  const format = FORMATS.find((f) => f === text("format")) ?? "online";
  if (format === "onsite" && !text("venue")) errors.venue = t("invite.venueRequired");
  const deadline = fromLocalInput(text("responseDeadline"), zone);
  if (deadline === null) errors.responseDeadline = t("invite.badDeadline");
  else if (deadline < now + DEADLINE_MARGIN) errors.responseDeadline = t("invite.deadlineTooSoon");
  else if (starts.some((start) => start <= deadline)) errors.responseDeadline = t("invite.deadlineAfterSlot");
  if (Object.keys(errors).length || deadline === null)
    return data<Rejected>({ errors, values, picked }, { status: 400 });

  // An officer may send for one of their clubs; the API checks the officer role again.
  const sendAs = me.clubs.find((club) => club.id === text("requesterId"));
  const body: CreateInvitation = {
    expertId: expert.profile.id,
    ...(sendAs ? { requesterId: sendAs.id } : {}),
    kind: KINDS.find((k) => k === text("kind")) ?? "talk",
    title: text("title"),
    agenda: text("agenda"),
    slots: starts.map((start) => new Date(start).toISOString()),
    durationMinutes: durationMinutes ?? DEFAULT_DURATION,
    format,
    venue: format === "onsite" ? text("venue") : null,
    audienceSize: audienceSize ?? 1,
    honorarium: amount ? { amount, currency: CURRENCIES.find((c) => c === text("currency")) ?? "MYR" } : null,
    language: SESSION_LANGUAGES.find((l) => l === text("language")) ?? "en",
    responseDeadline: new Date(deadline).toISOString(),
    proposal: text("proposal") || null,
    // "Ask this expert": the API attaches it only if the requester may see it and it is the expert's.
    ...(text("sourceNoteId") ? { sourceNoteId: text("sourceNoteId") } : {}),
  };
  const created = await apiCall<{ id: string }>(context, request, "/api/invitations", { json: body });
  if (!created.ok) {
    const problem = created.problem;
    const refused = fieldErrors(problem);
    if (refused.honorarium) refused.honorariumAmount = refused.honorarium;
    if (problem.code === "slot-overlaps") refused.slots = t("problem.slot-overlaps");
    if (problem.outside?.length) {
      refused.slots = t("invite.outside", {
        times: problem.outside.map((iso) => formatZoned(iso, zone, t)).join("; "),
      });
    }
    return data<Rejected>(
      { errors: refused, problem, values, picked },
      { status: created.status, headers: created.headers },
    );
  }

  // The draft exists; now send it. If sending is refused (a club's draft waits for an officer's
  // sign-off, say), the invitation page shows the draft and says why.
  const path = `/invitations/${created.data.id}`;
  // "Save as draft": the invitation page then offers the AI proposal draft, and Send.
  if (text("intent") === "draft") return redirect(path);
  const sent = await apiCall(context, request, `/api/invitations/${created.data.id}/send`, { json: {} });
  if (sent.ok) return redirect(path);
  return redirect(path, {
    headers: { "set-cookie": setFlash({ path, reason: problemMessage(sent.problem, t) }) },
  });
}

export default function Invite({ loaderData, actionData }: Route.ComponentProps) {
  const t = useT();
  const zone = useTimeZone();
  const busy = useNavigation().state === "submitting";
  const { account, clubs, expert, now, source } = loaderData;
  const errors = actionData?.errors ?? {};
  const values = actionData?.values;
  const value = (name: string, fallback: string) => values?.[name] ?? fallback;
  const schedule = useInviteSchedule({
    availability: expert.availability,
    now,
    zone,
    values,
    picked: actionData?.picked,
    busy: loaderData.busy,
  });

  if (!canInvite(account.role) || !expert.accepting) {
    return <InviteClosed expert={expert} mayInvite={canInvite(account.role)} t={t} />;
  }

  return (
    <section className="card">
      <h1>{t("invite.title", { name: expert.displayName })}</h1>
      <p className="muted">{t("invite.lead", { name: expert.displayName })}</p>
      {clubs.length === 0 ? (
        <p className="small">{t("invite.asMyself", { name: account.displayName })}</p>
      ) : null}
      {actionData ? (
        <Notice tone="error">
          {actionData.problem ? problemMessage(actionData.problem, t) : t("form.problem")}
        </Notice>
      ) : null}
      {errors.form ? <Notice tone="error">{errors.form}</Notice> : null}
      {source ? (
        <p className="small" data-testid="invite-source">
          <Link to={`/notes/${source.id}`}>{t("ask.from", { title: source.noteTitle })}</Link>
        </p>
      ) : null}
      <Form method="post" className="form invite-form" data-testid="invite-form">
        <input type="hidden" name="tz" value={zone} />
        {source ? <input type="hidden" name="sourceNoteId" value={source.id} /> : null}
        {clubs.length > 0 ? (
          <SelectField label={t("invite.sendAs")} name="requesterId" defaultValue={value("requesterId", "")}>
            <option value="">{account.displayName}</option>
            {clubs.map((club) => (
              <option key={club.id} value={club.id}>
                {club.name}
              </option>
            ))}
          </SelectField>
        ) : null}
        <SelectField
          label={t("invite.kind")}
          name="kind"
          defaultValue={value("kind", source?.kind ?? "talk")}
          error={errors.kind}
        >
          {KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`kind.${kind}` as MessageKey)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t("invite.titleField")}
          name="title"
          required
          minLength={3}
          maxLength={140}
          defaultValue={value("title", source?.title ?? "")}
          error={errors.title}
        />
        <TextAreaField
          label={t("invite.agenda")}
          name="agenda"
          required
          rows={5}
          maxLength={4000}
          hint={t("invite.agendaHint")}
          defaultValue={value("agenda", source?.agenda ?? "")}
          error={errors.agenda}
        />
        <ScheduleFields
          schedule={schedule}
          errors={errors}
          audienceSize={value("audienceSize", "30")}
          outside={actionData?.problem?.outside}
          now={now}
          zone={zone}
          t={t}
        />
        <FormatFields value={value} errors={errors} t={t} />
        <HonorariumFields value={value} errors={errors} t={t} />
        <SelectField
          label={t("invite.language")}
          name="language"
          defaultValue={value("language", "en")}
          error={errors.language}
        >
          {SESSION_LANGUAGES.map((language) => (
            <option key={language} value={language}>
              {t(`language.${language}` as MessageKey)}
            </option>
          ))}
        </SelectField>
        <TextAreaField
          label={t("invite.proposal")}
          name="proposal"
          rows={4}
          maxLength={8000}
          defaultValue={value("proposal", "")}
          error={errors.proposal}
        />
        <div className="actions">
          <button
            type="submit"
            name="intent"
            value="send"
            className="button"
            disabled={busy}
            data-testid="invite-submit"
          >
            {busy ? t("invite.sending") : t("invite.submit")}
          </button>
          <button
            type="submit"
            name="intent"
            value="draft"
            className="button button-ghost"
            disabled={busy}
            data-testid="invite-save-draft"
          >
            {t("invite.saveDraft")}
          </button>
          <Link to={`/experts/${expert.id}`} className="button button-ghost">
            {t("invite.cancel")}
          </Link>
        </div>
      </Form>
    </section>
  );
}
