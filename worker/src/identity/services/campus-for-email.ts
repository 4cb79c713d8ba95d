import { type Db, inJsonList } from "../../db/client";
import { campusDomains } from "../schema";

/**
 * More labels than any real mail domain has (campus domains have four or five); an address past it
 * is refused when it is verified rather than looked up.
 */
export const MAX_DOMAIN_LABELS = 100;

export function domainLabels(email: string): number {
  return (email.split("@")[1] ?? "").split(".").length;
}

/** The campus whose mail domain the address belongs to; `siswa.um.edu.my` matches `um.edu.my`. */
export async function campusForEmail(db: Db, email: string): Promise<string | null> {
  const host = email.split("@")[1];
  if (!host) return null;
  const labels = host.split(".");
  const candidates = labels.slice(0, -1).map((_, i) => labels.slice(i).join("."));
  if (candidates.length === 0) return null;
  // One JSON parameter whatever the number of labels (D1 binds at most 100).
  const rows = await db
    .select()
    .from(campusDomains)
    .where(inJsonList(campusDomains.domain, candidates))
    .all();
  // The longest matching domain is the most specific.
  rows.sort((a, b) => b.domain.length - a.domain.length);
  return rows[0]?.campusId ?? null;
}
