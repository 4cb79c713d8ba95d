import { RATE_LIMIT } from "../room-protocol";
import type { MessageLog } from "./log";

/**
 * What may stop a person posting right now: a moderator's mute, the end of the room's writing
 * window (an expert–student room), and the person's message bucket. All kept in the object's
 * SQLite, so they outlive hibernation and eviction. Times are passed in from the room's clock.
 */
export class PostingLimits {
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
    if (until !== null && until > now)
      this.sql.exec(
        "insert into mutes (user_id, until) values (?, ?) on conflict(user_id) do update set until = excluded.until",
        userId,
        until,
      );
    else this.sql.exec("delete from mutes where user_id = ?", userId);
  }

  mutedUntil(userId: string, now: number): number | null {
    const [row] = this.sql
      .exec<{ until: number }>("select until from mutes where user_id = ?", userId)
      .toArray();
    return row && row.until > now ? row.until : null;
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

  /**
   * Takes one token from the person's bucket: null when there was one, else the seconds until
   * there is.
   */
  spendToken(userId: string, now: number): number | null {
    const perMs = RATE_LIMIT.perSecond / 1000;
    const [row] = this.sql
      .exec<{ tokens: number; refilled_at: number }>(
        "select tokens, refilled_at from buckets where user_id = ?",
        userId,
      )
      .toArray();
    let tokens = row
      ? Math.min(RATE_LIMIT.burst, row.tokens + Math.max(0, now - row.refilled_at) * perMs)
      : RATE_LIMIT.burst;
    const refused = tokens < 1;
    if (!refused) tokens -= 1;
    this.sql.exec(
      "insert into buckets (user_id, tokens, refilled_at) values (?, ?, ?) on conflict(user_id) do update set tokens = excluded.tokens, refilled_at = excluded.refilled_at",
      userId,
      tokens,
      now,
    );
    return refused ? Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) : null;
  }
}
