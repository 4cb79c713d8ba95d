/**
 * How much one open report counts toward hiding a note or comment, by the reporter's standing,
 * so that auto-hide needs credible reporters (three fresh throwaway accounts hid anything before).
 * In tenths, to keep the sum exact:
 *
 *   base   = 10  verified campus account at least 7 days old
 *             5  only one of the two (verified, or at least 7 days old)
 *             2  neither (a throwaway)
 *   bonus  = 5 per past report an admin upheld (the content was removed), at most 20
 *   hidden once the open reports' weights sum to ≥ 30 (three credible reporters)
 *
 * `reports.ts` evaluates the same rule in SQL, in the batch that inserts the report.
 */
export const CREDIBLE_AGE_MS = 7 * 86_400_000;
export const WEIGHT_CREDIBLE = 10;
export const WEIGHT_HALF = 5;
export const WEIGHT_THROWAWAY = 2;
export const WEIGHT_PER_UPHELD = 5;
export const WEIGHT_UPHELD_CAP = 20;
export const HIDE_AT_WEIGHT = 30;

export interface ReporterStanding {
  verified: boolean;
  /** When the account was made (ms). */
  createdAt: number;
  /** Past reports an admin upheld. */
  upheld: number;
  now: number;
}

export function reportWeight({ verified, createdAt, upheld, now }: ReporterStanding): number {
  const old = createdAt <= now - CREDIBLE_AGE_MS;
  const base = verified && old ? WEIGHT_CREDIBLE : verified || old ? WEIGHT_HALF : WEIGHT_THROWAWAY;
  return base + Math.min(WEIGHT_UPHELD_CAP, WEIGHT_PER_UPHELD * upheld);
}
