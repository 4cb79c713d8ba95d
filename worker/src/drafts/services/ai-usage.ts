import { and, count, gte, lt, sql, sum } from "drizzle-orm";
import { DEFAULT_TIME_ZONE } from "../../pro";
import type { ActionContext } from "../../shared/context";
import { BadRequest } from "../../shared/errors";
import { proposalDrafts } from "../schema";

/** The instants a calendar day starts and ends in a time zone. */
export function dayBounds(day: string, timeZone: string): { start: number; end: number } {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(y, m - 1, d);
  if (Number.isNaN(midnightUtc) || new Date(midnightUtc).toISOString().slice(0, 10) !== day)
    throw new BadRequest("day is not a date (YYYY-MM-DD).", { field: "day" });
  const offset = (instant: number) => {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    }).formatToParts(new Date(instant));
    const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return (
      Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - instant
    );
  };
  const start = midnightUtc - offset(midnightUtc);
  const next = midnightUtc + 86_400_000;
  return { start, end: next - offset(next) };
}

/** Drafts finished on a day (in the platform's zone) and the tokens they cost, per provider. */
export async function aiUsage({ ctx, input }: { ctx: ActionContext; input: { day?: string | undefined } }) {
  const timeZone = DEFAULT_TIME_ZONE;
  const day = input.day ?? new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date());
  const { start, end } = dayBounds(day, timeZone);
  const rows = await ctx.db
    .select({
      provider: sql<string>`coalesce(${proposalDrafts.provider}, '')`,
      status: proposalDrafts.status,
      drafts: count(),
      promptTokens: sum(proposalDrafts.promptTokens),
      completionTokens: sum(proposalDrafts.completionTokens),
    })
    .from(proposalDrafts)
    .where(and(gte(proposalDrafts.finishedAt, start), lt(proposalDrafts.finishedAt, end)))
    .groupBy(proposalDrafts.provider, proposalDrafts.status);
  const byProvider = new Map<
    string,
    { provider: string; drafts: number; promptTokens: number; completionTokens: number }
  >();
  let failed = 0;
  for (const row of rows) {
    if (row.status === "failed") failed += row.drafts;
    if (row.status !== "ready") continue;
    const entry = byProvider.get(row.provider) ?? {
      provider: row.provider,
      drafts: 0,
      promptTokens: 0,
      completionTokens: 0,
    };
    entry.drafts += row.drafts;
    entry.promptTokens += Number(row.promptTokens ?? 0);
    entry.completionTokens += Number(row.completionTokens ?? 0);
    byProvider.set(row.provider, entry);
  }
  const providers = [...byProvider.values()];
  return {
    day,
    timeZone,
    drafts: providers.reduce((n, p) => n + p.drafts, 0),
    failed,
    promptTokens: providers.reduce((n, p) => n + p.promptTokens, 0),
    completionTokens: providers.reduce((n, p) => n + p.completionTokens, 0),
    byProvider: providers,
  };
}
