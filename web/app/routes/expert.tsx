import { data, Link } from "react-router";
import { Avatar } from "~/components/avatar";
import { EventList } from "~/components/event-block";
import { Tags } from "~/components/facts";
import { NoteGrid } from "~/components/note-grid";
import { apiCall } from "~/lib/api.server";
import type { AvailabilityWindow, EventItem, Expert, NotePage, TrackRecord } from "~/lib/api-types";
import type { MessageKey, Translate } from "~/lib/i18n";
import { canInvite } from "~/lib/invitation";
import { useRootData, useT } from "~/lib/root-data";
import { formatDate, windowInZone } from "~/lib/time";
import { useTimeZone } from "~/lib/time-zone";
import type { Route } from "./+types/expert";

export const meta: Route.MetaFunction = ({ data: page }) => [
  { title: page ? `${page.profile.displayName} · ATAS` : "ATAS" },
];

/** The expert's latest notes on their profile (each note offers "Ask this expert"). */
const NOTES_SHOWN = 6;

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const id = encodeURIComponent(params.id);
  const [result, notes, upcoming, past] = await Promise.all([
    apiCall<Expert>(context, request, `/api/experts/${id}`),
    // The notes this reader may see (the API's visibility rule), newest first.
    apiCall<NotePage>(context, request, `/api/users/${id}/notes?limit=${NOTES_SHOWN}`),
    // Events where the expert agreed to be named, as this reader may see them.
    apiCall<{ events: EventItem[] }>(context, request, `/api/users/${id}/events?when=upcoming&limit=5`),
    apiCall<{ events: EventItem[] }>(context, request, `/api/users/${id}/events?when=past&limit=5`),
  ]);
  // A malformed id is as missing as an unknown one (or someone who is not an expert).
  if (result.status === 404 || result.status === 400) throw data(null, { status: 404 });
  if (!result.ok) throw data(result.problem, { status: result.status });
  return {
    ...result.data,
    notes: notes.ok ? notes.data.notes : [],
    upcomingEvents: upcoming.ok ? upcoming.data.events : [],
    pastEvents: past.ok ? past.data.events : [],
    now: Date.now(),
  };
}

export default function ExpertPage({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const account = useRootData()?.account;
  const { profile, trackRecord, notes, upcomingEvents, pastEvents, now } = loaderData;
  const expert = profile.expert;
  const name = profile.displayName;
  const invitePath = `/experts/${profile.id}/invite`;

  return (
    <div className="stack">
      <article className="card profile">
        <header className="profile-head">
          <Avatar name={name} url={profile.avatarUrl} alt={t("profile.avatarAlt", { name })} />
          <div className="profile-id">
            <h1 data-testid="profile-name">{name}</h1>
            {expert ? (
              <p className="profile-meta">
                <span>{[expert.headline, expert.company].filter(Boolean).join(" · ")}</span>
              </p>
            ) : null}
            <p className="profile-meta">
              {expert?.industry ? <span className="badge">{expert.industry}</span> : null}
              {expert && expert.verification !== "verified" ? (
                <span
                  className="badge badge-muted"
                  data-testid="expert-unverified"
                  title={t("expert.unverifiedNote")}
                >
                  {t("expert.unverified")}
                </span>
              ) : null}
              {expert?.acceptingInvitations ? (
                <span className="badge badge-verified">{t("profile.accepting")}</span>
              ) : (
                <span className="badge badge-muted">{t("profile.notAccepting")}</span>
              )}
            </p>
          </div>
        </header>
        {profile.bio ? <p className="profile-bio">{profile.bio}</p> : null}
        {expert ? (
          <dl className="facts">
            <div className="fact">
              <dt>{t("profile.yearsExperience")}</dt>
              <dd>{expert.yearsExperience}</dd>
            </div>
            <div className="fact">
              <dt>{t("profile.skills")}</dt>
              <dd>
                <Tags items={expert.skills} />
              </dd>
            </div>
            <div className="fact">
              <dt>{t("profile.topics")}</dt>
              <dd>
                <Tags items={expert.topics} />
              </dd>
            </div>
          </dl>
        ) : null}

        <div className="actions">
          {!account ? (
            <Link to={`/login?redirectTo=${encodeURIComponent(invitePath)}`} className="button">
              {t("expert.loginToInvite", { name })}
            </Link>
          ) : canInvite(account.role) && expert?.acceptingInvitations ? (
            <Link to={invitePath} className="button" data-testid="invite-button">
              {t("expert.invite", { name })}
            </Link>
          ) : null}
        </div>
        {account && canInvite(account.role) && !expert?.acceptingInvitations ? (
          <p className="muted">{t("expert.notAccepting", { name })}</p>
        ) : null}
      </article>

      {expert ? (
        <section className="card" aria-labelledby="availability-title">
          <h2 id="availability-title">{t("expert.availabilityTitle", { name })}</h2>
          <Availability windows={expert.availability} now={now} />
        </section>
      ) : null}

      <TrackRecordSection record={trackRecord} />

      <section className="card" aria-labelledby="notes-title" data-testid="expert-notes">
        <h2 id="notes-title">{t("ask.notesTitle", { name })}</h2>
        <NoteGrid notes={notes} empty={t("ask.noNotes")} />
        {notes.length > 0 ? (
          <p className="small">
            <Link to={`/u/${profile.id}`}>{t("ask.seeAll")}</Link>
          </p>
        ) : null}
      </section>
      {upcomingEvents.length ? (
        <section className="card stack" data-testid="expert-upcoming-events">
          <h2>{t("events.upcoming")}</h2>
          <EventList events={upcomingEvents} />
        </section>
      ) : null}
      {pastEvents.length ? (
        <section className="card stack" data-testid="expert-past-events">
          <h2>{t("events.past")}</h2>
          <EventList events={pastEvents} />
        </section>
      ) : null}
    </div>
  );
}

/** "Tuesdays 19:00–21:00 (Asia/Kuala_Lumpur)", and the viewer's own clock when their zone differs. */
function Availability({ windows, now }: { windows: AvailabilityWindow[]; now: number }) {
  const t = useT();
  const zone = useTimeZone();
  if (!windows.length) return <p className="muted">{t("profile.noAvailability")}</p>;
  const sorted = [...windows].sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start));
  return (
    <ul className="plain availability" data-testid="availability">
      {sorted.map((window) => {
        const mine = windowInZone(window, zone, now);
        return (
          <li key={`${window.weekday}-${window.start}-${window.end}-${window.timeZone}`}>
            {t(`weekdays.${window.weekday}` as MessageKey)} {window.start}–{window.end}{" "}
            <span className="muted">({window.timeZone})</span>
            {mine ? (
              <span className="muted small">
                {" · "}
                {t("expert.yourTime", {
                  weekday: t(`weekday.${mine.weekday}` as MessageKey),
                  start: mine.start,
                  end: mine.end,
                  zone,
                })}
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

function duration(hours: number, t: Translate): string {
  if (hours < 1) return t("expert.minutes", { n: Math.max(1, Math.round(hours * 60)) });
  if (hours >= 48) return t("expert.days", { n: Math.round((hours / 24) * 10) / 10 });
  return t("expert.hours", { n: hours });
}

function TrackRecordSection({ record }: { record: TrackRecord }) {
  const t = useT();
  const zone = useTimeZone();
  const none = t("expert.noData");
  return (
    <section className="card" aria-labelledby="track-title" data-testid="track-record">
      <h2 id="track-title">{t("expert.trackTitle")}</h2>
      <dl className="facts stats">
        <div className="fact">
          <dt>{t("expert.responseRate")}</dt>
          <dd>
            {record.responseRate === null
              ? none
              : t("expert.responseRateValue", {
                  percent: Math.round(record.responseRate * 100),
                  received: record.received,
                })}
          </dd>
        </div>
        <div className="fact">
          <dt>{t("expert.medianResponse")}</dt>
          <dd>{record.medianResponseHours === null ? none : duration(record.medianResponseHours, t)}</dd>
        </div>
        <div className="fact">
          <dt>{t("expert.sessions")}</dt>
          <dd>{record.sessionsCompleted}</dd>
        </div>
        <div className="fact">
          <dt>{t("expert.rating")}</dt>
          <dd>
            {record.averageRating === null
              ? none
              : t("expert.ratingValue", { rating: record.averageRating, count: record.reviewCount })}
          </dd>
        </div>
      </dl>
      <h3>{t("expert.recentReviews")}</h3>
      {record.recentReviews.length ? (
        <ul className="plain reviews">
          {record.recentReviews.map((review) => (
            <li key={`${review.author.id}-${review.createdAt}`} className="review">
              <p className="stars" role="img" aria-label={t("expert.stars", { n: review.rating })}>
                {"★".repeat(review.rating)}
                <span className="stars-off">{"★".repeat(5 - review.rating)}</span>
              </p>
              {review.body ? <p className="review-body">{review.body}</p> : null}
              <p className="muted small">
                <Link to={`/u/${review.author.id}`}>{review.author.displayName}</Link> ·{" "}
                {formatDate(review.createdAt, zone, t)}
              </p>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t("expert.noReviews")}</p>
      )}
    </section>
  );
}
