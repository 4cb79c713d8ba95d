import { describe, expect, it } from "vitest";
import { safeRedirect } from "../../../web/app/lib/forms";

describe("safeRedirect: only same-origin paths after normalisation", () => {
  it.each([
    // What a browser makes of each (tab, CR, LF stripped; backslash read as a slash).
    ["/\t/evil.example", "tab between the slashes"],
    ["/\n/evil.example", "newline between the slashes"],
    ["/\r/evil.example", "carriage return"],
    ["//evil.example", "protocol-relative"],
    ["/\\evil.example", "slash backslash"],
    ["\\\\evil.example", "two backslashes"],
    ["/.//evil.example", "dot segment that normalises to //"],
    ["/..//evil.example", "dot-dot segment that normalises to //"],
    ["/%2e//evil.example", "encoded dot segment"],
    ["https://evil.example/", "absolute URL"],
    ["javascript:alert(1)", "script URL"],
    [" /profile", "leading space"],
    ["/\u0000/evil.example", "NUL"],
    ["/\u007f/evil.example", "DEL"],
    ["", "empty"],
  ])("refuses %j (%s)", (to) => {
    expect(safeRedirect(to, "/fallback")).toBe("/fallback");
  });

  it.each([
    ["/profile", "/profile"],
    ["/rooms/topic%3Acareers", "/rooms/topic%3Acareers"],
    ["/invitations?bucket=open#top", "/invitations?bucket=open#top"],
    ["/notes/abc/../def", "/notes/def"],
  ])("keeps %j as %j", (to, expected) => {
    expect(safeRedirect(to, "/fallback")).toBe(expected);
  });

  it("falls back for a missing target", () => {
    expect(safeRedirect(null)).toBe("/");
    expect(safeRedirect(undefined, "/profile")).toBe("/profile");
  });
});
