import { data, Form, Link, redirect, useNavigation } from "react-router";
import { TextAreaField } from "~/components/field";
import { Notice } from "~/components/notice";
import { apiCall } from "~/lib/api.server";
import type { Problem } from "~/lib/api-types";
import { formText, problemMessage } from "~/lib/forms";
import type { MessageKey } from "~/lib/i18n";
import { preferredLang, translatorFor } from "~/lib/i18n";
import { pageMeta, useT } from "~/lib/root-data";
import type { Route } from "./+types/network";

interface Person {
  userId: string;
  displayName: string;
  role: string;
}
interface RequestRow extends Person {
  id: string;
  message: string | null;
}
interface IntroRow {
  id: string;
  invitationId: string;
  title: string;
  status: "pending" | "endorsed" | "declined";
  message: string | null;
  requesterName: string;
  connectorName: string;
  expertName: string;
}

export const meta: Route.MetaFunction = ({ matches }) => pageMeta(matches, "network.title");

export async function loader({ request, context }: Route.LoaderArgs) {
  const [connections, requests, people, intros] = await Promise.all([
    apiCall<{ connections: (Person & { source: string })[] }>(context, request, "/api/connections"),
    apiCall<{ incoming: RequestRow[]; outgoing: RequestRow[] }>(
      context,
      request,
      "/api/connections/requests",
    ),
    apiCall<{
      people: { id: string; displayName: string; mutuals: number; via: { displayName: string }[] }[];
    }>(context, request, "/api/network/people?limit=12"),
    apiCall<{ toAnswer: IntroRow[]; asked: IntroRow[] }>(context, request, "/api/introductions"),
  ]);
  if (connections.status === 401)
    throw redirect("/login?redirectTo=/network", { headers: connections.headers });
  if (!connections.ok) throw data(connections.problem, { status: connections.status });
  return {
    connections: connections.data.connections,
    incoming: requests.ok ? requests.data.incoming : [],
    outgoing: requests.ok ? requests.data.outgoing : [],
    people: people.ok ? people.data.people : [],
    toAnswer: intros.ok ? intros.data.toAnswer : [],
    asked: intros.ok ? intros.data.asked : [],
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const text = (name: string) => formText(form, name).trim();
  const id = encodeURIComponent(text("id"));
  const intent = text("intent");
  const calls: Record<string, () => ReturnType<typeof apiCall>> = {
    connect: () => apiCall(context, request, "/api/connections/requests", { json: { toUserId: text("id") } }),
    accept: () => apiCall(context, request, `/api/connections/requests/${id}/accept`, { method: "POST" }),
    decline: () => apiCall(context, request, `/api/connections/requests/${id}/decline`, { method: "POST" }),
    withdraw: () => apiCall(context, request, `/api/connections/requests/${id}/withdraw`, { method: "POST" }),
    remove: () => apiCall(context, request, `/api/connections/${id}`, { method: "DELETE" }),
    endorse: () =>
      apiCall(context, request, `/api/introductions/${id}/endorse`, {
        json: text("note") ? { note: text("note") } : {},
      }),
    "decline-intro": () => apiCall(context, request, `/api/introductions/${id}/decline`, { json: {} }),
  };
  const call = calls[intent];
  if (!call)
    return data(
      {
        problem: null as Problem | null,
        error: (await translatorFor(preferredLang(request)))("error.generic"),
      },
      { status: 400 },
    );
  const result = await call();
  if (result.ok) return redirect("/network", { headers: result.headers });
  return data(
    { problem: result.problem as Problem | null, error: null },
    { status: result.status, headers: result.headers },
  );
}

function Button({
  intent,
  id,
  label,
  ghost,
}: {
  intent: string;
  id: string;
  label: string;
  ghost?: boolean;
}) {
  const busy = useNavigation().state === "submitting";
  return (
    <Form method="post" className="inline-form">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      <button
        type="submit"
        className={ghost ? "button button-ghost button-small" : "button button-small"}
        disabled={busy}
        data-testid={`${intent}-${id}`}
      >
        {label}
      </button>
    </Form>
  );
}

export default function Network({ loaderData, actionData }: Route.ComponentProps) {
  const t = useT();
  const { connections, incoming, outgoing, people, toAnswer, asked } = loaderData;
  const open = toAnswer.filter((i) => i.status === "pending");
  return (
    <div className="stack">
      {actionData?.problem ? <Notice tone="error">{problemMessage(actionData.problem, t)}</Notice> : null}
      {actionData?.error ? <Notice tone="error">{actionData.error}</Notice> : null}
      {open.length ? (
        <section className="card" aria-labelledby="intro-title" data-testid="introductions-to-answer">
          <h2 id="intro-title">{t("network.introductions")}</h2>
          <ul className="plain network-list">
            {open.map((intro) => (
              <li key={intro.id} data-testid="introduction">
                <p>
                  {t("network.introAsk", {
                    requester: intro.requesterName,
                    title: intro.title,
                    expert: intro.expertName,
                  })}
                </p>
                {intro.message ? <p className="prewrap quote">{intro.message}</p> : null}
                <Form method="post" className="form">
                  <input type="hidden" name="id" value={intro.id} />
                  <TextAreaField label={t("network.note")} name="note" rows={2} maxLength={1000} />
                  <div className="actions">
                    <button
                      type="submit"
                      name="intent"
                      value="endorse"
                      className="button"
                      data-testid="endorse"
                    >
                      {t("network.endorse")}
                    </button>
                    <button type="submit" name="intent" value="decline-intro" className="button button-ghost">
                      {t("network.decline")}
                    </button>
                  </div>
                </Form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="card" aria-labelledby="requests-title" data-testid="requests">
        <h2 id="requests-title">{t("network.requests")}</h2>
        {incoming.length + outgoing.length === 0 ? <p className="muted">{t("network.noRequests")}</p> : null}
        <ul className="plain network-list">
          {incoming.map((r) => (
            <li key={r.id} className="row-actions">
              <Link to={`/u/${r.userId}`}>{r.displayName}</Link>
              {r.message ? <span className="muted"> · {r.message}</span> : null}
              <Button intent="accept" id={r.id} label={t("network.accept")} />
              <Button intent="decline" id={r.id} label={t("network.decline")} ghost />
            </li>
          ))}
          {outgoing.map((r) => (
            <li key={r.id} className="row-actions">
              <span className="muted">{t("network.waiting", { name: r.displayName })}</span>
              <Button intent="withdraw" id={r.id} label={t("network.withdraw")} ghost />
            </li>
          ))}
        </ul>
      </section>
      {people.length ? (
        <section className="card" aria-labelledby="people-title" data-testid="people">
          <h2 id="people-title">{t("network.people")}</h2>
          <ul className="plain network-list">
            {people.map((p) => (
              <li key={p.id} className="row-actions">
                <Link to={`/u/${p.id}`}>{p.displayName}</Link>
                <span className="chip chip-via">
                  {t("network.via", { names: p.via.map((v) => v.displayName).join(", ") })}
                </span>
                <Button intent="connect" id={p.id} label={t("network.connect")} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="card" aria-labelledby="connections-title" data-testid="connections">
        <h2 id="connections-title">{t("network.connections")}</h2>
        {connections.length === 0 ? <p className="muted">{t("network.noConnections")}</p> : null}
        <ul className="plain network-list">
          {connections.map((c) => (
            <li key={c.userId}>
              <Link to={`/u/${c.userId}`}>{c.displayName}</Link>{" "}
              <span className="muted small">{t(`role.${c.role}` as MessageKey)}</span>
            </li>
          ))}
        </ul>
      </section>
      {asked.length ? (
        <section className="card" aria-labelledby="asked-title">
          <h2 id="asked-title">{t("network.myIntroductions")}</h2>
          <ul className="plain network-list">
            {asked.map((intro) => (
              <li key={intro.id}>
                <Link to={`/invitations/${intro.invitationId}`}>{intro.title}</Link> · {intro.connectorName} ·{" "}
                <span className="chip">{t(`network.introStatus.${intro.status}` as MessageKey)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
