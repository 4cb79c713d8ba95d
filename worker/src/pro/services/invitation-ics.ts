import type { Invitation } from "../schema";

/** RFC 5545 TEXT escaping. */
function escapeText(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
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

/** A calendar event for a scheduled invitation, for both sides' calendars. */
export function invitationCalendar(
  invitation: Invitation,
  people: { requester: CalendarParty; expert: CalendarParty; localTime: string },
  method: "PUBLISH" | "REQUEST" | "CANCEL" = "PUBLISH",
): string {
  const start = invitation.scheduledStart ?? 0;
  const end = start + invitation.durationMinutes * 60_000;
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
    `LOCATION:${escapeText(invitation.format === "online" ? "Online" : (invitation.venue ?? ""))}`,
    `ORGANIZER;CN=${escapeText(people.requester.name)}:mailto:${people.requester.email}`,
    `ATTENDEE;CN=${escapeText(people.expert.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:${people.expert.email}`,
    `STATUS:${invitation.status === "cancelled" ? "CANCELLED" : "CONFIRMED"}`,
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return `${lines.map(fold).join("\r\n")}\r\n`;
}
