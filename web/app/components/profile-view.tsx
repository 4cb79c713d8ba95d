import type { ReactNode } from "react";
import { Link } from "react-router";
import type { Profile } from "~/lib/api-types";
import type { MessageKey } from "~/lib/i18n";
import { useT } from "~/lib/root-data";
import { Avatar } from "./avatar";
import { Fact, Tags } from "./facts";

/** A profile as everyone sees it; /profile adds the owner's own details around it. */
export function ProfileView({ profile, children }: { profile: Profile; children?: ReactNode }) {
  const t = useT();
  return (
    <article className="card profile">
      <header className="profile-head">
        <Avatar
          name={profile.displayName}
          url={profile.avatarUrl}
          alt={t("profile.avatarAlt", { name: profile.displayName })}
        />
        <div className="profile-id">
          <h1 data-testid="profile-name">{profile.displayName}</h1>
          <p className="profile-meta">
            <span className="badge">{t(`role.${profile.role}` as MessageKey)}</span>
            {profile.campus ? (
              <span className="campus">
                {profile.campus.name}{" "}
                {profile.campusVerified ? (
                  <span className="badge badge-verified" data-testid="campus-verified">
                    ✓ {t("profile.verified")}
                  </span>
                ) : (
                  <span className="badge badge-muted">{t("profile.unverified")}</span>
                )}
              </span>
            ) : (
              <span className="muted">{t("profile.noCampus")}</span>
            )}
          </p>
          <p className="muted small">{t("profile.joined", { date: profile.joinedAt.slice(0, 10) })}</p>
        </div>
      </header>

      {profile.bio ? (
        <p className="profile-bio" data-testid="profile-bio">
          {profile.bio}
        </p>
      ) : (
        <p className="profile-bio muted">{t("profile.noBio")}</p>
      )}

      {profile.expert ? <ExpertSection expert={profile.expert} /> : null}
      {profile.student ? <StudentSection student={profile.student} /> : null}
      {profile.club ? <ClubSection club={profile.club} /> : null}
      {children}
    </article>
  );
}

function ExpertSection({ expert }: { expert: NonNullable<Profile["expert"]> }) {
  const t = useT();
  return (
    <section className="profile-section" aria-label={t("role.expert")}>
      <dl className="facts">
        <Fact label={t("profile.headline")}>{expert.headline || t("profile.none")}</Fact>
        <Fact label={t("profile.company")}>{expert.company || t("profile.none")}</Fact>
        <Fact label={t("profile.industry")}>{expert.industry || t("profile.none")}</Fact>
        <Fact label={t("profile.yearsExperience")}>{expert.yearsExperience}</Fact>
        <Fact label={t("profile.skills")}>
          <Tags items={expert.skills} />
        </Fact>
        <Fact label={t("profile.topics")}>
          <Tags items={expert.topics} />
        </Fact>
        <Fact label={t("profile.availability")}>
          {expert.availability.length ? (
            <ul className="plain">
              {expert.availability.map((w) => (
                <li key={`${w.weekday}-${w.start}-${w.end}-${w.timeZone}`}>
                  {t(`weekday.${w.weekday}` as MessageKey)} {w.start}–{w.end}{" "}
                  <span className="muted">({w.timeZone})</span>
                </li>
              ))}
            </ul>
          ) : (
            t("profile.noAvailability")
          )}
        </Fact>
      </dl>
      <p className={expert.acceptingInvitations ? "badge badge-verified" : "badge badge-muted"}>
        {expert.acceptingInvitations ? t("profile.accepting") : t("profile.notAccepting")}
      </p>
    </section>
  );
}

function StudentSection({ student }: { student: NonNullable<Profile["student"]> }) {
  const t = useT();
  return (
    <section className="profile-section" aria-label={t("role.student")}>
      <dl className="facts">
        <Fact label={t("profile.major")}>{student.major || t("profile.none")}</Fact>
        <Fact label={t("profile.year")}>
          {student.year ? t("profile.yearN", { n: student.year }) : t("profile.none")}
        </Fact>
        <Fact label={t("profile.interests")}>
          <Tags items={student.interests} />
        </Fact>
      </dl>
    </section>
  );
}

function ClubSection({ club }: { club: NonNullable<Profile["club"]> }) {
  const t = useT();
  return (
    <section className="profile-section" aria-label={t("role.club")}>
      <dl className="facts">
        <Fact label={t("profile.clubName")}>{club.name || t("profile.none")}</Fact>
        <Fact label={t("profile.description")}>{club.description || t("profile.none")}</Fact>
        <Fact label={t("profile.officers")}>
          {club.officers.length ? (
            <ul className="plain">
              {club.officers.map((officer) => (
                <li key={officer.id}>
                  <Link to={`/u/${officer.id}`}>{officer.displayName}</Link>{" "}
                  <span className="muted">· {officer.title}</span>
                </li>
              ))}
            </ul>
          ) : (
            t("profile.noOfficers")
          )}
        </Fact>
      </dl>
    </section>
  );
}
