import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { dayMentions } from "../../worker/src/pro/proposal-text";
import { call, expectProblem, signUp } from "../support/http";
import { act, draft, expert, hoursFromNow, invitationBody, page } from "./fixtures";

const DAY = 86_400_000;
const ZONE = "Asia/Kuala_Lumpur"; // the fixture expert's availability zone

/** A proposal that passes every check: long enough, names a slot's day and asks for a reply by the deadline. */
function goodProposal(slot: string, deadline: string): string {
  const [slotDay] = dayMentions(Date.parse(slot), ZONE);
  const [deadlineDay] = dayMentions(Date.parse(deadline), ZONE);
  return [
    "Dear Dr Expert,",
    `We are the student tech society and we would love to invite you to give a talk on payments at scale on ${slotDay}.`,
    "About eighty students in computing and business will attend; many of them hope to work on payment systems,",
    "and hearing how a super-app handles its peaks from someone who builds it would mean a great deal to them.",
    "The session is online, an hour long, with time at the end for questions from the audience.",
    `Would you let us know by ${deadlineDay} whether this works for you? We are happy to adjust the format.`,
    "Warm regards, the organising team",
  ].join(" ");
}

interface ProposalProblem {
  detail: string;
  code?: string;
  field?: string;
  problems?: { code: string; message: string }[];
}

const mailsTo = async (email: string) =>
  (
    await env.DB.prepare('select count(*) as n from outbox_mails where "to" = ?')
      .bind(email)
      .first<{ n: number }>()
  )?.n ?? 0;

describe("a proposal that reaches an expert passes the attach checks", () => {
  it("typed into the invite form (create): a 400 naming what is missing, and no invitation", async () => {
    const pro = await expert();
    const student = await signUp();
    const body = invitationBody(pro.id, { proposal: "Hi! Come talk to us [your name]" });
    const problem = (await expectProblem(
      await call("/api/invitations", { cookie: student.cookie, json: body }),
      400,
    )) as ProposalProblem;
    expect(problem.code).toBe("proposal-checks");
    expect(problem.field).toBe("proposal");
    expect(problem.problems?.map((p) => p.code).sort()).toEqual([
      "no-ask",
      "no-date",
      "placeholder",
      "too-short",
    ]);
    expect(problem.detail).toMatch(/at least 400 characters/i);
    const rows = await env.DB.prepare("select count(*) as n from invitations where requester_id = ?")
      .bind(student.id)
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });

  it("set by PATCH: a 400 naming what is missing, and the stored proposal is unchanged", async () => {
    const pro = await expert();
    const student = await signUp();
    const id = await draft(student.cookie, pro.id);
    const problem = (await expectProblem(
      await call(`/api/invitations/${id}`, {
        method: "PATCH",
        cookie: student.cookie,
        json: { proposal: "We admire your work on payments. ".repeat(15) },
      }),
      400,
    )) as ProposalProblem;
    expect(problem.problems?.map((p) => p.code).sort()).toEqual(["no-ask", "no-date"]);
    const view = (await page(student.cookie, id)) as unknown as { invitation: { proposal: string | null } };
    expect(view.invitation.proposal).toBeNull();
  });

  it("checked again when sent: a deadline moved after the proposal was written stops the send", async () => {
    const pro = await expert();
    const student = await signUp();
    const slots = [hoursFromNow(96), hoursFromNow(120)];
    const deadline = new Date(Date.now() + 2 * DAY).toISOString();
    const proposal = goodProposal(slots[0] ?? "", deadline);
    const id = await draft(student.cookie, pro.id, { slots, responseDeadline: deadline, proposal });
    const moved = await call(`/api/invitations/${id}`, {
      method: "PATCH",
      cookie: student.cookie,
      json: { responseDeadline: new Date(Date.now() + 3 * DAY).toISOString() },
    });
    expect(moved.status).toBe(204);
    const problem = (await expectProblem(await act(student.cookie, id, "send"), 400)) as ProposalProblem;
    expect(problem.code).toBe("proposal-checks");
    expect(problem.problems?.map((p) => p.code)).toEqual(["no-ask"]);
    expect((await page(student.cookie, id)).invitation.status).toBe("draft");
    expect(await mailsTo(pro.email)).toBe(1); // only the verification mail
  });

  it("a proposal that passes goes out, as does an invitation with none", async () => {
    const pro = await expert();
    const student = await signUp();
    const slots = [hoursFromNow(96)];
    const deadline = new Date(Date.now() + 2 * DAY).toISOString();
    const id = await draft(student.cookie, pro.id, {
      slots,
      responseDeadline: deadline,
      proposal: goodProposal(slots[0] ?? "", deadline),
    });
    expect((await act(student.cookie, id, "send")).status).toBe(200);
    const bare = await draft(student.cookie, pro.id, { proposal: null });
    expect((await act(student.cookie, bare, "send")).status).toBe(200);
  });
});
