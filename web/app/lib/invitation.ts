import type { Invitation } from "./api-types";

/** The API's enums, in the order the forms offer them. */
export const KINDS = ["talk", "workshop", "panel", "mentoring", "mock-interview"] as const;
export const FORMATS = ["online", "onsite"] as const;
export const SESSION_LANGUAGES = ["en", "zh", "ms", "ta"] as const;
export const CURRENCIES = ["MYR", "SGD", "USD"] as const;
export const MAX_SLOTS = 3;

/** Students and clubs invite (a club's officers are students); experts and admins do not. */
export function canInvite(role: string | undefined): boolean {
  return role === "student" || role === "club";
}

/** "150" or "150.5" or "150.50" as minor units; null for empty; undefined when it is not an amount. */
export function parseAmount(text: string): number | null | undefined {
  const trimmed = text.trim().replace(/,/g, "");
  if (!trimmed) return null;
  const match = /^(\d{1,6})(?:\.(\d{1,2}))?$/.exec(trimmed);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** "MYR 150.00": written out by hand so server and browser render the same text. */
export function formatMoney(honorarium: NonNullable<Invitation["honorarium"]>): string {
  const major = Math.floor(honorarium.amount / 100);
  const minor = String(honorarium.amount % 100).padStart(2, "0");
  return `${honorarium.currency} ${major.toLocaleString("en-US")}.${minor}`;
}
