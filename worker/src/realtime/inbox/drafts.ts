/**
 * A step of a proposal draft being written: `chunk` continues the text at `offset` (offset 0 with
 * an empty chunk starts it over, as a retry does). Frames for a finished draft carry its status.
 */
export interface DraftFrame {
  type: "draft";
  draftId: string;
  status: "queued" | "writing" | "ready" | "failed";
  offset: number;
  chunk: string;
  error?: string;
  /** When the consumer sent it (epoch ms), so a page can tell how long the text took to arrive. */
  sentAt: number;
}

/** A draft still being written, as a page that (re)connects needs it to carry on. */
export interface LiveDraft {
  draftId: string;
  status: DraftFrame["status"];
  text: string;
}

/**
 * The text so far of drafts being written, so a tab that opens mid-way starts from it. A finished
 * draft is forgotten here: D1 has it.
 */
export class LiveDrafts {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(
      "create table if not exists live_drafts (draft_id text primary key, status text not null, text text not null, updated_at integer not null)",
    );
  }

  record(frame: Omit<DraftFrame, "type">, now: number) {
    const sql = this.sql;
    if (frame.status === "ready" || frame.status === "failed") {
      sql.exec("delete from live_drafts where draft_id = ?", frame.draftId);
    } else if (frame.offset === 0) {
      sql.exec(
        "insert or replace into live_drafts (draft_id, status, text, updated_at) values (?, ?, ?, ?)",
        frame.draftId,
        frame.status,
        frame.chunk,
        now,
      );
    } else {
      // Offsets count UTF-16 units, as the page's strings do; a frame that does not continue the
      // stored text (one was lost) leaves it alone, and the page fills the gap from D1.
      const [live] = sql
        .exec<{ text: string }>("select text from live_drafts where draft_id = ?", frame.draftId)
        .toArray();
      if (live && live.text.length === frame.offset)
        sql.exec(
          "update live_drafts set status = ?, text = ?, updated_at = ? where draft_id = ?",
          frame.status,
          live.text + frame.chunk,
          now,
          frame.draftId,
        );
    }
    // Drafts abandoned mid-way (a worker that died) stop being replayed after an hour.
    sql.exec("delete from live_drafts where updated_at < ?", now - 3_600_000);
  }

  live(): LiveDraft[] {
    return this.sql
      .exec<{ draft_id: string; status: string; text: string }>(
        "select draft_id, status, text from live_drafts order by updated_at desc limit 10",
      )
      .toArray()
      .map((row) => ({ draftId: row.draft_id, status: row.status as LiveDraft["status"], text: row.text }));
  }
}
