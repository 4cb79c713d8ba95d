import type { RoomAuthor, RoomMessage, ServerFrame } from "../room-protocol";
import type { Clock } from "./clock";

/** A message with its author's number and name (`MESSAGE_COLUMNS` from `messages m join people p`). */
interface MessageRow {
  seq: number;
  at: number;
  body: string;
  n: number;
  user_id: string;
  display_name: string;
  [key: string]: SqlStorageValue;
}

const MESSAGE_COLUMNS =
  "m.seq, m.at, m.body, p.n, p.user_id, p.display_name from messages m join people p on p.user_id = m.user_id";

const toMessage = (row: MessageRow): RoomMessage => ({ seq: row.seq, by: row.n, at: row.at, body: row.body });
const toAuthor = (row: MessageRow): RoomAuthor => ({
  n: row.n,
  userId: row.user_id,
  displayName: row.display_name,
});

/**
 * The room's message log in the object's SQLite: messages under one increasing `seq`, so every
 * client sees the same order and a client that reconnects with its cursor gets exactly what it
 * missed. Deleting a message also takes a seq, so a resume replays the deletions it missed too.
 * Authors are numbered per room (`people`); `meta` holds the room's counters and settings.
 */
export class MessageLog {
  /** Authors by user id, as numbered in the `people` table. */
  private authors = new Map<string, RoomAuthor>();
  /**
   * `meta` as read and written by this instance, the only writer: each message reads a few of these
   * (the writing window, the cursor), and a statement costs more than the read (docs/realtime.md).
   */
  private metas = new Map<string, number | null>();
  /** The last seq taken, kept in memory: the messages table holds it (seq and deleted_seq). */
  private seq: number | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly clock: Clock,
  ) {
    sql.exec(
      "create table if not exists messages (seq integer primary key, client_id text not null, user_id text not null, display_name text not null, body text not null, at integer not null, deleted_seq integer)",
    );
    sql.exec("create unique index if not exists messages_client_idx on messages (user_id, client_id)");
    sql.exec(
      "create index if not exists messages_deleted_idx on messages (deleted_seq) where deleted_seq is not null",
    );
    sql.exec("create table if not exists meta (key text primary key, value integer not null)");
    sql.exec("create table if not exists reads (user_id text primary key, up_to integer not null)");
    sql.exec(
      "create table if not exists people (n integer primary key, user_id text not null unique, display_name text not null)",
    );
    // Rooms that stored messages before authors were numbered: number everyone who has written, once.
    if (this.meta("people") === null) {
      sql.exec(
        "insert or ignore into people (user_id, display_name) select user_id, display_name from messages group by user_id",
      );
      this.setMeta("people", 1);
    }
  }

  /** `id` is the sender's id for the message; `author` is numbered already. */
  store(id: string, author: RoomAuthor, body: string): RoomMessage {
    const message = this.storeNew(id, author, body);
    if (!message) throw new Error(`message ${id} is stored already`);
    return message;
  }

  /**
   * Stores the message unless its author already sent one under `id` (a resend): null then. One
   * statement either way, so the check for a resend costs a new message nothing.
   */
  storeNew(id: string, author: RoomAuthor, body: string): RoomMessage | null {
    const message: RoomMessage = { seq: this.last() + 1, by: author.n, at: this.clock.now(), body };
    const stored = this.sql
      .exec(
        "insert into messages (seq, client_id, user_id, display_name, body, at) values (?, ?, ?, ?, ?, ?) on conflict (user_id, client_id) do nothing returning seq",
        message.seq,
        id,
        author.userId,
        author.displayName,
        message.body,
        message.at,
      )
      .toArray();
    if (stored.length === 0) return null;
    this.seq = message.seq;
    return message;
  }

  /** The author's number in this room, given on their first message; their name is kept current. */
  author(userId: string, displayName: string): RoomAuthor {
    const known = this.authors.get(userId);
    if (known?.displayName === displayName) return known;
    const [row] = this.sql
      .exec<{ n: number }>(
        "insert into people (user_id, display_name) values (?, ?) on conflict(user_id) do update set display_name = excluded.display_name returning n",
        userId,
        displayName,
      )
      .toArray();
    if (!row) throw new Error("no author number");
    const author = { n: row.n, userId, displayName };
    this.authors.set(userId, author);
    return author;
  }

  byClientId(userId: string, id: string): RoomMessage | null {
    const [row] = this.sql
      .exec<MessageRow>(`select ${MESSAGE_COLUMNS} where m.user_id = ? and m.client_id = ?`, userId, id)
      .toArray();
    return row ? toMessage(row) : null;
  }

  /** Who wrote the live message `seq`; null when there is none (never was, or deleted). */
  authorOf(seq: number): string | null {
    const [row] = this.sql
      .exec<{ user_id: string }>("select user_id from messages where seq = ? and deleted_seq is null", seq)
      .toArray();
    return row?.user_id ?? null;
  }

  /** The body goes; the row stays so a resend of its id is still recognised. */
  delete(seq: number) {
    this.sql.exec("update messages set body = '', deleted_seq = ? where seq = ?", this.nextSeq(), seq);
  }

  /** When the newest live message was written, for room lists. */
  lastMessageAt(): number | null {
    const [row] = this.sql
      .exec<{ at: number }>("select at from messages where deleted_seq is null order by seq desc limit 1")
      .toArray();
    return row?.at ?? null;
  }

  /** Live messages after `seq` with their authors, in seq order. */
  *after(seq: number): Generator<{ message: RoomMessage; author: RoomAuthor }> {
    for (const row of this.sql.exec<MessageRow>(
      `select ${MESSAGE_COLUMNS} where m.seq > ? and m.deleted_seq is null order by m.seq`,
      seq,
    ))
      yield { message: toMessage(row), author: toAuthor(row) };
  }

  /** Live messages before `before`, oldest first, their authors, and whether older ones exist. */
  page(before: number, limit: number): { messages: RoomMessage[]; people: RoomAuthor[]; more: boolean } {
    const rows = this.sql
      .exec<MessageRow>(
        `select ${MESSAGE_COLUMNS} where m.seq < ? and m.deleted_seq is null order by m.seq desc limit ?`,
        before,
        limit + 1,
      )
      .toArray();
    const page = rows.slice(0, limit).reverse();
    const people = new Map(page.map((row) => [row.n, toAuthor(row)]));
    return { messages: page.map(toMessage), people: [...people.values()], more: rows.length > limit };
  }

  /**
   * What a client at cursor `after` missed: the deletions, up to `deletionsUpTo`, of messages it
   * has, then the live messages up to `messagesUpTo`, in seq order. Read as it is sent.
   */
  *missed(after: number, messagesUpTo: number, deletionsUpTo: number): Generator<ServerFrame> {
    if (deletionsUpTo > after)
      for (const row of this.sql.exec<{ seq: number }>(
        "select seq from messages where deleted_seq > ? and deleted_seq <= ? and seq <= ? order by deleted_seq",
        after,
        deletionsUpTo,
        after,
      ))
        yield { type: "deleted", seq: row.seq };
    if (messagesUpTo <= after) return;
    // Each author's name comes with their first message here: this socket may not know them.
    const named = new Set<number>();
    for (const row of this.sql.exec<MessageRow>(
      `select ${MESSAGE_COLUMNS} where m.seq > ? and m.seq <= ? and m.deleted_seq is null order by m.seq`,
      after,
      messagesUpTo,
    )) {
      if (named.has(row.n)) yield { type: "message", ...toMessage(row) };
      else {
        named.add(row.n);
        yield {
          type: "message",
          ...toMessage(row),
          who: { userId: row.user_id, displayName: row.display_name },
        };
      }
    }
  }

  /** Moves this person's read cursor forward (never back); returns where it is now. */
  markRead(userId: string, upTo: number): number | null {
    const [row] = this.sql
      .exec<{ up_to: number }>(
        "insert into reads (user_id, up_to) values (?, ?) on conflict(user_id) do update set up_to = max(up_to, excluded.up_to) returning up_to",
        userId,
        upTo,
      )
      .toArray();
    return row?.up_to ?? null;
  }

  readUpTo(userId: string): number {
    const [row] = this.sql
      .exec<{ up_to: number }>("select up_to from reads where user_id = ?", userId)
      .toArray();
    return row?.up_to ?? 0;
  }

  /** The room's cursor: the last seq taken (by a message or a deletion). */
  last(): number {
    if (this.seq === null) {
      // Rooms from before the seq lived in the messages alone kept it in `meta` too.
      const [row] = this.sql
        .exec<{ seq: number }>(
          "select max(coalesce((select max(seq) from messages), 0), coalesce((select max(deleted_seq) from messages where deleted_seq is not null), 0)) as seq",
        )
        .toArray();
      this.seq = Math.max(row?.seq ?? 0, this.meta("seq") ?? 0);
    }
    return this.seq;
  }

  /** The next seq; the row that takes it (a message, or a deletion's `deleted_seq`) stores it. */
  private nextSeq(): number {
    this.seq = this.last() + 1;
    return this.seq;
  }

  meta(key: string): number | null {
    const known = this.metas.get(key);
    if (known !== undefined) return known;
    const [row] = this.sql.exec<{ value: number }>("select value from meta where key = ?", key).toArray();
    const value = row?.value ?? null;
    this.metas.set(key, value);
    return value;
  }

  setMeta(key: string, value: number) {
    if (this.metas.get(key) === value) return;
    this.sql.exec(
      "insert into meta (key, value) values (?, ?) on conflict(key) do update set value = excluded.value",
      key,
      value,
    );
    this.metas.set(key, value);
  }

  clearMeta(key: string) {
    if (this.metas.get(key) === null) return;
    this.sql.exec("delete from meta where key = ?", key);
    this.metas.set(key, null);
  }
}
