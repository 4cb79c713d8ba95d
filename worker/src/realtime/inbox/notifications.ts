export interface InboxNotification {
  id: string;
  type: string;
  text: string;
  createdAt: number;
}

const KEEP = 100;

/** The user's latest notifications, in the inbox object's SQLite. */
export class InboxNotifications {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(
      "create table if not exists notifications (id text primary key, type text not null, text text not null, created_at integer not null)",
    );
  }

  add(input: { type: string; text: string }, now: number): InboxNotification {
    const notification = { id: crypto.randomUUID(), createdAt: now, ...input };
    this.sql.exec(
      "insert into notifications (id, type, text, created_at) values (?, ?, ?, ?)",
      notification.id,
      notification.type,
      notification.text,
      notification.createdAt,
    );
    this.sql.exec(
      "delete from notifications where id not in (select id from notifications order by created_at desc limit ?)",
      KEEP,
    );
    return notification;
  }

  recent(): InboxNotification[] {
    return this.sql
      .exec<{ id: string; type: string; text: string; created_at: number }>(
        "select id, type, text, created_at from notifications order by created_at desc limit 20",
      )
      .toArray()
      .map((row) => ({ id: row.id, type: row.type, text: row.text, createdAt: row.created_at }));
  }
}
