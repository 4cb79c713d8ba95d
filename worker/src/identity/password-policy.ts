import { BadRequest } from "../shared/errors";
import { COMMON_PASSWORDS } from "./common-passwords";

export const PASSWORD_MIN = 8;
/** Long passphrases are welcome; the cap only bounds hashing work. */
export const PASSWORD_MAX = 256;

export function assertAcceptablePassword(password: string, context: { email: string; displayName?: string }) {
  const lowered = password.toLowerCase();
  if (password.length < PASSWORD_MIN)
    throw new BadRequest(`Use at least ${PASSWORD_MIN} characters.`, { field: "password" });
  if (password.length > PASSWORD_MAX)
    throw new BadRequest(`Use at most ${PASSWORD_MAX} characters.`, { field: "password" });
  if (COMMON_PASSWORDS.has(lowered) || /^(.)\1+$/.test(password)) {
    throw new BadRequest("This password is too common; choose another.", { field: "password" });
  }
  const local = context.email.split("@")[0]?.toLowerCase();
  if (
    lowered === context.email.toLowerCase() ||
    (local && lowered === local) ||
    lowered === context.displayName?.toLowerCase()
  ) {
    throw new BadRequest("The password must not be your e-mail or name.", { field: "password" });
  }
}
