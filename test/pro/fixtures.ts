import { env } from "cloudflare:test";
import { call, signUp } from "../support/http";

const DAY = 86_400_000;
const ALL_WEEK = Array.from({ length: 7 }, (_, weekday) => ({
  weekday,
  start: "00:00",
  end: "23:59",
  timeZone: "Asia/Kuala_Lumpur",
}));

/** Marks an expert vetted, as an admin's approval would (expert-vetting.ts). */
export async function verifyExpert(expertId: string) {
  await env.DB.prepare(
    "update expert_profiles set verification = 'verified', verified_by = 'admin:test', verification_at = 0 where user_id = ?",
  )
    .bind(expertId)
    .run();
}

/**
 * An expert who is available all week (Kuala Lumpur time) and accepting invitations; vetted unless
 * `verified: false` (a self-registered expert nobody has approved yet).
 */
export async function expert(availability = ALL_WEEK, { verified = true }: { verified?: boolean } = {}) {
  const user = await signUp({ role: "expert", displayName: "Dr Expert" });
  const patch = await call("/api/me/profile", {
    method: "PATCH",
    cookie: user.cookie,
    json: {
      expert: { headline: "Staff Engineer", industry: "Fintech", availability, acceptingInvitations: true },
    },
  });
  if (patch.status !== 200) throw new Error(`expert profile: ${await patch.text()}`);
  if (verified) await verifyExpert(user.id);
  return user;
}

/**
 * A whole hour about `hours` from now that a 60-minute session fits inside one Kuala Lumpur day
 * (the all-week window ends at 23:59): an hour that would run past local midnight moves earlier.
 */
export function hoursFromNow(hours: number): string {
  let t = Math.ceil((Date.now() + hours * 3600_000) / 3600_000) * 3600_000;
  const klHour = (new Date(t).getUTCHours() + 8) % 24;
  if (klHour >= 22) t -= (klHour - 21) * 3600_000;
  return new Date(t).toISOString();
}

export function invitationBody(expertId: string, overrides: Record<string, unknown> = {}) {
  return {
    expertId,
    kind: "talk",
    title: "Payments at scale",
    agenda: "How a super-app handles payment peaks; Q&A.",
    slots: [hoursFromNow(96), hoursFromNow(120)],
    durationMinutes: 60,
    format: "online",
    audienceSize: 80,
    honorarium: null,
    language: "en",
    responseDeadline: new Date(Date.now() + 2 * DAY).toISOString(),
    ...overrides,
  };
}

export async function draft(
  requesterCookie: string,
  expertId: string,
  overrides: Record<string, unknown> = {},
) {
  const response = await call("/api/invitations", {
    cookie: requesterCookie,
    json: invitationBody(expertId, overrides),
  });
  if (response.status !== 201) throw new Error(`create: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

export async function act(cookie: string, id: string, action: string, json?: unknown) {
  return call(`/api/invitations/${id}/${action}`, {
    method: "POST",
    cookie,
    ...(json === undefined ? {} : { json }),
  });
}

export async function page(cookie: string, id: string) {
  const response = await call(`/api/invitations/${id}`, { cookie });
  if (response.status !== 200) throw new Error(`read: ${response.status} ${await response.text()}`);
  return (await response.json()) as {
    invitation: { status: string; scheduledStart: string | null };
    actions: string[];
    slots: { id: string; startsAt: string; proposedBy: string; current: boolean }[];
    history: { action: string; toStatus: string }[];
    canReview: boolean;
  };
}
