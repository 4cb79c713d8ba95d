import { describe, expect, it } from "vitest";
import { call, expectProblem } from "../support/http";
import { type Person, person } from "../support/link";

const ask = (from: Person, to: Person) =>
  call("/api/connections/requests", { cookie: from.cookie, json: { toUserId: to.id } });

describe("connection requests are rate-limited per account", () => {
  it("20 new requests a day, then 429 with Retry-After; answering requests and other accounts are unaffected", async () => {
    const sender = await person();
    const people = await Promise.all(Array.from({ length: 21 }, () => person()));
    for (const someone of people.slice(0, 20)) expect((await ask(sender, someone)).status).toBe(201);
    const last = people[20] as Person;
    const over = await ask(sender, last);
    expect(await expectProblem(over, 429)).toMatchObject({ code: "connection-requests" });
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    // Someone else still asks the same person, and the limited sender can still be asked.
    expect((await ask(last, sender)).status).toBe(201);
  });
});
