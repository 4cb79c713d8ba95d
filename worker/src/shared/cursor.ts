import type { z } from "zod";
import { base64url } from "./crypto";
import { BadRequest } from "./errors";

/** Keyset cursors are opaque to clients: base64url of a small JSON value. */
export function encodeCursor(value: unknown): string {
  return base64url(new TextEncoder().encode(JSON.stringify(value)));
}

/** Reads a cursor back through `schema`; anything else a client sends is a 400. */
export function decodeCursor<T extends z.ZodType>(text: string, schema: T): z.infer<T> {
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    const json = new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(binary, (c) => c.charCodeAt(0)),
    );
    return schema.parse(JSON.parse(json));
  } catch {
    throw new BadRequest("The cursor is not valid.", { field: "cursor" });
  }
}
