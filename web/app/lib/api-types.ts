import type { z } from "zod";
import type {
  AccountSchema,
  ProfilePatchSchema,
  ProfileSchema,
} from "../../../worker/src/profiles/routes/schemas";

// The web app reads the API's own schemas as types only: one contract, nothing from the worker is bundled.
export type Account = z.infer<typeof AccountSchema>;
export type Profile = z.infer<typeof ProfileSchema>;
export type ProfilePatch = z.infer<typeof ProfilePatchSchema>;
export type Role = Account["role"];
export type AvailabilityWindow = NonNullable<Profile["expert"]>["availability"][number];

export interface Me {
  account: Account;
  profile: Profile;
}

export interface Campus {
  id: string;
  name: string;
  country: string;
  timeZone: string;
}

export interface OutboxMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  createdAt: string;
}

/** An application/problem+json body, as the API's one error renderer writes it. */
export interface Problem {
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
  requestId?: string;
  retryAfter?: number;
  code?: string;
  field?: string;
}
