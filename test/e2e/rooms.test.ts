import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { base, collectPageErrors, DEMO_PASSWORD, submitLogin } from "./helpers";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signedIn(email: string, path: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base()}/login?redirectTo=${encodeURIComponent(path)}`);
  await submitLogin(page, email, DEMO_PASSWORD);
  await page.waitForURL((url) => url.pathname === path);
  return page;
}

describe("atas-link: live rooms", () => {
  it("two people chat in one room; each sees the other typing, the messages in order, and the online count", async () => {
    const room = "/rooms/topic%3Acareers";
    const ana = await signedIn("student31@siswa.um.edu.my", "/rooms");
    const errors = collectPageErrors(ana);
    // The rooms list shows the topic rooms with a live count.
    const row = ana.getByTestId("room-row").filter({ hasText: /careers/i });
    await row.first().waitFor();
    await row.first().getByRole("link").click();
    await ana.waitForURL((url) => url.pathname === room);
    const ben = await signedIn("student36@siswa.um.edu.my", room);
    errors.push(...collectPageErrors(ben));

    // Both sockets are live, and each page counts both people (presence frames come at most once a second).
    for (const page of [ana, ben]) await page.locator('[data-testid="room"][data-status="live"]').waitFor();
    for (const page of [ana, ben])
      await expect
        .poll(async () => Number((await page.getByTestId("room-online").textContent())?.match(/\d+/)?.[0]), {
          timeout: 15_000,
        })
        .toBeGreaterThanOrEqual(2);

    // Ben types; Ana sees it; Ben sends; Ana reads it.
    const stamp = Date.now();
    const hello = `Hi Ana ${stamp}`;
    await ben.getByTestId("composer").pressSequentially(hello, { delay: 20 });
    await expect.poll(() => ana.getByTestId("typing").textContent()).toContain("is typing");
    await ben.getByTestId("send").click();
    await expect.poll(() => ana.getByTestId("messages").textContent()).toContain(hello);

    await ana.getByTestId("composer").fill(`Hello Ben ${stamp}`);
    await ana.getByTestId("composer").press("Enter");
    await expect.poll(() => ben.getByTestId("messages").textContent()).toContain(`Hello Ben ${stamp}`);
    // One order for everyone.
    const order = async (page: typeof ana) => {
      const text = (await page.getByTestId("messages").textContent()) ?? "";
      return [text.indexOf(hello), text.indexOf(`Hello Ben ${stamp}`)];
    };
    for (const page of [ana, ben]) {
      const [first, second] = await order(page);
      expect(first).toBeGreaterThanOrEqual(0);
      expect(second).toBeGreaterThan(first ?? 0);
    }
    // Chromium offers permessage-deflate; the room declines it (small frames, see worker/src/rooms/routes/rooms.ts).
    const extensions = await ana.evaluate(
      (path) =>
        new Promise<string>((resolve, reject) => {
          const ws = new WebSocket(
            `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${path}`,
          );
          ws.onopen = () => {
            resolve(ws.extensions);
            ws.close();
          };
          ws.onerror = () => reject(new Error("the room's socket did not open"));
        }),
      room.replace("/rooms/", "/api/rooms/").concat("/ws"),
    );
    expect(extensions).toBe("");
    expect(errors).toEqual([]);
  });
  it("signing out in another tab ends the room page's session: it says so and stops reconnecting", async () => {
    const room = "/rooms/topic%3Acareers";
    const page = await signedIn("student16@siswa.um.edu.my", room);
    await page.locator('[data-testid="room"][data-status="live"]').waitFor();
    // Another tab of the same browser (same cookie) signs out: the server closes this page's sockets.
    const other = await page.context().newPage();
    await other.goto(`${base()}/profile`);
    await other.getByTestId("logout").click();
    await page.getByTestId("session-ended").waitFor();
    await page.locator('[data-testid="room"][data-status="ended"]').waitFor();
    expect(await page.getByTestId("session-ended").getByRole("link").getAttribute("href")).toBe(
      `/login?redirectTo=${encodeURIComponent(room)}`,
    );
    expect(await page.getByTestId("send").isDisabled()).toBe(true);
  });
  it("a direct message between strangers starts as a request; accepted, it opens the DM with its text", async () => {
    const ana = await signedIn("student41@siswa.um.edu.my", "/rooms");
    const ben = await signedIn("student46@siswa.um.edu.my", "/rooms");
    const benId = await ben.evaluate(
      async () => ((await (await fetch("/api/me")).json()) as { account: { id: string } }).account.id,
    );
    await ana.goto(`${base()}/u/${benId}`);
    await ana.getByTestId("message").click();
    const form = ana.getByTestId("message-request");
    await form.waitFor();
    const text = `Hi Ben, can I ask about your internship? ${Date.now()}`;
    await form.locator('textarea[name="text"]').fill(text);
    await form.getByRole("button").click();
    await ana.getByText("Message request sent.").waitFor();
    await ben.goto(`${base()}/rooms`);
    const request = ben.getByTestId("message-requests").locator("li", { hasText: text });
    await request.locator('button[value="accept"]').click();
    await ben.waitForURL(/\/rooms\/dm%3A/);
    await expect.poll(() => ben.getByTestId("messages").textContent()).toContain(text);
  });
});
