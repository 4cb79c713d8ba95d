/** What a proposal draft is written from. Filled in by the AI-drafts work. */
export interface DraftRequest {
  kind: string;
  title: string;
  agenda: string;
  expertName: string;
  expertHeadline: string;
  requesterName: string;
  campusName: string | null;
  language: "en" | "zh";
}

/** Writes a proposal, yielding text as it is produced (as a model streams tokens). */
export interface Drafter {
  draft(request: DraftRequest): AsyncIterable<string>;
}
