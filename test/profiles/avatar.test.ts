import { describe, expect, it } from "vitest";
import { call, expectProblem, signUp } from "../support/http";

/** A 1 × 1 PNG's signature and header: enough for the type and the size to be read. */
const PNG = Uint8Array.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1,
]);

/** The same header claiming `width` × `height`. */
function pngOf(width: number, height: number): Uint8Array<ArrayBuffer> {
  const bytes = Uint8Array.from(PNG);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return bytes;
}

describe("avatars", () => {
  it("stores an image typed by its bytes and serves it back safely", async () => {
    const user = await signUp();
    const put = await call("/api/me/avatar", {
      method: "PUT",
      cookie: user.cookie,
      body: PNG,
      headers: { "content-type": "image/png" },
    });
    expect(put.status).toBe(200);
    const { avatarUrl } = (await put.json()) as { avatarUrl: string };
    const me = (await (await call("/api/me", { cookie: user.cookie })).json()) as {
      profile: { avatarUrl: string };
    };
    expect(me.profile.avatarUrl).toBe(avatarUrl);
    const image = await call(avatarUrl);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(image.headers.get("x-content-type-options")).toBe("nosniff");
    expect(image.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(PNG);
  });

  it("refuses HTML dressed as an image, an empty body, and a body over 1 MB", async () => {
    const user = await signUp();
    const html = new TextEncoder().encode("<html><script>alert(1)</script></html>");
    await expectProblem(
      await call("/api/me/avatar", {
        method: "PUT",
        cookie: user.cookie,
        body: html,
        headers: { "content-type": "image/png" },
      }),
      415,
    );
    await expectProblem(
      await call("/api/me/avatar", {
        method: "PUT",
        cookie: user.cookie,
        body: new Uint8Array(),
        headers: { "content-type": "image/png" },
      }),
      400,
    );
    const big = new Uint8Array(1024 * 1024 + 10);
    big.set(PNG);
    await expectProblem(
      await call("/api/me/avatar", {
        method: "PUT",
        cookie: user.cookie,
        body: big,
        headers: { "content-type": "image/png" },
      }),
      413,
    );
  });

  it("who may not: no session, no CSRF proof; unknown keys are 404", async () => {
    const user = await signUp();
    await expectProblem(
      await call("/api/me/avatar", { method: "PUT", body: PNG, headers: { "content-type": "image/png" } }),
      401,
    );
    await expectProblem(
      await call("/api/me/avatar", {
        method: "PUT",
        cookie: user.cookie,
        noCsrf: true,
        body: PNG,
        headers: { "content-type": "image/png" },
      }),
      403,
    );
    await expectProblem(await call("/api/avatars/../../etc/passwd"), 404);
    await expectProblem(
      await call(`/api/avatars/avatars/${crypto.randomUUID()}/${crypto.randomUUID()}`),
      404,
    );
  });

  it("uses the note images' dimension bounds: a tiny file claiming a huge canvas is 413, an unreadable size 415", async () => {
    const user = await signUp();
    const putAvatar = (body: Uint8Array<ArrayBuffer>) =>
      call("/api/me/avatar", {
        method: "PUT",
        cookie: user.cookie,
        body,
        headers: { "content-type": "image/png" },
      });
    expect(await expectProblem(await putAvatar(pngOf(20_000, 15_000)), 413)).toMatchObject({
      code: "image-dimensions",
    });
    await expectProblem(await putAvatar(pngOf(0x8000_0000, 1)), 413);
    expect(await expectProblem(await putAvatar(PNG.slice(0, 20)), 415)).toMatchObject({
      code: "image-size-unknown",
    });
    expect((await putAvatar(pngOf(512, 512))).status).toBe(200);
  });
});
