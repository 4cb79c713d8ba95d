/**
 * The live-room protocol, shared by the Room Durable Object and the web client. Every frame is a
 * JSON object with a `type`; the client may also send the text `ping`, answered `pong` by the
 * runtime without waking the object. Keep this file free of worker-only imports: the web loads it.
 */
import { z } from "zod";

/** Longest message body, in characters (code points). */
export const MAX_MESSAGE_CHARS = 2000;
/** Messages replayed to a socket that joins without a cursor. */
export const REPLAY_ON_JOIN = 50;
export const MAX_HISTORY_PAGE = 100;
/**
 * The per-person token bucket (one per person per room, shared by all their sockets): up to
 * `burst` messages at once, refilled at `perSecond`. A person firing off a few short lines keeps
 * up; a script flooding the room, from one socket or many, does not.
 */
export const RATE_LIMIT = { burst: 10, perSecond: 5 } as const;
/**
 * Open sockets one person may hold in one room. The message limit is per person, so more tabs do
 * not mean more messages; the cap bounds what a script costs the room in sockets and fan-out.
 */
export const SOCKETS_PER_PERSON = 5;
/** A connection's typing frames are relayed at most this often. */
export const TYPING_EVERY_MS = 2000;
/** Presence frames are coalesced: at most one per room per this many ms. */
export const PRESENCE_EVERY_MS = 1000;

/** Sequence numbers start at 1; a cursor of 0 means "nothing seen yet". */
const Seq = z.number().int().min(0);

export const ClientFrame = z.discriminatedUnion("type", [
  /** Send everything after this cursor that this socket has not had live, then `caught-up`. */
  z.object({ type: z.literal("resume"), after: Seq }),
  /** `id` is the client's uuid for the message: a resend with the same id is stored once and acked again. */
  z.object({ type: z.literal("message"), id: z.string().uuid(), body: z.string() }),
  z.object({ type: z.literal("typing") }),
  z.object({ type: z.literal("read"), upTo: Seq }),
  z.object({ type: z.literal("delete"), seq: Seq }),
  z.object({
    type: z.literal("history"),
    before: Seq,
    limit: z.number().int().min(1).max(MAX_HISTORY_PAGE),
  }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const RoomPerson = z.object({ userId: z.string(), displayName: z.string() });
export type RoomPerson = z.infer<typeof RoomPerson>;

/**
 * Someone who has written in the room, under the short number the room gave them (`n`). Messages name
 * their author by that number alone: every socket of a busy room gets every message, so each byte of
 * a message frame is paid once per socket. Clients learn the numbers from `history` pages and from
 * the `who` a message carries when its author may be new to some socket.
 */
export const RoomAuthor = RoomPerson.extend({ n: z.number().int() });
export type RoomAuthor = z.infer<typeof RoomAuthor>;

/** A stored message as every socket gets it. The sender's own id for it comes back in its `ack` only. */
export const RoomMessage = z.object({
  seq: z.number().int(),
  /** The author's `n`. */
  by: z.number().int(),
  /** When the room stored it (epoch ms). */
  at: z.number(),
  body: z.string(),
});
export type RoomMessage = z.infer<typeof RoomMessage>;

/** A message as it goes out live: `who` comes with it when some socket may not know the author yet (it joined since they last spoke). */
export const LiveMessage = RoomMessage.extend({ who: RoomPerson.optional() });
export type LiveMessage = z.infer<typeof LiveMessage>;

export const ERROR_CODES = [
  "bad-frame",
  "empty",
  "too-long",
  "rate-limited",
  "muted",
  "not-found",
  "forbidden",
  "read-only",
] as const;
export type RoomErrorCode = (typeof ERROR_CODES)[number];

export const ServerFrame = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("welcome"),
    you: RoomPerson.extend({
      role: z.string(),
      /** May delete anyone's message and mute members: a room moderator or a site admin. */
      moderator: z.boolean(),
      /** The last seq this user marked read (0 when none). */
      readUpTo: z.number().int(),
    }),
    /** The room's cursor when this socket went live; later messages reach it live. */
    last: z.number().int(),
    /** People online in the room, this socket's user included. */
    online: z.number().int(),
    /** A few of them, for avatars; not the full list. */
    members: z.array(RoomPerson),
    muted: z.boolean(),
    mutedUntil: z.number().nullable(),
    /** Nobody may post: an expert–student room whose invitation was cancelled or declined, or is long past. */
    readOnly: z.boolean(),
  }),
  /**
   * Messages in seq order with their authors; `more` says whether older ones exist (page with
   * `history {before}`).
   */
  z.object({
    type: z.literal("history"),
    messages: z.array(RoomMessage),
    people: z.array(RoomAuthor),
    more: z.boolean(),
  }),
  /** One new message. */
  LiveMessage.extend({ type: z.literal("message") }),
  /**
   * Two or more new messages of one broadcast window (a busy room's: room/broadcast.ts), in seq order: read them
   * as that many `message` frames. An author's `who` rides on the first of their items that needs it.
   */
  z.object({ type: z.literal("messages"), items: z.array(LiveMessage).min(2) }),
  /** The sender's message is stored under `seq` (sent again for a resent id). */
  z.object({ type: z.literal("ack"), id: z.string(), seq: z.number().int() }),
  z.object({ type: z.literal("typing"), userId: z.string(), displayName: z.string() }),
  z.object({ type: z.literal("read"), userId: z.string(), upTo: z.number().int() }),
  /** Coalesced: at most one a second per room. `joined`/`left` name who came and went, when few did. */
  z.object({
    type: z.literal("presence"),
    count: z.number().int(),
    joined: z.array(RoomPerson).optional(),
    left: z.array(RoomPerson).optional(),
  }),
  z.object({ type: z.literal("deleted"), seq: z.number().int() }),
  /** The room became read-only (`readOnly: true`) for everyone in it, or writable again. Sockets stay open to read. */
  z.object({ type: z.literal("read-only"), readOnly: z.boolean() }),
  /** The replay asked for is complete; `last` is the room's cursor now. */
  z.object({ type: z.literal("caught-up"), last: z.number().int() }),
  z.object({
    type: z.literal("error"),
    code: z.enum(ERROR_CODES),
    message: z.string(),
    /** For `rate-limited`: seconds until a message may be sent again. */
    retryAfter: z.number().optional(),
  }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ServerFrameOf<T extends ServerFrame["type"]> = Extract<ServerFrame, { type: T }>;

/** Room ids: `campus:<id>`, `topic:<slug>`, `club:<clubUserId>`, `dm:<userIdA>:<userIdB>` (sorted). */
export const ROOM_ID_PATTERN =
  /^(campus:[a-z0-9-]{1,40}|topic:[a-z0-9-]{1,40}|club:[0-9a-f-]{36}|dm:[0-9a-f-]{36}:[0-9a-f-]{36})$/;

export type ParsedRoomId =
  | { kind: "campus"; campusId: string }
  | { kind: "topic"; slug: string }
  | { kind: "club"; clubId: string }
  | { kind: "dm"; userIds: [string, string] };

export function parseRoomId(id: string): ParsedRoomId | null {
  if (!ROOM_ID_PATTERN.test(id)) return null;
  const [kind, a = "", b = ""] = id.split(":");
  switch (kind) {
    case "campus":
      return { kind, campusId: a };
    case "topic":
      return { kind, slug: a };
    case "club":
      return { kind, clubId: a };
    case "dm":
      return a < b ? { kind, userIds: [a, b] } : null;
    default:
      return null;
  }
}

/** The direct room of two people: the same id whoever asks. */
export function directRoomId(a: string, b: string): string {
  return a < b ? `dm:${a}:${b}` : `dm:${b}:${a}`;
}
