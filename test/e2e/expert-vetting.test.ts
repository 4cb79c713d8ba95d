import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser } from "./browser";
import { base, collectPageErrors, register, signedIn } from "./helpers";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const ADMIN = "admin@atas.dev";

describe("expert vetting", () => {
  it("a self-registered expert waits unverified; an admin approves them on /admin/experts", async () => {
    const email = `vetting-${Date.now()}@consultancy.example`;
    const name = `Dr Vetting ${Date.now().toString(36)}`;
    const visitor = await (await browser.newContext()).newPage();
    await register(visitor, {
      email,
      password: "a long vetting password",
      displayName: name,
      role: "expert",
    });

    const admin = await signedIn(browser, ADMIN, "/admin", { timezoneId: "Asia/Kuala_Lumpur" });
    const errors = collectPageErrors(admin);
    await admin.getByTestId("admin-experts-link").click();
    await admin.waitForURL((url) => url.pathname === "/admin/experts");
    const item = admin.locator('[data-testid="pending-expert"]', { hasText: email });
    await item.waitFor();
    expect(await item.textContent()).toContain(name);
    expect(await item.textContent()).toContain("Unverified");
    const id = await item.getAttribute("data-expert-id");
    if (!id) throw new Error("no expert id");

    // Unverified: labelled on the expert's page.
    await visitor.goto(`${base()}/experts/${id}`);
    await visitor.getByTestId("expert-unverified").waitFor();

    await item.getByTestId("vet-verify").click();
    expect(await admin.getByTestId("vetting-done").textContent()).toContain(name);
    await expect.poll(() => item.count()).toBe(0);
    const verification = await admin.evaluate(
      async (expertId) =>
        (
          (await (await fetch(`/api/experts/${expertId}`)).json()) as {
            profile: { expert: { verification: string } };
          }
        ).profile.expert.verification,
      id,
    );
    expect(verification).toBe("verified");
    await visitor.goto(`${base()}/experts/${id}`);
    await visitor.getByTestId("profile-name").waitFor();
    expect(await visitor.getByTestId("expert-unverified").count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("the admin's metrics page shows traffic by route (pages by their route pattern), queues and the day's cost", async () => {
    const admin = await signedIn(browser, ADMIN, "/admin");
    const errors = collectPageErrors(admin);
    await admin.getByTestId("admin-metrics-link").click();
    await admin.waitForURL((url) => url.pathname === "/admin/metrics");
    const routes = admin.getByTestId("metrics-routes");
    await routes.waitFor();
    expect(
      Number((await admin.getByTestId("metrics-requests").textContent())?.replaceAll(",", "")),
    ).toBeGreaterThan(0);
    expect(await admin.getByTestId("metrics-queues").locator("tbody tr").count()).toBe(4);
    expect(await admin.getByTestId("metrics-day-total").textContent()).toMatch(/^\$\d/);
    // Pages (and the sign-in form's post) are counted under their route pattern, never their path
    // (each page's point is stored just after it is served: reload until this page's own shows).
    await expect
      .poll(async () => {
        await admin.reload();
        return routes.textContent();
      })
      .toContain("GET /admin/metrics");
    const text = (await routes.textContent()) ?? "";
    expect(text).toContain("POST /login");
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(errors).toEqual([]);
  });
});
