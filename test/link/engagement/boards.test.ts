import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, json } from "../../support/http";
import { block, follow, mute, type Person } from "../../support/link";
import { note, notes, person } from "../search/search-fixtures";

interface BoardNote {
  id: string;
  author: { id: string; displayName: string };
  title: string;
  visibility: string;
  images: { id: string; displayUrl: string; originalUrl: string }[];
  counts: { likes: number; collects: number; comments: number };
  viewer: { liked: boolean; collected: boolean };
}
interface BoardPage {
  board: { id: string; ownerId: string; name: string; visibility: string; notes: number };
  notes: BoardNote[];
  nextCursor: string | null;
}

async function board(owner: Person, visibility: "public" | "private" = "public"): Promise<string> {
  const made = await json<{ id: string }>(
    await call("/api/boards", { cookie: owner.cookie, json: { name: "Kopi spots", visibility } }),
    201,
  );
  return made.id;
}

/** Board rows written straight to D1 with their collect time, so order and ties are exact. */
async function collected(boardId: string, entries: { noteId: string; at: number }[]) {
  await env.DB.batch(
    entries.map(({ noteId, at }) =>
      env.DB.prepare("insert into board_notes (board_id, note_id, created_at) values (?, ?, ?)").bind(
        boardId,
        noteId,
        at,
      ),
    ),
  );
}

const read = (boardId: string, who: Person, query = "") =>
  call(`/api/boards/${boardId}${query}`, { cookie: who.cookie });

describe("board contents", () => {
  it("lists whole notes, newest collected first, with images, counts and the reader's like", async () => {
    const [owner, author, reader] = await Promise.all([
      person({ name: "Owner" }),
      person({ name: "Aisyah" }),
      person(),
    ]);
    const [older, newer] = await notes(author, [{ title: "Roti canai" }, { title: "Teh tarik" }]);
    if (!older || !newer) throw new Error("notes not made");
    const id = await board(owner);
    for (const noteId of [older, newer])
      await json(await call(`/api/boards/${id}/notes/${noteId}`, { method: "PUT", cookie: owner.cookie }));
    // The collect times decide the order, not the notes' own times.
    await env.DB.prepare("update board_notes set created_at = ? where board_id = ? and note_id = ?")
      .bind(Date.now() + 1000, id, older)
      .run();
    await json(await call(`/api/notes/${older}/like`, { method: "PUT", cookie: reader.cookie }));

    const page = await json<BoardPage>(await read(id, reader));
    expect(page.board).toMatchObject({ id, ownerId: owner.id, notes: 2 });
    expect(page.nextCursor).toBeNull();
    expect(page.notes.map((n) => n.id)).toEqual([older, newer]);
    const [first, second] = page.notes;
    expect(first).toMatchObject({
      title: "Roti canai",
      author: { id: author.id, displayName: "Aisyah" },
      counts: { likes: 1, collects: 1, comments: 0 },
      viewer: { liked: true, collected: false },
    });
    expect(first?.images).toHaveLength(1);
    expect(first?.images[0]?.displayUrl).toBe(`/api/note-images/${first?.images[0]?.id}/display`);
    expect(second).toMatchObject({ counts: { likes: 0, collects: 1 }, viewer: { liked: false } });

    // The owner sees the same notes as collected by them.
    const own = await json<BoardPage>(await read(id, owner));
    expect(own.notes.map((n) => [n.id, n.viewer.collected])).toEqual([
      [older, true],
      [newer, true],
    ]);
  });

  it("leaves out each note the reader may not see, and shows them to a reader who may", async () => {
    const [owner, author, stranger, insider] = await Promise.all([
      person(),
      person({ campusId: "um" }),
      person(),
      person({ campusId: "um" }),
    ]);
    const [blocker, blockedByReader, muted] = await Promise.all([person(), person(), person()]);
    await follow(insider, author);
    const open = await note(author);
    const campus = await note(author, { visibility: "campus" });
    const followers = await note(author, { visibility: "followers" });
    const secret = await note(author, { visibility: "private" });
    const hidden = await note(author, { hidden: true });
    const fromBlocker = await note(blocker);
    const fromBlocked = await note(blockedByReader);
    const fromMuted = await note(muted);
    const id = await board(owner);
    const now = Date.now();
    await collected(
      id,
      [open, campus, followers, secret, hidden, fromBlocker, fromBlocked, fromMuted].map((noteId, i) => ({
        noteId,
        at: now - i,
      })),
    );
    for (const reader of [stranger, insider]) {
      await block(blocker, reader);
      await block(reader, blockedByReader);
      await mute(reader, muted);
    }

    const seen = await json<BoardPage>(await read(id, stranger));
    expect(seen.notes.map((n) => n.id)).toEqual([open]);
    // The count is of what this reader sees, so it tells nothing of the rest.
    expect(seen.board.notes).toBe(1);
    const listed = await json<{ boards: { id: string; notes: number }[] }>(
      await call(`/api/users/${owner.id}/boards`, { cookie: stranger.cookie }),
    );
    expect(listed.boards.find((b) => b.id === id)?.notes).toBe(1);
    // Campus members and followers do see the campus and followers-only notes: the filter is per reader.
    const inside = await json<BoardPage>(await read(id, insider));
    expect(inside.notes.map((n) => n.id)).toEqual([open, campus, followers]);
    expect(inside.board.notes).toBe(3);
  });

  it("pages without repeats or gaps, ties on the collect time broken by note id", async () => {
    const [owner, author, reader] = await Promise.all([person(), person(), person()]);
    const ids = await notes(
      author,
      Array.from({ length: 23 }, (_, i) => ({ title: `Note ${i}`, hidden: i % 6 === 5 })),
    );
    const id = await board(owner);
    const base = Date.now();
    // Pairs share a collect time, so page boundaries fall inside ties.
    const entries = ids.map((noteId, i) => ({ noteId, at: base - Math.floor(i / 2) }));
    await collected(id, entries);
    const hidden = new Set(ids.filter((_, i) => i % 6 === 5));
    const expected = [...entries]
      .filter((e) => !hidden.has(e.noteId))
      .sort((a, b) => b.at - a.at || (a.noteId < b.noteId ? 1 : -1))
      .map((e) => e.noteId);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page: BoardPage = await json<BoardPage>(await read(id, reader, query));
      expect(page.notes.length).toBeLessThanOrEqual(4);
      seen.push(...page.notes.map((n) => n.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 4));

    await expectProblem(await read(id, reader, "?cursor=not-a-cursor"), 400);
    await expectProblem(await read(id, reader, "?limit=0"), 400);
  });

  it("a private board is its owner's alone; a blocked reader and an unknown board get 404", async () => {
    const [owner, author, other] = await Promise.all([person(), person(), person()]);
    const open = await note(author);
    const mine = await board(owner, "private");
    await collected(mine, [{ noteId: open, at: Date.now() }]);
    const own = await json<BoardPage>(await read(mine, owner));
    expect(own.notes.map((n) => n.id)).toEqual([open]);
    expect(own.board.visibility).toBe("private");
    await expectProblem(await read(mine, other), 404);

    const shared = await board(owner);
    await json(await read(shared, other));
    await block(owner, other);
    await expectProblem(await read(shared, other), 404);
    await expectProblem(await read(crypto.randomUUID(), other), 404);
  });
});
