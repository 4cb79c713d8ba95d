/** The signed-in person's own view: account, profile, unread count, clubs served; and their profile edit. */
export { mountMe } from "./routes/me";
