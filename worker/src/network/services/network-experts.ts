import { and, eq, sql } from "drizzle-orm";
import { countsReady } from "../../adapters/second-degree/interface";
import { inJsonList } from "../../db/client";
import { memberCampus } from "../../identity";
import { campuses, users } from "../../identity/schema";
import { invitationTallies } from "../../pro/schema";
import { expertProfiles, studentProfiles } from "../../profiles/schema";
import { readThrough } from "../../shared/cache-aside";
import type { ActionContext } from "../../shared/context";
import { Unauthorized } from "../../shared/errors";
import { confirmSession, sessionCheck } from "../../shared/session-proof";
import { networkKeys } from "./edges";

/** How many two-hop candidates the graph hands over for ranking. */
const CANDIDATES = 100;
const TTL_SECONDS = 600;
/** Statuses an expert has answered (anything but still waiting, or never answered). */
const ANSWERED = ["accepted", "declined", "countered", "scheduled", "completed"];
const RECEIVED = [...ANSWERED, "sent", "expired", "cancelled"];

export interface NetworkExpert {
  id: string;
  displayName: string;
  headline: string;
  company: string;
  industry: string;
  acceptingInvitations: boolean;
  mutuals: number;
  via: { userId: string; displayName: string }[];
  /** Why this expert ranks where they do, as facts the page can say ("ties to UM", "topic: payments"). */
  reasons: { kind: "mutuals" | "campus" | "topic" | "industry" | "responsive"; value: string }[];
  score: number;
}

/**
 * Experts in the asker's second-degree network. The graph (D1 or Neo4j) gives the candidates with
 * their mutual connections; D1 gives what ranks them: mutual connections first (each counts 3),
 * ties to the asker's campus (2), shared topics or industry with the asker's interests (1 each, at
 * most 2), and responsiveness (up to 2, by the share of invitations answered).
 *
 * With D1's candidate set (the default) the answer is read fresh every time: the counts are one
 * indexed range kept current by the edge writes themselves, and only the returned page has its
 * mutual connections named, so every change (a connection of a friend, a block, a role change) shows
 * in the next read. Through Neo4j or the two-hop query the ranked list is cached per user.
 */
export async function networkExperts({
  ctx,
  input,
}: {
  ctx: ActionContext;
  input: { limit: number };
}): Promise<{ experts: NetworkExpert[]; cache: "hit" | "miss" | "none" }> {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const graph = ctx.adapters.graph;
  if (countsReady(graph)) {
    const counted = await graph.expertCounts(actor.id, CANDIDATES);
    const page = (await rank(ctx, actor.id, memberCampus(actor), counted)).slice(0, input.limit);
    const via = await graph.mutualsWith(
      actor.id,
      page.map((e) => e.id),
    );
    return { experts: page.map((e) => ({ ...e, via: via.get(e.id) ?? [] })), cache: "none" };
  }
  const key = networkKeys[0](actor.id);
  const { value, cache } = await readThrough(ctx, {
    key,
    ttlSeconds: TTL_SECONDS,
    load: async () => rank(ctx, actor.id, memberCampus(actor), await graph.experts(actor.id, CANDIDATES)),
  });
  return { experts: (value ?? []).slice(0, input.limit), cache };
}

/** Candidates as the graph gives them: with their mutual connections named, or only counted. */
type Candidate = { userId: string } & ({ via: NetworkExpert["via"] } | { mutuals: number });

async function rank(
  ctx: ActionContext,
  userId: string,
  campusId: string | null,
  candidates: Candidate[],
): Promise<NetworkExpert[]> {
  if (candidates.length === 0) return [];
  const ids = candidates.map((c) => c.userId);
  // A session taken from the isolate's recent ones is confirmed in this batch (shared/session-proof.ts):
  // no round trip of its own after the route.
  const [session, profiles, tallies, mine, campus] = await ctx.db.batch([
    sessionCheck(ctx),
    ctx.db
      .select({
        id: users.id,
        displayName: users.displayName,
        headline: expertProfiles.headline,
        company: expertProfiles.company,
        industry: expertProfiles.industry,
        topics: expertProfiles.topics,
        campusTies: expertProfiles.campusTies,
        accepting: expertProfiles.acceptingInvitations,
      })
      .from(users)
      .innerJoin(expertProfiles, eq(expertProfiles.userId, users.id))
      // Suggestions are like the directory: vetted experts only (expert-vetting.ts).
      .where(and(inJsonList(users.id, ids), eq(expertProfiles.verification, "verified"))),
    ctx.db
      .select({
        userId: invitationTallies.userId,
        answered: sql<number>`sum(case when ${invitationTallies.status} in (${sql.join(
          ANSWERED.map((s) => sql`${s}`),
          sql`, `,
        )}) then ${invitationTallies.n} else 0 end)`,
        received: sql<number>`sum(case when ${invitationTallies.status} in (${sql.join(
          RECEIVED.map((s) => sql`${s}`),
          sql`, `,
        )}) then ${invitationTallies.n} else 0 end)`,
      })
      .from(invitationTallies)
      .where(and(inJsonList(invitationTallies.userId, ids), eq(invitationTallies.side, "expert")))
      .groupBy(invitationTallies.userId),
    ctx.db
      .select({ interests: studentProfiles.interests })
      .from(studentProfiles)
      .where(eq(studentProfiles.userId, userId)),
    ctx.db
      .select({ name: campuses.name })
      .from(campuses)
      .where(eq(campuses.id, campusId ?? "")),
  ]);
  confirmSession(ctx, session);
  const interests = new Set((mine[0]?.interests ?? []).map((i) => i.toLowerCase()));
  const byId = new Map(profiles.map((p) => [p.id, p]));
  const tally = new Map(tallies.map((t) => [t.userId, t]));
  const ranked: NetworkExpert[] = [];
  for (const candidate of candidates) {
    const profile = byId.get(candidate.userId);
    if (!profile) continue;
    const mutuals = "via" in candidate ? candidate.via.length : candidate.mutuals;
    const reasons: NetworkExpert["reasons"] = [{ kind: "mutuals", value: String(mutuals) }];
    let score = 3 * mutuals;
    if (campusId && profile.campusTies.includes(campusId)) {
      score += 2;
      reasons.push({ kind: "campus", value: campus[0]?.name ?? campusId });
    }
    const shared = [
      ...profile.topics
        .filter((t) => interests.has(t.toLowerCase()))
        .map((t) => ({ kind: "topic" as const, value: t })),
      ...(interests.has(profile.industry.toLowerCase())
        ? [{ kind: "industry" as const, value: profile.industry }]
        : []),
    ].slice(0, 2);
    score += shared.length;
    reasons.push(...shared);
    const t = tally.get(candidate.userId);
    if (t && Number(t.received) > 0) {
      const rate = Number(t.answered) / Number(t.received);
      score += 2 * rate;
      if (rate >= 0.8) reasons.push({ kind: "responsive", value: String(Math.round(rate * 100)) });
    }
    ranked.push({
      id: profile.id,
      displayName: profile.displayName,
      headline: profile.headline,
      company: profile.company,
      industry: profile.industry,
      acceptingInvitations: profile.accepting,
      mutuals,
      via: "via" in candidate ? candidate.via : [],
      reasons,
      score: Math.round(score * 100) / 100,
    });
  }
  return ranked.sort((a, b) => b.score - a.score || b.mutuals - a.mutuals || a.id.localeCompare(b.id));
}

/** People the asker may know: two hops away, not experts, by mutual connections. Cached per user. */
export async function peopleYouMayKnow({ ctx, input }: { ctx: ActionContext; input: { limit: number } }) {
  const actor = ctx.actor;
  if (!actor) throw new Unauthorized();
  const key = networkKeys[1](actor.id);
  const { value } = await readThrough(ctx, {
    key,
    ttlSeconds: TTL_SECONDS,
    load: async () => {
      const found = await ctx.adapters.graph.people(actor.id, 50);
      if (found.length === 0) return [];
      const rows = await ctx.db
        .select({ id: users.id, displayName: users.displayName, role: users.role, campusId: users.campusId })
        .from(users)
        .where(
          inJsonList(
            users.id,
            found.map((f) => f.userId),
          ),
        );
      const byId = new Map(rows.map((r) => [r.id, r]));
      return found.flatMap((f) => {
        const person = byId.get(f.userId);
        return person ? [{ ...person, mutuals: f.via.length, via: f.via }] : [];
      });
    },
  });
  return { people: (value ?? []).slice(0, input.limit) };
}
