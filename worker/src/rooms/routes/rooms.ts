import { createRoute, z } from "@hono/zod-openapi";
import { encodeIdentity, inboxOf, ROOM_ID_PATTERN, ROOM_IDENTITY_HEADER, roomOf } from "../../realtime";
import { requireUser } from "../../shared/auth";
import { actionContext } from "../../shared/context";
import { isSameOrigin } from "../../shared/csrf";
import { Forbidden, ProblemError, RateLimited } from "../../shared/errors";
import { guardedProblems, jsonBody, jsonResponse, problems, type Router } from "../../shared/openapi";
import { ROOM_KINDS } from "../schema";
import { openDirectRoom } from "../services/direct-rooms";
import { listRooms } from "../services/list-rooms";
import { answerMessageRequest, listMessageRequests, sendMessageRequest } from "../services/message-requests";
import { muteMember } from "../services/mute-member";
import { enterRoom } from "../services/room-access";

const RoomParam = z.object({
  id: z.string().regex(ROOM_ID_PATTERN).openapi({ example: "topic:careers" }),
});
const Person = z.object({ userId: z.string(), displayName: z.string() });

const RoomListing = z
  .object({
    id: z.string(),
    kind: z.enum(ROOM_KINDS),
    title: z.string(),
    online: z.number().int(),
    lastMessageAt: z.string().nullable(),
    peer: Person.nullable(),
  })
  .openapi("RoomListing");

const MessageRequestRow = z.object({
  id: z.string(),
  userId: z.string(),
  displayName: z.string(),
  text: z.string(),
  createdAt: z.string(),
});
const RequestAnswer = z.object({
  id: z.string(),
  status: z.enum(["pending", "accepted", "declined"]),
  roomId: z.string().nullable(),
});

const routes = {
  list: createRoute({
    method: "get",
    path: "/api/rooms",
    tags: ["rooms"],
    summary: "Rooms you can enter (campus, topics, your clubs, your direct rooms), with who is online now",
    middleware: [requireUser] as const,
    responses: {
      200: jsonResponse(z.object({ rooms: z.array(RoomListing) }), "Rooms"),
      401: problems[401],
    },
  }),
  direct: createRoute({
    method: "post",
    path: "/api/rooms/dm",
    tags: ["rooms"],
    summary:
      "The direct room with someone, opened if the rules allow (403 `needs-request` or `needs-invitation` if not)",
    middleware: [requireUser] as const,
    request: { body: jsonBody(z.object({ userId: z.string().uuid() })) },
    responses: { 200: jsonResponse(z.object({ id: z.string() }), "The room"), ...guardedProblems },
  }),
  connect: createRoute({
    method: "get",
    path: "/api/rooms/{id}/ws",
    tags: ["rooms"],
    summary:
      "Open the room's WebSocket (joins campus, topic and club rooms on the first visit). Frames: realtime/room-protocol.ts; `?after=<seq>` resumes from a cursor",
    middleware: [requireUser] as const,
    request: {
      params: RoomParam,
      query: z.object({ after: z.coerce.number().int().min(0).optional() }),
    },
    responses: {
      101: { description: "Switching to the room's WebSocket" },
      ...guardedProblems,
      429: problems[429],
      426: { description: "Not a WebSocket upgrade" },
    },
  }),
  mute: createRoute({
    method: "post",
    path: "/api/rooms/{id}/mute",
    tags: ["rooms"],
    summary: "Mute a member for some minutes (0 lifts it); for the room's moderators and admins",
    middleware: [requireUser] as const,
    request: {
      params: RoomParam,
      body: jsonBody(
        z.object({
          userId: z.string().uuid(),
          minutes: z
            .number()
            .int()
            .min(0)
            .max(30 * 24 * 60),
        }),
      ),
    },
    responses: {
      200: jsonResponse(z.object({ mutedUntil: z.string().nullable() }), "Muted until"),
      ...guardedProblems,
    },
  }),
  requests: createRoute({
    method: "get",
    path: "/api/message-requests",
    tags: ["rooms"],
    summary: "Open message requests, to you and from you",
    middleware: [requireUser] as const,
    responses: {
      200: jsonResponse(
        z.object({ incoming: z.array(MessageRequestRow), outgoing: z.array(MessageRequestRow) }),
        "Requests",
      ),
      401: problems[401],
    },
  }),
  ask: createRoute({
    method: "post",
    path: "/api/message-requests",
    tags: ["rooms"],
    summary: "Ask to write to someone (asking someone who asked you accepts their request)",
    middleware: [requireUser] as const,
    request: {
      body: jsonBody(z.object({ toUserId: z.string().uuid(), text: z.string().trim().min(1).max(500) })),
    },
    responses: { 201: jsonResponse(RequestAnswer, "Asked"), ...guardedProblems, 429: problems[429] },
  }),
  answer: createRoute({
    method: "post",
    path: "/api/message-requests/{id}/{answer}",
    tags: ["rooms"],
    summary: "Accept (opens the direct room) or decline a message request; for its recipient",
    middleware: [requireUser] as const,
    request: { params: z.object({ id: z.string().uuid(), answer: z.enum(["accept", "decline"]) }) },
    responses: { 200: jsonResponse(RequestAnswer, "Answered"), ...guardedProblems },
  }),
};

/**
 * Room sockets go uncompressed. A room's frames are small JSON (a message is about 80 bytes) and
 * every message goes to every socket: with permessage-deflate each socket deflates each frame on its
 * own, which measured as most of a busy room's CPU (bench/rooms.ts) to save a few dozen bytes a frame.
 * When the response names its extensions, workerd agrees to those of the client's offers it finds
 * there (kj's manual compression mode) and drops the rest, header included; left unnamed, it would
 * accept the browser's permessage-deflate offer. Naming no known extension agrees to none; the
 * browser test (test/e2e/rooms.test.ts) checks that Chromium's offer is declined.
 */
const UNCOMPRESSED = "x-atas-uncompressed";

export function mountRooms(app: Router) {
  app.openapi(routes.list, async (c) => c.json({ rooms: await listRooms({ ctx: actionContext(c) }) }, 200));
  app.openapi(routes.direct, async (c) =>
    c.json(await openDirectRoom({ ctx: actionContext(c), input: c.req.valid("json") }), 200),
  );
  // The Origin is checked here because browsers send no preflight for WebSockets.
  app.openapi(routes.connect, async (c) => {
    if (c.req.header("upgrade") !== "websocket")
      throw new ProblemError(426, "Upgrade required", "Expected a WebSocket upgrade.");
    if (!c.req.header("origin") || !isSameOrigin(c.env, c.req.raw)) throw new Forbidden("Foreign origin.");
    const { id } = c.req.valid("param");
    const { after } = c.req.valid("query");
    const identity = await enterRoom({ ctx: actionContext(c), input: { roomId: id } });
    const session = c.get("session");
    if (!session) throw new Forbidden();
    // Only the headers the room needs: whatever identity the client sent is dropped here.
    const url = new URL("https://room/ws");
    if (after !== undefined) url.searchParams.set("after", String(after));
    const upgraded = await roomOf(c.env, id).fetch(
      new Request(url, {
        headers: {
          upgrade: "websocket",
          [ROOM_IDENTITY_HEADER]: encodeIdentity({ ...identity, sessionId: session.id }),
        },
      }),
    );
    if (upgraded.status === 429)
      throw new RateLimited(Number(upgraded.headers.get("retry-after") ?? 5), "room-sockets");
    if (!upgraded.webSocket) return upgraded;
    // Once the room holds the socket, the user's inbox remembers the room, so ending this session
    // closes it; if the session ended meanwhile (a sign-out racing this upgrade), it closes now.
    if (!(await inboxOf(c.env, identity.userId).roomOpened(id, session.id, session.createdAt)))
      await roomOf(c.env, id).closeSessions([session.id]);
    return new Response(null, {
      status: 101,
      webSocket: upgraded.webSocket,
      headers: { "sec-websocket-extensions": UNCOMPRESSED },
    });
  });
  app.openapi(routes.mute, async (c) => {
    const { mutedUntil } = await muteMember({
      ctx: actionContext(c),
      input: { roomId: c.req.valid("param").id, ...c.req.valid("json") },
    });
    return c.json({ mutedUntil: mutedUntil === null ? null : new Date(mutedUntil).toISOString() }, 200);
  });
  app.openapi(routes.requests, async (c) =>
    c.json(await listMessageRequests({ ctx: actionContext(c) }), 200),
  );
  app.openapi(routes.ask, async (c) =>
    c.json(await sendMessageRequest({ ctx: actionContext(c), input: c.req.valid("json") }), 201),
  );
  app.openapi(routes.answer, async (c) =>
    c.json(await answerMessageRequest({ ctx: actionContext(c), input: c.req.valid("param") }), 200),
  );
}
