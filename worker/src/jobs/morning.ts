import { lt } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../db/client";
import { morningClaims } from "./schema";

/*
 * The early-morning run's clock. Cron Triggers are UTC; the run fires every hour ("0 * * * *") and
 * serves the time zones where it is now morning: local time in [06:00, 09:00). The 06:00 run claims
 * everything due (one claim per subject, kind, recipient and local date), so the 07:00 and 08:00
 * runs find it claimed and send nothing. They exist for a missed or failed cron hour: its work is
 * done an hour or two late, still in the recipient's morning, never twice and never in the
 * afternoon. Half-hour zones (Asia/Kolkata, UTC+5:30) are served at 06:30; a zone that changes to
 * or from summer time is served at 06:xx local on the day of the change, since the window is read
 * on the local clock, not as a UTC offset.
 */
export const MORNING_FROM_HOUR = 6;
export const MORNING_UNTIL_HOUR = 9;

/** The local date (YYYY-MM-DD) and hour of an instant in a zone; null for a zone Intl does not know. */
export function localClock(instant: number, timeZone: string): { date: string; hour: number } | null {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      hourCycle: "h23",
    }).formatToParts(new Date(instant));
  } catch {
    return null;
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { date: `${get("year")}-${get("month")}-${get("day")}`, hour: Number(get("hour")) };
}

/** Which zones are in their morning at `now`, and each such zone's local date. */
export interface Morning {
  now: number;
  /** The zones (of those asked about) where it is now morning, with their local date today. */
  zones: ReadonlyMap<string, string>;
  /** Today's local date in `zone` if it is morning there now, else null. */
  today(zone: string): string | null;
  /** Tomorrow's local date in `zone` if it is morning there now, else null. */
  tomorrow(zone: string): string | null;
}

/** The morning at `now` among `zones` (the zones of campuses and people, say). */
export function morningAt(now: number, zones: Iterable<string>): Morning {
  const inMorning = new Map<string, string>();
  for (const zone of new Set(zones)) {
    const clock = localClock(now, zone);
    if (clock && clock.hour >= MORNING_FROM_HOUR && clock.hour < MORNING_UNTIL_HOUR)
      inMorning.set(zone, clock.date);
  }
  const memo = new Map<string, string | null>();
  return {
    now,
    zones: inMorning,
    today: (zone) => inMorning.get(zone) ?? null,
    tomorrow(zone) {
      if (!inMorning.has(zone)) return null;
      if (!memo.has(zone)) memo.set(zone, localClock(now + 24 * 3600_000, zone)?.date ?? null);
      return memo.get(zone) ?? null;
    },
  };
}

/** A step of the morning run that another domain adds (events today, waitlist changes, …). */
export type MorningStep<C> = (ctx: C, morning: Morning) => Promise<Record<string, number>>;

export interface MorningClaim {
  /** The invitation, event, … the reminder is about. */
  subjectId: string;
  /** The reminder's kind, e.g. "deadline", "session-today"; a domain prefixes its own ("event-today"). */
  kind: string;
  recipientId: string;
  /** The recipient's local date the reminder is for. */
  localDate: string;
}

const CLAIM_BATCH = 50;

/** Claims each reminder once; returns only the claims this call made (the others were done before). */
export async function claimMorning<T extends MorningClaim>(db: Db, claims: T[]): Promise<T[]> {
  const claimed: T[] = [];
  for (let i = 0; i < claims.length; i += CLAIM_BATCH) {
    const slice = claims.slice(i, i + CLAIM_BATCH);
    const statements = slice.map((claim) =>
      db
        .insert(morningClaims)
        .values({
          subjectId: claim.subjectId,
          kind: claim.kind,
          recipientId: claim.recipientId,
          localDate: claim.localDate,
        })
        .onConflictDoNothing()
        .returning({ subjectId: morningClaims.subjectId }),
    );
    const results = (await db.batch(
      statements as unknown as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]],
    )) as unknown[][];
    results.forEach((rows, index) => {
      const claim = slice[index];
      if (rows.length > 0 && claim) claimed.push(claim);
    });
  }
  return claimed;
}

const CLAIMS_KEPT = 14 * 24 * 3600_000;

/** Housekeeping: forgets claims older than two weeks (no reminder looks that far back). */
export async function purgeMorningClaims(db: Db, now: number) {
  await db
    .delete(morningClaims)
    .where(lt(morningClaims.createdAt, now - CLAIMS_KEPT))
    .run();
}
