/**
 * Identity: accounts, sessions, e-mail verification and passwords, and the one campus rule
 * (`memberCampus`): a campus counts only when a verified campus e-mail proves it.
 */
export { isCampusMember, memberCampus, memberCampusSql } from "./campus-membership";
export { loadSession, withPageSessions } from "./load-session";
export { ACCOUNT_MAIL_KINDS, type AccountMailKind, composeAccountMail } from "./mails";
export { mountCampuses } from "./routes/campuses";
export { mountPassword } from "./routes/password";
export { mountRegister } from "./routes/register";
export { mountSession } from "./routes/session";
export { mountVerify } from "./routes/verify";
export { purgeStaleEmailTokens } from "./services/email-tokens";
export { purgeExpiredSessions } from "./services/sessions";
