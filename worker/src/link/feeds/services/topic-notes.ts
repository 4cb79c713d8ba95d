import { and, desc, eq, lt, lte, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { ActionContext } from "../../../shared/context";
import { decodeCursor, encodeCursor } from "../../../shared/cursor";
import { topicFollows } from "../../engagement/schema";
import { normalTopic } from "../../engagement/services/follows";
import { notes, noteTopics } from "../../notes/schema";
import { noteViews } from "../../notes/services/notes";
import { listedNotes } from "../../notes/services/visibility";

const TopicCursor = z.object({ t: z.number().int(), id: z.string().max(64) });

/**
 * A topic page: the notes tagged #topic that the viewer may see, newest first, and whether the
 * viewer follows the topic. The page walks note_topics_topic_idx (topic, created_at) backwards from
 * the cursor and stops once it has a page of listed notes; (created_at, note_id) is the keyset.
 */
export async function listTopicNotes({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { topic: string; limit: number; cursor?: string | undefined };
}) {
  const topic = normalTopic(input.topic);
  const after = input.cursor ? decodeCursor(input.cursor, TopicCursor) : null;
  const { db } = ctx;
  const [rows, follow] = await db.batch([
    db
      .select({ note: notes })
      .from(noteTopics)
      .innerJoin(notes, eq(notes.id, noteTopics.noteId))
      .where(
        and(
          eq(noteTopics.topic, topic),
          // The plain bound lets the index seek to the cursor; the OR breaks ties within it.
          after ? lte(noteTopics.createdAt, after.t) : undefined,
          after
            ? or(
                lt(noteTopics.createdAt, after.t),
                and(eq(noteTopics.createdAt, after.t), lt(noteTopics.noteId, after.id)),
              )
            : undefined,
          listedNotes(ctx.actor),
        ),
      )
      .orderBy(desc(noteTopics.createdAt), desc(noteTopics.noteId))
      .limit(input.limit + 1),
    db
      .select({ one: sql<number>`1` })
      .from(topicFollows)
      .where(and(eq(topicFollows.userId, ctx.actor?.id ?? ""), eq(topicFollows.topic, topic))),
  ]);
  const page = rows.slice(0, input.limit).map((row) => row.note);
  const last = page.at(-1);
  return {
    topic,
    following: follow.length > 0,
    notes: await noteViews(ctx, page),
    nextCursor: rows.length > input.limit && last ? encodeCursor({ t: last.createdAt, id: last.id }) : null,
  };
}
