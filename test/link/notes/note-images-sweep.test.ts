import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  sweepUnattachedImages,
  UNATTACHED_UPLOAD_TTL_MS,
} from "../../../worker/src/link/notes/services/note-images";
import { runFeedsCron } from "../../../worker/src/schedule";
import { systemContext } from "../../../worker/src/shared/context";
import { adaptersFor } from "../../../worker/src/wiring";
import { call, json } from "../../support/http";
import { type Person, png } from "../../support/link";
import { person } from "../search/search-fixtures";

const HOUR = 3_600_000;

interface Stored {
  key: string;
  display_key: string;
}

async function upload(owner: Person, withDisplay: boolean): Promise<string> {
  const body = new FormData();
  body.append("original", new File([png(4, 4)], "photo", { type: "image/png" }));
  if (withDisplay) body.append("display", new File([png(2, 2)], "photo-small", { type: "image/png" }));
  const { image } = await json<{ image: { id: string } }>(
    await call("/api/note-images", { cookie: owner.cookie, body }),
    201,
  );
  return image.id;
}

const stored = (id: string) =>
  env.DB.prepare("select key, display_key from note_images where id = ?").bind(id).first<Stored>();

async function age(id: string, ms: number) {
  await env.DB.prepare("update note_images set created_at = ? where id = ?")
    .bind(Date.now() - ms, id)
    .run();
}

/** Whether each of the image's objects is still in R2. */
async function inR2(keys: Stored): Promise<boolean[]> {
  return Promise.all([keys.key, keys.display_key].map(async (key) => (await env.UPLOADS.head(key)) !== null));
}

describe("unattached uploads", () => {
  it("the feeds cron removes old unattached uploads from D1 and R2, and keeps recent and attached ones", async () => {
    const owner = await person();
    const [oldPair, oldSingle, recent, attachedOld] = await Promise.all([
      upload(owner, true),
      upload(owner, false),
      upload(owner, true),
      upload(owner, true),
    ]);
    const note = await json<{ note: { id: string } }>(
      await call("/api/notes", {
        cookie: owner.cookie,
        json: { title: "Kept", body: "text", visibility: "public", imageIds: [attachedOld] },
      }),
      201,
    );
    await Promise.all([
      age(oldPair, 25 * HOUR),
      age(oldSingle, 25 * HOUR),
      age(recent, 23 * HOUR),
      age(attachedOld, 25 * HOUR),
    ]);
    const keys = new Map<string, Stored>();
    for (const id of [oldPair, oldSingle, recent, attachedOld]) {
      const row = await stored(id);
      if (!row) throw new Error(`no row for ${id}`);
      keys.set(id, row);
    }
    expect(keys.get(oldPair)?.key).not.toBe(keys.get(oldPair)?.display_key);
    expect(keys.get(oldSingle)?.key).toBe(keys.get(oldSingle)?.display_key);
    for (const row of keys.values()) expect(await inR2(row)).toEqual([true, true]);

    const report = await runFeedsCron({ scheduledTime: Date.now() }, env, adaptersFor(env));
    expect(report["unattached uploads"]).toMatchObject({ images: expect.any(Number) });

    for (const gone of [oldPair, oldSingle]) {
      expect(await stored(gone)).toBeNull();
      const row = keys.get(gone);
      if (row) expect(await inR2(row)).toEqual([false, false]);
    }
    for (const kept of [recent, attachedOld]) {
      expect(await stored(kept)).not.toBeNull();
      const row = keys.get(kept);
      if (row) expect(await inR2(row)).toEqual([true, true]);
    }
    // The note still serves its image.
    const read = await call(`/api/note-images/${attachedOld}/display`, { cookie: owner.cookie });
    expect(read.status).toBe(200);
    await read.arrayBuffer();
    const still = await json<{ note: { images: { id: string }[] } }>(
      await call(`/api/notes/${note.note.id}`, { cookie: owner.cookie }),
    );
    expect(still.note.images.map((i) => i.id)).toEqual([attachedOld]);
  });

  it("drains more than one page in a run", async () => {
    const owner = await person();
    const old = Date.now() - UNATTACHED_UPLOAD_TTL_MS - HOUR;
    const rows = Array.from({ length: 130 }, () => {
      const id = crypto.randomUUID();
      return { id, key: `notes/${owner.id}/${id}` };
    });
    await Promise.all(rows.map((r) => env.UPLOADS.put(r.key, png())));
    await env.DB.batch(
      rows.map((r) =>
        env.DB.prepare(
          "insert into note_images (id, owner_id, key, content_type, display_key, display_content_type, bytes, display_bytes, created_at) values (?, ?, ?, 'image/png', ?, 'image/png', 33, 33, ?)",
        ).bind(r.id, owner.id, r.key, r.key, old),
      ),
    );
    const report = await sweepUnattachedImages(systemContext(env, adaptersFor(env)), Date.now());
    expect(report.images).toBeGreaterThanOrEqual(130);
    const left = await env.DB.prepare("select count(*) as n from note_images where owner_id = ?")
      .bind(owner.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
    const listed = await env.UPLOADS.list({ prefix: `notes/${owner.id}/` });
    expect(listed.objects).toHaveLength(0);
  });
});
