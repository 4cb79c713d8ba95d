import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, json, ORIGIN } from "../support/http";
import { person } from "../support/link";

/** An upgrade into a room, as the page's socket would ask. */
function openRoom(cookie: string, roomId: string) {
  return SELF.fetch(`${ORIGIN}/api/rooms/${roomId}/ws`, {
    headers: { upgrade: "websocket", origin: ORIGIN, cookie },
  });
}

async function listedRooms(cookie: string): Promise<string[]> {
  const { rooms } = await json<{ rooms: { id: string }[] }>(await call("/api/rooms", { cookie }));
  return rooms.map((room) => room.id);
}

describe("campus membership: proven by a verified campus e-mail, never typed", () => {
  it("a campus typed into a profile neither lists, opens nor reads that campus's room", async () => {
    const typed = await person({ name: "Claims UM" });
    const patched = await call("/api/me/profile", {
      method: "PATCH",
      cookie: typed.cookie,
      json: { campusId: "um" },
    });
    expect(await json<{ profile: unknown }>(patched)).toMatchObject({
      profile: { campus: { id: "um" }, campusVerified: false },
    });

    expect(await listedRooms(typed.cookie)).not.toContain("campus:um");
    // Joining is reading: the welcome carries the room's recent history.
    await expectProblem(await openRoom(typed.cookie, "campus:um"), 404);
    // Nor may they act on it as a member would.
    await expectProblem(
      await call(`/api/rooms/campus:um/mute`, {
        cookie: typed.cookie,
        json: { userId: typed.id, minutes: 5 },
      }),
      404,
    );
  });

  it("a verified campus member lists and joins their campus room", async () => {
    const member = await person({ name: "UM student", campusId: "um" });
    expect(await listedRooms(member.cookie)).toContain("campus:um");
    const upgrade = await openRoom(member.cookie, "campus:um");
    expect(upgrade.status).toBe(101);
    upgrade.webSocket?.accept();
    upgrade.webSocket?.close(1000);
  });
});
