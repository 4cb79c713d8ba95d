/**
 * The discovery feed's ranking, as pure functions (no I/O, no clock): the candidate sets
 * (services/candidate-sets.ts) store `hotScore` and `coldRate`, and the read path
 * (services/discover-feed.ts) re-scores its candidates here with the viewer's signals.
 *
 * 1. Engagement. `likes·1 + collects·1 + comments·4 + shares·4 + followsGained·8`: a comment or a
 *    share costs the reader more than a tap, and a follow of the author made from the note
 *    (`PUT /api/follows/{id}?fromNoteId=`) is the strongest sign the note found its audience.
 *    atas-link has no share action yet, so `shares` is 0 for every note; the weight is kept so a
 *    share counter can be fed in without re-tuning the others.
 * 2. Time decay, Hacker News's gravity: `hot = (engagement + 1) / (ageHours + 2)^1.8`. The +1 lets
 *    a note with no engagement yet rank by age alone; the +2 keeps a fresh note from dividing by ~0.
 * 3. Personal multipliers: same campus ×1.5; a topic the viewer follows ×1.6 (once, however many
 *    match, so piling on tags does not pay); an author whose notes the viewer liked recently ×1.3;
 *    an author the viewer marked "not interested" ×0.25; each of the note's topics from notes the
 *    viewer marked "not interested" ×0.5 (at most two count). The marked note itself is gone.
 * 4. Cold start: one slot in every five is kept for a young note (< 24 h) that has not found its
 *    audience yet (engagement < 10), so every new note gets a small audience; among them the one
 *    with the highest engagement rate, `engagement / (ageHours + 1)`, wins (newest first on ties).
 *    There is no impression counter (it would cost a store write per note shown), so the rate is
 *    per hour of age, not per view.
 * 5. Diversity: no author twice within any 6 consecutive notes, across page boundaries too, unless
 *    the candidates run out of other authors (then the page is filled rather than cut short).
 * 6. Events (a note with an event block): an upcoming one on the viewer's campus ×2, and ×2 when
 *    the viewer follows its organiser or its (publicly named) expert, on top of the rest; one that
 *    has ended or was cancelled leaves the feed (an event past its time is no use to a reader).
 */

export const ENGAGEMENT_WEIGHTS = { like: 1, collect: 1, comment: 4, share: 4, followGained: 8 } as const;
export const GRAVITY = 1.8;
export const AFFINITY = {
  sameCampus: 1.5,
  followedTopic: 1.6,
  engagedAuthor: 1.3,
  notInterestedAuthor: 0.25,
  notInterestedTopic: 0.5,
  /** At most this many not-interested topics multiply one note's score. */
  notInterestedTopicsCounted: 2,
} as const;
export const EVENT_BOOST = { onCampus: 2, followed: 2 } as const;
export const COLD_START = { maxAgeHours: 24, maxEngagement: 10, slotEvery: 5 } as const;
export const DIVERSITY_WINDOW = 6;

const HOUR_MS = 3_600_000;

export interface Signals {
  likes: number;
  collects: number;
  comments: number;
  /** Always 0 today: atas-link has no share action yet (see the note at the top). */
  shares: number;
  followsGained: number;
}

export function engagement(s: Signals): number {
  const w = ENGAGEMENT_WEIGHTS;
  return (
    w.like * s.likes +
    w.collect * s.collects +
    w.comment * s.comments +
    w.share * s.shares +
    w.followGained * s.followsGained
  );
}

export function ageHours(createdAt: number, now: number): number {
  return Math.max(0, now - createdAt) / HOUR_MS;
}

export function hotScore(engaged: number, hours: number): number {
  return (engaged + 1) / (hours + 2) ** GRAVITY;
}

/** Engagement per hour of age; only young notes in the cold-start pool are compared by it. */
export function coldRate(engaged: number, hours: number): number {
  return engaged / (hours + 1);
}

export function inColdStart(engaged: number, hours: number): boolean {
  return hours < COLD_START.maxAgeHours && engaged < COLD_START.maxEngagement;
}

export interface Candidate {
  id: string;
  authorId: string;
  campusId: string | null;
  topics: string[];
  createdAt: number;
  signals: Signals;
  /** Set when the note is an event. */
  event?: CandidateEvent | null;
}

export interface CandidateEvent {
  endsAt: number;
  /** Still scheduled (not cancelled, not completed). */
  scheduled: boolean;
  /** The organiser and, when named publicly, the expert. */
  people: string[];
}

/** An event past its end, cancelled or completed: not worth a reader's slot. */
export function eventOver(note: Candidate, now: number): boolean {
  return note.event != null && (!note.event.scheduled || note.event.endsAt <= now);
}

/** The multiplier an upcoming event earns for this viewer (1 for any other note). */
export function eventBoost(note: Candidate, viewer: ViewerSignals): number {
  if (!note.event) return 1;
  let factor = 1;
  if (viewer.campusId !== null && note.campusId === viewer.campusId) factor *= EVENT_BOOST.onCampus;
  if (note.event.people.some((p) => viewer.followedPeople?.has(p))) factor *= EVENT_BOOST.followed;
  return factor;
}

/** What the read path knows of the viewer; empty for a signed-out viewer. */
export interface ViewerSignals {
  campusId: string | null;
  followedTopics: ReadonlySet<string>;
  engagedAuthors: ReadonlySet<string>;
  notInterestedAuthors: ReadonlySet<string>;
  notInterestedTopics: ReadonlySet<string>;
  /** People the viewer follows (event organisers and experts). */
  followedPeople?: ReadonlySet<string>;
}

export const NO_SIGNALS: ViewerSignals = {
  campusId: null,
  followedTopics: new Set(),
  engagedAuthors: new Set(),
  notInterestedAuthors: new Set(),
  notInterestedTopics: new Set(),
  followedPeople: new Set(),
};

/** The product of the viewer's multipliers for one note (1 when nothing applies). */
export function affinity(note: Candidate, viewer: ViewerSignals): number {
  let factor = 1;
  if (viewer.campusId !== null && note.campusId === viewer.campusId) factor *= AFFINITY.sameCampus;
  if (note.topics.some((t) => viewer.followedTopics.has(t))) factor *= AFFINITY.followedTopic;
  if (viewer.engagedAuthors.has(note.authorId)) factor *= AFFINITY.engagedAuthor;
  if (viewer.notInterestedAuthors.has(note.authorId)) factor *= AFFINITY.notInterestedAuthor;
  const disliked = note.topics.filter((t) => viewer.notInterestedTopics.has(t)).length;
  factor *= AFFINITY.notInterestedTopic ** Math.min(disliked, AFFINITY.notInterestedTopicsCounted);
  return factor;
}

export interface Scored {
  note: Candidate;
  /** Hot score times affinity: the main ordering. */
  score: number;
  /** Cold-start rate times affinity, or null when the note is not in the cold-start pool. */
  cold: number | null;
}

export function scoreCandidate(note: Candidate, viewer: ViewerSignals, now: number): Scored {
  const hours = ageHours(note.createdAt, now);
  const engaged = engagement(note.signals);
  const factor = affinity(note, viewer) * eventBoost(note, viewer);
  return {
    note,
    score: hotScore(engaged, hours) * factor,
    cold: inColdStart(engaged, hours) ? coldRate(engaged, hours) * factor : null,
  };
}

/** Highest first; equal scores newest first, then by id, so the order never depends on input order. */
function byScore(pick: (s: Scored) => number) {
  return (a: Scored, b: Scored) =>
    pick(b) - pick(a) || b.note.createdAt - a.note.createdAt || (a.note.id < b.note.id ? -1 : 1);
}

export interface PageOptions {
  limit: number;
  /** Authors of the last notes already shown (oldest first), so diversity holds across pages. */
  recentAuthors?: string[];
  /** How many notes were shown before this page; places the cold-start slots across pages. */
  offset?: number;
}

/**
 * One page of the feed: candidates scored for the viewer, every `slotEvery`-th position given to
 * the best cold-start note, the others to the best hot ones, and each pick the best one whose
 * author is not among the last `DIVERSITY_WINDOW - 1` shown.
 */
export function rankPage(
  candidates: Candidate[],
  viewer: ViewerSignals,
  now: number,
  options: PageOptions,
): Candidate[] {
  const scored = candidates.filter((c) => !eventOver(c, now)).map((c) => scoreCandidate(c, viewer, now));
  const hot = [...scored].sort(byScore((s) => s.score));
  const cold = scored.filter((s) => s.cold !== null).sort(byScore((s) => s.cold ?? 0));
  const recent = [...(options.recentAuthors ?? [])].slice(-(DIVERSITY_WINDOW - 1));
  const used = new Set<string>();
  const page: Candidate[] = [];
  const offset = options.offset ?? 0;

  const take = (pool: Scored[]): Candidate | null => {
    const open = pool.filter((s) => !used.has(s.note.id));
    const pick = open.find((s) => !recent.includes(s.note.authorId)) ?? open[0];
    return pick ? pick.note : null;
  };

  while (page.length < options.limit) {
    const position = offset + page.length;
    const coldSlot = position % COLD_START.slotEvery === COLD_START.slotEvery - 1;
    const next = coldSlot ? (take(cold) ?? take(hot)) : take(hot);
    if (!next) break;
    used.add(next.id);
    page.push(next);
    recent.push(next.authorId);
    if (recent.length > DIVERSITY_WINDOW - 1) recent.shift();
  }
  return page;
}
