import { describe, expect, it } from "vitest";
import type { Invitation } from "../../worker/src/pro/schema";
import { invitationCalendar } from "../../worker/src/pro/services/invitation-ics";

/** A content line: name, its parameters (values unquoted), its value (still escaped). */
interface ContentLine {
  name: string;
  params: Record<string, string>;
  value: string;
}

/** Unfolds and splits a calendar the way a strict RFC 5545 reader does. */
function parse(ics: string): ContentLine[] {
  // Only CRLF ends a line; a bare CR or LF anywhere is itself a fault.
  expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  expect(ics.endsWith("\r\n")).toBe(true);
  const physical = ics.slice(0, -2).split("\r\n");
  for (const line of physical) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
  const logical = physical
    .join("\r\n")
    .replace(/\r\n[ \t]/g, "")
    .split("\r\n");
  return logical.map((line) => {
    // name *(";" param) ":" value, where a param value may be a DQUOTE'd string holding ":" and ";".
    const match =
      // biome-ignore lint/suspicious/noControlCharactersInRegex: RFC 5545 excludes control characters from a value
      /^([A-Z-]+)((?:;[A-Z-]+=(?:"[^"\x00-\x08\x0a-\x1f\x7f]*"|[^";:,\x00-\x08\x0a-\x1f\x7f]*))*):(.*)$/.exec(
        line,
      );
    if (!match) throw new Error(`not a content line: ${JSON.stringify(line)}`);
    const params: Record<string, string> = {};
    for (const p of (match[2] ?? "").matchAll(/;([A-Z-]+)=("[^"]*"|[^;]*)/g))
      params[p[1] ?? ""] = (p[2] ?? "").replace(/^"(.*)"$/, "$1");
    return { name: match[1] ?? "", params, value: match[3] ?? "" };
  });
}

/** RFC 5545 §3.3.11 TEXT, read back. */
function unescapeText(value: string): string {
  return value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
}

function invitation(fields: Partial<Invitation>): Invitation {
  return {
    id: "0d6f8a8e-1f7e-4d0e-9a57-6f2b7f8e9a01",
    kind: "talk",
    title: "Payments",
    agenda: "Agenda",
    durationMinutes: 60,
    format: "in-person",
    venue: "Hall",
    status: "scheduled",
    version: 3,
    scheduledStart: Date.UTC(2026, 11, 10, 2),
    updatedAt: Date.UTC(2026, 11, 7, 2),
    ...fields,
  } as Invitation;
}

const HOSTILE = 'Eve: "Boss"; x,y\\z\rATTENDEE:mailto:evil@example.com\nORGANIZER:mailto:evil@example.com';

describe("invitation calendar files", () => {
  it("keeps hostile names, titles, venues and agendas inside their own properties", () => {
    const title = 'Talk; with, commas\\ and "quotes"\r\nSTATUS:CANCELLED\rX:1';
    const venue = "Room 1;\rLOCATION:Elsewhere";
    const agenda = "Line one\r\nLine two\rDTSTART:20000101T000000Z\nEND:VEVENT";
    const ics = invitationCalendar(invitation({ title, venue, agenda }), {
      requester: { name: HOSTILE, email: "student@example.com" },
      expert: { name: `Dr ${HOSTILE}`, email: "expert@example.com" },
      localTime: "Thu 10:00",
    });
    const lines = parse(ics);
    expect(lines.map((l) => l.name)).toEqual([
      "BEGIN",
      "VERSION",
      "PRODID",
      "CALSCALE",
      "METHOD",
      "BEGIN",
      "UID",
      "DTSTAMP",
      "SEQUENCE",
      "DTSTART",
      "DTEND",
      "SUMMARY",
      "DESCRIPTION",
      "LOCATION",
      "ORGANIZER",
      "ATTENDEE",
      "STATUS",
      "END",
      "END",
    ]);
    const one = (name: string) => lines.find((l) => l.name === name) as ContentLine;
    // TEXT values come back exactly, each line break as one newline.
    expect(unescapeText(one("SUMMARY").value)).toBe(title.replace(/\r\n|\r|\n/g, "\n"));
    expect(unescapeText(one("LOCATION").value)).toBe(venue.replace(/\r\n|\r|\n/g, "\n"));
    expect(unescapeText(one("DESCRIPTION").value)).toContain(agenda.replace(/\r\n|\r|\n/g, "\n"));
    expect(one("STATUS").value).toBe("CONFIRMED");
    expect(one("DTSTART").value).toBe("20261210T020000Z");
    // Parameters: quoted, the name readable, no DQUOTE or line break inside; the address is ours.
    const organizer = one("ORGANIZER");
    expect(organizer.value).toBe("mailto:student@example.com");
    expect(organizer.params.CN).toBe(
      "Eve: 'Boss'; x,y\\z ATTENDEE:mailto:evil@example.com ORGANIZER:mailto:evil@example.com",
    );
    const attendee = one("ATTENDEE");
    expect(attendee.value).toBe("mailto:expert@example.com");
    expect(attendee.params).toMatchObject({ ROLE: "REQ-PARTICIPANT", PARTSTAT: "ACCEPTED" });
    expect(attendee.params.CN).toMatch(/^Dr Eve: 'Boss'/);
  });

  it("folds long lines at 75 octets without splitting a UTF-8 character", () => {
    const title = `会议 ${"讲座".repeat(60)} 🎤🎤🎤 end`;
    const ics = invitationCalendar(invitation({ title }), {
      requester: { name: "学生会", email: "s@example.com" },
      expert: { name: "专家", email: "e@example.com" },
      localTime: "Thu 10:00",
    });
    const summary = parse(ics).find((l) => l.name === "SUMMARY");
    expect(unescapeText(summary?.value ?? "")).toBe(title);
    expect(ics).not.toContain("\uFFFD");
  });
});
