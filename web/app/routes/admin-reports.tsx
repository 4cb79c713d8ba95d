import { data, Form, Link, redirect, useNavigation } from "react-router";
import { Notice } from "~/components/notice";
import { When } from "~/components/when";
import { apiCall } from "~/lib/api.server";
import type { Problem } from "~/lib/api-types";
import { formText, problemMessage } from "~/lib/forms";
import type { MessageKey } from "~/lib/i18n";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/admin-reports";

type Target = "note" | "comment" | "user";
type Decision = "restore" | "remove" | "dismiss";

/** One reported target as GET /api/admin/reports returns it (worker/src/link/moderation/routes/reports.ts). */
interface ReviewItem {
  target: Target;
  id: string;
  reports: number;
  reasons: { reason: string; count: number }[];
  details: { reason: string; detail: string; at: string }[];
  firstReportedAt: string;
  lastReportedAt: string;
  preview: {
    title: string | null;
    text: string;
    author: { id: string; displayName: string };
    hidden: boolean;
    noteId: string | null;
    imageUrl: string | null;
  } | null;
}

const DECISIONS: Decision[] = ["restore", "remove", "dismiss"];
const TARGETS = new Set<string>(["note", "comment", "user"]);

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "reports.title");

/** The review queue, the longest waiting first; `?cursor=` pages on. Admins only (others get a 404). */
export async function loader({ request, context }: Route.LoaderArgs) {
  const cursor = new URL(request.url).searchParams.get("cursor");
  const page = await apiCall<{ items: ReviewItem[]; nextCursor: string | null }>(
    context,
    request,
    `/api/admin/reports?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
  );
  if (page.status === 401) throw redirect("/login?redirectTo=/admin/reports", { headers: page.headers });
  if (page.status === 403) throw data(null, { status: 404 });
  if (!page.ok) throw data(page.problem, { status: page.status });
  return { ...page.data, paged: cursor !== null };
}

type DecisionResult = { done: Decision | null; problem: Problem | null };

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const decision = formText(form, "decision");
  const target = formText(form, "target");
  if (!(DECISIONS as string[]).includes(decision) || !TARGETS.has(target))
    return data<DecisionResult>(
      { done: null, problem: { title: "Bad request", status: 400 } },
      { status: 400 },
    );
  const result = await apiCall(context, request, "/api/admin/reports/decision", {
    json: { target, id: formText(form, "id"), action: decision },
  });
  if (result.ok)
    return data<DecisionResult>({ done: decision as Decision, problem: null }, { headers: result.headers });
  return data<DecisionResult>(
    { done: null, problem: result.problem },
    { status: result.status, headers: result.headers },
  );
}

function targetHref(item: ReviewItem): string | null {
  if (!item.preview) return null;
  if (item.target === "user") return `/u/${item.id}`;
  return item.preview.noteId ? `/notes/${item.preview.noteId}` : null;
}

export default function AdminReports({ loaderData, actionData }: Route.ComponentProps) {
  const t = useT();
  const busy = useNavigation().state !== "idle";
  const { items, nextCursor, paged } = loaderData;
  return (
    <div className="stack">
      <section className="card" aria-labelledby="reports-title">
        <div className="mailbox-head">
          <h1 id="reports-title">{t("reports.title")}</h1>
          <Link to="/admin" className="button button-ghost button-small">
            {t("admin.title")}
          </Link>
        </div>
        <p className="muted small">{t("reports.intro")}</p>
        {actionData?.done ? (
          <Notice tone="success" testId="decision-done">
            {t(`reports.done.${actionData.done}`)}
          </Notice>
        ) : null}
        {actionData?.problem ? <Notice tone="error">{problemMessage(actionData.problem, t)}</Notice> : null}
        {items.length === 0 ? (
          <p className="muted" data-testid="reports-empty">
            {t("reports.none")}
          </p>
        ) : null}
      </section>
      {items.map((item) => {
        const href = targetHref(item);
        const decisions: Decision[] = item.target === "user" ? ["dismiss"] : DECISIONS;
        return (
          <article
            key={`${item.target}:${item.id}`}
            className="card review-item"
            data-testid="report-item"
            data-target-id={item.id}
          >
            <div className="review-item-head">
              <span className="badge">{t(`reports.target.${item.target}` as MessageKey)}</span>
              <strong data-testid="report-count">{t("reports.count", { n: item.reports })}</strong>
              {item.preview?.hidden ? (
                <span className="badge badge-muted" data-testid="report-hidden">
                  {t("reports.hidden")}
                </span>
              ) : null}
              {item.preview ? null : <span className="badge badge-muted">{t("reports.gone")}</span>}
            </div>
            <ul className="chips" aria-label={t("reports.reasons")}>
              {item.reasons.map((r) => (
                <li key={r.reason} className="chip">
                  {t(`report.reason.${r.reason}` as MessageKey)} × {r.count}
                </li>
              ))}
            </ul>
            {item.preview ? (
              <div className="review-preview">
                {item.preview.imageUrl ? <img src={item.preview.imageUrl} alt="" loading="lazy" /> : null}
                <div>
                  {item.preview.title ? <h2 className="small">{item.preview.title}</h2> : null}
                  {item.target === "user" ? (
                    <p className="muted small">{t(`role.${item.preview.text}` as MessageKey)}</p>
                  ) : (
                    <>
                      <p className="prewrap">{item.preview.text}</p>
                      <p className="muted small">
                        {t("reports.by", { name: item.preview.author.displayName })}
                      </p>
                    </>
                  )}
                  {href ? (
                    <p className="small">
                      <Link to={href}>{t("reports.view")}</Link>
                    </p>
                  ) : null}
                </div>
              </div>
            ) : null}
            {item.details.length ? (
              <ul className="plain small">
                {item.details.map((d) => (
                  <li key={`${d.at}-${d.reason}`} className="prewrap">
                    “{d.detail}”
                  </li>
                ))}
              </ul>
            ) : null}
            <p className="muted small">
              {t("reports.since")} <When iso={item.firstReportedAt} zone={false} />
            </p>
            <Form method="post" className="row-actions">
              <input type="hidden" name="target" value={item.target} />
              <input type="hidden" name="id" value={item.id} />
              {decisions.map((decision) => (
                <button
                  key={decision}
                  type="submit"
                  name="decision"
                  value={decision}
                  disabled={busy}
                  className={
                    decision === "remove"
                      ? "button button-danger button-small"
                      : decision === "restore"
                        ? "button button-small"
                        : "button button-ghost button-small"
                  }
                  data-testid={`decide-${decision}`}
                >
                  {t(`reports.${decision}`)}
                </button>
              ))}
            </Form>
          </article>
        );
      })}
      {nextCursor || paged ? (
        <div className="row-actions">
          {paged ? (
            <Link to="/admin/reports" className="button button-ghost">
              {t("reports.first")}
            </Link>
          ) : null}
          {nextCursor ? (
            <Link to={`?cursor=${encodeURIComponent(nextCursor)}`} className="button button-ghost">
              {t("reports.next")}
            </Link>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
