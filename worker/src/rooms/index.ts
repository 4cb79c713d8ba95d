/** Rooms: campus, topic, club and direct rooms, who may enter them, and message requests between strangers. */
export { mountRooms } from "./routes/rooms";
export { syncInvitationRooms } from "./services/direct-rooms";
