import { integer, text } from "drizzle-orm/sqlite-core";

/** Instants are stored as UTC epoch milliseconds. */
export const instant = (name: string) => integer(name, { mode: "number" });
export const createdAt = () =>
  instant("created_at")
    .notNull()
    .$defaultFn(() => Date.now());
export const id = () =>
  text("id")
    .primaryKey()
    .$defaultFn(() => crypto.randomUUID());
/** A JSON array/object column; drizzle serialises it. */
export const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();
export const flag = (name: string) => integer(name, { mode: "boolean" });
