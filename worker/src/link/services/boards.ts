import { and, desc, eq, or, sql } from "drizzle-orm";
import { users } from "../../identity/schema";
import { type ActionContext, me } from "../../shared/context";
import { NotFound } from "../../shared/errors";
import { type Board, boardNotes, boards, noteCounts } from "../engagement-schema";
import { notes } from "../notes-schema";
import { noteChanged } from "./candidate-sets";
import { visibleNote } from "./engagement-access";
import { noteCountsOf } from "./likes";
import { bumpTopics } from "./trending";
import { blockedEitherWay, canSee } from "./visibility";

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

/** A board the actor may read: their own, or someone's public board when neither blocked the other. */
async function readableBoard(ctx: ActionContext, actorId: string, boardId: string): Promise<Board> {
  const board = await ctx.db.select().from(boards).where(eq(boards.id, boardId)).get();
  if (!board) throw new NotFound("No such board.");
  if (board.ownerId === actorId) return board;
  if (board.visibility !== "public" || (await blockedEitherWay(ctx, actorId, board.ownerId)))
    throw new NotFound("No such board.");
  return board;
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
      noteCount: sql<number>`(select count(*) from board_notes where board_notes.board_id = ${boards.id})`,
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
  return { collected: false, collects: (await noteCountsOf(ctx, input.noteId)).collects };
}

/**
 * A board and its latest 100 notes, newest collected first; notes the reader may not see are left
 * out (the notes side's `canSee` per note: one small query each for block and follower checks).
 */
export async function getBoard({ ctx, input }: { ctx: ActionContext; input: { boardId: string } }) {
  const actor = me(ctx);
  const board = await readableBoard(ctx, actor.id, input.boardId);
  const rows = await ctx.db
    .select({
      note: notes,
      collectedAt: boardNotes.createdAt,
      likes: sql<number>`coalesce(${noteCounts.likes}, 0)`,
      collects: sql<number>`coalesce(${noteCounts.collects}, 0)`,
      comments: sql<number>`coalesce(${noteCounts.comments}, 0)`,
    })
    .from(boardNotes)
    .innerJoin(notes, eq(notes.id, boardNotes.noteId))
    .leftJoin(noteCounts, eq(noteCounts.noteId, notes.id))
    .where(eq(boardNotes.boardId, board.id))
    .orderBy(desc(boardNotes.createdAt))
    .limit(100);
  const seen = await Promise.all(rows.map((row) => canSee(ctx, actor, row.note)));
  const visible = rows.filter((_, i) => seen[i]);
  const total = await ctx.db
    .select({ n: sql<number>`count(*)` })
    .from(boardNotes)
    .where(eq(boardNotes.boardId, board.id))
    .get();
  return {
    board: boardView(board, total?.n ?? 0),
    notes: visible.map((row) => ({
      id: row.note.id,
      authorId: row.note.authorId,
      title: row.note.title,
      visibility: row.note.visibility,
      createdAt: new Date(row.note.createdAt).toISOString(),
      collectedAt: new Date(row.collectedAt).toISOString(),
      likes: row.likes,
      collects: row.collects,
      comments: row.comments,
    })),
  };
}
