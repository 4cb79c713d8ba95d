import { eq } from "drizzle-orm";
import { campuses, users } from "../../identity/schema";
import { expertProfiles } from "../../profiles/schema";
import type { ActionContext } from "../../shared/context";
import { BadRequest } from "../../shared/errors";
import { checkProposal } from "../proposal-text";
import { DEFAULT_TIME_ZONE } from "./invitation-people";

// Mostly Han characters: the Chinese bounds apply (a typed proposal carries no draft language).
const HAN = /\p{Script=Han}/gu;

function languageOf(text: string): "en" | "zh" {
  const letters = text.replace(/\s/g, "").length;
  const han = text.match(HAN)?.length ?? 0;
  return letters > 0 && han / letters >= 0.3 ? "zh" : "en";
}

/** The expert's zone as the drafts see it: their availability's zone, else their campus's. */
async function expertZone(ctx: Pick<ActionContext, "db">, expertId: string): Promise<string> {
  const row = await ctx.db
    .select({ availability: expertProfiles.availability, campusZone: campuses.timeZone })
    .from(users)
    .leftJoin(expertProfiles, eq(expertProfiles.userId, users.id))
    .leftJoin(campuses, eq(campuses.id, users.campusId))
    .where(eq(users.id, expertId))
    .get();
  return row?.availability?.[0]?.timeZone ?? row?.campusZone ?? DEFAULT_TIME_ZONE;
}

/**
 * Whatever way a proposal was written (an attached AI draft, the invite form, a PATCH), it passes
 * the same checks as an attached draft before it is stored and again when it is sent, against the
 * slots and deadline of that moment. A failing text is a 400 that lists each problem.
 */
export async function requireReadyProposal(
  ctx: Pick<ActionContext, "db">,
  proposal: { text: string; expertId: string; slotInstants: number[]; deadline: number },
) {
  const problems = checkProposal(proposal.text, {
    language: languageOf(proposal.text),
    slotInstants: proposal.slotInstants,
    deadline: proposal.deadline,
    timeZone: await expertZone(ctx, proposal.expertId),
  });
  if (problems.length === 0) return;
  throw new BadRequest(
    `The proposal is not ready for the expert: ${problems.map((p) => p.message).join(" ")}`,
    {
      field: "proposal",
      code: "proposal-checks",
      problems,
    },
  );
}

/** An empty proposal is no proposal. */
export function proposalText(text: string | null | undefined): string | null {
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
}
