import { desc, eq } from "drizzle-orm";
import { users } from "../../identity/schema";
import type { ActionContext } from "../../shared/context";
import { Conflict } from "../../shared/errors";
import { reviews } from "../schema";
import { invitationFor } from "./invitation-access";

/** After completion each side reviews the other once; the expert's reviews feed their track record. */
export async function reviewInvitation({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { id: string; rating: number; body: string };
}) {
  const { invitation, party, actor } = await invitationFor(ctx, input.id);
  if (invitation.status !== "completed")
    throw new Conflict("Reviews open once the session is completed.", "not-completed");
  const authorId = party === "expert" ? invitation.expertId : invitation.requesterId;
  const subjectId = party === "expert" ? invitation.requesterId : invitation.expertId;
  const inserted = await ctx.db
    .insert(reviews)
    .values({
      invitationId: invitation.id,
      authorId,
      subjectId,
      rating: input.rating,
      body: input.body.trim(),
    })
    .onConflictDoNothing()
    .returning({ id: reviews.id });
  if (inserted.length === 0)
    throw new Conflict(
      `Your side has already reviewed this session (${actor.displayName}).`,
      "already-reviewed",
    );
  return { id: inserted[0]?.id ?? "" };
}

export async function listInvitationReviews({ ctx, input }: { ctx: ActionContext; input: { id: string } }) {
  const { invitation } = await invitationFor(ctx, input.id);
  const rows = await ctx.db
    .select({
      rating: reviews.rating,
      body: reviews.body,
      createdAt: reviews.createdAt,
      authorId: users.id,
      authorName: users.displayName,
    })
    .from(reviews)
    .innerJoin(users, eq(users.id, reviews.authorId))
    .where(eq(reviews.invitationId, invitation.id))
    .orderBy(desc(reviews.createdAt))
    .all();
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() }));
}
