import { and, desc, eq } from "drizzle-orm";
import type { DraftRequest } from "../../adapters/drafter/interface";
import { campuses, users } from "../../identity/schema";
import { invitationPeople, latestRound, spokenDay, spokenSlot } from "../../pro";
import { invitations } from "../../pro/schema";
import { expertProfiles } from "../../profiles/schema";
import type { ActionContext } from "../../shared/context";
import { NotFound } from "../../shared/errors";
import type { ProposalDraft } from "../schema";

const KIND_WORDS = {
  en: {
    talk: "talk",
    workshop: "workshop",
    panel: "panel",
    mentoring: "1:1 mentoring session",
    "mock-interview": "mock interview",
  },
  zh: {
    talk: "讲座",
    workshop: "工作坊",
    panel: "座谈会",
    mentoring: "一对一辅导",
    "mock-interview": "模拟面试",
  },
} as const;

/** What the checks compare a proposal against. */
export interface CheckFacts {
  language: ProposalDraft["language"];
  slotInstants: number[];
  deadline: number;
  timeZone: string;
}

/**
 * Everything a draft is written from, read from D1: the invitation with its current slots, the
 * expert (headline, company, topics, sessions completed on ATAS) and the requester (student or
 * club, campus). Dates are written out in the expert's zone.
 */
export async function proposalFacts(
  ctx: Pick<ActionContext, "db">,
  draft: Pick<ProposalDraft, "invitationId" | "tone" | "language" | "length">,
): Promise<{ request: DraftRequest; facts: CheckFacts }> {
  const invitation = await ctx.db
    .select()
    .from(invitations)
    .where(eq(invitations.id, draft.invitationId))
    .get();
  if (!invitation) throw new NotFound("No such invitation.");
  const [people, slots, [expert], [requester], past] = await Promise.all([
    invitationPeople(ctx, invitation),
    latestRound(ctx, invitation.id),
    ctx.db
      .select({
        headline: expertProfiles.headline,
        company: expertProfiles.company,
        topics: expertProfiles.topics,
      })
      .from(expertProfiles)
      .where(eq(expertProfiles.userId, invitation.expertId)),
    ctx.db
      .select({ role: users.role, campus: campuses.name })
      .from(users)
      .leftJoin(campuses, eq(campuses.id, users.campusId))
      .where(eq(users.id, invitation.requesterId)),
    ctx.db
      .select({ title: invitations.title })
      .from(invitations)
      .where(and(eq(invitations.expertId, invitation.expertId), eq(invitations.status, "completed")))
      .orderBy(desc(invitations.scheduledStart))
      .limit(3),
  ]);
  const zone = people.expertZone;
  const language = draft.language;
  const starts = slots.map((s) => s.startsAt).sort((a, b) => a - b);
  const request: DraftRequest = {
    language,
    tone: draft.tone,
    length: draft.length,
    invitation: {
      kind: KIND_WORDS[language][invitation.kind],
      title: invitation.title,
      agenda: invitation.agenda,
      audienceSize: invitation.audienceSize,
      durationMinutes: invitation.durationMinutes,
      format: invitation.format === "onsite" ? "on-site" : "online",
      venue: invitation.venue,
      honorarium:
        invitation.honorariumAmount === null
          ? null
          : `${invitation.honorariumCurrency ?? "MYR"} ${invitation.honorariumAmount}`,
      slots: starts.map((start) => spokenSlot(start, zone, language)),
      deadline: spokenDay(invitation.responseDeadline, zone, language),
      timeZone: zone,
    },
    expert: {
      name: people.expert.name,
      headline: expert?.headline ?? "",
      company: expert?.company ?? "",
      topics: expert?.topics ?? [],
      pastTalks: past.map((p) => p.title),
    },
    requester: {
      name: people.requester.name,
      kind: requester?.role === "club" ? "club" : "student",
      campus: requester?.campus ?? null,
    },
  };
  return {
    request,
    facts: { language, slotInstants: starts, deadline: invitation.responseDeadline, timeZone: zone },
  };
}
