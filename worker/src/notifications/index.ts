/**
 * Notifications: the stored list every person reads, and the live push through their Inbox. Every
 * domain tells people things through here.
 */
export { mountNotifications } from "./routes/notifications";
export { listNotifications, markNotificationsRead } from "./services/notifications";
export { type Notice, notify, pushLive } from "./services/notify";
