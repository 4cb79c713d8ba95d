import { and, count, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { clubOfficers, officerInvitations } from "../clubs/schema";
import type { Db } from "../db/client";
import { inJsonList } from "../db/client";
import { users } from "../identity/schema";
import { addToTrending, TRENDING_WEIGHTS } from "../link";
import { notes } from "../link/notes/schema";
import { connections } from "../network/schema";
import { type InvitationKind, invitationEvents, invitationSlots, invitations, reviews } from "../pro/schema";
import { clubProfiles, expertProfiles, studentProfiles } from "../profiles/schema";
import { runFeedsCron } from "../schedule";
import type { ActionContext } from "../shared/context";
import { hashPassword } from "../shared/crypto";
import { ADMIN, CLUBS, DEMO_PASSWORD, demoStudents, EXPERTS } from "./seed-data";
import { seedLinkDemo } from "./seed-link";

/** A stable UUID (version 8) per address, so seeding twice writes the same rows. */
async function stableId(email: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`atas-demo:${email}`)),
  );
  const hex = [...digest.slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const variant = ((Number.parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z]+/g, ".")
    .replace(/^\.|\.$/g, "");

/** Demo data for local runs. Idempotent: existing rows are left as they are. */
/** The demo experts count as approved by an admin. */
const SEED_VETTING = { verification: "verified", verifiedBy: "admin:seed", verificationAt: 0 } as const;

export async function seedDemo(ctx: ActionContext) {
  const { db } = ctx;
  // One hash for every demo account keeps seeding fast; real accounts each get their own salt.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = Date.now();
  // Demo accounts joined a month ago: they have a settled member's standing (report weights need 7 days).
  const joined = now - 30 * 86_400_000;
  const verified = { emailVerifiedAt: joined, passwordHash, createdAt: joined, updatedAt: now };
  const statements: BatchItem<"sqlite">[] = [];

  const adminId = await stableId(ADMIN.email);
  statements.push(
    db
      .insert(users)
      .values({ id: adminId, email: ADMIN.email, displayName: ADMIN.displayName, role: "admin", ...verified })
      .onConflictDoNothing(),
  );

  for (const [i, expert] of EXPERTS.entries()) {
    const email = `${slug(expert.name)}@experts.atas.dev`;
    const id = await stableId(email);
    statements.push(
      db
        .insert(users)
        .values({
          id,
          email,
          displayName: expert.name,
          role: "expert",
          bio: `${expert.headline} at ${expert.company}.`,
          ...verified,
        })
        .onConflictDoNothing(),
      db
        .insert(expertProfiles)
        .values({
          userId: id,
          headline: expert.headline,
          company: expert.company,
          industry: expert.industry,
          skills: expert.skills,
          topics: expert.topics,
          yearsExperience: expert.years,
          availability: [
            { weekday: (i % 5) + 1, start: "19:00", end: "21:00", timeZone: expert.zone },
            { weekday: 6, start: "10:00", end: "12:00", timeZone: expert.zone },
          ],
          acceptingInvitations: i % 6 !== 5,
          updatedAt: now,
          ...SEED_VETTING,
        })
        // Demo experts are vetted, also in a database seeded before vetting existed.
        .onConflictDoUpdate({ target: expertProfiles.userId, set: SEED_VETTING }),
    );
  }

  const students = demoStudents();
  const studentIds: string[] = [];
  for (const student of students) {
    const id = await stableId(student.email);
    studentIds.push(id);
    statements.push(
      db
        .insert(users)
        .values({
          id,
          email: student.email,
          displayName: student.displayName,
          role: "student",
          campusId: student.campusId,
          campusVerified: true,
          ...verified,
        })
        .onConflictDoNothing(),
      db
        .insert(studentProfiles)
        .values({
          userId: id,
          major: student.major,
          year: student.year,
          interests: student.interests,
          updatedAt: now,
        })
        .onConflictDoNothing(),
    );
  }

  for (const club of CLUBS) {
    const id = await stableId(club.email);
    statements.push(
      db
        .insert(users)
        .values({
          id,
          email: club.email,
          displayName: club.name,
          role: "club",
          campusId: club.campusId,
          campusVerified: true,
          ...verified,
        })
        .onConflictDoNothing(),
      db
        .insert(clubProfiles)
        .values({ userId: id, name: club.name, description: club.description, updatedAt: now })
        .onConflictDoNothing(),
      // Demo officers said yes: an accepted invitation (one left pending from an older database is
      // accepted now), the office, and the club connection that comes with it.
      ...(
        await Promise.all(
          club.officerIndexes.map(async (index, n) => {
            const userId = studentIds[index] ?? "";
            const title = n === 0 ? "President" : "Vice President";
            return [
              db
                .update(officerInvitations)
                .set({ status: "accepted", answeredAt: now })
                .where(
                  and(
                    eq(officerInvitations.clubId, id),
                    eq(officerInvitations.userId, userId),
                    eq(officerInvitations.status, "pending"),
                  ),
                ),
              db
                .insert(officerInvitations)
                .values({
                  id: await stableId(`officer:${club.email}:${userId}`),
                  clubId: id,
                  userId,
                  title,
                  status: "accepted",
                  createdAt: now,
                  answeredAt: now,
                })
                .onConflictDoNothing(),
              db.insert(clubOfficers).values({ clubId: id, userId, title }).onConflictDoNothing(),
            ];
          }),
        )
      ).flat(),
      // Serving the club connects each officer with it (source "club"), as accepting does.
      ...club.officerIndexes.flatMap((index) => {
        const officer = studentIds[index] ?? "";
        return [
          db
            .insert(connections)
            .values({ userId: id, peerId: officer, source: "club", createdAt: now })
            .onConflictDoNothing(),
          db
            .insert(connections)
            .values({ userId: officer, peerId: id, source: "club", createdAt: now })
            .onConflictDoNothing(),
        ];
      }),
    );
  }

  const expertIds = await Promise.all(EXPERTS.map((e) => stableId(`${slug(e.name)}@experts.atas.dev`)));
  const clubIds = await Promise.all(CLUBS.map((c) => stableId(c.email)));
  statements.push(...(await demoInvitations(db, { studentIds, expertIds, clubIds, now })));
  statements.push(...demoConnections(db, { studentIds, expertIds, now }));
  const link = await seedLinkDemo(db, ctx.env.UPLOADS, {
    studentIds,
    campusOf: (index) => students[index]?.campusId ?? "um",
    stableId,
    now,
  });
  statements.push(...link.statements);
  const linkIds = link.notes.map((n) => n.id);
  const seededBefore = new Set(
    (await db.select({ id: notes.id }).from(notes).where(inJsonList(notes.id, linkIds))).map((n) => n.id),
  );

  // D1 caps statements per batch; send in slices.
  for (let i = 0; i < statements.length; i += 50) {
    const slice = statements.slice(i, i + 50) as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]];
    await db.batch(slice);
  }
  // New demo notes count toward trending as their posting did, at the time they were posted; then
  // the feeds cron builds the discovery sets and trending lists, so the first visit sees them.
  for (const note of link.notes)
    if (!seededBefore.has(note.id)) await addToTrending(ctx, note.id, TRENDING_WEIGHTS.post, note.createdAt);
  await runFeedsCron({ scheduledTime: now }, ctx.env, ctx.adapters);
  const tally = await db.select({ role: users.role, n: count() }).from(users).groupBy(users.role).all();
  const byRole = Object.fromEntries(tally.map((r) => [r.role, r.n]));
  const admin = await db.select({ id: users.id }).from(users).where(eq(users.email, ADMIN.email)).get();
  return { accounts: byRole, adminId: admin?.id ?? null };
}

const DAY = 86_400_000;

/**
 * A small network so "experts in your network" has something to show: the first twenty students
 * form rings of friends, and each of them knows one or two experts. (Students 21–50 start with no
 * connections; the browser tests use them.)
 */
function demoConnections(db: Db, input: { studentIds: string[]; expertIds: string[]; now: number }) {
  const pairs: [string, string][] = [];
  const students = input.studentIds.slice(0, 20);
  students.forEach((id, i) => {
    for (const step of [1, 2, 5]) {
      const peer = students[(i + step) % students.length];
      if (peer) pairs.push([id, peer]);
    }
    const expert = input.expertIds[(i * 3) % input.expertIds.length];
    if (expert) pairs.push([id, expert]);
    if (i % 2 === 0) {
      const second = input.expertIds[(i * 3 + 7) % input.expertIds.length];
      if (second) pairs.push([id, second]);
    }
  });
  return pairs.flatMap(([a, b]) => [
    db
      .insert(connections)
      .values({ userId: a, peerId: b, source: "connection", createdAt: input.now })
      .onConflictDoNothing(),
    db
      .insert(connections)
      .values({ userId: b, peerId: a, source: "connection", createdAt: input.now })
      .onConflictDoNothing(),
  ]);
}

/** The first Saturday 02:00 UTC at or after `instant`. */
function saturdayAt2Utc(instant: number): number {
  const date = new Date(instant);
  date.setUTCHours(2, 0, 0, 0);
  date.setUTCDate(date.getUTCDate() + ((6 - date.getUTCDay() + 7) % 7));
  return date.getTime();
}
const STORY: {
  state: "sent" | "countered" | "scheduled" | "completed" | "declined" | "expired";
  title: string;
  kind: InvitationKind;
}[] = [
  { state: "sent", title: "Breaking into fintech: a fireside chat", kind: "talk" },
  { state: "sent", title: "Portfolio review night", kind: "workshop" },
  { state: "countered", title: "Mock case interview practice", kind: "mock-interview" },
  { state: "scheduled", title: "From campus to code review", kind: "talk" },
  { state: "scheduled", title: "1:1 mentoring: first year in industry", kind: "mentoring" },
  { state: "completed", title: "Designing for Southeast Asia", kind: "workshop" },
  { state: "completed", title: "What investors look for", kind: "panel" },
  { state: "declined", title: "Semiconductor careers Q&A", kind: "talk" },
  { state: "expired", title: "Data careers roundtable", kind: "panel" },
];

/**
 * A living pro side: invitations in every state, from students and clubs, with reviews on the
 * completed ones. Times are relative to the seeding moment; ids are stable, so reseeding is a no-op.
 */
async function demoInvitations(
  db: ActionContext["db"],
  people: { studentIds: string[]; expertIds: string[]; clubIds: string[]; now: number },
) {
  const { now } = people;
  const rows: BatchItem<"sqlite">[] = [];
  for (const [i, story] of STORY.entries()) {
    const id = await stableId(`invitation:${i}`);
    const requesterId =
      (i % 3 === 2 ? people.clubIds[i % people.clubIds.length] : people.studentIds[i]) ?? "";
    const expertId = people.expertIds[i] ?? "";
    const past = story.state === "completed" || story.state === "expired" || story.state === "declined";
    // Every demo expert is free on Saturdays 10:00–12:00 in a UTC+8 zone, i.e. 02:00 UTC.
    const start = saturdayAt2Utc(past ? now - (10 + i) * DAY : now + (7 + i) * DAY);
    const sentAt = start - 14 * DAY;
    const scheduled = story.state === "scheduled" || story.state === "completed";
    const answered = story.state !== "sent" && story.state !== "expired";
    rows.push(
      db
        .insert(invitations)
        .values({
          id,
          requesterId,
          expertId,
          createdBy: requesterId,
          kind: story.kind,
          title: story.title,
          agenda: "Introductions, the speaker's story, open Q&A with students.",
          durationMinutes: 60,
          format: i % 2 === 0 ? "online" : "onsite",
          venue: i % 2 === 0 ? null : "Dewan Kuliah A, Faculty of Computer Science",
          audienceSize: 40 + i * 10,
          honorariumAmount: i % 3 === 0 ? 30000 : null,
          honorariumCurrency: i % 3 === 0 ? "MYR" : null,
          language: "en",
          responseDeadline: story.state === "expired" ? now - 2 * DAY : start - 3 * DAY,
          status: story.state,
          version: 1,
          scheduledStart: scheduled ? start : null,
          sentAt,
          respondedAt: answered ? sentAt + (6 + i * 5) * 3600_000 : null,
          completedAt: story.state === "completed" ? start + 3600_000 : null,
          createdAt: sentAt,
          updatedAt: sentAt,
        })
        .onConflictDoNothing(),
      db
        .insert(invitationSlots)
        .values({
          id: await stableId(`slot:${i}`),
          invitationId: id,
          startsAt: start,
          round: 0,
          proposedBy: "requester",
        })
        .onConflictDoNothing(),
    );
    const history: [string, string, string][] = [
      ["create", "draft", "draft"],
      ["send", "draft", "sent"],
    ];
    if (story.state === "countered") history.push(["counter", "sent", "countered"]);
    if (story.state === "scheduled" || story.state === "completed")
      history.push(["accept", "sent", "accepted"], ["schedule", "accepted", "scheduled"]);
    if (story.state === "completed") history.push(["complete", "scheduled", "completed"]);
    if (story.state === "declined") history.push(["decline", "sent", "declined"]);
    if (story.state === "expired") history.push(["expire", "sent", "expired"]);
    for (const [n, [action, fromStatus, toStatus]] of history.entries()) {
      const actorId =
        action === "expire"
          ? null
          : ["accept", "schedule", "counter", "decline"].includes(action)
            ? expertId
            : requesterId;
      rows.push(
        db
          .insert(invitationEvents)
          .values({
            id: await stableId(`event:${i}:${n}`),
            invitationId: id,
            actorId,
            action,
            fromStatus,
            toStatus,
            createdAt: sentAt + n * 3600_000,
          })
          .onConflictDoNothing(),
      );
    }
    if (story.state === "countered") {
      rows.push(
        db
          .insert(invitationSlots)
          .values({
            id: await stableId(`slot:${i}:counter`),
            invitationId: id,
            startsAt: start + 7 * DAY,
            round: 1,
            proposedBy: "expert",
          })
          .onConflictDoNothing(),
      );
    }
    if (story.state === "completed") {
      rows.push(
        db
          .insert(reviews)
          .values({
            id: await stableId(`review:${i}`),
            invitationId: id,
            authorId: requesterId,
            subjectId: expertId,
            rating: 4 + (i % 2),
            body: "Generous with time and very practical advice. Our members loved it.",
            createdAt: start + DAY,
          })
          .onConflictDoNothing(),
      );
    }
  }
  return rows;
}
