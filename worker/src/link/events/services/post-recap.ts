import { and, eq, isNull } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { inJsonList } from "../../../db/client";
import { notify } from "../../../notifications";
import { type ActionContext, me } from "../../../shared/context";
import { BadRequest, Conflict, Forbidden } from "../../../shared/errors";
import { noteChanged } from "../../feeds/services/candidate-sets";
import { enqueueTimelineWork, fanoutJob } from "../../feeds/services/timelines";
import { noteImages, notes, noteTopics } from "../../notes/schema";
import { getNote } from "../../notes/services/notes";
import { parseTopics } from "../../notes/services/notes-text";
import { eventRsvps, events } from "../schema";
import { loadEvent } from "./event-views";

export interface RecapInput {
  noteId: string;
  title?: string | undefined;
  body: string;
  imageIds: string[];
}

/**
 * After the session took place, an organiser posts one recap note (photos, takeaways), linked to
 * the event; it has the event's author, campus and visibility, and everyone who was going is told.
 */
export async function postRecap({ ctx, input }: { ctx: ActionContext; input: RecapInput }) {
  const actor = me(ctx);
  const loaded = await loadEvent(ctx, input.noteId);
  if (!loaded.organiser) throw new Forbidden("Only the event's organisers post its recap.");
  if (loaded.invitation.status !== "completed")
    throw new Conflict("A recap follows a completed session.", "not-completed");
  if (loaded.event.recapNoteId !== null)
    throw new Conflict("This event already has a recap.", "recap-exists");
  const imageIds = [...new Set(input.imageIds)];
  const { db } = ctx;
  if (imageIds.length !== input.imageIds.length)
    throw new BadRequest("Each image may appear once.", { field: "imageIds" });
  const owned = imageIds.length
    ? await db
        .select({ id: noteImages.id })
        .from(noteImages)
        .where(
          and(
            inJsonList(noteImages.id, imageIds),
            eq(noteImages.ownerId, actor.id),
            isNull(noteImages.noteId),
          ),
        )
        .all()
    : [];
  if (owned.length !== imageIds.length)
    throw new BadRequest("Each image must be your own upload and not on another note.", {
      field: "imageIds",
    });

  const recapId = crypto.randomUUID();
  const now = Date.now();
  const topics = parseTopics(input.body);
  const statements: [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]] = [
    db.insert(notes).values({
      id: recapId,
      authorId: loaded.event.organiserId,
      campusId: loaded.note.campusId,
      title: (input.title ?? `Recap: ${loaded.note.title}`).slice(0, 100),
      body: input.body,
      visibility: loaded.note.visibility,
      createdAt: now,
    }),
    ...imageIds.map((id, position) =>
      db
        .update(noteImages)
        .set({ noteId: recapId, position })
        .where(and(eq(noteImages.id, id), eq(noteImages.ownerId, actor.id), isNull(noteImages.noteId))),
    ),
    db
      .update(events)
      .set({ recapNoteId: recapId })
      .where(and(eq(events.noteId, loaded.event.noteId), isNull(events.recapNoteId))),
  ];
  if (topics.length)
    statements.push(
      db.insert(noteTopics).values(topics.map((topic) => ({ noteId: recapId, topic, createdAt: now }))),
    );
  await db.batch(statements);
  // Two organisers racing: the later batch set nothing on the event; its note is taken back.
  const linked = await db
    .select({ recap: events.recapNoteId })
    .from(events)
    .where(eq(events.noteId, loaded.event.noteId))
    .get();
  if (linked?.recap !== recapId) {
    await db.batch([
      db.update(noteImages).set({ noteId: null, position: 0 }).where(eq(noteImages.noteId, recapId)),
      db.delete(noteTopics).where(eq(noteTopics.noteId, recapId)),
      db.delete(notes).where(eq(notes.id, recapId)),
    ]);
    throw new Conflict("This event already has a recap.", "recap-exists");
  }
  noteChanged(ctx, recapId);
  await enqueueTimelineWork(ctx, fanoutJob(recapId));
  const going = await db
    .select({ userId: eventRsvps.userId })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.noteId, loaded.event.noteId), eq(eventRsvps.status, "going")))
    .all();
  for (const { userId } of going)
    await notify(
      ctx,
      userId,
      { type: "event.recap", text: `The recap of "${loaded.note.title}" is up.` },
      { dedupeKey: `event-recap:${loaded.event.noteId}:${userId}` },
    );
  return { note: await getNote({ ctx, input: { id: recapId } }), told: going.length };
}
