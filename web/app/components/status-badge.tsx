import type { InvitationStatus } from "~/lib/api-types";
import type { MessageKey } from "~/lib/i18n";
import { useT } from "~/lib/root-data";

/** The invitation's state in words; `data-status` carries the API's own value for tests and styles. */
export function StatusBadge({ status, testId }: { status: InvitationStatus; testId?: string }) {
  const t = useT();
  return (
    <span className={`badge status status-${status}`} data-status={status} data-testid={testId}>
      {t(`status.${status}` as MessageKey)}
    </span>
  );
}
