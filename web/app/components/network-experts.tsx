import { Link } from "react-router";
import type { NetworkExpert } from "~/lib/api-types";
import type { MessageKey } from "~/lib/i18n";
import { useT } from "~/lib/root-data";

/**
 * "Experts in your network": each card says who it comes through ("via Aisyah, Wei Jie") and why it
 * ranks where it does. Shown on the directory and the dashboard when the viewer has any.
 */
export function NetworkExperts({ experts }: { experts: NetworkExpert[] }) {
  const t = useT();
  if (experts.length === 0) return null;
  return (
    <section className="card" aria-labelledby="network-experts-title" data-testid="network-experts">
      <h2 id="network-experts-title">{t("network.expertsTitle")}</h2>
      <p className="muted small">{t("network.expertsLead")}</p>
      <ul className="plain network-list">
        {experts.map((expert) => (
          <li key={expert.id} className="network-expert" data-testid="network-expert">
            <p>
              <Link to={`/experts/${expert.id}`}>
                <strong>{expert.displayName}</strong>
              </Link>
              {expert.headline ? <span className="muted"> · {expert.headline}</span> : null}
            </p>
            <p className="chips">
              <span className="chip chip-via" data-testid="via">
                {t("network.via", { names: expert.via.map((v) => v.displayName).join(", ") })}
              </span>
              {expert.reasons
                .filter((r) => r.kind !== "mutuals")
                .map((reason) => (
                  <span key={`${reason.kind}-${reason.value}`} className="chip">
                    {t(`network.reason.${reason.kind}` as MessageKey, { value: reason.value })}
                  </span>
                ))}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
