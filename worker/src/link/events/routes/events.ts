import { createRoute, z } from "@hono/zod-openapi";
import { requireUser } from "../../../shared/auth";
import { actionContext } from "../../../shared/context";
import { guardedProblems, jsonBody, jsonResponse, problems, type Router } from "../../../shared/openapi";
import { NoteSchema } from "../../notes/routes/notes";
import { RSVP_INTENTS } from "../rsvp-machine";
import { RSVP_STATUSES } from "../schema";
import { attendeesCsv, eventAttendees, eventCalendarFile } from "../services/event-attendees";
import { eventItem, loadEvent } from "../services/event-views";
import { invitationEvent } from "../services/invitation-event";
import { EVENT_SCOPES, listEvents, listUserEvents } from "../services/list-events";
import { postRecap } from "../services/post-recap";
import { EVENT_VISIBILITIES, publishEvent } from "../services/publish-event";
import { rsvpEvent } from "../services/rsvp-event";

const NoteIdParam = z.object({ noteId: z.string().uuid() });
const Person = z.object({ id: z.string(), displayName: z.string() });

export const EventBlockSchema = z
  .object({
    noteId: z.string(),
    title: z.string(),
    kind: z.enum(["talk", "workshop", "panel", "mentoring", "mock-interview"]),
    organiser: Person,
    expert: Person.nullable().openapi({
      description: "Null when the expert did not agree to be named publicly",
    }),
    startsAt: z.string().openapi({ description: "UTC; show it in the viewer's own time zone" }),
    endsAt: z.string(),
    phase: z.enum(["upcoming", "ended", "cancelled", "completed"]),
    format: z.enum(["online", "onsite"]),
    venue: z.string().nullable(),
    meetingLink: z
      .string()
      .nullable()
      .openapi({ description: "Only for people going, the organisers and the expert" }),
    capacity: z.number().int(),
    counts: z.object({ going: z.number().int(), interested: z.number().int(), waitlisted: z.number().int() }),
    recapNoteId: z.string().nullable(),
    viewer: z.object({
      rsvp: z.enum(RSVP_STATUSES).nullable(),
      organiser: z.boolean(),
      expert: z.boolean(),
    }),
  })
  .openapi("EventBlock");

const EventItemSchema = z.object({ note: NoteSchema, event: EventBlockSchema }).openapi("EventItem");
const EventList = z.object({ events: z.array(EventItemSchema) });

const AttendeeSchema = z
  .object({
    user: Person,
    status: z.enum(["going", "waitlisted", "interested"]),
    waitlistPosition: z.number().int().nullable(),
    since: z.string(),
  })
  .openapi("EventAttendee");

const routes = {
  publish: createRoute({
    method: "post",
    path: "/api/events",
    tags: ["link"],
    summary:
      "Publish a scheduled talk, workshop or panel as an event note (the requester or a club officer); 409 if not scheduled, of another kind, or already published",
    middleware: [requireUser] as const,
    request: {
      body: jsonBody(
        z
          .object({
            invitationId: z.string().uuid(),
            visibility: z.enum(EVENT_VISIBILITIES),
            coverImageId: z.string().uuid().optional(),
            body: z.string().max(2000).optional(),
          })
          .strict()
          .openapi("NewEvent"),
      ),
    },
    responses: { 201: jsonResponse(EventItemSchema, "Published"), ...guardedProblems, 429: problems[429] },
  }),
  list: createRoute({
    method: "get",
    path: "/api/events",
    tags: ["link"],
    summary:
      "Upcoming events soonest first: on my campus (signed out: public ones), from people I follow, or mine (RSVPs and those I organise)",
    request: {
      query: z.object({
        scope: z.enum(EVENT_SCOPES).default("campus"),
        limit: z.coerce.number().int().min(1).max(50).default(20),
      }),
    },
    responses: { 200: jsonResponse(EventList, "Events"), 400: problems[400], 401: problems[401] },
  }),
  read: createRoute({
    method: "get",
    path: "/api/events/{noteId}",
    tags: ["link"],
    summary: "An event note with its event block; 404 for anyone the note is hidden from",
    request: { params: NoteIdParam },
    responses: { 200: jsonResponse(EventItemSchema, "Event"), 400: problems[400], 404: problems[404] },
  }),
  rsvp: createRoute({
    method: "put",
    path: "/api/events/{noteId}/rsvp",
    tags: ["link"],
    summary:
      "Going (a seat, or the waitlist when full), interested or not going; 409 once the event is closed",
    middleware: [requireUser] as const,
    request: {
      params: NoteIdParam,
      body: jsonBody(
        z
          .object({ status: z.enum(RSVP_INTENTS) })
          .strict()
          .openapi("Rsvp"),
      ),
    },
    responses: { 200: jsonResponse(EventItemSchema, "Answered"), ...guardedProblems, 429: problems[429] },
  }),
  attendees: createRoute({
    method: "get",
    path: "/api/events/{noteId}/attendees",
    tags: ["link"],
    summary: "Who is going, waitlisted (in order) or interested; organisers only",
    middleware: [requireUser] as const,
    request: { params: NoteIdParam },
    responses: {
      200: jsonResponse(z.object({ attendees: z.array(AttendeeSchema) }), "Attendees"),
      ...guardedProblems,
    },
  }),
  attendeesCsv: createRoute({
    method: "get",
    path: "/api/events/{noteId}/attendees.csv",
    tags: ["link"],
    summary: "The attendee list as CSV (RFC 4180, formula-guarded); organisers only",
    middleware: [requireUser] as const,
    request: { params: NoteIdParam },
    responses: {
      200: { description: "text/csv", content: { "text/csv": { schema: z.string() } } },
      ...guardedProblems,
    },
  }),
  ics: createRoute({
    method: "get",
    path: "/api/events/{noteId}/ics",
    tags: ["link"],
    summary: "The event as an RFC 5545 calendar file, for people going, the organisers and the expert",
    middleware: [requireUser] as const,
    request: { params: NoteIdParam },
    responses: {
      200: { description: "text/calendar", content: { "text/calendar": { schema: z.string() } } },
      ...guardedProblems,
    },
  }),
  recap: createRoute({
    method: "post",
    path: "/api/events/{noteId}/recap",
    tags: ["link"],
    summary:
      "After a completed session, an organiser posts the event's one recap note; people going are told",
    middleware: [requireUser] as const,
    request: {
      params: NoteIdParam,
      body: jsonBody(
        z
          .object({
            title: z.string().trim().min(1).max(100).optional(),
            body: z.string().max(2000),
            imageIds: z.array(z.string().uuid()).max(9).default([]),
          })
          .strict()
          .openapi("NewRecap"),
      ),
    },
    responses: { 201: jsonResponse(z.object({ note: NoteSchema }), "Posted"), ...guardedProblems },
  }),
  byInvitation: createRoute({
    method: "get",
    path: "/api/invitations/{id}/event",
    tags: ["link"],
    summary:
      "The event note an invitation was published as (noteId null when it was not); its two sides only, 404 for anyone else",
    middleware: [requireUser] as const,
    request: { params: z.object({ id: z.string().uuid() }) },
    responses: {
      200: jsonResponse(
        z.object({ noteId: z.string().nullable() }).openapi("InvitationEvent"),
        "The event, if any",
      ),
      400: problems[400],
      401: problems[401],
      404: problems[404],
    },
  }),
  byUser: createRoute({
    method: "get",
    path: "/api/users/{id}/events",
    tags: ["link"],
    summary: "A user's events you may see: those they organise, and those they speak at when named publicly",
    request: {
      params: z.object({ id: z.string().uuid() }),
      query: z.object({
        when: z.enum(["upcoming", "past"]).default("upcoming"),
        limit: z.coerce.number().int().min(1).max(50).default(20),
      }),
    },
    responses: { 200: jsonResponse(EventList, "Events"), 400: problems[400], 404: problems[404] },
  }),
};

export function mountEvents(app: Router) {
  app.openapi(routes.publish, async (c) => {
    const item = await publishEvent({ ctx: actionContext(c), input: c.req.valid("json") });
    return c.json(item, 201);
  });
  app.openapi(routes.list, async (c) => {
    const list = await listEvents({ ctx: actionContext(c), input: c.req.valid("query") });
    c.header("cache-control", "private, no-store");
    return c.json(list, 200);
  });
  app.openapi(routes.read, async (c) => {
    const ctx = actionContext(c);
    const item = await eventItem(ctx, await loadEvent(ctx, c.req.valid("param").noteId));
    c.header("cache-control", "private, no-store");
    return c.json(item, 200);
  });
  app.openapi(routes.rsvp, async (c) => {
    const item = await rsvpEvent({
      ctx: actionContext(c),
      input: { ...c.req.valid("param"), ...c.req.valid("json") },
    });
    return c.json(item, 200);
  });
  app.openapi(routes.attendees, async (c) => {
    const { attendees } = await eventAttendees({ ctx: actionContext(c), input: c.req.valid("param") });
    c.header("cache-control", "private, no-store");
    return c.json({ attendees }, 200);
  });
  app.openapi(routes.attendeesCsv, async (c) => {
    const { attendees } = await eventAttendees({ ctx: actionContext(c), input: c.req.valid("param") });
    return c.body(attendeesCsv(attendees), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="attendees-${c.req.valid("param").noteId.slice(0, 8)}.csv"`,
      "cache-control": "private, no-store",
    });
  });
  app.openapi(routes.ics, async (c) => {
    const calendar = await eventCalendarFile({ ctx: actionContext(c), input: c.req.valid("param") });
    return c.body(calendar, 200, {
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": `attachment; filename="event-${c.req.valid("param").noteId.slice(0, 8)}.ics"`,
      "cache-control": "private, no-store",
    });
  });
  app.openapi(routes.recap, async (c) => {
    const { note } = await postRecap({
      ctx: actionContext(c),
      input: { ...c.req.valid("param"), ...c.req.valid("json") },
    });
    return c.json({ note }, 201);
  });
  app.openapi(routes.byInvitation, async (c) => {
    const found = await invitationEvent({ ctx: actionContext(c), input: c.req.valid("param") });
    c.header("cache-control", "private, no-store");
    return c.json(found, 200);
  });
  app.openapi(routes.byUser, async (c) => {
    const list = await listUserEvents({
      ctx: actionContext(c),
      input: { userId: c.req.valid("param").id, ...c.req.valid("query") },
    });
    c.header("cache-control", "private, no-store");
    return c.json(list, 200);
  });
}
