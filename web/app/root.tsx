import { type ReactNode, useEffect, useState } from "react";
import {
  data,
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
} from "react-router";
import type { Route } from "./+types/root";
import { Notice } from "./components/notice";
import { apiCall } from "./lib/api.server";
import type { Me } from "./lib/api-types";
import { HTML_LANG, LANGS, preferredLang, translator } from "./lib/i18n";
import { useRootData, useT } from "./lib/root-data";
import { useSessionEnded } from "./lib/session-ended";
import { requestTimeZone } from "./lib/time";
import { TimeZoneProvider } from "./lib/time-zone";
import { useInbox } from "./lib/use-inbox";
import stylesHref from "./styles.css?url";

export const links: Route.LinksFunction = () => [
  { rel: "stylesheet", href: stylesHref },
  {
    rel: "icon",
    href: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='8' fill='%234f46e5'/%3E%3Ctext x='16' y='22' font-size='16' text-anchor='middle' fill='white' font-family='sans-serif'%3EA%3C/text%3E%3C/svg%3E",
  },
];

export async function loader({ request, context }: Route.LoaderArgs) {
  // /api/me carries the unread count, so the header costs one API call.
  const me = await apiCall<Me>(context, request, "/api/me");
  return data(
    {
      lang: preferredLang(request),
      timeZone: requestTimeZone(request),
      account: me.ok ? me.data.account : null,
      unread: me.ok ? me.data.unreadNotifications : 0,
      /** The dev mailbox and its links exist outside production only. */
      devTools: context.env.APP_ENV !== "production",
    },
    { headers: me.headers },
  );
}

export const meta: Route.MetaFunction = ({ data: root }) => {
  const t = translator(root?.lang ?? "en");
  return [{ title: t("meta.title") }, { name: "description", content: t("meta.description") }];
};

export function Layout({ children }: { children: ReactNode }) {
  const root = useRootData();
  return (
    <html lang={HTML_LANG[root?.lang ?? "en"]}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <Meta />
        <Links />
      </head>
      <body>
        <TimeZoneProvider initial={root?.timeZone ?? "UTC"}>
          <SiteHeader />
          <main className="page">
            <SessionEndedNotice />
            {children}
          </main>
        </TimeZoneProvider>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  // Marks the page as interactive once React has hydrated it: a click or submit before then is the
  // browser's own (no JavaScript handler yet), so browser tests wait for it (test/e2e/helpers.ts).
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return <Outlet />;
}

function SiteHeader() {
  const root = useRootData();
  const t = useT();
  const location = useLocation();
  const account = root?.account;
  // The bell counts live: a notification pushed to this user's inbox adds one; reading them in any
  // tab sends the new count to every tab. A page load brings the stored count again.
  const [live, setLive] = useState<{ base: number | null; pushed: number }>({ base: null, pushed: 0 });
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new stored count from the loader is what resets the live one
  useEffect(() => setLive({ base: null, pushed: 0 }), [root?.unread]);
  useInbox((frame) => {
    if (frame.type === "notification") setLive((l) => ({ ...l, pushed: l.pushed + 1 }));
    if (frame.type === "unread") setLive({ base: frame.count, pushed: 0 });
  }, Boolean(account));
  const unread = (live.base ?? root?.unread ?? 0) + live.pushed;
  const here = `${location.pathname}${location.search}`;
  return (
    <header className="site-header">
      <div className="site-header-inner">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            A
          </span>
          ATAS
        </Link>
        <nav aria-label={t("nav.main")} className="site-nav">
          {root?.devTools ? (
            // A full page load: the worker sends /dev/* other than /dev/mail itself (so also its
            // /dev/mail.data loader requests) to the API, so the mailbox cannot load client-side.
            <NavLink to="/dev/mail" reloadDocument className="nav-link nav-dev">
              {t("nav.devMail")}
            </NavLink>
          ) : null}
          {/* atas-link's feeds; visitors see public notes. Following is a tab of the same page. */}
          <NavLink
            to="/discover"
            className={({ isActive }) =>
              isActive || location.pathname === "/following" ? "nav-link active" : "nav-link"
            }
            data-testid="nav-discover"
          >
            {t("nav.discover")}
          </NavLink>
          <NavLink to="/events" className="nav-link" data-testid="nav-events">
            {t("nav.events")}
          </NavLink>
          <NavLink to="/experts" className="nav-link">
            {t("nav.experts")}
          </NavLink>
          {account ? (
            <>
              <NavLink
                to="/notes/new"
                className="button button-small nav-post"
                aria-label={t("nav.postLabel")}
                data-testid="nav-post"
              >
                <span aria-hidden="true">+ </span>
                {t("nav.post")}
              </NavLink>
              <NavLink to="/invitations" className="nav-link">
                {t("nav.invitations")}
              </NavLink>
              <NavLink to="/rooms" className="nav-link">
                {t("rooms.title")}
              </NavLink>
              <NavLink to="/network" className="nav-link">
                {t("network.title")}
              </NavLink>
              {account.role === "admin" ? (
                <NavLink to="/admin" className="nav-link">
                  {t("admin.title")}
                </NavLink>
              ) : null}
              <NavLink
                to="/notifications"
                className={unread ? "nav-link bell has-unread" : "nav-link bell"}
                aria-label={t("nav.unread", { count: unread })}
              >
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                  <path
                    fill="currentColor"
                    d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
                  />
                </svg>
                <span className="bell-count" data-testid="unread-count">
                  {unread}
                </span>
              </NavLink>
              <NavLink
                to="/profile"
                className="nav-link whoami"
                aria-label={`${t("nav.signedInAs")} ${account.displayName}`}
              >
                <span data-testid="whoami">{account.displayName}</span>
              </NavLink>
              <Form method="post" action="/logout" className="inline-form">
                <button type="submit" className="button button-small button-ghost" data-testid="logout">
                  {t("nav.logout")}
                </button>
              </Form>
            </>
          ) : (
            <>
              <NavLink to="/login" className="nav-link">
                {t("nav.login")}
              </NavLink>
              <NavLink to="/register" className="button button-small">
                {t("nav.register")}
              </NavLink>
            </>
          )}
          {/* Switching language reloads the page: every string changes anyway, and it works on any path. */}
          <Form
            method="post"
            action="/lang"
            reloadDocument
            className="lang-toggle"
            aria-label={t("nav.language")}
          >
            <input type="hidden" name="redirectTo" value={here} />
            {LANGS.map((lang) => (
              <button
                key={lang}
                type="submit"
                name="lang"
                value={lang}
                aria-pressed={(root?.lang ?? "en") === lang}
                lang={HTML_LANG[lang]}
              >
                {lang === "en" ? "EN" : "中文"}
              </button>
            ))}
          </Form>
        </nav>
      </div>
    </header>
  );
}

/** Shown once the session behind this page's live sockets ended (signed out elsewhere, password changed). */
function SessionEndedNotice() {
  const t = useT();
  const location = useLocation();
  const ended = useSessionEnded();
  if (!ended) return null;
  const here = `${location.pathname}${location.search}`;
  return (
    <Notice tone="error" testId="session-ended">
      {t("session.ended")}{" "}
      <Link to={`/login?redirectTo=${encodeURIComponent(here)}`}>{t("session.signInAgain")}</Link>
    </Notice>
  );
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  const t = useT();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  if (!notFound) console.error(error);
  return (
    <section className="card narrow">
      <h1>{notFound ? t("notFound.title") : t("error.title")}</h1>
      <p>{notFound ? t("notFound.lead") : t("error.generic")}</p>
      <p>
        <Link to="/">{t("error.backHome")}</Link>
      </p>
    </section>
  );
}
