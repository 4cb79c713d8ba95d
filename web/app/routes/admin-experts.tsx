import { data, Form, Link, redirect, useNavigation } from "react-router";
import { Notice } from "~/components/notice";
import { When } from "~/components/when";
import { apiCall } from "~/lib/api.server";
import type { Problem } from "~/lib/api-types";
import { formText, problemMessage } from "~/lib/forms";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/admin-experts";

type Decision = "verify" | "reject";
const DECISIONS: Decision[] = ["verify", "reject"];

/** One expert waiting for vetting, as GET /api/admin/experts/pending returns it (profiles/routes/expert-vetting.ts). */
interface PendingExpert {
  id: string;
  displayName: string;
  email: string;
  emailVerified: boolean;
  headline: string;
  company: string;
  industry: string;
  joinedAt: string;
}

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "vetting.title");

/** The expert vetting queue, the longest waiting first. Admins only (others get a 404). */
export async function loader({ request, context }: Route.LoaderArgs) {
  const queue = await apiCall<{ experts: PendingExpert[] }>(
    context,
    request,
    "/api/admin/experts/pending?limit=50",
  );
  if (queue.status === 401) throw redirect("/login?redirectTo=/admin/experts", { headers: queue.headers });
  if (queue.status === 403) throw data(null, { status: 404 });
  if (!queue.ok) throw data(queue.problem, { status: queue.status });
  return queue.data;
}

type DecisionResult = { done: Decision | null; name: string; problem: Problem | null };

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const decision = formText(form, "decision");
  const id = formText(form, "id");
  const name = formText(form, "name");
  if (!(DECISIONS as string[]).includes(decision) || !/^[0-9a-f-]{36}$/.test(id))
    return data<DecisionResult>(
      { done: null, name, problem: { title: "Bad request", status: 400 } },
      { status: 400 },
    );
  const result = await apiCall(context, request, `/api/admin/experts/${id}/${decision}`, { method: "POST" });
  if (result.ok)
    return data<DecisionResult>(
      { done: decision as Decision, name, problem: null },
      { headers: result.headers },
    );
  return data<DecisionResult>(
    { done: null, name, problem: result.problem },
    { status: result.status, headers: result.headers },
  );
}

export default function AdminExperts({ loaderData, actionData }: Route.ComponentProps) {
  const t = useT();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="stack">
      <section className="card" aria-labelledby="vetting-title">
        <div className="mailbox-head">
          <h1 id="vetting-title">{t("vetting.title")}</h1>
          <Link to="/admin" className="button button-ghost button-small">
            {t("admin.title")}
          </Link>
        </div>
        <p className="muted small">{t("vetting.intro")}</p>
        {actionData?.done ? (
          <Notice tone="success" testId="vetting-done">
            {t(`vetting.done.${actionData.done}`, { name: actionData.name })}
          </Notice>
        ) : null}
        {actionData?.problem ? <Notice tone="error">{problemMessage(actionData.problem, t)}</Notice> : null}
        {loaderData.experts.length === 0 ? (
          <p className="muted" data-testid="vetting-empty">
            {t("vetting.none")}
          </p>
        ) : null}
      </section>
      {loaderData.experts.map((expert) => (
        <article
          key={expert.id}
          className="card review-item"
          data-testid="pending-expert"
          data-expert-id={expert.id}
        >
          <div className="review-item-head">
            <strong>
              <Link to={`/experts/${expert.id}`}>{expert.displayName}</Link>
            </strong>
            <span className="badge badge-muted">{t("expert.unverified")}</span>
          </div>
          <p>
            {expert.headline}
            {expert.company ? ` · ${expert.company}` : ""}
            {expert.industry ? ` · ${expert.industry}` : ""}
          </p>
          <p className="muted small">
            {expert.email} ·{" "}
            {expert.emailVerified ? t("vetting.emailVerified") : t("vetting.emailUnverified")}
          </p>
          <p className="muted small">
            {t("vetting.since")} <When iso={expert.joinedAt} zone={false} />
          </p>
          <Form method="post" className="row-actions">
            <input type="hidden" name="id" value={expert.id} />
            <input type="hidden" name="name" value={expert.displayName} />
            {DECISIONS.map((decision) => (
              <button
                key={decision}
                type="submit"
                name="decision"
                value={decision}
                disabled={busy}
                className={
                  decision === "verify" ? "button button-small" : "button button-danger button-small"
                }
                data-testid={`vet-${decision}`}
              >
                {t(`vetting.${decision}`)}
              </button>
            ))}
          </Form>
        </article>
      ))}
    </div>
  );
}
