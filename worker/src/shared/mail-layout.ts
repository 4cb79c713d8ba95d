import type { Mail } from "../adapters/mailer/interface";

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch,
  );

/** Every mail is one paragraph list and at most one button; text and HTML say the same. */
export function layoutMail(
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
