import { layoutMail } from "../shared/mail-layout";
import { invitationNews } from "./invitation-news";

/** The invitation mails: what happened, when, and the way back to the invitation. */
export const invitationMails = {
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
    layoutMail(
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
    layoutMail(
      to,
      `Reminder: "${r.title}" needs an answer`,
      [`Hi ${name},`, `"${r.title}" is waiting for your answer. It expires on ${r.deadline}.`],
      { label: "Answer now", url: r.url },
    ),
  sessionReminder: (to: string, name: string, r: { title: string; when: string; url: string }) =>
    layoutMail(to, `Tomorrow: ${r.title}`, [`Hi ${name},`, `"${r.title}" is tomorrow: ${r.when}.`], {
      label: "Open the invitation",
      url: r.url,
    }),
  sessionToday: (to: string, name: string, r: { title: string; when: string; url: string }) =>
    layoutMail(to, `Today: ${r.title}`, [`Hi ${name},`, `"${r.title}" is today: ${r.when}.`], {
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
  "reschedule-proposed": "new times proposed",
  "reschedule-countered": "other new times proposed",
  rescheduled: "moved to a new time",
  "reschedule-declined": "the time stands",
  "reschedule-withdrawn": "new times withdrawn",
  "meeting-link": "meeting link",
};
