import { BROADCAST_EVERY_MS, type LiveMessage, type RoomAuthor, type RoomMessage } from "../room-protocol";
import type { Clock } from "./clock";
import type { MessageLog } from "./log";
import type { RoomSockets } from "./sockets";

/**
 * New messages going out live. A message into a quiet room goes out at once; in a busy room the
 * messages of one window (`BROADCAST_EVERY_MS`) share a frame, so the room pays one send per socket
 * per window, not per message. The log's `sent` cursor survives the instance: messages stored but
 * not yet sent when it is lost go out from the next one.
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
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly log: MessageLog,
    private readonly sockets: RoomSockets,
    private readonly clock: Clock,
  ) {
    // `sent` is the last message seq the sockets were sent. The sockets outlive an instance evicted
    // with messages still waiting for their broadcast: the next instance sends them.
    const sent = log.meta("sent");
    if (sent === null) log.setMeta("sent", log.last());
    else {
      this.unsent.push(...log.after(sent));
      if (this.unsent.length > 0) this.flushTimer = setTimeout(() => this.flush(), 0);
    }
  }

  /** A socket was accepted: authors are introduced to it with their next message. */
  joined() {
    this.joins += 1;
  }

  /**
   * Sends a new message to every socket: at once when the room's last broadcast is a window old,
   * else with the others of its window when that ends. The sender's ack does not wait.
   */
  announce(message: RoomMessage, author: RoomAuthor) {
    this.unsent.push({ message, author });
    if (this.flushTimer !== null) return;
    const wait = this.broadcastAt + BROADCAST_EVERY_MS - this.clock.now();
    // A pending timer keeps the instance awake, so the window ends on time; `sent` covers eviction.
    if (wait > 0) this.flushTimer = setTimeout(() => this.flush(), wait);
    else this.flush();
  }

  /**
   * Broadcasts the waiting messages, serialised once: one as a `message`, more as a `messages`.
   * Anything that names the room's cursor, or must follow a message, flushes first.
   */
  flush() {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.unsent;
    const newest = batch.at(-1);
    if (!newest) return;
    this.unsent = [];
    this.broadcastAt = this.clock.now();
    const items = batch.map(({ message, author }) => this.introduce(message, author));
    const [only] = items;
    this.sockets.broadcast(
      items.length === 1 && only ? { type: "message", ...only } : { type: "messages", items },
    );
    this.log.setMeta("sent", newest.message.seq);
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
