import type { Problem } from "./api-types";
import type { MessageKey, Translate } from "./i18n";

/** A text field of a submitted form; absent or a file becomes "". */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

export type FieldErrors = Record<string, string>;

const ROLE_SECTIONS = new Set(["expert", "student", "club"]);

/**
 * Maps a problem's per-field errors onto our input names: `expert.skills.0` and `skills` both land on
 * the `skills` input, since each form shows only its own role's section.
 */
export function fieldErrors(problem: Problem | undefined): FieldErrors {
  const errors: FieldErrors = {};
  if (!problem) return errors;
  const add = (field: string, message: string) => {
    errors[field] = errors[field] ? `${errors[field]} ${message}` : message;
  };
  for (const error of problem.errors ?? []) {
    const field = error.path.split(".").find((segment) => !ROLE_SECTIONS.has(segment));
    add(field || "form", error.message);
  }
  if (problem.field && problem.detail) add(problem.field, problem.detail);
  return errors;
}

/** One sentence for the top of a form. */
export function problemMessage(problem: Problem, t: Translate): string {
  if (problem.status === 429) return t("error.rateLimited", { seconds: problem.retryAfter ?? 60 });
  if (problem.status === 503) return t("error.unavailable");
  if (problem.status >= 500) return t("error.generic");
  if (problem.errors?.length || problem.field) return t("form.problem");
  if (problem.code && CODED.has(problem.code)) return t(`problem.${problem.code}` as MessageKey);
  return problem.detail ?? problem.title;
}

/** Refusals the API names by code, said in the reader's language (see `problem.*` in i18n). */
const CODED = new Set([
  "too-many-rounds",
  "not-online",
  "cannot-move",
  "invalid-transition",
  "deadline-passed",
  "not-accepting",
  "needs-sign-off",
  "slot-passed",
  "slot-overlaps",
  "not-started",
  "stale",
  "not-a-draft",
  "not-completed",
  "already-reviewed",
  "not-scheduled",
  "declined-recently",
  "already-invited",
  "already-officer",
  "officer-state",
  "cannot-invite",
]);

/** Any origin would do: a same-origin path resolves onto it, anything else leaves it. */
const PLACEHOLDER_ORIGIN = "https://app.invalid";
/** Browsers strip tab/CR/LF from URLs and read a backslash as a slash, so `/\t/evil` means `//evil`. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f\\]/;

/**
 * Only a same-origin path, as the browser would resolve it: never `//evil.example`, an absolute
 * URL, or anything that normalises to one (`/./`, control characters, backslashes).
 */
export function safeRedirect(to: string | null | undefined, fallback = "/"): string {
  if (!to?.startsWith("/") || to.startsWith("//") || UNSAFE_CHARS.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, PLACEHOLDER_ORIGIN);
  } catch {
    return fallback;
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (url.origin !== PLACEHOLDER_ORIGIN || !path.startsWith("/") || path.startsWith("//")) return fallback;
  return path;
}
