/** Profiles: what a person shows others (student, expert, club), and expert vetting. */
export { mountExpertVetting } from "./routes/expert-vetting";
export { mountProfiles } from "./routes/profiles";
export { AccountSchema, ProfilePatchSchema, ProfileSchema, toAccount } from "./routes/schemas";
export { verifiedExperts, vetByWorkDomain } from "./services/expert-vetting";
export { getProfile } from "./services/get-profile";
export { avatarUrl } from "./services/load-profile";
export { DEFAULT_TIME_ZONE, timeZonesInUse, timeZonesOf } from "./services/time-zones";
export { checkProfilePatch, type ProfilePatch, writeProfile } from "./services/update-profile";
