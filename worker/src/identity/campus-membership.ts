import { type SQL, sql } from "drizzle-orm";
import { type User, users } from "./schema";

/**
 * "Member of campus X", the one rule every campus-only space asks (notes, rooms, room lists, feeds,
 * search, trending, network ranking): only a campus proven by a verified campus e-mail counts.
 * Anyone can type a campus into their profile, so an unverified campus opens nothing.
 */
export function memberCampus(person: Pick<User, "campusId" | "campusVerified">): string | null {
  return person.campusVerified ? person.campusId : null;
}

/** Whether `person` is a proven member of `campusId`. */
export function isCampusMember(person: Pick<User, "campusId" | "campusVerified">, campusId: string): boolean {
  return memberCampus(person) === campusId;
}

/** `memberCampus` as SQL over the `users` row in scope, for queries that ask it per row. */
export function memberCampusSql(): SQL {
  return sql`case when ${users.campusVerified} then ${users.campusId} end`;
}
