/**
 * Notifications: the stored list every person reads, and the live push through their Inbox. Every
 * domain tells people things through here; only the Inbox's own security notice (a password change,
 * identity/) is awaited straight on the Inbox, before the answer goes back.
 */
export { mountNotifications } from "./routes/notifications";
export { type Notice, notify, pushLive } from "./services/notify";
