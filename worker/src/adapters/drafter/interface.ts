export const DRAFT_TONES = ["warm", "formal", "concise"] as const;
export const DRAFT_LENGTHS = ["short", "medium", "long"] as const;
export const DRAFT_LANGUAGES = ["en", "zh"] as const;
export type DraftTone = (typeof DRAFT_TONES)[number];
export type DraftLength = (typeof DRAFT_LENGTHS)[number];
export type DraftLanguage = (typeof DRAFT_LANGUAGES)[number];

/**
 * What a proposal is written from: the invitation, the expert and the requester, with every date
 * already written out in the expert's time zone (the checks look for these exact strings).
 */
export interface DraftRequest {
  language: DraftLanguage;
  tone: DraftTone;
  length: DraftLength;
  invitation: {
    /** As a reader says it: "talk", "workshop", "panel", "1:1 mentoring session", "mock interview". */
    kind: string;
    title: string;
    agenda: string;
    audienceSize: number;
    durationMinutes: number;
    format: "online" | "on-site";
    venue: string | null;
    /** e.g. "MYR 300", or null for none. */
    honorarium: string | null;
    /** Each proposed slot, e.g. "Tuesday, 8 December 2026, 19:00" (in `timeZone`). */
    slots: string[];
    /** When the answer is needed, e.g. "Friday, 4 December 2026". */
    deadline: string;
    timeZone: string;
  };
  expert: {
    name: string;
    headline: string;
    company: string;
    topics: string[];
    /** Titles of sessions the expert completed on ATAS. */
    pastTalks: string[];
  };
  requester: {
    name: string;
    kind: "student" | "club";
    campus: string | null;
  };
}

/** Tokens (or the local drafter's equivalent: words) spent on one draft. */
export interface DraftUsage {
  promptTokens: number;
  completionTokens: number;
}

/**
 * Writes a proposal, yielding text as it is produced (as a model streams tokens) and returning what
 * it cost. A temporary failure (timeout, 5xx, 429) throws DrafterUnavailable: the job retries. Any
 * other refusal throws DrafterRefused: retrying cannot help.
 */
export interface Drafter {
  /** What produced a draft, as stored with it: "local" or "openai:<model>". */
  readonly name: string;
  draft(request: DraftRequest, signal?: AbortSignal): AsyncGenerator<string, DraftUsage, void>;
}

export class DrafterUnavailable extends Error {
  override name = "DrafterUnavailable";
}

export class DrafterRefused extends Error {
  override name = "DrafterRefused";
}
