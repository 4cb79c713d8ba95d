import type { DraftLanguage } from "../adapters/drafter/interface";
import type { ProposalProblem } from "../drafts/schema";

/** Length bounds a proposal must meet before it is attached (characters; Chinese packs more per character). */
export const PROPOSAL_BOUNDS: Record<DraftLanguage, { min: number; max: number }> = {
  en: { min: 400, max: 4000 },
  zh: { min: 150, max: 2000 },
};

const LOCALES: Record<DraftLanguage, string> = { en: "en-GB", zh: "zh-CN" };

/** A day as a reader says it, in a time zone: "Tuesday 8 December 2026" / "2026年12月8日星期二". */
export function spokenDay(instant: number, timeZone: string, language: DraftLanguage): string {
  return new Intl.DateTimeFormat(LOCALES[language], {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(new Date(instant));
}

/** A day and a time: "Tuesday 8 December 2026, 19:00". */
export function spokenSlot(instant: number, timeZone: string, language: DraftLanguage): string {
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(instant));
  return `${spokenDay(instant, timeZone, language)}${language === "zh" ? " " : ", "}${time}`;
}

/**
 * The ways a text may name the calendar day of `instant` that a reader would recognise:
 * "8 December", "December 8", "8 Dec", "2026-12-08", "8/12/2026", "12月8日".
 */
export function dayMentions(instant: number, timeZone: string): string[] {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    day: "numeric",
    month: "long",
    year: "numeric",
  }).formatToParts(new Date(instant));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const day = get("day");
  const month = get("month");
  const year = get("year");
  const monthNumber = new Intl.DateTimeFormat("en-GB", { timeZone, month: "numeric" }).format(
    new Date(instant),
  );
  return [
    `${day} ${month}`,
    `${month} ${day}`,
    `${day} ${month.slice(0, 3)}`,
    `${month.slice(0, 3)} ${day}`,
    `${year}-${monthNumber.padStart(2, "0")}-${day.padStart(2, "0")}`,
    `${day}/${monthNumber}/${year}`,
    `${monthNumber}月${day}日`,
  ];
}

const ASK = {
  en: /\b(would you|could you|will you|are you (?:able|available|willing)|may we|please (?:let us know|reply|confirm|respond)|we would (?:love|like) (?:you|to invite)|invite you)\b/i,
  zh: /(能否|是否|可否|请您|恳请|诚邀|邀请您|期待您)/,
};

/** Left-over template slots: [Your name], {date}, <venue>, {{x}}, TODO, XXX, lorem ipsum. */
const PLACEHOLDER =
  /\[[^\]\n]{1,40}\]|\{\{?[^}\n]{0,40}\}?\}|<[a-z][^>\n]{0,40}>|\bTODO\b|\bXXX+\b|\bTBD\b|lorem ipsum|【[^】\n]{1,20}】/i;

/**
 * What stops a proposal from being attached as it stands: out of bounds, no proposed date, no clear
 * ask with the reply deadline, or a placeholder left in. Empty when it may go.
 */
export function checkProposal(
  text: string,
  facts: { language: DraftLanguage; slotInstants: number[]; deadline: number; timeZone: string },
): ProposalProblem[] {
  const problems: ProposalProblem[] = [];
  const { min, max } = PROPOSAL_BOUNDS[facts.language];
  const length = [...text.trim()].length;
  if (length < min)
    problems.push({ code: "too-short", message: `At least ${min} characters (now ${length}).` });
  if (length > max)
    problems.push({ code: "too-long", message: `At most ${max} characters (now ${length}).` });
  const mentions = (instant: number) =>
    dayMentions(instant, facts.timeZone).some((m) => text.toLowerCase().includes(m.toLowerCase()));
  if (facts.slotInstants.length > 0 && !facts.slotInstants.some(mentions))
    problems.push({ code: "no-date", message: "Name at least one of the proposed dates." });
  const asks = ASK.en.test(text) || ASK.zh.test(text) || /[?？]/.test(text);
  if (!asks || !mentions(facts.deadline))
    problems.push({
      code: "no-ask",
      message: "Ask clearly for a reply, and say by when (the response deadline).",
    });
  const placeholder = PLACEHOLDER.exec(text);
  if (placeholder)
    problems.push({ code: "placeholder", message: `Replace the placeholder "${placeholder[0]}".` });
  return problems;
}
