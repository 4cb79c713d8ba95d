import { type AnyColumn, and, asc, desc, eq, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { z } from "zod";
import { inJsonList } from "../../../db/client";
import { memberCampus } from "../../../identity";
import { users } from "../../../identity/schema";
import { mentionable } from "../../../network";
import { blocks } from "../../../network/schema";
import { notify } from "../../../notifications";
import { type ActionContext, me } from "../../../shared/context";
import { decodeCursor, encodeCursor } from "../../../shared/cursor";
import { BadRequest, Conflict, Forbidden, NotFound, Unauthorized } from "../../../shared/errors";
import { enforce } from "../../../shared/rate-limit";
import { boardNotes, boards, noteCounts, noteLikes } from "../../engagement/schema";
import { noteChanged, noteRemoved } from "../../feeds/services/candidate-sets";
import { enqueueTimelineWork, fanoutJob } from "../../feeds/services/timelines";
import { bumpTopics } from "../../feeds/services/trending";
import { type Note, type NoteVisibility, noteImages, noteMentions, notes, noteTopics } from "../schema";
import { imageViewColumns, toImageView } from "./note-images";
import { parseTopics } from "./notes-text";
import { blockedEitherWay, canSee, isFollowing } from "./visibility";

type Batch = [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]];

export interface NoteView {
  id: string;
  author: { id: string; displayName: string };
  title: string;
  /** Plain text exactly as written; clients render it as text, never as HTML. */
  body: string;
  topics: string[];
  mentions: { id: string; displayName: string }[];
  visibility: NoteVisibility;
  campusId: string | null;
  images: ReturnType<typeof toImageView>[];
  createdAt: string;
  editedAt: string | null;
  /** Set while moderation hides the note; only its author and admins ever receive such a note. */
  hidden: boolean;
  counts: { likes: number; collects: number; comments: number };
  /** What the viewer has done with the note (false for a signed-out viewer). */
  viewer: { liked: boolean; collected: boolean };
}

/** A page's note ids: a list, or SQL selecting them (so a feed loads its page and their views in one batch). */
export type NoteIds = string[] | SQL;

function inIds(column: AnyColumn, ids: NoteIds): SQL {
  return Array.isArray(ids) ? inJsonList(column, ids) : sql`${column} in ${ids}`;
}

/** The statements behind `noteViews`, for a caller that adds them to its own batch. */
export function noteViewQueries(ctx: ActionContext, ids: NoteIds) {
  const { db } = ctx;
  const viewerId = ctx.actor?.id ?? "";
  return [
    db
      .select({ id: users.id, displayName: users.displayName })
      .from(users)
      .where(sql`${users.id} in (select ${notes.authorId} from ${notes} where ${inIds(notes.id, ids)})`),
    db
      .select({ noteId: noteTopics.noteId, topic: noteTopics.topic })
      .from(noteTopics)
      .where(inIds(noteTopics.noteId, ids)),
    db
      .select({ noteId: noteMentions.noteId, id: users.id, displayName: users.displayName })
      .from(noteMentions)
      .innerJoin(users, eq(users.id, noteMentions.userId))
      .where(inIds(noteMentions.noteId, ids)),
    db
      .select(imageViewColumns)
      .from(noteImages)
      .where(inIds(noteImages.noteId, ids))
      .orderBy(asc(noteImages.position)),
    db.select().from(noteCounts).where(inIds(noteCounts.noteId, ids)),
    db
      .select({ noteId: noteLikes.noteId })
      .from(noteLikes)
      .where(and(eq(noteLikes.userId, viewerId), inIds(noteLikes.noteId, ids))),
    db
      .selectDistinct({ noteId: boardNotes.noteId })
      .from(boardNotes)
      .innerJoin(boards, eq(boards.id, boardNotes.boardId))
      .where(and(eq(boards.ownerId, viewerId), inIds(boardNotes.noteId, ids))),
  ] as const;
}

type Replies<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };
export type NoteViewRows = Replies<ReturnType<typeof noteViewQueries>>;

/**
 * Everything a page of notes shows — authors, topics, mentions, images, counts and the viewer's
 * like and collect — in one round trip, whichever list the notes came from.
 */
export async function noteViews(ctx: ActionContext, rows: Note[]): Promise<NoteView[]> {
  if (rows.length === 0) return [];
  const results = await ctx.db.batch(
    noteViewQueries(
      ctx,
      rows.map((n) => n.id),
    ),
  );
  return assembleNoteViews(rows, results);
}

/** Turns note rows and the replies of `noteViewQueries` into views, in the rows' order. */
export function assembleNoteViews(rows: Note[], results: NoteViewRows | Readonly<NoteViewRows>): NoteView[] {
  const [authors, topics, mentions, images, counts, liked, collected] = results;
  const countsOf = new Map(counts.map((c) => [c.noteId, c]));
  const likedIds = new Set(liked.map((l) => l.noteId));
  const collectedIds = new Set(collected.map((c) => c.noteId));
  const names = new Map(authors.map((a) => [a.id, a.displayName]));
  return rows.map((note) => {
    // Topics keep the order they have in the body.
    const parsed = parseTopics(note.body);
    const stored = new Set(topics.filter((t) => t.noteId === note.id).map((t) => t.topic));
    return {
      id: note.id,
      author: { id: note.authorId, displayName: names.get(note.authorId) ?? "" },
      title: note.title,
      body: note.body,
      topics: parsed.filter((t) => stored.has(t)),
      mentions: mentions
        .filter((m) => m.noteId === note.id)
        .map(({ id, displayName }) => ({ id, displayName })),
      visibility: note.visibility,
      campusId: note.campusId,
      images: images.filter((i) => i.noteId === note.id).map(toImageView),
      createdAt: new Date(note.createdAt).toISOString(),
      editedAt: note.editedAt === null ? null : new Date(note.editedAt).toISOString(),
      hidden: note.hiddenAt !== null,
      counts: {
        likes: countsOf.get(note.id)?.likes ?? 0,
        collects: countsOf.get(note.id)?.collects ?? 0,
        comments: countsOf.get(note.id)?.comments ?? 0,
      },
      viewer: { liked: likedIds.has(note.id), collected: collectedIds.has(note.id) },
    };
  });
}

/**
 * Mentioned users must exist; those blocked either way, or whom the contact matrix does not let the
 * author reach (an expert naming a student outside their invitation), are dropped without saying so.
 */
async function checkedMentions(ctx: ActionContext, actorId: string, requested: string[]): Promise<string[]> {
  const ids = [...new Set(requested)];
  if (ids.length === 0) return [];
  const [found, blocked] = await ctx.db.batch([
    ctx.db.select({ id: users.id }).from(users).where(inJsonList(users.id, ids)),
    ctx.db
      .select({ blockerId: blocks.blockerId, blockedId: blocks.blockedId })
      .from(blocks)
      .where(
        or(
          and(eq(blocks.blockerId, actorId), inJsonList(blocks.blockedId, ids)),
          and(eq(blocks.blockedId, actorId), inJsonList(blocks.blockerId, ids)),
        ),
      ),
  ]);
  if (found.length !== ids.length)
    throw new BadRequest("A mentioned user does not exist.", { field: "mentions" });
  const hidden = new Set(blocked.flatMap((b) => [b.blockerId, b.blockedId]));
  return mentionable(
    ctx,
    me(ctx),
    ids.filter((id) => !hidden.has(id)),
  );
}

function topicAndMentionRows(
  ctx: ActionContext,
  noteId: string,
  createdAt: number,
  body?: string,
  mentions?: string[],
) {
  const statements: BatchItem<"sqlite">[] = [];
  if (body !== undefined) {
    statements.push(ctx.db.delete(noteTopics).where(eq(noteTopics.noteId, noteId)));
    const topics = parseTopics(body);
    if (topics.length)
      statements.push(
        ctx.db.insert(noteTopics).values(topics.map((topic) => ({ noteId, topic, createdAt }))),
      );
  }
  if (mentions !== undefined) {
    statements.push(ctx.db.delete(noteMentions).where(eq(noteMentions.noteId, noteId)));
    if (mentions.length)
      statements.push(ctx.db.insert(noteMentions).values(mentions.map((userId) => ({ noteId, userId }))));
  }
  return statements;
}

export interface CreateNoteInput {
  title: string;
  body: string;
  imageIds: string[];
  visibility: NoteVisibility;
  mentions?: string[] | undefined;
}

/** Posts a note with 1–9 of the author's own unattached uploads, in the author's campus. */
export async function createNote({ ctx, input }: { ctx: ActionContext; input: CreateNoteInput }) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  await enforce(ctx.env, "noteUser", actor.id);
  const { db } = ctx;
  const imageIds = [...new Set(input.imageIds)];
  if (imageIds.length !== input.imageIds.length)
    throw new BadRequest("Each image may appear once.", { field: "imageIds" });
  if (input.visibility === "campus" && !memberCampus(actor))
    throw new BadRequest("Campus notes need a campus verified by your campus e-mail.", {
      field: "visibility",
    });
  const owned = await db
    .select({ id: noteImages.id })
    .from(noteImages)
    .where(
      and(inJsonList(noteImages.id, imageIds), eq(noteImages.ownerId, actor.id), isNull(noteImages.noteId)),
    )
    .all();
  if (owned.length !== imageIds.length)
    throw new BadRequest("Each image must be your own upload and not on another note.", {
      field: "imageIds",
    });
  const mentions = await checkedMentions(ctx, actor.id, input.mentions ?? []);

  const noteId = crypto.randomUUID();
  const createdAt = Date.now();
  await db.batch([
    db.insert(notes).values({
      id: noteId,
      authorId: actor.id,
      // Only a campus proven by campus e-mail; a typed-in one would let campus notes reach strangers.
      campusId: memberCampus(actor),
      title: input.title,
      body: input.body,
      visibility: input.visibility,
      createdAt,
    }),
    ...imageIds.map((id, position) =>
      db
        .update(noteImages)
        .set({ noteId, position })
        .where(and(eq(noteImages.id, id), eq(noteImages.ownerId, actor.id), isNull(noteImages.noteId))),
    ),
    ...topicAndMentionRows(ctx, noteId, createdAt, input.body, mentions),
  ]);
  // Two posts racing for one upload: the later one finds an image missing and is taken back.
  const attached = await db
    .select({ n: sql<number>`count(*)` })
    .from(noteImages)
    .where(eq(noteImages.noteId, noteId))
    .get();
  if ((attached?.n ?? 0) !== imageIds.length) {
    await db.batch([
      db.update(noteImages).set({ noteId: null, position: 0 }).where(eq(noteImages.noteId, noteId)),
      db.delete(noteTopics).where(eq(noteTopics.noteId, noteId)),
      db.delete(noteMentions).where(eq(noteMentions.noteId, noteId)),
      db.delete(notes).where(eq(notes.id, noteId)),
    ]);
    throw new Conflict("An image was attached to another note meanwhile.", "image-taken");
  }
  noteChanged(ctx, noteId);
  bumpTopics(ctx, noteId, "post");
  // Only now that the row is committed: the fan-out consumer reads it back by id.
  await enqueueTimelineWork(ctx, fanoutJob(noteId));
  const view = await loadVisibleNote(ctx, noteId);
  await tellMentioned(ctx, noteId, mentions, input.title);
  return view;
}

/** Everyone mentioned who may see the note is told (stored and live); nobody hears of a note hidden from them. */
async function tellMentioned(ctx: ActionContext, noteId: string, mentioned: string[], title: string) {
  const note = await ctx.db.select().from(notes).where(eq(notes.id, noteId)).get();
  if (!note || mentioned.length === 0) return;
  const people = await ctx.db.select().from(users).where(inJsonList(users.id, mentioned));
  for (const person of people)
    if (await canSee(ctx, person, note))
      await notify(ctx, person.id, {
        type: "note.mention",
        text: `${ctx.actor?.displayName ?? "Someone"} mentioned you in "${title}".`,
      });
}

async function loadVisibleNote(ctx: ActionContext, id: string): Promise<NoteView> {
  const note = await ctx.db.select().from(notes).where(eq(notes.id, id)).get();
  if (!note || !(await canSee(ctx, ctx.actor, note))) throw new NotFound("No such note.");
  const [view] = await noteViews(ctx, [note]);
  if (!view) throw new NotFound("No such note.");
  return view;
}

/** Anyone the note is hidden from (visibility, blocks either way) gets 404, as if it did not exist. */
export function getNote({ ctx, input }: { ctx: ActionContext; input: { id: string } }) {
  return loadVisibleNote(ctx, input.id);
}

export interface UpdateNoteInput {
  id: string;
  title?: string | undefined;
  body?: string | undefined;
  visibility?: NoteVisibility | undefined;
  mentions?: string[] | undefined;
}

/** The author edits title, body, visibility or mentions; topics are parsed again from a new body. */
export async function updateNote({ ctx, input }: { ctx: ActionContext; input: UpdateNoteInput }) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const { db } = ctx;
  const note = await db.select().from(notes).where(eq(notes.id, input.id)).get();
  if (!note || !(await canSee(ctx, actor, note))) throw new NotFound("No such note.");
  if (note.authorId !== actor.id) throw new Forbidden("Only the author may edit a note.");
  // Made campus-only, a note takes the author's verified campus now, whatever it was posted with.
  const campusId = input.visibility === "campus" ? memberCampus(actor) : note.campusId;
  if (input.visibility === "campus" && !campusId)
    throw new BadRequest("Campus notes need a campus verified by your campus e-mail.", {
      field: "visibility",
    });
  const mentions =
    input.mentions === undefined ? undefined : await checkedMentions(ctx, actor.id, input.mentions);
  await db.batch([
    db
      .update(notes)
      .set({
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.body !== undefined ? { body: input.body } : {}),
        ...(input.visibility !== undefined ? { visibility: input.visibility, campusId } : {}),
        editedAt: Date.now(),
      })
      .where(and(eq(notes.id, note.id), eq(notes.authorId, actor.id))),
    ...topicAndMentionRows(ctx, note.id, note.createdAt, input.body, mentions),
  ]);
  // A new visibility moves the note between candidate sets (or out of them).
  if (input.visibility !== undefined) noteChanged(ctx, note.id);
  // A wider audience is fanned out again (adding is idempotent); a narrower one is left to the feed
  // read, which checks every note's visibility again.
  if (input.visibility !== undefined && input.visibility !== note.visibility)
    await enqueueTimelineWork(ctx, fanoutJob(note.id));
  return loadVisibleNote(ctx, note.id);
}

/** The author or an admin removes a note for good: its rows, then its images in R2. */
export async function deleteNote({ ctx, input }: { ctx: ActionContext; input: { id: string } }) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const { db } = ctx;
  const note = await db.select().from(notes).where(eq(notes.id, input.id)).get();
  if (!note) throw new NotFound("No such note.");
  if (note.authorId !== actor.id && actor.role !== "admin") {
    if (!(await canSee(ctx, actor, note))) throw new NotFound("No such note.");
    throw new Forbidden("Only the author may delete a note.");
  }
  const images = await db
    .select({ key: noteImages.key, displayKey: noteImages.displayKey })
    .from(noteImages)
    .where(eq(noteImages.noteId, note.id))
    .all();
  await db.batch([
    db.delete(noteTopics).where(eq(noteTopics.noteId, note.id)),
    db.delete(noteMentions).where(eq(noteMentions.noteId, note.id)),
    db.delete(noteImages).where(eq(noteImages.noteId, note.id)),
    db.delete(notes).where(eq(notes.id, note.id)),
  ] satisfies Batch);
  // After the rows: a failure here leaves unreachable objects, never a note with missing images.
  const keys = [...new Set(images.flatMap((i) => [i.key, i.displayKey]))];
  noteRemoved(ctx, note);
  await enqueueTimelineWork(ctx, {
    kind: "withdraw",
    key: `withdraw:${note.id}`,
    noteId: note.id,
    authorId: note.authorId,
  });
  if (keys.length) await ctx.env.UPLOADS.delete(keys);
}

const NotesCursor = z.object({ t: z.number().int(), id: z.string().max(64) });

/** The author's notes the viewer may see, newest first; keyset-paginated on (created_at, id). */
export async function listUserNotes({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { userId: string; limit: number; cursor?: string | undefined };
}) {
  const { db } = ctx;
  const viewer = ctx.actor;
  const author = await db.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).get();
  if (!author) throw new NotFound("No such user.");
  if (viewer && (await blockedEitherWay(ctx, viewer.id, author.id))) throw new NotFound("No such user.");
  const after = input.cursor ? decodeCursor(input.cursor, NotesCursor) : null;

  const conditions: (SQL | undefined)[] = [eq(notes.authorId, author.id)];
  if (viewer?.id !== author.id) {
    // As in every list (`listedNotes`): a note hidden by moderation is left out, admins included.
    conditions.push(isNull(notes.hiddenAt));
    const seen: (SQL | undefined)[] = [eq(notes.visibility, "public")];
    const campus = viewer && memberCampus(viewer);
    if (campus) seen.push(and(eq(notes.visibility, "campus"), eq(notes.campusId, campus)));
    if (viewer && (await isFollowing(ctx, viewer.id, author.id)))
      seen.push(eq(notes.visibility, "followers"));
    conditions.push(or(...seen));
  }
  if (after)
    conditions.push(
      or(lt(notes.createdAt, after.t), and(eq(notes.createdAt, after.t), lt(notes.id, after.id))),
    );
  const rows = await db
    .select()
    .from(notes)
    .where(and(...conditions))
    .orderBy(desc(notes.createdAt), desc(notes.id))
    .limit(input.limit + 1)
    .all();
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    notes: await noteViews(ctx, page),
    nextCursor: rows.length > input.limit && last ? encodeCursor({ t: last.createdAt, id: last.id }) : null,
  };
}
