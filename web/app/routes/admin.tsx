import { data, Form, Link, redirect } from "react-router";
import { Fact } from "~/components/facts";
import { apiCall } from "~/lib/api.server";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/admin";

interface AiUsage {
  day: string;
  timeZone: string;
  drafts: number;
  failed: number;
  promptTokens: number;
  completionTokens: number;
  byProvider: { provider: string; drafts: number; promptTokens: number; completionTokens: number }[];
}
interface DeadLetter {
  id: string;
  queue: string;
  key: string;
  createdAt: string;
}

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "admin.title");

/** The operator's page: the day's AI spend and the jobs that ran out of retries. Admins only. */
export async function loader({ request, context }: Route.LoaderArgs) {
  const day = new URL(request.url).searchParams.get("day");
  const [usage, dead] = await Promise.all([
    apiCall<AiUsage>(context, request, `/api/admin/ai-usage${day ? `?day=${encodeURIComponent(day)}` : ""}`),
    apiCall<{ deadLetters: DeadLetter[] }>(context, request, "/api/admin/dead-letters"),
  ]);
  if (usage.status === 401) throw redirect("/login?redirectTo=/admin", { headers: usage.headers });
  if (usage.status === 403) throw data(null, { status: 404 });
  if (!usage.ok) throw data(usage.problem, { status: usage.status });
  return { usage: usage.data, deadLetters: dead.ok ? dead.data.deadLetters : [] };
}

export default function Admin({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const { usage, deadLetters } = loaderData;
  const number = (n: number) => n.toLocaleString("en");
  return (
    <div className="stack">
      <section className="card" aria-labelledby="ai-title" data-testid="ai-usage">
        <div className="mailbox-head">
          <h1 id="ai-title">{t("admin.aiTitle")}</h1>
          <Form method="get" className="draft-options">
            <input type="date" name="day" defaultValue={usage.day} aria-label={t("admin.day")} />
            <button type="submit" className="button button-ghost button-small">
              {t("admin.show")}
            </button>
          </Form>
        </div>
        <p className="muted small">{t("admin.aiIntro", { day: usage.day, zone: usage.timeZone })}</p>
        <dl className="facts">
          <Fact label={t("admin.drafts")}>
            <span data-testid="usage-drafts">{number(usage.drafts)}</span>
          </Fact>
          <Fact label={t("admin.failed")}>{number(usage.failed)}</Fact>
          <Fact label={t("admin.promptTokens")}>{number(usage.promptTokens)}</Fact>
          <Fact label={t("admin.completionTokens")}>
            <span data-testid="usage-completion">{number(usage.completionTokens)}</span>
          </Fact>
          <Fact label={t("admin.totalTokens")}>{number(usage.promptTokens + usage.completionTokens)}</Fact>
        </dl>
        {usage.byProvider.length ? (
          <ul className="plain">
            {usage.byProvider.map((p) => (
              <li key={p.provider}>
                <strong>{p.provider}</strong>:{" "}
                {t("admin.providerLine", {
                  drafts: p.drafts,
                  tokens: number(p.promptTokens + p.completionTokens),
                })}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <section className="card" aria-labelledby="moderation-title">
        <h2 id="moderation-title">{t("reports.title")}</h2>
        <Link to="/admin/reports" className="button" data-testid="admin-reports-link">
          {t("admin.reportsLink")}
        </Link>
      </section>
      <section className="card" aria-labelledby="vetting-link-title">
        <h2 id="vetting-link-title">{t("vetting.title")}</h2>
        <Link to="/admin/experts" className="button" data-testid="admin-experts-link">
          {t("admin.expertsLink")}
        </Link>
      </section>
      <section className="card" aria-labelledby="metrics-link-title">
        <h2 id="metrics-link-title">{t("metrics.title")}</h2>
        <Link to="/admin/metrics" className="button" data-testid="admin-metrics-link">
          {t("admin.metricsLink")}
        </Link>
      </section>
      <section className="card" aria-labelledby="dead-title">
        <h2 id="dead-title">{t("admin.deadTitle")}</h2>
        {deadLetters.length === 0 ? <p className="muted">{t("admin.deadNone")}</p> : null}
        <ul className="plain">
          {deadLetters.slice(0, 50).map((d) => (
            <li key={d.id}>
              <code>{d.queue}</code> · {d.key} · <span className="muted small">{d.createdAt}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
