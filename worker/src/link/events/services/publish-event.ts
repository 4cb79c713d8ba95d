import { and, eq, isNull } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { memberCampus } from "../../../identity";
import { users } from "../../../identity/schema";
import { invitationFor } from "../../../pro";
import { type ActionContext, me } from "../../../shared/context";
import { BadRequest, Conflict, Forbidden } from "../../../shared/errors";
import { enforce } from "../../../shared/rate-limit";
import { noteChanged } from "../../feeds/services/candidate-sets";
import { enqueueTimelineWork, fanoutJob } from "../../feeds/services/timelines";
import { noteImages, notes, noteTopics } from "../../notes/schema";
import { parseTopics } from "../../notes/services/notes-text";
import { events } from "../schema";
import { EVENT_KINDS, eventEnd, eventItem, loadEvent } from "./event-views";

export const EVENT_VISIBILITIES = ["public", "campus", "followers"] as const;
export type EventVisibility = (typeof EVENT_VISIBILITIES)[number];

export interface PublishEventInput {
  invitationId: string;
  visibility: EventVisibility;
  coverImageId?: string | undefined;
  body?: string | undefined;
}

/**
 * One action turns a scheduled talk, workshop or panel into an event note. The requester side acts
 * (the student, or any officer of the club); the note's author is the requester, so the event is
 * the club's whoever pressed the button. A stranger gets 404 (as for the invitation), the expert 403.
 */
export async function publishEvent({ ctx, input }: { ctx: ActionContext; input: PublishEventInput }) {
  const actor = me(ctx);
  await enforce(ctx.env, "noteUser", actor.id);
  const { invitation, party } = await invitationFor(ctx, input.invitationId);
  if (party !== "requester")
    throw new Forbidden("Only the requester (or the club's officers) may publish the event.");
  if (!EVENT_KINDS.has(invitation.kind))
    throw new Conflict(`A ${invitation.kind} is not published as an event.`, "not-an-event-kind");
  if (invitation.status !== "scheduled" || invitation.scheduledStart === null)
    throw new Conflict("Only a scheduled invitation can be published as an event.", "not-scheduled");
  const now = Date.now();
  if (eventEnd(invitation) <= now) throw new Conflict("This session has already ended.", "ended");

  const { db } = ctx;
  const [organiser, existing, cover] = await db.batch([
    db.select().from(users).where(eq(users.id, invitation.requesterId)),
    db.select({ noteId: events.noteId }).from(events).where(eq(events.invitationId, invitation.id)),
    db
      .select({ id: noteImages.id })
      .from(noteImages)
      .where(
        and(
          eq(noteImages.id, input.coverImageId ?? ""),
          eq(noteImages.ownerId, actor.id),
          isNull(noteImages.noteId),
        ),
      ),
  ]);
  if (existing.length > 0) throw new Conflict("This invitation is already an event.", "already-published");
  const author = organiser[0];
  if (!author) throw new Conflict("The organiser's account is gone.", "no-organiser");
  // The note's campus is the organiser's proven one, as for any note they post.
  const campusId = memberCampus(author);
  if (input.visibility === "campus" && !campusId)
    throw new BadRequest("A campus event needs an organiser with a campus verified by campus e-mail.", {
      field: "visibility",
    });
  if (input.coverImageId !== undefined && cover.length === 0)
    throw new BadRequest("The cover must be your own upload and not on another note.", {
      field: "coverImageId",
    });

  const noteId = crypto.randomUUID();
  const body = input.body ?? "";
  const topics = parseTopics(body);
  const statements: [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]] = [
    db.insert(notes).values({
      id: noteId,
      authorId: author.id,
      campusId,
      title: invitation.title.slice(0, 100),
      body,
      visibility: input.visibility,
      createdAt: now,
    }),
    db.insert(events).values({
      noteId,
      invitationId: invitation.id,
      organiserId: author.id,
      publishedBy: actor.id,
      capacity: invitation.audienceSize,
      createdAt: now,
    }),
  ];
  if (topics.length)
    statements.push(db.insert(noteTopics).values(topics.map((topic) => ({ noteId, topic, createdAt: now }))));
  if (input.coverImageId)
    statements.push(
      db
        .update(noteImages)
        .set({ noteId, position: 0 })
        .where(
          and(
            eq(noteImages.id, input.coverImageId),
            eq(noteImages.ownerId, actor.id),
            isNull(noteImages.noteId),
          ),
        ),
    );
  try {
    await db.batch(statements);
  } catch (error) {
    // Two publishers racing: the unique index on invitation_id lets one batch land whole.
    if (String(error).includes("UNIQUE"))
      throw new Conflict("This invitation is already an event.", "already-published");
    throw error;
  }
  noteChanged(ctx, noteId);
  // It is a note: its author's followers get it in their following feed.
  await enqueueTimelineWork(ctx, fanoutJob(noteId));
  return eventItem(ctx, await loadEvent(ctx, noteId));
}
