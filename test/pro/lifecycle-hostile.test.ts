import { describe, expect, it } from "vitest";
import { json, signUp } from "../support/http";
import { act, draft, expert, page } from "./fixtures";
import { lifecyclePage, morning, shifted } from "./lifecycle-fixtures";

/** A hostile requester against the expert's consent to be named (issue 14). */
describe("the expert's consent when the requester accepts the expert's counter", () => {
  it("an expert who countered with namePublicly false is not named once the requester accepts", async () => {
    const pro = await expert();
    const student = await signUp();
    const at = morning(170);
    const id = await draft(student.cookie, pro.id, { slots: [at] });
    await act(student.cookie, id, "send");
    await json(await act(pro.cookie, id, "counter", { slots: [shifted(at, 24 * 60)], namePublicly: false }));
    const offered = (await page(student.cookie, id)).slots.find(
      (s) => s.current && s.proposedBy === "expert",
    );
    await json(await act(student.cookie, id, "accept", { slotId: offered?.id }));
    const seen = await lifecyclePage(student.cookie, id);
    expect(seen.invitation.status).toBe("scheduled");
    expect(seen.expertNamedPublicly).toBe(false);
  });

  it("the requester's namePublicly is ignored: only the expert says whether they are named", async () => {
    const pro = await expert();
    const student = await signUp();
    const at = morning(175);
    const id = await draft(student.cookie, pro.id, { slots: [at] });
    await act(student.cookie, id, "send");
    await json(await act(pro.cookie, id, "counter", { slots: [shifted(at, 24 * 60)], namePublicly: false }));
    const offered = (await page(student.cookie, id)).slots.find(
      (s) => s.current && s.proposedBy === "expert",
    );
    await json(await act(student.cookie, id, "accept", { slotId: offered?.id, namePublicly: true }));
    expect((await lifecyclePage(student.cookie, id)).expertNamedPublicly).toBe(false);
  });
});
