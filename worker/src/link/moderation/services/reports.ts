import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { inJsonList } from "../../../db/client";
import { type User, users } from "../../../identity/schema";
import { blocks } from "../../../network/schema";
import { notify } from "../../../notifications";
import { type ActionContext, me } from "../../../shared/context";
import { decodeCursor, encodeCursor } from "../../../shared/cursor";
import { BadRequest, Forbidden, NotFound } from "../../../shared/errors";
import { enforce } from "../../../shared/rate-limit";
import { comments } from "../../engagement/schema";
import { deleteComment } from "../../engagement/services/comments";
import { noteChanged } from "../../feeds/services/candidate-sets";
import { enqueueTimelineWork, fanoutJob } from "../../feeds/services/timelines";
import { noteImages, notes } from "../../notes/schema";
import { imageViewColumns, toImageView } from "../../notes/services/note-images";
import { deleteNote } from "../../notes/services/notes";
import { blockedEitherWay, visibleNote } from "../../notes/services/visibility";
import {
  CREDIBLE_AGE_MS,
  HIDE_AT_WEIGHT,
  WEIGHT_CREDIBLE,
  WEIGHT_HALF,
  WEIGHT_PER_UPHELD,
  WEIGHT_THROWAWAY,
  WEIGHT_UPHELD_CAP,
} from "../report-weight";
import {
  REPORT_REASONS,
  type ReportDecision,
  type ReportReason,
  type ReportTarget,
  reports,
} from "../schema";

/**
 * Credible reporters (verified campus, older than a week) whose open reports on one note or comment
 * hide it until an admin decides: one grudge cannot hide someone's post, a pile-on is still caught
 * quickly. Reporters of less standing weigh less (`report-weight.ts`), so throwaways need many more.
 */
export const REPORT_THRESHOLD = HIDE_AT_WEIGHT / WEIGHT_CREDIBLE;
export const REPORT_DETAIL_MAX = 500;
/** How much of a note or comment the review queue shows. */
const PREVIEW_CHARS = 280;

export interface ReportView {
  id: string;
  target: ReportTarget;
  targetId: string;
  reason: ReportReason;
  detail: string | null;
  createdAt: string;
}

const reportView = (row: typeof reports.$inferSelect): ReportView => ({
  id: row.id,
  target: row.targetType,
  targetId: row.targetId,
  reason: row.reason,
  detail: row.detail,
  createdAt: new Date(row.createdAt).toISOString(),
});

/** Plain text kept as written, less control characters other than newlines and tabs; blank is none. */
function plainDetail(raw: string | undefined): string | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const detail = (raw ?? "").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "").trim();
  if (detail.length > REPORT_DETAIL_MAX)
    throw new BadRequest(`At most ${REPORT_DETAIL_MAX} characters.`, { field: "detail" });
  return detail || null;
}

/**
 * The author of what is reported, once the reporter is shown to be able to see it. Anything the
 * reporter cannot see is a 404, so a report never confirms that hidden content exists. A person
 * the reporter blocked may still be reported (report, then block, is the usual order either way);
 * someone who blocked the reporter is as missing as elsewhere.
 */
async function reportableAuthor(ctx: ActionContext, actor: User, target: ReportTarget, id: string) {
  switch (target) {
    case "note":
      return (await visibleNote(ctx, actor, id)).authorId;
    case "comment": {
      const comment = await ctx.db
        .select()
        .from(comments)
        .where(and(eq(comments.id, id), isNull(comments.deletedAt)))
        .get();
      const missing = new NotFound("No such comment.");
      if (!comment) throw missing;
      if (comment.hiddenAt !== null && comment.authorId !== actor.id && actor.role !== "admin") throw missing;
      if (await blockedEitherWay(ctx, actor.id, comment.authorId)) throw missing;
      await visibleNote(ctx, actor, comment.noteId).catch(() => {
        throw missing;
      });
      return comment.authorId;
    }
    case "user": {
      const [person, blockedMe] = await ctx.db.batch([
        ctx.db.select({ id: users.id }).from(users).where(eq(users.id, id)).limit(1),
        ctx.db
          .select({ at: blocks.createdAt })
          .from(blocks)
          .where(and(eq(blocks.blockerId, id), eq(blocks.blockedId, actor.id)))
          .limit(1),
      ]);
      const found = person[0];
      if (!found || blockedMe.length > 0) throw new NotFound("No such person.");
      return found.id;
    }
    default: {
      const never: never = target;
      throw new Error(`unknown report target ${String(never)}`);
    }
  }
}

/** Open reports on one target, as a condition on `reports`. */
const openOn = (target: ReportTarget, id: string) =>
  and(eq(reports.targetType, target), eq(reports.targetId, id), isNull(reports.resolvedAt)) as SQL;

/**
 * True once the open reports on the target weigh `HIDE_AT_WEIGHT` (one open report per person),
 * each by its reporter's standing: the rule of `report-weight.ts`, in SQL.
 */
const pastThreshold = (target: ReportTarget, id: string, now: number) => {
  const oldBefore = now - CREDIBLE_AGE_MS;
  return sql`(select coalesce(sum(
         case when u.campus_verified = 1 and u.created_at <= ${oldBefore} then ${WEIGHT_CREDIBLE}
              when u.campus_verified = 1 or u.created_at <= ${oldBefore} then ${WEIGHT_HALF}
              else ${WEIGHT_THROWAWAY} end
         + min(${WEIGHT_UPHELD_CAP}, ${WEIGHT_PER_UPHELD} * (
             select count(*) from reports p where p.reporter_id = r.reporter_id and p.decision = 'remove'))
       ), 0)
       from reports r join users u on u.id = r.reporter_id
       where r.target_type = ${target} and r.target_id = ${id} and r.resolved_at is null) >= ${HIDE_AT_WEIGHT}`;
};

/**
 * Reports a note, comment or user. One open report per person and target: reporting again returns
 * the open report unchanged (`created: false`) so a double-click or a retry is harmless. The
 * report that brings a note or comment to the threshold hides it in the same D1 batch (so two
 * reports arriving together cannot both miss it), and its author is told; a reported user only
 * goes to the admins' queue.
 */
export async function reportContent({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { target: ReportTarget; id: string; reason: ReportReason; detail?: string | undefined };
}): Promise<{ report: ReportView; created: boolean }> {
  const actor = me(ctx);
  const detail = plainDetail(input.detail);
  const authorId = await reportableAuthor(ctx, actor, input.target, input.id);
  if (authorId === actor.id)
    throw new BadRequest(
      input.target === "user" ? "You cannot report yourself." : "You cannot report your own post.",
      { code: "self" },
    );
  await enforce(ctx.env, "reportUser", actor.id);

  const { db } = ctx;
  const now = Date.now();
  const insert = db
    .insert(reports)
    .values({
      reporterId: actor.id,
      targetType: input.target,
      targetId: input.id,
      reason: input.reason,
      detail,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning();
  let created: (typeof reports.$inferSelect)[];
  let hidden: { id: string }[] = [];
  if (input.target === "note") {
    [created, hidden] = await db.batch([
      insert,
      db
        .update(notes)
        .set({ hiddenAt: now })
        .where(and(eq(notes.id, input.id), isNull(notes.hiddenAt), pastThreshold("note", input.id, now)))
        .returning({ id: notes.id }),
    ]);
  } else if (input.target === "comment") {
    [created, hidden] = await db.batch([
      insert,
      db
        .update(comments)
        .set({ hiddenAt: now })
        .where(
          and(eq(comments.id, input.id), isNull(comments.hiddenAt), pastThreshold("comment", input.id, now)),
        )
        .returning({ id: comments.id }),
    ]);
  } else {
    created = await insert;
  }

  // A hidden note leaves the discovery sets now, not at the next cron run (reads filter it anyway).
  if (hidden.length > 0 && input.target === "note") noteChanged(ctx, input.id);
  if (hidden.length > 0) {
    const text =
      input.target === "note"
        ? "Your note is hidden after several reports, until an admin reviews it. You can still see it."
        : "Your comment is hidden after several reports, until an admin reviews it. You can still see it.";
    await notify(ctx, authorId, { type: `${input.target}.hidden`, text: text });
  }
  const [fresh] = created;
  if (fresh) return { report: reportView(fresh), created: true };
  const open = await db
    .select()
    .from(reports)
    .where(and(openOn(input.target, input.id), eq(reports.reporterId, actor.id)))
    .get();
  // Only an admin's decision landing between the insert and this read leaves nothing open.
  if (!open) throw new NotFound("The report was just resolved.");
  return { report: reportView(open), created: false };
}

function requireAdmin(ctx: ActionContext): User {
  const actor = me(ctx);
  if (actor.role !== "admin") throw new Forbidden("Only admins review reports.");
  return actor;
}

export interface ReviewItem {
  target: ReportTarget;
  id: string;
  /** Open reports, one per person. */
  reports: number;
  reasons: { reason: ReportReason; count: number }[];
  /** The reporters' own words, newest first (at most five). */
  details: { reason: ReportReason; detail: string; at: string }[];
  firstReportedAt: string;
  lastReportedAt: string;
  /** What was reported; null once it no longer exists (deleted by its author). */
  preview: {
    title: string | null;
    text: string;
    author: { id: string; displayName: string };
    hidden: boolean;
    noteId: string | null;
    imageUrl: string | null;
  } | null;
}

interface QueueRow {
  target_type: ReportTarget;
  target_id: string;
  reports: number;
  first_at: number;
  last_at: number;
  entries: string;
}

const QueueCursor = z.object({ at: z.number().int(), key: z.string().max(64) });
const Entry = z.object({ reason: z.enum(REPORT_REASONS), detail: z.string().nullable(), at: z.number() });

const clip = (text: string) => (text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text);

/**
 * The admins' review queue: targets with open reports, oldest first report first (the longest
 * waiting is decided first), each with its count, reasons and a preview of the content.
 */
export async function reviewQueue({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { limit: number; cursor?: string | undefined };
}): Promise<{ items: ReviewItem[]; nextCursor: string | null }> {
  requireAdmin(ctx);
  const { db } = ctx;
  const cursor = input.cursor ? decodeCursor(input.cursor, QueueCursor) : null;
  const key = sql`target_type || ':' || target_id`;
  const rows = await db.all<QueueRow>(sql`
    select target_type, target_id, count(*) as reports, min(created_at) as first_at, max(created_at) as last_at,
      json_group_array(json_object('reason', reason, 'detail', detail, 'at', created_at)) as entries
    from reports
    where resolved_at is null
    group by target_type, target_id
    ${cursor ? sql`having min(created_at) > ${cursor.at} or (min(created_at) = ${cursor.at} and ${key} > ${cursor.key})` : sql``}
    order by first_at, ${key}
    limit ${input.limit + 1}`);
  const page = rows.slice(0, input.limit);
  const idsOf = (target: ReportTarget) =>
    page.filter((r) => r.target_type === target).map((r) => r.target_id);

  const [noteRows, images, commentRows, userRows] = await db.batch([
    db
      .select({
        id: notes.id,
        title: notes.title,
        body: notes.body,
        hiddenAt: notes.hiddenAt,
        authorId: notes.authorId,
        authorName: users.displayName,
      })
      .from(notes)
      .innerJoin(users, eq(users.id, notes.authorId))
      .where(inJsonList(notes.id, idsOf("note"))),
    db
      .select(imageViewColumns)
      .from(noteImages)
      .where(and(inJsonList(noteImages.noteId, idsOf("note")), eq(noteImages.position, 0))),
    db
      .select({
        id: comments.id,
        noteId: comments.noteId,
        body: comments.body,
        hiddenAt: comments.hiddenAt,
        authorId: comments.authorId,
        authorName: users.displayName,
      })
      .from(comments)
      .innerJoin(users, eq(users.id, comments.authorId))
      .where(and(inJsonList(comments.id, idsOf("comment")), isNull(comments.deletedAt))),
    db
      .select({ id: users.id, displayName: users.displayName, role: users.role })
      .from(users)
      .where(inJsonList(users.id, idsOf("user"))),
  ]);
  const noteById = new Map(noteRows.map((n) => [n.id, n]));
  const imageByNote = new Map(images.map((i) => [i.noteId, toImageView(i).displayUrl]));
  const commentById = new Map(commentRows.map((c) => [c.id, c]));
  const userById = new Map(userRows.map((u) => [u.id, u]));

  const previewOf = (row: QueueRow): ReviewItem["preview"] => {
    switch (row.target_type) {
      case "note": {
        const note = noteById.get(row.target_id);
        if (!note) return null;
        return {
          title: note.title,
          text: clip(note.body),
          author: { id: note.authorId, displayName: note.authorName },
          hidden: note.hiddenAt !== null,
          noteId: note.id,
          imageUrl: imageByNote.get(note.id) ?? null,
        };
      }
      case "comment": {
        const comment = commentById.get(row.target_id);
        if (!comment) return null;
        return {
          title: null,
          text: clip(comment.body),
          author: { id: comment.authorId, displayName: comment.authorName },
          hidden: comment.hiddenAt !== null,
          noteId: comment.noteId,
          imageUrl: null,
        };
      }
      case "user": {
        const person = userById.get(row.target_id);
        if (!person) return null;
        return {
          title: person.displayName,
          text: person.role,
          author: { id: person.id, displayName: person.displayName },
          hidden: false,
          noteId: null,
          imageUrl: null,
        };
      }
      default: {
        const never: never = row.target_type;
        throw new Error(`unknown report target ${String(never)}`);
      }
    }
  };

  const items = page.map((row): ReviewItem => {
    const entries = z.array(Entry).parse(JSON.parse(row.entries));
    const counts = new Map<ReportReason, number>();
    for (const entry of entries) counts.set(entry.reason, (counts.get(entry.reason) ?? 0) + 1);
    return {
      target: row.target_type,
      id: row.target_id,
      reports: row.reports,
      reasons: REPORT_REASONS.filter((r) => counts.has(r)).map((reason) => ({
        reason,
        count: counts.get(reason) ?? 0,
      })),
      details: entries
        .filter((e): e is typeof e & { detail: string } => e.detail !== null)
        .sort((a, b) => b.at - a.at)
        .slice(0, 5)
        .map((e) => ({ reason: e.reason, detail: e.detail, at: new Date(e.at).toISOString() })),
      firstReportedAt: new Date(row.first_at).toISOString(),
      lastReportedAt: new Date(row.last_at).toISOString(),
      preview: previewOf(row),
    };
  });
  const last = page.at(-1);
  return {
    items,
    nextCursor:
      rows.length > input.limit && last
        ? encodeCursor({ at: last.first_at, key: `${last.target_type}:${last.target_id}` })
        : null,
  };
}

/** Closes every open report on the target with the admin's decision. */
function resolveAll(
  ctx: ActionContext,
  adminId: string,
  target: ReportTarget,
  id: string,
  decision: ReportDecision,
) {
  return ctx.db
    .update(reports)
    .set({ resolvedAt: Date.now(), resolvedBy: adminId, decision })
    .where(openOn(target, id))
    .returning({ id: reports.id });
}

/**
 * An admin's decision on a reported target, closing all its open reports:
 * - restore: unhide the note or comment;
 * - remove: delete it for good, through the same verbs an author uses (an admin may delete any);
 * - dismiss: change nothing (a hidden item stays hidden; its author still sees it).
 * A reported user is only ever dismissed here: accounts are not removed from this queue.
 * Something already deleted can be restored or removed as well: its reports just close.
 */
export async function decideReports({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { target: ReportTarget; id: string; action: ReportDecision };
}): Promise<{ resolved: number }> {
  const admin = requireAdmin(ctx);
  const { db } = ctx;
  const { target, id, action } = input;
  if (target === "user" && action !== "dismiss")
    throw new BadRequest("Reports about a person are reviewed and dismissed; nothing is hidden or removed.", {
      field: "action",
    });
  const open = await db.select({ id: reports.id }).from(reports).where(openOn(target, id)).limit(1);
  if (open.length === 0) throw new NotFound("Nothing open is reported there.");

  const content =
    target === "note"
      ? await db
          .select({ authorId: notes.authorId, hiddenAt: notes.hiddenAt })
          .from(notes)
          .where(eq(notes.id, id))
          .get()
      : target === "comment"
        ? await db
            .select({ authorId: comments.authorId, hiddenAt: comments.hiddenAt })
            .from(comments)
            .where(and(eq(comments.id, id), isNull(comments.deletedAt)))
            .get()
        : undefined;

  let resolved: { id: string }[];
  if (action === "restore" && target === "note") {
    [, resolved] = await db.batch([
      db.update(notes).set({ hiddenAt: null }).where(eq(notes.id, id)),
      resolveAll(ctx, admin.id, target, id, action),
    ]);
  } else if (action === "restore" && target === "comment") {
    [, resolved] = await db.batch([
      db.update(comments).set({ hiddenAt: null }).where(eq(comments.id, id)),
      resolveAll(ctx, admin.id, target, id, action),
    ]);
  } else {
    if (action === "remove" && content) {
      if (target === "note") await deleteNote({ ctx, input: { id } });
      else await deleteComment({ ctx, input: { commentId: id } });
    }
    resolved = await resolveAll(ctx, admin.id, target, id, action);
  }

  if (content && action === "remove")
    await notify(ctx, content.authorId, {
      type: `${target}.removed`,
      text: `An admin removed your ${target} after reviewing reports.`,
    });
  // A restored note goes back into the discovery sets and, as if just posted, into followers' timelines.
  if (content?.hiddenAt && action === "restore" && target === "note") {
    noteChanged(ctx, id);
    await enqueueTimelineWork(ctx, fanoutJob(id));
  }
  if (content?.hiddenAt && action === "restore")
    await notify(ctx, content.authorId, {
      type: `${target}.restored`,
      text: `An admin reviewed your ${target}; it is visible again.`,
    });
  return { resolved: resolved.length };
}
