import { and, eq, ne, sql } from "drizzle-orm";
import { users } from "../../identity/schema";
import { expertProfiles } from "../../profiles/schema";
import type { ActionContext } from "../../shared/context";
import type { Invitation } from "../schema";

/**
 * Up to three experts like the one who did not answer: same industry or a shared topic, accepting
 * invitations. Experts in the requester's network come first.
 */
export async function similarExperts(
  ctx: Pick<ActionContext, "db" | "adapters">,
  invitation: Invitation,
  limit = 3,
) {
  const original = await ctx.db
    .select()
    .from(expertProfiles)
    .where(eq(expertProfiles.userId, invitation.expertId))
    .get();
  if (!original) return [];
  const topics = original.topics.map((t) => t.toLowerCase());
  const candidates = await ctx.db
    .select({
      id: users.id,
      displayName: users.displayName,
      headline: expertProfiles.headline,
      industry: expertProfiles.industry,
      topics: expertProfiles.topics,
    })
    .from(expertProfiles)
    .innerJoin(users, eq(users.id, expertProfiles.userId))
    .where(
      and(
        eq(expertProfiles.acceptingInvitations, true),
        // Only vetted experts are recommended (expert-vetting.ts).
        eq(expertProfiles.verification, "verified"),
        ne(expertProfiles.userId, invitation.expertId),
        sql`(lower(${expertProfiles.industry}) = lower(${original.industry}) or exists (
          select 1 from json_each(${expertProfiles.topics}) t where lower(t.value) in (select lower(value) from json_each(${JSON.stringify(topics)}))))`,
      ),
    )
    .limit(50)
    .all();
  const network = new Set((await networkExperts(ctx, invitation.requesterId)).map((e) => e.expertId));
  const score = (c: (typeof candidates)[number]) =>
    (network.has(c.id) ? 10 : 0) +
    (c.industry.toLowerCase() === original.industry.toLowerCase() ? 2 : 0) +
    c.topics.filter((t) => topics.includes(t.toLowerCase())).length;
  return candidates
    .sort((a, b) => score(b) - score(a) || a.displayName.localeCompare(b.displayName))
    .slice(0, limit)
    .map((c) => ({
      id: c.id,
      displayName: c.displayName,
      headline: c.headline,
      inNetwork: network.has(c.id),
    }));
}

/**
 * The requester's second-degree experts, for ranking only: when the graph (Neo4j, if configured)
 * does not answer, the suggestions go out unranked by network rather than hold up the mail that
 * carries them.
 */
async function networkExperts(ctx: Pick<ActionContext, "adapters">, requesterId: string) {
  try {
    return await ctx.adapters.graph.experts(requesterId, 200);
  } catch (error) {
    console.warn(`similar experts without the network: ${String(error)}`);
    return [];
  }
}
