import { describe, expect, it } from "vitest";
import { call, expectProblem } from "../support/http";

describe("the API surface", () => {
  it("publishes an OpenAPI 3.1 document generated from the route schemas", async () => {
    const response = await call("/openapi.json");
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe("3.1.0");
    for (const path of [
      "/api/auth/register",
      "/api/auth/login",
      "/api/auth/verify",
      "/api/me",
      "/api/me/profile",
      "/api/profiles/{id}",
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(JSON.stringify(doc.paths["/api/auth/register"])).toContain("problem+json");
  });

  it("answers unknown API paths with a 404 problem and a request id", async () => {
    const response = await call("/api/nope");
    const problem = await expectProblem(response, 404);
    expect(response.headers.get("x-request-id")).toBe(problem.requestId);
  });
});
