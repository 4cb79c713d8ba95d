import { and, desc, eq, getTableColumns, lt, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { type User, users } from "../../../identity/schema";
import { blocks } from "../../../network/schema";
import { type ActionContext, me } from "../../../shared/context";
import { decodeCursor, encodeCursor } from "../../../shared/cursor";
import { NotFound } from "../../../shared/errors";
import { noteChanged } from "../../feeds/services/candidate-sets";
import { bumpTopics } from "../../feeds/services/trending";
import { notes } from "../../notes/schema";
import { assembleNoteViews, noteViewQueries } from "../../notes/services/notes";
import { blockedEitherWay, canSee, listedNotes, visibleNote } from "../../notes/services/visibility";
import { type Board, boardNotes, boards } from "../schema";
import { noteCountsOf } from "./likes";

/** How many of the board's notes this reader would see on it (the page's own rule): a count leaks nothing. */
const listedCount = (reader: User) =>
  // Written out with table names: inside a select list drizzle leaves column names unqualified.
  sql<number>`(select count(*) from board_notes inner join notes on notes.id = board_notes.note_id where board_notes.board_id = boards.id and ${listedNotes(reader)})`;

const boardView = (board: Board, noteCount: number) => ({
  id: board.id,
  ownerId: board.ownerId,
  name: board.name,
  visibility: board.visibility,
  notes: noteCount,
  createdAt: new Date(board.createdAt).toISOString(),
});

export async function createBoard({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { name: string; visibility: "public" | "private" };
}) {
  const actor = me(ctx);
  const [board] = await ctx.db
    .insert(boards)
    .values({ ownerId: actor.id, name: input.name.trim(), visibility: input.visibility })
    .returning();
  if (!board) throw new Error("board insert returned nothing");
  return boardView(board, 0);
}

/** Only the owner changes a board; to anyone else it is not there (private) or not theirs (404 too). */
async function ownBoard(ctx: ActionContext, actorId: string, boardId: string): Promise<Board> {
  const board = await ctx.db
    .select()
    .from(boards)
    .where(and(eq(boards.id, boardId), eq(boards.ownerId, actorId)))
    .get();
  if (!board) throw new NotFound("No such board.");
  return board;
}

/** Someone's boards: all of them for the owner, the public ones for anyone else. */
export async function listBoards({ ctx, input }: { ctx: ActionContext; input: { userId: string } }) {
  const actor = me(ctx);
  const owner = await ctx.db.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).get();
  if (!owner || (await blockedEitherWay(ctx, actor.id, input.userId))) throw new NotFound("No such person.");
  const rows = await ctx.db
    .select({
      board: boards,
      noteCount: listedCount(actor),
    })
    .from(boards)
    .where(
      and(
        eq(boards.ownerId, input.userId),
        input.userId === actor.id ? undefined : eq(boards.visibility, "public"),
      ),
    )
    .orderBy(desc(boards.createdAt))
    .limit(200);
  return { boards: rows.map((row) => boardView(row.board, row.noteCount)) };
}

/** Collects a note the owner can see into their board; collecting twice counts once. */
export async function collectNote({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { boardId: string; noteId: string };
}) {
  const actor = me(ctx);
  const board = await ownBoard(ctx, actor.id, input.boardId);
  const note = await visibleNote(ctx, actor, input.noteId);
  const added = await ctx.db
    .insert(boardNotes)
    .values({ boardId: board.id, noteId: note.id })
    .onConflictDoNothing()
    .returning({ at: boardNotes.createdAt });
  if (added.length > 0) {
    noteChanged(ctx, note.id);
    bumpTopics(ctx, note.id, "collect");
  }
  return { collected: true, collects: (await noteCountsOf(ctx, note.id)).collects };
}

/** Removing needs no sight of the note: a note that became hidden can still leave the board. */
export async function uncollectNote({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { boardId: string; noteId: string };
}) {
  const actor = me(ctx);
  const board = await ownBoard(ctx, actor.id, input.boardId);
  const removed = await ctx.db
    .delete(boardNotes)
    .where(and(eq(boardNotes.boardId, board.id), eq(boardNotes.noteId, input.noteId)))
    .returning({ at: boardNotes.createdAt });
  if (removed.length > 0) noteChanged(ctx, input.noteId);
  // The count only for a note the actor may see (one they can no longer see can still be removed).
  const note = await ctx.db.select().from(notes).where(eq(notes.id, input.noteId)).get();
  const seen = note !== undefined && (await canSee(ctx, actor, note));
  return { collected: false, collects: seen ? (await noteCountsOf(ctx, input.noteId)).collects : 0 };
}

const BoardCursor = z.object({ t: z.number().int(), id: z.string().max(64) });

/**
 * Who may read a board, as SQL on `boards`: its owner, or anyone when it is public and neither
 * blocked the other. SQL rather than a lookup so the board and a page of it come in one batch.
 */
function readableBy(actorId: string): SQL {
  return or(
    eq(boards.ownerId, actorId),
    and(
      eq(boards.visibility, "public"),
      sql`not exists (select 1 from ${blocks} where (${blocks.blockerId} = ${actorId} and ${blocks.blockedId} = ${boards.ownerId}) or (${blocks.blockerId} = ${boards.ownerId} and ${blocks.blockedId} = ${actorId}))`,
    ),
  ) as SQL;
}

/**
 * A board and a page of its notes as full note views, newest collected first, keyset-paginated on
 * (collected at, note id). Notes the reader may not see are left out in SQL (`listedNotes`), and
 * the board's rule is part of the page's query, so the board, the page and the views come in one
 * D1 batch. A board the reader may not read is 404, as if it did not exist.
 */
export async function getBoard({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { boardId: string; limit: number; cursor?: string | undefined };
}) {
  const actor = me(ctx);
  const { db } = ctx;
  const after = input.cursor ? decodeCursor(input.cursor, BoardCursor) : null;
  const readable = and(eq(boards.id, input.boardId), readableBy(actor.id));
  const pageQuery = db
    .select({
      ...getTableColumns(notes),
      // Aliased: batch rows are keyed by column name, and notes has its own created_at.
      collectedAt: sql<number>`${boardNotes.createdAt}`.as("collected_at"),
    })
    .from(boardNotes)
    .innerJoin(boards, eq(boards.id, boardNotes.boardId))
    .innerJoin(notes, eq(notes.id, boardNotes.noteId))
    .where(
      and(
        eq(boardNotes.boardId, input.boardId),
        readable,
        listedNotes(actor),
        after
          ? or(
              lt(boardNotes.createdAt, after.t),
              and(eq(boardNotes.createdAt, after.t), lt(boardNotes.noteId, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(boardNotes.createdAt), desc(boardNotes.noteId))
    .limit(input.limit + 1);
  const [found, rows, ...views] = await db.batch([
    db
      .select({
        board: boards,
        noteCount: listedCount(actor),
      })
      .from(boards)
      .where(readable),
    pageQuery,
    ...noteViewQueries(ctx, sql`(select id from ${pageQuery})`),
  ]);
  const board = found[0];
  if (!board) throw new NotFound("No such board.");
  const page = rows.slice(0, input.limit);
  const last = rows.length > input.limit ? page.at(-1) : undefined;
  return {
    board: boardView(board.board, board.noteCount),
    notes: assembleNoteViews(
      page.map(({ collectedAt: _, ...note }) => note),
      views,
    ),
    nextCursor: last ? encodeCursor({ t: last.collectedAt, id: last.id }) : null,
  };
}
