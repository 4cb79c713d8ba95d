import { and, eq, gt, inArray, or } from "drizzle-orm";
import { type Role, users } from "../../identity/schema";
import { invitations } from "../../pro/schema";
import { expertProfiles } from "../../profiles/schema";
import { messageRequests } from "../../rooms/schema";
import type { ActionContext } from "../../shared/context";
import { connections } from "../schema";
import { isBlockedEitherWay } from "./edges";

/**
 * Who may start contact with whom: the one table every path asks (direct rooms, message requests,
 * connection requests and the note they carry, mentions, comments and replies on someone's note).
 * docs/trust/contact.md shows it.
 *
 * People are "experts" or the "student side" (students, clubs, admins). Between an expert and the
 * student side, an expert reaches a student only inside an invitation the student side made and
 * the expert accepted: its contact window is open while the invitation is accepted or scheduled
 * and for `AFTER_SESSION_MS` after it was completed; a cancel or decline closes it at once.
 * An expert nobody has vetted (`expert-vetting.ts`) starts nothing outside that window.
 */
export const CHANNELS = [
  "direct",
  "message-request",
  "connection-request",
  "connection-note",
  "mention",
  "comment",
] as const;
export type Channel = (typeof CHANNELS)[number];

export type Refusal = "needs-request" | "needs-invitation" | "unverified-expert";

/** How long after a completed session the two may still write (follow-up questions, slides). */
export const AFTER_SESSION_MS = 14 * 86_400_000;

/** The pair as the table sees it, from the actor's side. */
export type Pair =
  | "peers"
  | "student-to-expert"
  | "verified-expert-to-student"
  | "unverified-expert-to-student";

export interface ContactFacts {
  pair: Pair;
  /** Connected, or a message request between them was accepted (peers write directly then). */
  acquainted: boolean;
  /** An expert–student invitation's contact window is open now. */
  invitationOpen: boolean;
}

type Rule = (facts: ContactFacts) => Refusal | null;
const insideInvitation: Rule = (f) => (f.invitationOpen ? null : "needs-invitation");
const always: Rule = () => null;

/**
 * The matrix: for each pair, what each channel needs. `null` allows. Peers (student–student,
 * student–club, expert–expert) follow the social rules; anything that puts an expert's words or name
 * in front of a student needs the invitation window, and an unverified expert asks for nothing.
 */
export const MATRIX: Record<Pair, Record<Channel, Rule>> = {
  peers: {
    direct: (f) => (f.acquainted ? null : "needs-request"),
    "message-request": always,
    "connection-request": always,
    "connection-note": always,
    mention: always,
    comment: always,
  },
  // Students may ask experts to connect (with a note) and mention them; experts are reached for
  // conversation through invitations, never by message request.
  "student-to-expert": {
    direct: insideInvitation,
    "message-request": () => "needs-invitation",
    "connection-request": always,
    "connection-note": always,
    mention: always,
    comment: always,
  },
  "verified-expert-to-student": {
    direct: insideInvitation,
    "message-request": () => "needs-invitation",
    // A bare request (a name and a button) is allowed; free text only inside the window.
    "connection-request": always,
    "connection-note": insideInvitation,
    mention: insideInvitation,
    // Public speech under a note anyone may read (the author hears only that a comment came).
    comment: always,
  },
  "unverified-expert-to-student": {
    // The student's own invitation is their consent: inside its window, vetting does not matter.
    direct: insideInvitation,
    "message-request": () => "needs-invitation",
    "connection-request": (f) => (f.invitationOpen ? null : "unverified-expert"),
    "connection-note": insideInvitation,
    mention: insideInvitation,
    comment: (f) => (f.invitationOpen ? null : "unverified-expert"),
  },
};

export function pairOf(actor: { role: Role; verifiedExpert: boolean }, other: { role: Role }): Pair {
  const actorExpert = actor.role === "expert";
  if (actorExpert === (other.role === "expert")) return "peers";
  if (!actorExpert) return "student-to-expert";
  return actor.verifiedExpert ? "verified-expert-to-student" : "unverified-expert-to-student";
}

/** What the table says for one channel. */
export function decide(facts: ContactFacts, channel: Channel): Refusal | null {
  return MATRIX[facts.pair][channel](facts);
}

export const REFUSAL_DETAIL: Record<Refusal, string> = {
  "needs-request": "Send a message request first: they accept it, then you can write.",
  "needs-invitation": "Experts and students write to each other inside an accepted invitation.",
  "unverified-expert": "Experts reach students once they are verified.",
};

export interface Contact {
  other: { id: string; displayName: string; role: Role };
  facts: ContactFacts;
  /** For an expert–student pair: until when they may write (null: no end, or not such a pair). */
  writableUntil: number | null;
  ask(channel: Channel): Refusal | null;
}

/**
 * Loads what the table needs about `actor` and `otherId` (a few indexed lookups in one batch).
 * Null for an unknown person or a blocked pair: nothing of either is shown to the other.
 */
export async function contactBetween(
  ctx: ActionContext,
  actor: { id: string; role: Role },
  otherId: string,
  now = Date.now(),
): Promise<Contact | null> {
  const other = await ctx.db
    .select({ id: users.id, displayName: users.displayName, role: users.role })
    .from(users)
    .where(eq(users.id, otherId))
    .get();
  if (!other || other.id === actor.id || (await isBlockedEitherWay(ctx, actor.id, otherId))) return null;
  const expertId = actor.role === "expert" ? actor.id : other.role === "expert" ? other.id : null;
  const [vetted, connected, accepted] = await ctx.db.batch([
    ctx.db
      .select({ verification: expertProfiles.verification })
      .from(expertProfiles)
      .where(eq(expertProfiles.userId, actor.id))
      .limit(1),
    ctx.db
      .select({ peerId: connections.peerId })
      .from(connections)
      .where(and(eq(connections.userId, actor.id), eq(connections.peerId, other.id)))
      .limit(1),
    ctx.db
      .select({ id: messageRequests.id })
      .from(messageRequests)
      .where(
        and(
          eq(messageRequests.status, "accepted"),
          or(
            and(eq(messageRequests.fromId, actor.id), eq(messageRequests.toId, other.id)),
            and(eq(messageRequests.fromId, other.id), eq(messageRequests.toId, actor.id)),
          ),
        ),
      )
      .limit(1),
  ]);
  const pair = pairOf(
    { role: actor.role, verifiedExpert: vetted[0]?.verification === "verified" },
    { role: other.role },
  );
  const sideId = expertId === actor.id ? other.id : actor.id;
  const window = pair === "peers" || !expertId ? null : await invitationWindow(ctx, expertId, sideId, now);
  const facts: ContactFacts = {
    pair,
    acquainted: connected.length > 0 || accepted.length > 0,
    invitationOpen: window !== null && (window.until === null || window.until > now),
  };
  return {
    other,
    facts,
    writableUntil: pair === "peers" ? null : facts.invitationOpen ? (window?.until ?? null) : now,
    ask: (channel) => decide(facts, channel),
  };
}

/** Invitations in these states hold the window open; a completed one holds it for `AFTER_SESSION_MS`. */
const OPEN_STATES = ["accepted", "scheduled"] as const;

/** Whether this one invitation holds the contact window open at `now` (the rule `invitationWindow` queries). */
export function holdsWindow(
  invitation: { status: string; completedAt: number | null; updatedAt: number },
  now = Date.now(),
): boolean {
  if ((OPEN_STATES as readonly string[]).includes(invitation.status)) return true;
  return (
    invitation.status === "completed" &&
    (invitation.completedAt ?? invitation.updatedAt) + AFTER_SESSION_MS > now
  );
}

/**
 * The contact window of an expert and a member of the requesting side (the requester, or the
 * officer who created a club's invitation): `{until: null}` while an invitation is accepted or
 * scheduled, `{until}` when the latest completed one ends its follow-up period, null when none.
 */
export async function invitationWindow(
  ctx: Pick<ActionContext, "db">,
  expertId: string,
  sideId: string,
  now = Date.now(),
): Promise<{ until: number | null } | null> {
  const rows = await ctx.db
    .select({
      status: invitations.status,
      completedAt: invitations.completedAt,
      updatedAt: invitations.updatedAt,
    })
    .from(invitations)
    .where(
      and(
        eq(invitations.expertId, expertId),
        or(eq(invitations.requesterId, sideId), eq(invitations.createdBy, sideId)),
        or(
          inArray(invitations.status, OPEN_STATES),
          and(eq(invitations.status, "completed"), gt(invitations.updatedAt, now - AFTER_SESSION_MS)),
        ),
      ),
    );
  let until: number | null = null;
  let found = false;
  for (const row of rows) {
    if (row.status !== "completed") return { until: null };
    found = true;
    const end = (row.completedAt ?? row.updatedAt) + AFTER_SESSION_MS;
    until = Math.max(until ?? 0, end);
  }
  return found ? { until } : null;
}

/**
 * The first refusal the matrix gives `actor` on `channel` toward any of `ids` (the actor themself,
 * and people they cannot reach at all, are skipped: blocks are answered elsewhere), or null.
 */
export async function refusalToward(
  ctx: ActionContext,
  actor: { id: string; role: Role },
  ids: (string | null)[],
  channel: Channel,
): Promise<Refusal | null> {
  // Only an expert's contact with the student side varies by pair.
  if (actor.role !== "expert") return null;
  for (const id of new Set(ids)) {
    if (id === null || id === actor.id) continue;
    const refusal = (await contactBetween(ctx, actor, id))?.ask(channel) ?? null;
    if (refusal) return refusal;
  }
  return null;
}

/**
 * The people of `ids` whom `actor` may mention (be named to, with a notification): the matrix's
 * `mention` channel. Only an expert naming the student side needs a look at each pair.
 */
export async function mentionable(
  ctx: ActionContext,
  actor: { id: string; role: Role },
  ids: string[],
): Promise<string[]> {
  if (actor.role !== "expert" || ids.length === 0) return ids;
  const allowed: string[] = [];
  for (const id of ids) {
    const contact = await contactBetween(ctx, actor, id);
    if (contact && contact.ask("mention") === null) allowed.push(id);
  }
  return allowed;
}
