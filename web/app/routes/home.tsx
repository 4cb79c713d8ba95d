import { Link } from "react-router";
import { useRootData, useT } from "~/lib/root-data";

export default function Home() {
  const t = useT();
  const account = useRootData()?.account;
  return (
    <>
      <section className="hero">
        <p className="eyebrow">{t("home.eyebrow")}</p>
        <h1>{t("home.title")}</h1>
        <p className="lead">{t("home.lead")}</p>
        {account ? (
          <div className="actions">
            <p className="welcome">{t("home.welcomeBack", { name: account.displayName })}</p>
            {/* Students come back for their feed; everyone else's first stop stays their profile. */}
            {account.role === "student" ? (
              <Link to="/discover" className="button" data-testid="home-feed">
                {t("home.ctaFeed")}
              </Link>
            ) : null}
            <Link to="/profile" className={account.role === "student" ? "button button-ghost" : "button"}>
              {t("home.ctaProfile")}
            </Link>
          </div>
        ) : (
          <div className="actions">
            <Link to="/register" className="button">
              {t("home.ctaRegister")}
            </Link>
            <Link to="/login" className="button button-ghost">
              {t("home.ctaLogin")}
            </Link>
          </div>
        )}
      </section>

      <div className="products">
        <section className="card product product-pro">
          <h2>{t("home.proTitle")}</h2>
          <p className="lead-small">{t("home.proLead")}</p>
          <ul className="features">
            <li>{t("home.proStructured")}</li>
            <li>{t("home.proDrafts")}</li>
            <li>{t("home.proReminders")}</li>
            <li>{t("home.proNetwork")}</li>
          </ul>
        </section>
        <section className="card product product-link">
          <h2>{t("home.linkTitle")}</h2>
          <p className="lead-small">{t("home.linkLead")}</p>
          <ul className="features">
            <li>{t("home.linkNotes")}</li>
            <li>{t("home.linkFeeds")}</li>
            <li>{t("home.linkRooms")}</li>
          </ul>
          <p>
            <Link to="/discover" className="button button-small button-ghost">
              {t("home.linkBrowse")}
            </Link>
          </p>
        </section>
      </div>

      <section className="card how">
        <h2>{t("home.howTitle")}</h2>
        <ol className="steps">
          <li>{t("home.how1")}</li>
          <li>{t("home.how2")}</li>
          <li>{t("home.how3")}</li>
        </ol>
      </section>
    </>
  );
}
