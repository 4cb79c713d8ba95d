import { describe, expect, it } from "vitest";
import { expert as makeExpert } from "../pro/fixtures";
import { call, expectProblem, json, signUp, uniqueEmail } from "../support/http";
import { person } from "../support/link";

type Card = { id: string; verified: boolean };

/** A word no other expert has, so a search finds exactly the experts a test made. */
const word = () => `vet${crypto.randomUUID().replaceAll("-", "").slice(0, 10).replace(/\d/g, "x")}`;

async function directory(query: string): Promise<Card[]> {
  return (await json<{ experts: Card[] }>(await call(`/api/experts?${query}`))).experts;
}

async function verificationOf(id: string): Promise<string | undefined> {
  const { profile } = await json<{ profile: { expert?: { verification: string } } }>(
    await call(`/api/experts/${id}`),
  );
  return profile.expert?.verification;
}

async function selfRegistered(name: string, email?: string) {
  const user = await signUp({ role: "expert", displayName: name, ...(email ? { email } : {}) });
  const patch = await call("/api/me/profile", {
    method: "PATCH",
    cookie: user.cookie,
    json: { expert: { headline: "Engineer", industry: "Fintech", acceptingInvitations: true } },
  });
  expect(patch.status).toBe(200);
  return user;
}

describe("experts are vetted", () => {
  it("a self-registered expert is unverified, labelled, and left out of the directory unless asked for", async () => {
    const name = word();
    const expert = await selfRegistered(`Dr ${name}`);
    expect(await verificationOf(expert.id)).toBe("unverified");
    expect(await directory(`q=${name}`)).toEqual([]);
    // The unfiltered listing walks the name index; it must leave them out too.
    const everyone = await directory("limit=50&industry=Fintech");
    expect(everyone.some((card) => card.id === expert.id)).toBe(false);
    expect(await directory(`q=${name}&includeUnverified=true`)).toEqual([
      expect.objectContaining({ id: expert.id, verified: false }),
    ]);
  });

  it("admins approve or reject from the queue; nobody else may", async () => {
    const name = word();
    const [expert, admin, student] = await Promise.all([
      selfRegistered(`Dr ${name}`),
      person({ role: "admin" }),
      person(),
    ]);
    await expectProblem(await call("/api/admin/experts/pending", { cookie: student.cookie }), 403);
    await expectProblem(
      await call(`/api/admin/experts/${expert.id}/verify`, { method: "POST", cookie: student.cookie }),
      403,
    );
    await expectProblem(
      await call(`/api/admin/experts/${expert.id}/verify`, { method: "POST", cookie: expert.cookie }),
      403,
    );
    const queue = await json<{ experts: { id: string; company: string }[] }>(
      await call("/api/admin/experts/pending?limit=100", { cookie: admin.cookie }),
    );
    expect(queue.experts.some((e) => e.id === expert.id)).toBe(true);

    const approved = await call(`/api/admin/experts/${expert.id}/verify`, {
      method: "POST",
      cookie: admin.cookie,
    });
    expect(await json(approved)).toEqual({ id: expert.id, verification: "verified" });
    expect(await verificationOf(expert.id)).toBe("verified");
    expect(await directory(`q=${name}`)).toEqual([
      expect.objectContaining({ id: expert.id, verified: true }),
    ]);
    const after = await json<{ experts: { id: string }[] }>(
      await call("/api/admin/experts/pending?limit=100", { cookie: admin.cookie }),
    );
    expect(after.experts.some((e) => e.id === expert.id)).toBe(false);

    const rejected = await call(`/api/admin/experts/${expert.id}/reject`, {
      method: "POST",
      cookie: admin.cookie,
    });
    expect(await json(rejected)).toEqual({ id: expert.id, verification: "rejected" });
    expect(await directory(`q=${name}`)).toEqual([]);

    // Only experts are vetted; a student's id, a nobody's id and a bad decision are clear 4xx.
    await expectProblem(
      await call(`/api/admin/experts/${student.id}/verify`, { method: "POST", cookie: admin.cookie }),
      404,
    );
    await expectProblem(
      await call(`/api/admin/experts/${crypto.randomUUID()}/verify`, {
        method: "POST",
        cookie: admin.cookie,
      }),
      404,
    );
    await expectProblem(
      await call(`/api/admin/experts/${expert.id}/promote`, { method: "POST", cookie: admin.cookie }),
      400,
    );
  });

  it("a verified work address on record for the stated company vets the expert; another company does not", async () => {
    const expert = await selfRegistered("Grab Engineer", uniqueEmail("eng", "grab.com"));
    expect(await verificationOf(expert.id)).toBe("unverified");
    const say = (company: string) =>
      call("/api/me/profile", { method: "PATCH", cookie: expert.cookie, json: { expert: { company } } });
    expect((await say("Shopee")).status).toBe(200);
    expect(await verificationOf(expert.id)).toBe("unverified");
    expect((await say(" grab ")).status).toBe(200);
    expect(await verificationOf(expert.id)).toBe("verified");
    // Moving to another company makes the domain's word void.
    expect((await say("Shopee")).status).toBe(200);
    expect(await verificationOf(expert.id)).toBe("unverified");

    // A look-alike domain proves nothing.
    const lookalike = await selfRegistered("Not Grab", uniqueEmail("eng", "grab.com.evil.example"));
    await call("/api/me/profile", {
      method: "PATCH",
      cookie: lookalike.cookie,
      json: { expert: { company: "Grab" } },
    });
    expect(await verificationOf(lookalike.id)).toBe("unverified");
  });

  it("an admin approval does not survive a change of company: back to the queue unless the work domain proves it", async () => {
    const [expert, admin] = await Promise.all([
      selfRegistered("Approved Engineer", uniqueEmail("eng", "grab.com")),
      person({ role: "admin" }),
    ]);
    const say = (company: string) =>
      call("/api/me/profile", { method: "PATCH", cookie: expert.cookie, json: { expert: { company } } });
    expect((await say("Shopee")).status).toBe(200);
    await call(`/api/admin/experts/${expert.id}/verify`, { method: "POST", cookie: admin.cookie });
    expect(await verificationOf(expert.id)).toBe("verified");
    // Saving the same company (case and spaces aside) keeps the approval.
    expect((await say(" shopee ")).status).toBe(200);
    expect(await verificationOf(expert.id)).toBe("verified");
    expect((await say("Lazada")).status).toBe(200);
    expect(await verificationOf(expert.id)).toBe("unverified");
    const queue = await json<{ experts: { id: string }[] }>(
      await call("/api/admin/experts/pending?limit=100", { cookie: admin.cookie }),
    );
    expect(queue.experts.some((e) => e.id === expert.id)).toBe(true);
    // A company the verified work address proves vets them again at once.
    expect((await say("Grab")).status).toBe(200);
    expect(await verificationOf(expert.id)).toBe("verified");
  });

  it("the test fixture's experts are vetted, so the existing flows keep working", async () => {
    const expert = await makeExpert();
    expect(await verificationOf(expert.id)).toBe("verified");
  });
});
