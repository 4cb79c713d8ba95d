import { desc, eq } from "drizzle-orm";
import type { ActionContext } from "../../shared/context";
import { Forbidden, NotFound } from "../../shared/errors";
import { deadLetters } from "../schema";

function assertAdmin(ctx: ActionContext) {
  if (ctx.actor?.role !== "admin") throw new Forbidden("Admins only.");
}

export async function listDeadLetters({ ctx }: { ctx: ActionContext }) {
  assertAdmin(ctx);
  const rows = await ctx.db.select().from(deadLetters).orderBy(desc(deadLetters.createdAt)).limit(100).all();
  return rows.map((row) => ({
    ...row,
    body: JSON.parse(row.body) as unknown,
    createdAt: new Date(row.createdAt).toISOString(),
  }));
}

/** Sends a parked mail job back to its queue under the same idempotency key, then forgets it. */
export async function retryDeadLetter({ ctx, input }: { ctx: ActionContext; input: { id: string } }) {
  assertAdmin(ctx);
  const row = await ctx.db.select().from(deadLetters).where(eq(deadLetters.id, input.id)).get();
  if (!row) throw new NotFound("No such dead letter.");
  if (!row.queue.startsWith("atas-email")) throw new Forbidden("Only mail jobs can be retried from here.");
  await ctx.env.EMAIL_QUEUE.send(JSON.parse(row.body), { contentType: "json" });
  await ctx.db.delete(deadLetters).where(eq(deadLetters.id, input.id));
}
