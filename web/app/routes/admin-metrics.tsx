import { data, Form, Link, redirect } from "react-router";
import { Fact } from "~/components/facts";
import { apiCall } from "~/lib/api.server";
import { pageMeta, useT } from "~/lib/root-data";
import type { MetricsReport, MetricWindow } from "../../../worker/src/ops";
import type { Route } from "./+types/admin-metrics";

const WINDOWS: MetricWindow[] = ["15m", "1h", "24h", "48h"];
const COMPONENTS = ["workers", "d1", "durableObjects", "queues", "r2", "store", "ai"] as const;

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "metrics.title");

/** The operator's figures (GET /api/admin/metrics): traffic, errors, latency, queues, the day's cost. Admins only. */
export async function loader({ request, context }: Route.LoaderArgs) {
  const asked = new URL(request.url).searchParams.get("window");
  const window = WINDOWS.find((w) => w === asked) ?? "24h";
  const report = await apiCall<MetricsReport>(context, request, `/api/admin/metrics?window=${window}`);
  if (report.status === 401) throw redirect("/login?redirectTo=/admin/metrics", { headers: report.headers });
  if (report.status === 403) throw data(null, { status: 404 });
  if (!report.ok) throw data(report.problem, { status: report.status });
  return { report: report.data };
}

const usd = (n: number) => `$${n < 0.01 && n > 0 ? n.toPrecision(2) : n.toFixed(2)}`;
const ms = (n: number) => `${Math.round(n * 10) / 10} ms`;

export default function AdminMetrics({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const { report } = loaderData;
  const number = (n: number) => n.toLocaleString("en");
  return (
    <div className="stack">
      <section className="card" aria-labelledby="metrics-title" data-testid="metrics">
        <div className="mailbox-head">
          <h1 id="metrics-title">{t("metrics.title")}</h1>
          <Form method="get" className="draft-options">
            <select name="window" defaultValue={report.window} aria-label={t("metrics.window")}>
              {WINDOWS.map((w) => (
                <option key={w} value={w}>
                  {t("metrics.last", { window: w })}
                </option>
              ))}
            </select>
            <button type="submit" className="button button-ghost button-small">
              {t("admin.show")}
            </button>
          </Form>
        </div>
        {report.note ? <p className="notice">{t("metrics.production")}</p> : null}
        <dl className="facts">
          <Fact label={t("metrics.requests")}>
            <span data-testid="metrics-requests">{number(report.requests)}</span>
          </Fact>
          <Fact label={t("metrics.errors")}>{number(report.errors)}</Fact>
          <Fact label={t("metrics.errorRate")}>
            <span data-testid="metrics-error-rate">{(report.errorRate * 100).toFixed(1)} %</span>
          </Fact>
        </dl>
      </section>
      <section className="card" aria-labelledby="routes-title">
        <h2 id="routes-title">{t("metrics.routesTitle")}</h2>
        {report.routes.length === 0 ? <p className="muted">{t("metrics.none")}</p> : null}
        <div className="table-scroll">
          <table className="data-table" data-testid="metrics-routes">
            <thead>
              <tr>
                <th scope="col">{t("metrics.route")}</th>
                <th scope="col">{t("metrics.count")}</th>
                <th scope="col">{t("metrics.errors")}</th>
                <th scope="col">p50</th>
                <th scope="col">p95</th>
              </tr>
            </thead>
            <tbody>
              {report.routes.map((r) => (
                <tr key={`${r.kind} ${r.method} ${r.name}`}>
                  <td>
                    <code>{r.kind === "request" ? `${r.method} ${r.name}` : `${r.kind} ${r.name}`}</code>
                  </td>
                  <td>{number(r.count)}</td>
                  <td>{number(r.errors)}</td>
                  <td>{ms(r.p50Ms)}</td>
                  <td>{ms(r.p95Ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card" aria-labelledby="queues-title">
        <h2 id="queues-title">{t("metrics.queuesTitle")}</h2>
        <p className="muted small">{t("metrics.queuesIntro")}</p>
        <div className="table-scroll">
          <table className="data-table" data-testid="metrics-queues">
            <thead>
              <tr>
                <th scope="col">{t("metrics.queue")}</th>
                <th scope="col">{t("metrics.sent")}</th>
                <th scope="col">{t("metrics.acked")}</th>
                <th scope="col">{t("metrics.retried")}</th>
                <th scope="col">{t("metrics.backlog")}</th>
                <th scope="col">{t("admin.deadTitle")}</th>
              </tr>
            </thead>
            <tbody>
              {report.queues.map((q) => (
                <tr key={q.queue}>
                  <td>
                    <code>{q.queue}</code>
                  </td>
                  <td>{number(q.sent)}</td>
                  <td>{number(q.acked)}</td>
                  <td>{number(q.retried)}</td>
                  <td>{number(q.backlog)}</td>
                  <td>{number(q.deadLetters)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Link to="/admin" className="small">
          {t("metrics.deadLettersLink")}
        </Link>
      </section>
      <section className="card" aria-labelledby="cost-title">
        <h2 id="cost-title">{t("metrics.costTitle")}</h2>
        <p className="muted small">{t("metrics.costIntro")}</p>
        <div className="table-scroll">
          <table className="data-table" data-testid="metrics-cost">
            <thead>
              <tr>
                <th scope="col">{t("metrics.component")}</th>
                <th scope="col">{t("metrics.listPrice")}</th>
                <th scope="col">{t("metrics.monthAtRate")}</th>
              </tr>
            </thead>
            <tbody>
              {COMPONENTS.map((c) => (
                <tr key={c}>
                  <td>{t(`metrics.component.${c}`)}</td>
                  <td>{usd(report.day.listUsd[c] ?? 0)}</td>
                  <td>{usd(report.day.monthAtThisRateUsd[c] ?? 0)}</td>
                </tr>
              ))}
              <tr>
                <th scope="row">{t("metrics.platformTotal")}</th>
                <td data-testid="metrics-day-total">{usd(report.day.listUsd.platform ?? 0)}</td>
                <td>{usd(report.day.monthAtThisRateUsd.platform ?? 0)}</td>
              </tr>
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}
