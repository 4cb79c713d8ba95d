import { and, eq, gt, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { randomToken, sha256 } from "../../shared/crypto";
import { emailTokens } from "../schema";

export const TOKEN_TTL_MS = { verify: 48 * 3600_000, reset: 3600_000 } as const;
type Purpose = keyof typeof TOKEN_TTL_MS;

export async function mintEmailToken(db: Db, userId: string, purpose: Purpose): Promise<string> {
  const token = randomToken();
  await db.insert(emailTokens).values({
    id: await sha256(token),
    userId,
    purpose,
    expiresAt: Date.now() + TOKEN_TTL_MS[purpose],
  });
  return token;
}

function validToken(id: string, purpose: Purpose, now: number) {
  return and(
    eq(emailTokens.id, id),
    eq(emailTokens.purpose, purpose),
    isNull(emailTokens.usedAt),
    gt(emailTokens.expiresAt, now),
  );
}

/** The user a still-valid token belongs to, without spending it. */
export async function peekEmailToken(db: Db, token: string, purpose: Purpose): Promise<string | null> {
  const row = await db
    .select({ userId: emailTokens.userId })
    .from(emailTokens)
    .where(validToken(await sha256(token), purpose, Date.now()))
    .get();
  return row?.userId ?? null;
}

/**
 * Marks the token used and returns its user, or null when it is unknown, expired or already used.
 * The conditional update makes it single-use even under two concurrent clicks.
 */
export async function consumeEmailToken(db: Db, token: string, purpose: Purpose): Promise<string | null> {
  const now = Date.now();
  const [row] = await db
    .update(emailTokens)
    .set({ usedAt: now })
    .where(validToken(await sha256(token), purpose, now))
    .returning({ userId: emailTokens.userId });
  return row?.userId ?? null;
}

/**
 * Spends every outstanding token of `purpose` for the user, for a batch: once one link was used or
 * the password changed, the others (still sitting in the mailbox) must not work.
 */
export function revokeEmailTokensQuery(db: Db, userId: string, purpose: Purpose, now = Date.now()) {
  return db
    .update(emailTokens)
    .set({ usedAt: now })
    .where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt)));
}

export async function purgeStaleEmailTokens(db: Db, now = Date.now()) {
  await db.delete(emailTokens).where(or(lt(emailTokens.expiresAt, now - 24 * 3600_000)));
}
