import { and, count, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users } from "../../identity/schema";
// A table only (schema files are readable from any layer): attendance lives with atas-link's events.
import { events } from "../../link/events/schema";
import { getProfile } from "../../profiles";
import { invalidate, readThrough } from "../../shared/cache-aside";
import type { ActionContext } from "../../shared/context";
import { NotFound } from "../../shared/errors";
import { invitations, reviews } from "../schema";

export interface TrackRecord {
  /** Invitations sent to the expert (drafts are not counted). */
  received: number;
  responded: number;
  /** responded / received; null before the first invitation. */
  responseRate: number | null;
  medianResponseHours: number | null;
  sessionsCompleted: number;
  /** Completed sessions that were published as atas-link events. */
  eventsDelivered: number;
  /** People who were going to those events. */
  attendees: number;
  averageRating: number | null;
  reviewCount: number;
  recentReviews: {
    rating: number;
    body: string;
    createdAt: string;
    author: { id: string; displayName: string };
  }[];
}

const RECENT_REVIEWS = 5;
const HOUR_MS = 3_600_000;

/** An expert's public page: the profile and a track record computed from invitations and reviews. */
/**
 * The track record is an aggregate over all of an expert's invitations, so it is cached and
 * invalidated whenever one of them changes or is reviewed.
 */
export const trackRecordKey = (expertId: string) => `track:${expertId}`;

export function invalidateTrackRecord(ctx: ActionContext, expertId: string) {
  return invalidate(ctx, trackRecordKey(expertId));
}

export async function getExpert({ ctx, input }: { ctx: ActionContext; input: { expertId: string } }) {
  const [{ profile }, track] = await Promise.all([
    getProfile({ ctx, input: { userId: input.expertId } }),
    readThrough(ctx, {
      key: trackRecordKey(input.expertId),
      ttlSeconds: 600,
      load: () => loadTrackRecord(ctx.db, input.expertId),
    }),
  ]);
  if (profile.role !== "expert") throw new NotFound("No such expert.");
  // x-cache on the expert route speaks of the track record (profiles are read from D1).
  return { profile, trackRecord: track.value as TrackRecord, cache: track.cache };
}

/** One round trip: five read-only statements in one batch. */
export async function loadTrackRecord(db: Db, expertId: string): Promise<TrackRecord> {
  const sent = and(eq(invitations.expertId, expertId), isNotNull(invitations.sentAt));
  const responseMs = sql<number>`${invitations.respondedAt} - ${invitations.sentAt}`;
  const durations = db
    .select({
      ms: responseMs.as("ms"),
      position: sql<number>`row_number() OVER (ORDER BY ${responseMs})`.as("position"),
      total: sql<number>`count(*) OVER ()`.as("total"),
    })
    .from(invitations)
    .where(and(sent, isNotNull(invitations.respondedAt)))
    .as("durations");

  const [[tally], [median], [rating], recent, [delivered]] = await db.batch([
    db
      .select({
        received: count(),
        responded: count(invitations.respondedAt),
        completed: sql<number>`coalesce(sum(${invitations.status} = 'completed'), 0)`,
      })
      .from(invitations)
      .where(sent),
    // The middle row, or the mean of the two middle rows when the count is even.
    db
      .select({ ms: sql<number | null>`avg(${durations.ms})` })
      .from(durations)
      .where(sql`${durations.position} IN ((${durations.total} + 1) / 2, (${durations.total} + 2) / 2)`),
    db
      .select({ reviews: count(), average: sql<number | null>`avg(${reviews.rating})` })
      .from(reviews)
      .where(eq(reviews.subjectId, expertId)),
    db
      .select({
        rating: reviews.rating,
        body: reviews.body,
        createdAt: reviews.createdAt,
        author: { id: users.id, displayName: users.displayName },
      })
      .from(reviews)
      .innerJoin(users, eq(users.id, reviews.authorId))
      .where(eq(reviews.subjectId, expertId))
      .orderBy(desc(reviews.createdAt), desc(reviews.id))
      .limit(RECENT_REVIEWS),
    db
      .select({ events: count(), attendees: sql<number>`coalesce(sum(${events.goingCount}), 0)` })
      .from(events)
      .innerJoin(invitations, eq(invitations.id, events.invitationId))
      .where(and(eq(invitations.expertId, expertId), eq(invitations.status, "completed"))),
  ]);

  const received = tally?.received ?? 0;
  const responded = tally?.responded ?? 0;
  const medianMs = median?.ms ?? null;
  const average = rating?.average ?? null;
  return {
    received,
    responded,
    responseRate: received > 0 ? responded / received : null,
    medianResponseHours: medianMs === null ? null : oneDecimal(medianMs / HOUR_MS),
    sessionsCompleted: tally?.completed ?? 0,
    eventsDelivered: delivered?.events ?? 0,
    attendees: delivered?.attendees ?? 0,
    averageRating: average === null ? null : oneDecimal(average),
    reviewCount: rating?.reviews ?? 0,
    recentReviews: recent.map((review) => ({
      ...review,
      createdAt: new Date(review.createdAt).toISOString(),
    })),
  };
}

const oneDecimal = (value: number) => Math.round(value * 10) / 10;
