import { useFetcher } from "react-router";
import type { PersonState } from "~/lib/person";
import { useT } from "~/lib/root-data";

/**
 * Block / Unblock and Mute / Unmute for one person. Each posts `intent` and `userId` to the current
 * route's action (which calls personAction); the page's loaders run again, so it shows the new state.
 */
export function PersonControls({
  userId,
  blocked,
  muted,
}: {
  userId: string;
  blocked: boolean;
  muted: boolean;
}) {
  const t = useT();
  const fetcher = useFetcher<Partial<PersonState>>();
  const busy = fetcher.state !== "idle";
  // An action that answers the new state (the room's) is shown at once; otherwise the page's props.
  const answered = fetcher.data?.userId === userId ? fetcher.data : null;
  const isBlocked = answered?.blocked ?? blocked;
  const isMuted = answered?.muted ?? muted;
  const button = (intent: string, label: string, danger = false) => (
    <button
      type="submit"
      name="intent"
      value={intent}
      className={danger ? "button button-small button-danger" : "button button-small button-ghost"}
      disabled={busy}
      data-testid={intent}
    >
      {label}
    </button>
  );
  return (
    <fetcher.Form method="post" preventScrollReset className="row-actions">
      <input type="hidden" name="userId" value={userId} />
      {isBlocked ? button("unblock", t("person.unblock")) : button("block", t("person.block"), true)}
      {isMuted ? button("unmute", t("person.unmute")) : button("mute", t("person.mute"))}
    </fetcher.Form>
  );
}
