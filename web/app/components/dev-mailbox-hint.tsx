import { Link } from "react-router";
import { useRootData, useT } from "~/lib/root-data";

/**
 * Outside production, mail is kept in the dev mailbox; point there wherever a page says "check your
 * e-mail". A full page load, since the worker routes /dev/mail.data to the API.
 */
export function DevMailboxHint() {
  const t = useT();
  if (!useRootData()?.devTools) return null;
  return (
    <p className="dev-hint">
      {t("dev.mailboxHint")}{" "}
      <Link to="/dev/mail" reloadDocument>
        {t("dev.openMailbox")}
      </Link>
    </p>
  );
}
