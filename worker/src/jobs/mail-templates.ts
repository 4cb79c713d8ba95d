import type { Mail } from "../adapters/mailer/interface";
import { invitationNews } from "../pro";

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch,
  );

/** Every mail is one paragraph list and at most one button; text and HTML say the same. */
function compose(
  to: string,
  subject: string,
  paragraphs: string[],
  action?: { label: string; url: string },
): Mail {
  const text = [...paragraphs, ...(action ? [`${action.label}: ${action.url}`] : []), "— ATAS"].join("\n\n");
  const html = [
    `<div style="font-family:system-ui,sans-serif;max-width:520px">`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    action
      ? `<p><a href="${escapeHtml(action.url)}" style="background:#e11d48;color:#fff;padding:10px 16px;border-radius:8px;text-decoration:none">${escapeHtml(action.label)}</a></p>`
      : "",
    `<p style="color:#666">— ATAS</p></div>`,
  ].join("");
  return { to, subject, text, html };
}

export const mails = {
  verify: (to: string, name: string, url: string) =>
    compose(
      to,
      "Confirm your ATAS e-mail",
      [
        `Hi ${name},`,
        "Confirm this address to finish setting up your ATAS account. The link works once and expires in 48 hours.",
      ],
      { label: "Confirm my e-mail", url },
    ),
  accountExists: (to: string, name: string, url: string) =>
    compose(
      to,
      "You already have an ATAS account",
      [
        `Hi ${name},`,
        "Someone tried to register a new ATAS account with this address, which already has one. If it was you, sign in instead, or reset your password.",
        "If it was not you, you can ignore this mail; nothing has changed.",
      ],
      { label: "Sign in", url },
    ),
  reset: (to: string, name: string, url: string) =>
    compose(
      to,
      "Reset your ATAS password",
      [
        `Hi ${name},`,
        "Use this link to choose a new password. It works once and expires in one hour. If you did not ask, ignore this mail.",
      ],
      { label: "Choose a new password", url },
    ),
  passwordChanged: (to: string, name: string, url: string) =>
    compose(
      to,
      "Your ATAS password was changed",
      [
        `Hi ${name},`,
        "Your password was just changed and your other sessions were signed out. If this was not you, reset your password now.",
      ],
      { label: "Reset my password", url },
    ),
  invitationUpdate: (
    to: string,
    name: string,
    update: {
      title: string;
      actor: string;
      status: string;
      message: string | null;
      when: string | null;
      url: string;
      suggestions?: { name: string; headline: string; url: string; inNetwork: boolean }[];
    },
  ) =>
    compose(
      to,
      `${update.title}: ${STATUS_WORDS[update.status] ?? update.status}`,
      [
        `Hi ${name},`,
        `${invitationNews(update.actor, update.status, update.title)}.`,
        ...(update.when ? [`When: ${update.when}. The calendar file is attached.`] : []),
        ...(update.message ? [`Their message: ${update.message}`] : []),
        ...(update.suggestions?.length
          ? [
              "Experts you could invite instead:",
              ...update.suggestions.map(
                (e) => `• ${e.name}, ${e.headline}${e.inNetwork ? " (in your network)" : ""}: ${e.url}`,
              ),
            ]
          : []),
      ],
      { label: "Open the invitation", url: update.url },
    ),
  deadlineReminder: (to: string, name: string, r: { title: string; deadline: string; url: string }) =>
    compose(
      to,
      `Reminder: "${r.title}" needs an answer`,
      [`Hi ${name},`, `"${r.title}" is waiting for your answer. It expires on ${r.deadline}.`],
      { label: "Answer now", url: r.url },
    ),
  sessionReminder: (to: string, name: string, r: { title: string; when: string; url: string }) =>
    compose(to, `Tomorrow: ${r.title}`, [`Hi ${name},`, `"${r.title}" is tomorrow: ${r.when}.`], {
      label: "Open the invitation",
      url: r.url,
    }),
};

const STATUS_WORDS: Record<string, string> = {
  sent: "new invitation",
  scheduled: "scheduled",
  declined: "declined",
  countered: "new times proposed",
  cancelled: "cancelled",
  completed: "completed",
  expired: "expired",
};
