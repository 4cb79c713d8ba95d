import type { Invitation } from "../schema";

// Control characters other than HTAB are not allowed in a content line (RFC 5545 §3.1).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/g;

/** RFC 5545 TEXT (§3.3.11): backslash, semicolon and comma escaped; any line break (CRLF, CR, LF) as `\n`. */
function escapeText(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n")
    .replace(CONTROL, "");
}

/**
 * A parameter value (§3.2) is always DQUOTE'd, so `:` `;` `,` in a name stay inside it. A quoted
 * value cannot hold DQUOTE or control characters and has no escapes: `"` becomes `'`, a line
 * break or other control character a space.
 */
function paramValue(text: string): string {
  return `"${text.replace(/"/g, "'").replace(/\r\n/g, " ").replace(CONTROL, " ")}"`;
}

/** A `mailto:` URI value; addresses are validated at sign-up, this only keeps the line whole. */
function mailto(email: string): string {
  return `mailto:${email.replace(CONTROL, "")}`;
}

/** Lines longer than 75 octets are folded with CRLF + space, never inside a UTF-8 sequence. */
function fold(line: string): string {
  const encoder = new TextEncoder();
  const out: string[] = [];
  let current = "";
  for (const ch of line) {
    const limit = out.length === 0 ? 75 : 74;
    if (encoder.encode(current + ch).length > limit) {
      out.push(current);
      current = ch;
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out.join("\r\n ");
}

/** UTC date-time form (RFC 5545 §3.3.5 form 2): correct in every calendar whatever its zone. */
function utc(instant: number): string {
  return new Date(instant)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

export interface CalendarParty {
  name: string;
  email: string;
}

/**
 * A calendar event for a scheduled invitation, for both sides' calendars. UID is the invitation's,
 * SEQUENCE its version (it rises with every change, so a reschedule's REQUEST and a CANCEL replace
 * what the calendar holds); times are UTC, so every calendar shows them in its own zone.
 */
export function invitationCalendar(
  invitation: Invitation,
  people: { requester: CalendarParty; expert: CalendarParty; localTime: string },
  method: "PUBLISH" | "REQUEST" | "CANCEL" = "PUBLISH",
): string {
  const start = invitation.scheduledStart ?? 0;
  const end = start + invitation.durationMinutes * 60_000;
  const link = invitation.format === "online" ? invitation.meetingLink : null;
  const description = [
    `${invitation.kind} with ${people.expert.name}, invited by ${people.requester.name}.`,
    `Local time for the expert: ${people.localTime}.`,
    "",
    invitation.agenda,
  ].join("\n");
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//ATAS//atas-pro//EN",
    "CALSCALE:GREGORIAN",
    `METHOD:${method}`,
    "BEGIN:VEVENT",
    `UID:${invitation.id}@atas.dev`,
    `DTSTAMP:${utc(invitation.updatedAt)}`,
    `SEQUENCE:${invitation.version}`,
    `DTSTART:${utc(start)}`,
    `DTEND:${utc(end)}`,
    `SUMMARY:${escapeText(invitation.title)}`,
    `DESCRIPTION:${escapeText(description)}`,
    `LOCATION:${escapeText(invitation.format === "online" ? (link ?? "Online") : (invitation.venue ?? ""))}`,
    ...(link ? [`URL:${link.replace(CONTROL, "")}`] : []),
    `ORGANIZER;CN=${paramValue(people.requester.name)}:${mailto(people.requester.email)}`,
    `ATTENDEE;CN=${paramValue(people.expert.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:${mailto(people.expert.email)}`,
    `STATUS:${invitation.status === "cancelled" ? "CANCELLED" : "CONFIRMED"}`,
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return `${lines.map(fold).join("\r\n")}\r\n`;
}

export interface EventCalendarFields {
  uid: string;
  sequence: number;
  /** When the source last changed (DTSTAMP). */
  stamp: number;
  start: number;
  end: number;
  summary: string;
  description: string;
  location: string;
  url: string;
  cancelled: boolean;
}

/** A calendar file for an atas-link event (its own UID), with the same escaping and folding. */
export function eventCalendar(fields: EventCalendarFields): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//ATAS//atas-link//EN",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:${escapeText(fields.uid)}`,
    `DTSTAMP:${utc(fields.stamp)}`,
    `SEQUENCE:${fields.sequence}`,
    `DTSTART:${utc(fields.start)}`,
    `DTEND:${utc(fields.end)}`,
    `SUMMARY:${escapeText(fields.summary)}`,
    `DESCRIPTION:${escapeText(fields.description)}`,
    `LOCATION:${escapeText(fields.location)}`,
    `URL:${fields.url.replace(CONTROL, "")}`,
    `STATUS:${fields.cancelled ? "CANCELLED" : "CONFIRMED"}`,
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return `${lines.map(fold).join("\r\n")}\r\n`;
}
