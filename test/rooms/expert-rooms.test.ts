import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { AFTER_SESSION_MS } from "../../worker/src/network/services/contact-matrix";
import { act, draft, expert as makeExpert, page, verifyExpert } from "../pro/fixtures";
import { call, expectProblem, json, signUp } from "../support/http";
import { joinRoom, openRoom } from "../support/room-client";

const DAY = 86_400_000;

/** A student and a vetted expert with a scheduled invitation between them, and their direct room. */
async function scheduledPair() {
  const [student, expert] = await Promise.all([signUp(), makeExpert()]);
  const invitation = await draft(student.cookie, expert.id);
  expect((await act(student.cookie, invitation, "send")).status).toBe(200);
  const slot = (await page(expert.cookie, invitation)).slots[0];
  expect((await act(expert.cookie, invitation, "accept", { slotId: slot?.id })).status).toBe(200);
  const { id: roomId } = await json<{ id: string }>(
    await call("/api/rooms/dm", { cookie: expert.cookie, json: { userId: student.id } }),
  );
  return { student, expert, invitation, roomId };
}

describe("expert-student direct rooms follow their invitation", () => {
  it("a cancel makes the room read-only for both: open sockets are told and can no longer post", async () => {
    const { student, expert, invitation, roomId } = await scheduledPair();
    const [s, e] = await Promise.all([joinRoom(student.cookie, roomId), joinRoom(expert.cookie, roomId)]);
    expect(s.of("welcome")[0]?.readOnly).toBe(false);
    const hello = s.say("Looking forward to the talk!");
    await s.until("ack", (a) => a.id === hello);

    expect((await act(student.cookie, invitation, "cancel")).status).toBe(200);
    await Promise.all([s.until("read-only", (f) => f.readOnly), e.until("read-only", (f) => f.readOnly)]);
    const late = e.say("One more thing…");
    await e.until("error", (f) => f.code === "read-only");
    s.say("And from me?");
    await s.until("error", (f) => f.code === "read-only");
    expect(e.of("ack").some((a) => a.id === late)).toBe(false);

    // A fresh visit reads the history, read-only; the expert cannot reopen it.
    const again = await joinRoom(expert.cookie, roomId);
    expect(again.of("welcome")[0]?.readOnly).toBe(true);
    expect((await again.until("history")).messages.map((m) => m.body)).toEqual([
      "Looking forward to the talk!",
    ]);
    again.say("Hello?");
    await again.until("error", (f) => f.code === "read-only");
    for (const c of [s, e, again]) c.close();
  });

  it(`stays writable for ${AFTER_SESSION_MS / DAY} days after the session is completed, then read-only`, async () => {
    const { student, invitation, roomId } = await scheduledPair();
    // The clock is the data: the session completed 13 days ago, then 15.
    const completedAgo = async (days: number) => {
      const at = Date.now() - days * DAY;
      await env.DB.prepare(
        "update invitations set status = 'completed', completed_at = ?, updated_at = ? where id = ?",
      )
        .bind(at, at, invitation)
        .run();
    };
    await completedAgo(13);
    const within = await joinRoom(student.cookie, roomId);
    expect(within.of("welcome")[0]?.readOnly).toBe(false);
    const id = within.say("Thanks for the session!");
    await within.until("ack", (a) => a.id === id);
    within.close();

    await completedAgo(15);
    const after = await joinRoom(student.cookie, roomId);
    expect(after.of("welcome")[0]?.readOnly).toBe(true);
    after.say("Still there?");
    await after.until("error", (f) => f.code === "read-only");
    after.close();
  });
});

describe("experts in shared rooms", () => {
  it("an unverified expert cannot join topic or club rooms (403 unverified-expert); once verified they can", async () => {
    const [expert, club] = await Promise.all([
      makeExpert(undefined, { verified: false }),
      signUp({ role: "club" }),
    ]);
    const rooms = ["topic:careers", `club:${club.id}`];
    for (const roomId of rooms) {
      const problem = await expectProblem(await openRoom(expert.cookie, roomId), 403);
      expect(problem).toMatchObject({
        code: "unverified-expert",
        detail: "Experts join rooms once verified.",
      });
    }
    // Nor can they mute anyone there.
    const mute = await call(`/api/rooms/club:${club.id}/mute`, {
      cookie: expert.cookie,
      json: { userId: club.id, minutes: 5 },
    });
    expect(await expectProblem(mute, 403)).toMatchObject({ code: "unverified-expert" });
    await verifyExpert(expert.id);
    for (const roomId of rooms) (await joinRoom(expert.cookie, roomId)).close();
  });
});
