import { RATE_LIMIT } from "../room-protocol";
import type { MessageLog } from "./log";

/**
 * What may stop a person posting right now: a moderator's mute, the end of the room's writing
 * window (an expert–student room), and the person's message bucket. All kept in the object's
 * SQLite, so they outlive hibernation and eviction. Times are passed in from the room's clock.
 */
export class PostingLimits {
  /** Read through from SQLite, written through to it: this instance is the only writer. */
  private mutes = new Map<string, number | null>();
  private buckets = new Map<string, { tokens: number; refilledAt: number }>();

  constructor(
    private readonly sql: SqlStorage,
    private readonly log: MessageLog,
  ) {
    sql.exec("create table if not exists mutes (user_id text primary key, until integer not null)");
    // The message token bucket is the person's, not the socket's: more tabs must not mean more messages.
    sql.exec(
      "create table if not exists buckets (user_id text primary key, tokens real not null, refilled_at integer not null)",
    );
  }

  /** Records a mute (`until` in the past, or null, lifts it). */
  mute(userId: string, until: number | null, now: number) {
    if (until !== null && until > now) {
      this.sql.exec(
        "insert into mutes (user_id, until) values (?, ?) on conflict(user_id) do update set until = excluded.until",
        userId,
        until,
      );
      this.mutes.set(userId, until);
    } else if (this.mutes.get(userId) !== null) {
      // Every join lifts a lapsed mute: a statement only when there may be one.
      this.sql.exec("delete from mutes where user_id = ?", userId);
      this.mutes.set(userId, null);
    }
  }

  mutedUntil(userId: string, now: number): number | null {
    let until = this.mutes.get(userId);
    if (until === undefined) {
      const [row] = this.sql
        .exec<{ until: number }>("select until from mutes where user_id = ?", userId)
        .toArray();
      until = row?.until ?? null;
      this.mutes.set(userId, until);
    }
    return until !== null && until > now ? until : null;
  }

  /** Sets when posting ends for everyone; null: no end. */
  writableUntil(until: number | null) {
    if (until === null) this.log.clearMeta("writable_until");
    else this.log.setMeta("writable_until", until);
  }

  readOnly(now: number): boolean {
    const until = this.log.meta("writable_until");
    return until !== null && now >= until;
  }

  /** Null when the person's bucket has a token now, else the seconds until it has; takes nothing. */
  tokenWait(userId: string, now: number): number | null {
    const tokens = this.refilled(this.bucket(userId, now), now);
    return tokens < 1 ? secondsUntilToken(tokens) : null;
  }

  /**
   * Takes one token from the person's bucket: null when there was one, else the seconds until
   * there is.
   */
  spendToken(userId: string, now: number): number | null {
    let tokens = this.refilled(this.bucket(userId, now), now);
    const refused = tokens < 1;
    if (!refused) tokens -= 1;
    this.sql.exec(
      "insert into buckets (user_id, tokens, refilled_at) values (?, ?, ?) on conflict(user_id) do update set tokens = excluded.tokens, refilled_at = excluded.refilled_at",
      userId,
      tokens,
      now,
    );
    this.buckets.set(userId, { tokens, refilledAt: now });
    return refused ? secondsUntilToken(tokens) : null;
  }

  private bucket(userId: string, now: number): Bucket {
    let bucket = this.buckets.get(userId);
    if (!bucket) {
      const [row] = this.sql
        .exec<{ tokens: number; refilled_at: number }>(
          "select tokens, refilled_at from buckets where user_id = ?",
          userId,
        )
        .toArray();
      bucket = row
        ? { tokens: row.tokens, refilledAt: row.refilled_at }
        : { tokens: RATE_LIMIT.burst, refilledAt: now };
      this.buckets.set(userId, bucket);
    }
    return bucket;
  }

  private refilled(bucket: Bucket, now: number): number {
    return Math.min(RATE_LIMIT.burst, bucket.tokens + Math.max(0, now - bucket.refilledAt) * PER_MS);
  }
}

type Bucket = { tokens: number; refilledAt: number };
const PER_MS = RATE_LIMIT.perSecond / 1000;
const secondsUntilToken = (tokens: number) => Math.max(1, Math.ceil((1 - tokens) / PER_MS / 1000));
