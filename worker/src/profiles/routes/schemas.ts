import { z } from "@hono/zod-openapi";
import { ROLES, type User } from "../../identity/schema";
import { EXPERT_VERIFICATION } from "../schema";

const Tag = z.string().trim().min(1).max(40);
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use HH:MM");

export const AvailabilityWindowSchema = z
  .object({
    weekday: z.number().int().min(0).max(6).openapi({ description: "0 = Sunday" }),
    start: HHMM,
    end: HHMM,
    timeZone: z.string().refine(isTimeZone, "unknown time zone"),
  })
  .refine((w) => w.start < w.end, "start must be before end");

function isTimeZone(zone: string) {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const ProfileSchema = z
  .object({
    id: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    bio: z.string(),
    avatarUrl: z.string().nullable(),
    campus: z.object({ id: z.string(), name: z.string() }).nullable(),
    campusVerified: z.boolean(),
    joinedAt: z.string(),
    expert: z
      .object({
        headline: z.string(),
        company: z.string(),
        industry: z.string(),
        skills: z.array(z.string()),
        topics: z.array(z.string()),
        yearsExperience: z.number(),
        availability: z.array(
          z.object({ weekday: z.number(), start: z.string(), end: z.string(), timeZone: z.string() }),
        ),
        acceptingInvitations: z.boolean(),
        verification: z
          .enum(EXPERT_VERIFICATION)
          .openapi({ description: "Vetting: only `verified` experts may start contact with students" }),
      })
      .optional(),
    student: z
      .object({ major: z.string(), year: z.number().nullable(), interests: z.array(z.string()) })
      .optional(),
    club: z
      .object({
        name: z.string(),
        description: z.string(),
        officers: z.array(z.object({ id: z.string(), displayName: z.string(), title: z.string() })),
      })
      .optional(),
  })
  .openapi("Profile");

export const AccountSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    emailVerified: z.boolean(),
    campusId: z.string().nullable(),
    campusVerified: z.boolean(),
  })
  .openapi("Account");

export function toAccount(user: User): z.infer<typeof AccountSchema> {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    emailVerified: user.emailVerifiedAt !== null,
    campusId: user.campusId,
    campusVerified: user.campusVerified,
  };
}

export const ProfilePatchSchema = z
  .object({
    displayName: z.string().trim().min(1).max(80).optional(),
    bio: z.string().max(1000).optional(),
    campusId: z.string().max(40).nullable().optional(),
    expert: z
      .object({
        headline: z.string().max(140),
        company: z.string().max(100),
        industry: z.string().max(60),
        skills: z.array(Tag).max(30),
        topics: z.array(Tag).max(30),
        yearsExperience: z.number().int().min(0).max(70),
        availability: z.array(AvailabilityWindowSchema).max(28),
        acceptingInvitations: z.boolean(),
        campusTies: z.array(z.string().max(40)).max(10),
      })
      .partial()
      .strict()
      .optional(),
    student: z
      .object({
        major: z.string().max(100),
        year: z.number().int().min(1).max(8).nullable(),
        interests: z.array(Tag).max(30),
      })
      .partial()
      .strict()
      .optional(),
    club: z
      .object({
        name: z.string().trim().min(1).max(100),
        description: z.string().max(2000),
        officers: z
          .array(z.object({ userId: z.string().uuid(), title: z.string().trim().min(1).max(60) }).strict())
          .max(20),
      })
      .partial()
      .strict()
      .optional(),
  })
  .strict()
  .openapi("ProfilePatch");
