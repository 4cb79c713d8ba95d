import { inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { campusDomains } from "../schema";

/** The campus whose mail domain the address belongs to; `siswa.um.edu.my` matches `um.edu.my`. */
export async function campusForEmail(db: Db, email: string): Promise<string | null> {
  const host = email.split("@")[1];
  if (!host) return null;
  const labels = host.split(".");
  const candidates = labels.slice(0, -1).map((_, i) => labels.slice(i).join("."));
  if (candidates.length === 0) return null;
  const rows = await db.select().from(campusDomains).where(inArray(campusDomains.domain, candidates)).all();
  // The longest matching domain is the most specific.
  rows.sort((a, b) => b.domain.length - a.domain.length);
  return rows[0]?.campusId ?? null;
}
