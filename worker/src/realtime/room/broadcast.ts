import type { LiveMessage, RoomAuthor, RoomMessage } from "../room-protocol";
import type { Clock, Timer } from "./clock";
import type { MessageLog } from "./log";
import type { RoomSockets } from "./sockets";

/**
 * How long a room gathers new messages into one frame. `adaptive` (the room's own): none while the
 * room's fan-out, sockets × messages a second, stays under `sendsPerSecond`; above it, the room
 * sends at most `sendsPerSecond / sockets` frames a second, a window of `sockets / sendsPerSecond`
 * seconds, at most `maxMs`. `fixed`: the same window whatever the room (before issue 15; kept
 * for bench/rooms.ts to print the old figure beside the new).
 */
export type BroadcastPolicy =
  | { kind: "adaptive"; sendsPerSecond: number; maxMs: number }
  | { kind: "fixed"; ms: number };

/**
 * Each socket a frame goes to costs workerd ~20–30 µs (bench/rooms.ts), so 10,000 sends a second is
 * about a quarter of the object's one thread: a room under it sends each message at once (a 10-socket
 * room at 50 messages a second is 500; 100 sockets, 5,000). Over it the window grows with the room:
 * 50 ms at 500 sockets, 100 ms from 1,000 on.
 */
export const ADAPTIVE: BroadcastPolicy = { kind: "adaptive", sendsPerSecond: 10_000, maxMs: 100 };
export const FIXED_40_MS: BroadcastPolicy = { kind: "fixed", ms: 40 };

/** The window in ms for a room of `sockets` that takes `perSecond` messages a second. */
export function broadcastWindow(policy: BroadcastPolicy, sockets: number, perSecond: number): number {
  if (policy.kind === "fixed") return policy.ms;
  if (sockets * perSecond <= policy.sendsPerSecond) return 0;
  return Math.min(policy.maxMs, (1000 * sockets) / policy.sendsPerSecond);
}

/** The message rate is an exponentially weighted average over about this long. */
const RATE_MS = 1000;

/**
 * The room's message rate (messages a second): each message adds 1 / (RATE_MS in s), and the sum
 * decays by e^(-elapsed / RATE_MS). Steady traffic of r a second reads r; a burst of k reads k at once.
 */
export class MessageRate {
  private value = 0;
  private at = 0;

  /** A message arrived at `now`; returns the rate with it. */
  add(now: number): number {
    this.value = this.read(now) + 1000 / RATE_MS;
    this.at = now;
    return this.value;
  }

  read(now: number): number {
    const elapsed = Math.max(0, now - this.at);
    return this.value * Math.exp(-elapsed / RATE_MS);
  }
}

/**
 * New messages going out live. While the room is small or quiet, each message goes out at once. In a
 * busy room (see `broadcastWindow`) a message coming within the window after the last broadcast
 * waits for the window's end with the others, and they share one frame: the room pays one send per
 * socket per window, not per message. The sender's ack never waits. Every broadcast sends all that
 * waits, in seq order, so the order holds however the window changes.
 *
 * Nothing is lost with the instance: a message is stored before it waits, the log's `sent` cursor
 * (kept only while messages wait) says where they begin, and while anything waits an alarm is set
 * (`armAlarm`), so a new instance, woken by that alarm or by any frame, sends what the lost one did not.
 */
export class MessageBroadcast {
  /**
   * Sockets accepted so far (since the instance woke), and its value and the author's name when each
   * author was last introduced with a message's `who`: a socket accepted later may not know that
   * author's number yet, and a new name is news to everyone.
   */
  private joins = 0;
  private introduced = new Map<number, { joins: number; displayName: string }>();
  /** Stored messages waiting for the room's next broadcast, in seq order. */
  private unsent: { message: RoomMessage; author: RoomAuthor }[] = [];
  private broadcastAt = 0;
  /** The pending end of the window, and when it is due. */
  private windowTimer: Timer | null = null;
  private windowEndsAt = 0;
  /** Sockets the last broadcast went to: the room's size for the window, without listing them again. */
  private reach: number | null = null;
  private readonly rate = new MessageRate();
  /** An alarm is set (or known to be) for messages waiting: set once per wake-up, not per window. */
  private alarmArmed = false;
  /** Frames broadcast and messages they carried since the instance woke (for tests and figures). */
  readonly counts = { frames: 0, messages: 0 };

  constructor(
    private readonly log: MessageLog,
    private readonly sockets: RoomSockets,
    private readonly clock: Clock,
    private readonly storage: DurableObjectStorage,
    public policy: BroadcastPolicy = ADAPTIVE,
  ) {
    // While messages wait for a window's end, `sent` is the seq before the first of them. The sockets
    // outlive an instance evicted with messages still waiting: the next instance sends them.
    const sent = log.meta("sent");
    if (sent !== null) {
      this.unsent.push(...log.after(sent));
      if (this.unsent.length > 0) this.schedule(0);
    }
  }

  /** A socket was accepted: authors are introduced to it with their next message. */
  joined() {
    this.joins += 1;
    if (this.reach !== null) this.reach += 1;
  }

  /** The window for the room as it is now, in ms. */
  window(now: number): number {
    this.reach ??= this.sockets.all().length;
    return broadcastWindow(this.policy, this.reach, this.rate.read(now));
  }

  /**
   * Sends a new message to every socket: at once when the room's last broadcast is a window old
   * (always, in a small or quiet room), else with the others of its window when that ends.
   */
  announce(message: RoomMessage, author: RoomAuthor) {
    this.unsent.push({ message, author });
    const now = this.clock.now();
    this.rate.add(now);
    const wait = this.broadcastAt + this.window(now) - now;
    if (wait <= 0) this.flush();
    else if (this.windowTimer === null) {
      // Sent at once, a message needs no cursor (stored and sent in one event, or neither); waiting, it does.
      this.log.setMeta("sent", message.seq - 1);
      this.schedule(wait);
    }
    // A window already waiting ends on its own timer: this message joins it, behind the others.
  }

  /**
   * While messages wait, an alarm stands by to send them should this instance be lost before its
   * window ends (a timer does not outlive the instance). Called after `announce`, outside it,
   * since it may wait on storage; costs one storage read per wake-up.
   */
  async armAlarm() {
    if (this.windowTimer === null || this.alarmArmed) return;
    this.alarmArmed = true;
    if ((await this.storage.getAlarm()) === null) await this.storage.setAlarm(Date.now() + RECOVER_AFTER_MS);
  }

  /**
   * The alarm fired. A window past its end goes out now (in an instance new since the last one was
   * lost, the log gave it what waited); one still open (the presence alarm shares this one) keeps
   * its timer, and the alarm stands by again.
   */
  async woke() {
    this.alarmArmed = false;
    if (this.windowTimer === null || this.clock.now() >= this.windowEndsAt) this.flush();
    else await this.armAlarm();
  }

  private schedule(wait: number) {
    this.windowEndsAt = this.clock.now() + wait;
    this.windowTimer = this.clock.after(wait, () => {
      this.windowTimer = null;
      this.flush();
    });
  }

  /**
   * Broadcasts the waiting messages, serialised once: one as a `message`, more as a `messages`.
   * Anything that names the room's cursor, or must follow a message, flushes first.
   */
  flush() {
    if (this.windowTimer !== null) this.clock.cancel(this.windowTimer);
    this.windowTimer = null;
    const batch = this.unsent;
    const newest = batch.at(-1);
    if (!newest) return;
    this.unsent = [];
    this.broadcastAt = this.clock.now();
    const items = batch.map(({ message, author }) => this.introduce(message, author));
    const [only] = items;
    this.reach = this.sockets.broadcast(
      items.length === 1 && only ? { type: "message", ...only } : { type: "messages", items },
    );
    this.counts.frames += 1;
    this.counts.messages += items.length;
    this.log.clearMeta("sent");
  }

  /** When the pending window ends (epoch ms by the room's clock), or null when none waits. */
  pending(): number | null {
    return this.windowTimer === null ? null : this.windowEndsAt;
  }

  /**
   * The message as it goes out live. The author's name comes along when a socket joined since they
   * were last introduced, or their name changed; otherwise every socket knows their number.
   */
  private introduce(message: RoomMessage, author: RoomAuthor): LiveMessage {
    const known = this.introduced.get(author.n);
    if (known && known.joins >= this.joins && known.displayName === author.displayName) return message;
    this.introduced.set(author.n, { joins: this.joins, displayName: author.displayName });
    return { ...message, who: { userId: author.userId, displayName: author.displayName } };
  }
}

/** The alarm standing by for waiting messages fires this long after it is set: any window is far shorter. */
export const RECOVER_AFTER_MS = 1000;
