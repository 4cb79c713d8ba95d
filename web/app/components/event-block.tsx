import { Form, Link } from "react-router";
import type { EventAttendee, EventBlock, EventItem } from "~/lib/api-types";
import type { MessageKey } from "~/lib/i18n";
import { useT } from "~/lib/root-data";
import { useLiveCounts } from "~/lib/use-live-counts";
import { When } from "./when";

/**
 * A note's event block: when (in the viewer's own zone), where, seats, the viewer's RSVP as three
 * buttons (plain form posts to the note page's action, so they work without JavaScript), the
 * calendar file and meeting link for people going, and the attendee list for organisers.
 */
export function EventPanel({
  event,
  signedIn,
  attendees,
}: {
  event: EventBlock;
  signedIn: boolean;
  attendees: EventAttendee[] | null;
}) {
  const t = useT();
  const open = event.phase === "upcoming";
  const going = event.viewer.rsvp === "going";
  const insider = going || event.viewer.organiser || event.viewer.expert;
  const counts = useLiveCounts(event.noteId, event.counts, open);
  return (
    <section className="card stack event-block" aria-label={t("events.badge")} data-testid="event-block">
      <p className="eyebrow">
        {t("events.badge")} ·{" "}
        <span data-testid="event-phase">{t(`events.phase.${event.phase}` as MessageKey)}</span>
      </p>
      <dl className="event-facts">
        <dt>{t("events.when")}</dt>
        <dd data-testid="event-when">
          <When iso={event.startsAt} /> – <When iso={event.endsAt} zone={false} />
        </dd>
        <dt>{t("events.where")}</dt>
        <dd>
          {event.format === "onsite" ? (event.venue ?? "") : t("events.online")}
          {event.meetingLink && /^https?:\/\//i.test(event.meetingLink) ? (
            <>
              {" · "}
              <a
                href={event.meetingLink}
                rel="noopener noreferrer nofollow"
                target="_blank"
                data-testid="event-link"
              >
                {t("events.meetingLink")}
              </a>
            </>
          ) : event.format === "online" ? (
            <span className="muted"> · {t("events.linkForGoing")}</span>
          ) : null}
        </dd>
      </dl>
      {event.expert ? (
        <p>
          <Link to={`/u/${event.expert.id}`}>{t("events.with", { name: event.expert.displayName })}</Link>
        </p>
      ) : null}
      <p data-testid="event-counts" aria-live="polite">
        {t("events.capacity", { going: counts.going, capacity: event.capacity })}
        {" · "}
        {t("events.interestedCount", { n: counts.interested })}
        {counts.waitlisted > 0 ? ` · ${t("events.waitlistCount", { n: counts.waitlisted })}` : null}
      </p>
      {event.viewer.rsvp ? (
        <p data-testid="event-my-rsvp">{t(`events.youAre.${event.viewer.rsvp}` as MessageKey)}</p>
      ) : null}
      {open && signedIn ? (
        <Form method="post" className="event-rsvp" aria-label={t("events.rsvpLabel")}>
          <input type="hidden" name="intent" value="rsvp" />
          {(["going", "interested", "not_going"] as const).map((status) => (
            <button
              key={status}
              type="submit"
              name="status"
              value={status}
              className={
                event.viewer.rsvp === status || (status === "going" && event.viewer.rsvp === "waitlisted")
                  ? "button button-small"
                  : "button button-small button-ghost"
              }
              aria-pressed={event.viewer.rsvp === status}
              data-testid={`rsvp-${status}`}
            >
              {t(
                status === "going"
                  ? "events.going"
                  : status === "interested"
                    ? "events.interested"
                    : "events.notGoing",
              )}
            </button>
          ))}
        </Form>
      ) : open ? (
        <p className="muted">
          <Link to={`/login?redirectTo=/notes/${event.noteId}`}>{t("events.loginToRsvp")}</Link>
        </p>
      ) : null}
      {insider && event.phase !== "cancelled" ? (
        <p>
          <a href={`/api/events/${event.noteId}/ics`} data-testid="event-ics">
            {t("events.addToCalendar")}
          </a>
        </p>
      ) : null}
      {event.recapNoteId ? (
        <p>
          <Link to={`/notes/${event.recapNoteId}`}>{t("events.recap")}</Link>
        </p>
      ) : null}
      {event.viewer.organiser && event.phase === "completed" && !event.recapNoteId ? (
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="recap" />
          <label className="field">
            <span>{t("events.recapBody")}</span>
            <textarea name="body" rows={3} maxLength={2000} required />
          </label>
          <button type="submit" className="button button-small">
            {t("events.recapSubmit")}
          </button>
        </Form>
      ) : null}
      {attendees ? <Attendees noteId={event.noteId} attendees={attendees} /> : null}
    </section>
  );
}

function Attendees({ noteId, attendees }: { noteId: string; attendees: EventAttendee[] }) {
  const t = useT();
  return (
    <details className="event-attendees" data-testid="event-attendees">
      <summary>
        {t("events.attendees")} ({attendees.length})
      </summary>
      {attendees.length === 0 ? (
        <p className="muted">{t("events.attendeesNone")}</p>
      ) : (
        <ol>
          {attendees.map((a) => (
            <li key={a.user.id}>
              <Link to={`/u/${a.user.id}`}>{a.user.displayName}</Link> ·{" "}
              {a.status === "waitlisted"
                ? t("events.status.waitlisted", { n: a.waitlistPosition ?? 0 })
                : t(`events.status.${a.status}` as MessageKey)}
            </li>
          ))}
        </ol>
      )}
      <a href={`/api/events/${noteId}/attendees.csv`} download data-testid="event-csv">
        {t("events.exportCsv")}
      </a>
    </details>
  );
}

/** A compact event for lists (/events, profiles, the club room): title, time, place, seats. */
export function EventRow({ item }: { item: EventItem }) {
  const t = useT();
  const { event } = item;
  return (
    <li className="event-row" data-testid="event-row">
      <Link to={`/notes/${item.note.id}`} className="event-row-title">
        {item.note.title}
      </Link>
      <span className="muted">
        {" "}
        <When iso={event.startsAt} /> · {event.format === "onsite" ? (event.venue ?? "") : t("events.online")}
      </span>
      <br />
      <span className="muted">
        {t("events.by", { name: event.organiser.displayName })}
        {event.expert ? ` · ${t("events.with", { name: event.expert.displayName })}` : null}
        {" · "}
        {t("events.capacity", { going: event.counts.going, capacity: event.capacity })}
        {event.viewer.rsvp ? ` · ${t(`events.youAre.${event.viewer.rsvp}` as MessageKey)}` : null}
      </span>
    </li>
  );
}

/** A list of events, or a sentence when there are none. */
export function EventList({ events, empty }: { events: EventItem[]; empty?: string }) {
  if (events.length === 0) return empty ? <p className="muted">{empty}</p> : null;
  return (
    <ul className="event-list">
      {events.map((item) => (
        <EventRow key={item.note.id} item={item} />
      ))}
    </ul>
  );
}
