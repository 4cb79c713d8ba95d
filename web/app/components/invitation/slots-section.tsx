import { When } from "~/components/when";
import type { InvitationSlot } from "~/lib/api-types";
import { useT } from "~/lib/root-data";

/** Every round of proposed times, newest first, the current one marked. */
export function SlotsSection({
  slots,
  requesterName,
  expertName,
}: {
  slots: InvitationSlot[];
  requesterName: string;
  expertName: string;
}) {
  const t = useT();
  const rounds = [...new Set(slots.map((slot) => slot.round))].sort((a, b) => b - a);
  return (
    <section className="card" aria-labelledby="slots-title">
      <h2 id="slots-title">{t("invitation.slots")}</h2>
      {rounds.map((round) => {
        const inRound = slots.filter((slot) => slot.round === round);
        const current = inRound.some((slot) => slot.current);
        const by = inRound[0]?.proposedBy === "expert" ? expertName : requesterName;
        return (
          <div
            key={round}
            className={current ? "round round-current" : "round"}
            data-testid={current ? "current-round" : undefined}
          >
            <h3 className="round-title">
              {t("invitation.round", { n: round + 1 })} · {t("invitation.proposedBy", { name: by })}
              {current ? <span className="badge">{t("invitation.currentRound")}</span> : null}
            </h3>
            <ul className="plain">
              {inRound.map((slot) => (
                <li key={slot.id}>
                  <When iso={slot.startsAt} />
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </section>
  );
}
