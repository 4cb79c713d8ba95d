/**
 * The realtime transport: the Room and Inbox Durable Objects, the frames they speak and how to reach
 * them. It knows no domain; rooms/, notifications/ and identity/ decide who may connect and what is said.
 */
export {
  type DraftFrame,
  Inbox,
  type InboxFrame,
  type InboxNotification,
  inboxOf,
  type LiveDraft,
} from "./inbox";
export { encodeIdentity, ROOM_IDENTITY_HEADER, Room, RoomIdentity, roomOf } from "./room";
export {
  directRoomId,
  type ParsedRoomId,
  parseRoomId,
  ROOM_ID_PATTERN,
  RoomPerson,
} from "./room-protocol";
export { mountInbox } from "./routes";
export { closeSessionSockets } from "./services/close-session-sockets";
export { type EndedSessions, SESSION_ENDED } from "./session-sockets";
