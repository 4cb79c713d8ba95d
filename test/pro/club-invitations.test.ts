import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, signUp } from "../support/http";
import { act, draft, expert, page } from "./fixtures";

async function clubWithOfficer() {
  const club = await signUp({ role: "club", displayName: "Robotics Club" });
  const officer = await signUp({ displayName: "Club President" });
  const set = await call("/api/me/profile", {
    method: "PATCH",
    cookie: club.cookie,
    json: { club: { name: "Robotics Club", officers: [{ userId: officer.id, title: "President" }] } },
  });
  expect(set.status).toBe(200);
  // The PATCH only invites; the student's yes makes the office.
  const { pending } = (await (await call("/api/me/clubs", { cookie: officer.cookie })).json()) as {
    pending: { invitationId: string }[];
  };
  const accept = await call(`/api/officer-invitations/${pending[0]?.invitationId}/accept`, {
    method: "POST",
    cookie: officer.cookie,
  });
  expect(accept.status).toBe(200);
  return { club, officer };
}

describe("club invitations", () => {
  it("are co-owned by officers; the club account needs an officer's sign-off before sending", async () => {
    const pro = await expert();
    const { club, officer } = await clubWithOfficer();
    const outsider = await signUp();
    const id = await draft(officer.cookie, pro.id, { requesterId: club.id });
    expect((await page(club.cookie, id)).actions).toContain("send");
    await expectProblem(await call(`/api/invitations/${id}`, { cookie: outsider.cookie }), 404);
    const refused = await expectProblem(await act(club.cookie, id, "send"), 409);
    expect(refused.detail).toMatch(/officer must sign/);
    expect(refused).toMatchObject({ code: "needs-sign-off" });
    await expectProblem(
      await call(`/api/invitations/${id}/sign-off`, { method: "POST", cookie: club.cookie }),
      403,
    );
    expect(
      (await call(`/api/invitations/${id}/sign-off`, { method: "POST", cookie: officer.cookie })).status,
    ).toBe(204);
    expect((await act(club.cookie, id, "send")).status).toBe(200);

    const slot = (await page(pro.cookie, id)).slots[0];
    await act(pro.cookie, id, "accept", { slotId: slot?.id });
    for (const side of [club, officer]) {
      const notes = (await (await call("/api/notifications", { cookie: side.cookie })).json()) as {
        notifications: { invitationId: string; text: string }[];
      };
      expect(notes.notifications.some((n) => n.invitationId === id && n.text.includes("scheduled"))).toBe(
        true,
      );
    }
    const board = (await (
      await call("/api/invitations?bucket=upcoming", { cookie: officer.cookie })
    ).json()) as {
      invitations: { id: string; side: string }[];
    };
    expect(board.invitations).toMatchObject([{ id, side: "requester" }]);
  });

  it("editing a signed-off draft withdraws the sign-off", async () => {
    const pro = await expert();
    const { club, officer } = await clubWithOfficer();
    const id = await draft(club.cookie, pro.id);
    await call(`/api/invitations/${id}/sign-off`, { method: "POST", cookie: officer.cookie });
    await call(`/api/invitations/${id}`, {
      method: "PATCH",
      cookie: club.cookie,
      json: { agenda: "A different agenda" },
    });
    await expectProblem(await act(club.cookie, id, "send"), 409);
  });

  it("an officer's send is their sign-off", async () => {
    const pro = await expert();
    const { club, officer } = await clubWithOfficer();
    const id = await draft(club.cookie, pro.id);
    expect((await act(officer.cookie, id, "send")).status).toBe(200);
    const row = await env.DB.prepare("select signed_off_by from invitations where id = ?").bind(id).first();
    expect(row).toEqual({ signed_off_by: officer.id });
  });

  it("nobody writes for a club they are not an officer of", async () => {
    const pro = await expert();
    const { club } = await clubWithOfficer();
    const stranger = await signUp();
    await expectProblem(
      await call("/api/invitations", {
        cookie: stranger.cookie,
        json: { ...(await import("./fixtures")).invitationBody(pro.id), requesterId: club.id },
      }),
      403,
    );
  });
});
