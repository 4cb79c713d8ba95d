import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem, json } from "../../support/http";
import { type Person, person, png } from "../../support/link";

function form(original: Uint8Array<ArrayBuffer>, display?: Uint8Array<ArrayBuffer>) {
  const body = new FormData();
  body.append("original", new File([original], "photo", { type: "image/png" }));
  if (display) body.append("display", new File([display], "photo-small", { type: "image/png" }));
  return body;
}

const upload = (who: Person, original: Uint8Array<ArrayBuffer>, display?: Uint8Array<ArrayBuffer>) =>
  call("/api/note-images", { cookie: who.cookie, body: form(original, display) });

/** A JPEG whose baseline start-of-frame says `width`×`height` (16-bit each, as JPEG stores them). */
function jpeg(width: number, height: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.from([
    ...[0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0],
    ...[0xff, 0xc0, 0, 17, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3],
    ...[1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff, 0xd9],
  ]);
}

/** An extended WebP (VP8X) whose canvas is `width`×`height` (24-bit each, minus one). */
function webp(width: number, height: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(40);
  bytes.set([
    0x52, 0x49, 0x46, 0x46, 32, 0, 0, 0, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x58, 10, 0, 0, 0,
  ]);
  const w = width - 1;
  const h = height - 1;
  bytes.set([w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff], 24);
  return bytes;
}

async function imageBytesStored(owner: Person): Promise<number> {
  const row = await env.DB.prepare("select count(*) as n from note_images where owner_id = ?")
    .bind(owner.id)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("note image dimensions are read as unsigned and bounded (8192 px a side, 40 megapixels)", () => {
  it("a tiny PNG that claims 20000 × 15000 (300 megapixels) is refused with 413, and nothing is stored", async () => {
    const who = await person();
    const bomb = await upload(who, png(20_000, 15_000, 292 * 1024));
    expect(await expectProblem(bomb, 413)).toMatchObject({ code: "image-dimensions" });
    expect(await imageBytesStored(who)).toBe(0);
  });

  it("a PNG width with the top bit set is a huge unsigned number, not a negative one", async () => {
    const who = await person();
    await expectProblem(await upload(who, png(0x8000_0000, 1)), 413);
    await expectProblem(await upload(who, png(0xffff_ffff, 0xffff_ffff)), 413);
    expect(await imageBytesStored(who)).toBe(0);
  });

  it("the limits are exact: 8192 a side and 40 megapixels pass; one more pixel does not", async () => {
    const who = await person();
    const side = await json<{ image: { width: number; height: number } }>(
      await upload(who, png(8192, 4000)),
      201,
    );
    expect(side.image).toMatchObject({ width: 8192, height: 4000 });
    await json(await upload(who, png(8000, 5000)), 201); // 40,000,000 px
    await expectProblem(await upload(who, png(8193, 10)), 413);
    await expectProblem(await upload(who, png(10, 8193)), 413);
    await expectProblem(await upload(who, png(8001, 5000)), 413); // 40,005,000 px
  });

  it("JPEG and WebP headers are bounded too, and so is the display version", async () => {
    const who = await person();
    await expectProblem(await upload(who, jpeg(65_535, 65_535)), 413);
    await expectProblem(await upload(who, webp(16_000_000, 16_000_000)), 413);
    await json(await upload(who, jpeg(4000, 3000)), 201);
    await json(await upload(who, webp(1080, 1080)), 201);
    await expectProblem(await upload(who, png(1000, 800), png(30_000, 30_000)), 413);
  });

  it("an image whose size cannot be read is refused with 415", async () => {
    const who = await person();
    const truncated = png(100, 100).slice(0, 12);
    expect(await expectProblem(await upload(who, truncated), 415)).toMatchObject({
      code: "image-size-unknown",
    });
  });
});

describe("note image uploads are limited per account", () => {
  it("60 uploads an hour, then 429 with Retry-After; another account is unaffected", async () => {
    const [who, other] = await Promise.all([person(), person()]);
    for (let i = 0; i < 60; i++) expect((await upload(who, png(2, 2))).status).toBe(201);
    const over = await upload(who, png(2, 2));
    expect(await expectProblem(over, 429)).toMatchObject({ code: "note-images" });
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await upload(other, png(2, 2))).status).toBe(201);
  });

  it("100 MB a day: an upload that would pass the quota is refused with 429 and nothing is kept", async () => {
    const who = await person();
    // 98 MB stored over the last day, one earlier upload more than a day ago (not counted).
    const now = Date.now();
    for (const [bytes, at] of [
      [49 * 1024 * 1024, now - 3_600_000],
      [49 * 1024 * 1024, now - 60_000],
      [90 * 1024 * 1024, now - 25 * 3_600_000],
    ] as const)
      await env.DB.prepare(
        "insert into note_images (id, owner_id, key, content_type, display_key, display_content_type, bytes, display_bytes, created_at) values (?, ?, ?2 || '/k', 'image/png', ?2 || '/k', 'image/png', ?, ?, ?)",
      )
        .bind(crypto.randomUUID(), who.id, bytes, bytes, at)
        .run();
    const big = png(1000, 1000, 3 * 1024 * 1024);
    const over = await upload(who, big, png(100, 100));
    const problem = await expectProblem(over, 429);
    expect(problem).toMatchObject({ code: "image-quota" });
    // The quota frees up as the day's uploads age out: the first of them, 23 hours from now.
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(22 * 3600);
    expect(await imageBytesStored(who)).toBe(3);
    // A small one still fits.
    expect((await upload(who, png(2, 2, 1024 * 1024), png(2, 2))).status).toBe(201);
  });
});
