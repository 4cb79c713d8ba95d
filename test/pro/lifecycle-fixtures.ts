import { env } from "cloudflare:test";
import { expect } from "vitest";
import { call, json, signUp } from "../support/http";
import { act, draft, expert, hoursFromNow, page } from "./fixtures";

export const MINUTE = 60_000;
export const shifted = (iso: string, minutes: number) =>
  new Date(Date.parse(iso) + minutes * MINUTE).toISOString();

/** A whole hour about `hours` from now between 03:00 and 12:00 in Kuala Lumpur: hours later the same day stay inside the all-week window. */
export function morning(hours: number): string {
  const t = hoursFromNow(hours);
  const klHour = (new Date(t).getUTCHours() + 8) % 24;
  return klHour < 3 ? shifted(t, (3 - klHour) * 60) : klHour > 12 ? shifted(t, (24 - klHour + 3) * 60) : t;
}

/** A club and one officer who accepted the office. */
export async function clubWithOfficer(name = "Robotics Club") {
  const club = await signUp({ role: "club", displayName: name });
  const officer = await signUp({ displayName: `${name} President` });
  const set = await call("/api/me/profile", {
    method: "PATCH",
    cookie: club.cookie,
    json: { club: { name, officers: [{ userId: officer.id, title: "President" }] } },
  });
  expect(set.status).toBe(200);
  const { pending } = (await (await call("/api/me/clubs", { cookie: officer.cookie })).json()) as {
    pending: { invitationId: string }[];
  };
  const accept = await call(`/api/officer-invitations/${pending[0]?.invitationId}/accept`, {
    method: "POST",
    cookie: officer.cookie,
  });
  expect(accept.status).toBe(200);
  return { club, officer };
}

type Person = { id: string; cookie: string; email: string };

/**
 * A session scheduled at `at` between a fresh student (or `requester`) and `pro` (a fresh expert
 * available all week in Kuala Lumpur unless given).
 */
export async function scheduled(
  options: { at?: string; pro?: Person; requester?: Person; overrides?: Record<string, unknown> } = {},
) {
  const pro = options.pro ?? (await expert());
  const student = options.requester ?? (await signUp({ displayName: "Aina" }));
  const at = options.at ?? morning(100);
  const id = await draft(student.cookie, pro.id, { slots: [at], ...options.overrides });
  expect((await act(student.cookie, id, "send")).status).toBe(200);
  const slot = (await page(pro.cookie, id)).slots[0];
  await json(await act(pro.cookie, id, "accept", { slotId: slot?.id }));
  return { id, pro, student, at };
}

export async function reschedule(cookie: string, id: string, step: string | null, body?: unknown) {
  return call(`/api/invitations/${id}/reschedule${step ? `/${step}` : ""}`, {
    method: "POST",
    cookie,
    ...(body === undefined ? {} : { json: body }),
  });
}

export interface LifecyclePage {
  invitation: { status: string; scheduledStart: string | null };
  actions: string[];
  history: { action: string; fromStatus: string; toStatus: string; message: string | null }[];
  countersLeft: number;
  reschedule: {
    id: string;
    proposedBy: string;
    round: number;
    roundsLeft: number;
    message: string | null;
    slots: { id: string; startsAt: string }[];
  } | null;
  rescheduleActions: string[];
  meetingLink: string | null;
  canSetMeetingLink: boolean;
  expertNamedPublicly: boolean;
}

export async function lifecyclePage(cookie: string, id: string) {
  return json<LifecyclePage>(await call(`/api/invitations/${id}`, { cookie }));
}

/** The calendar files mailed to `to` whose subject matches, newest last. */
export async function mailedCalendars(to: string, subject: string): Promise<string[]> {
  const rows = await env.DB.prepare(
    'select subject, attachments from outbox_mails where "to" = ? order by created_at asc, rowid asc',
  )
    .bind(to)
    .all<{ subject: string; attachments: string | null }>();
  return rows.results
    .filter((r) => r.subject.includes(subject))
    .flatMap((r) => JSON.parse(r.attachments ?? "[]") as { content: string }[])
    .map((a) => new TextDecoder().decode(Uint8Array.from(atob(a.content), (c) => c.charCodeAt(0))));
}

/** Waits until `to` has a mail whose subject includes `subject` carrying a calendar file; returns the newest. */
export async function waitForCalendar(to: string, subject: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await mailedCalendars(to, subject);
    const last = found[found.length - 1];
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no calendar in a mail "${subject}" to ${to} within ${timeoutMs} ms`);
}
