import { lintCypherQuery } from "@neo4j-cypher/language-support";
import { describe, expect, it } from "vitest";
import { CYPHER } from "../../worker/src/adapters/second-degree/neo4j.ts";

/**
 * Every statement the Neo4j adapter can send, through Neo4j's own Cypher parser and semantic
 * analysis (the one its editors and language server use). It runs here, in Node, because the
 * package is far too large to load into workerd; the fake Query API server runs the same check on
 * each request it receives, with that request's parameters.
 */
const SCHEMA = {
  labels: ["User"],
  relationshipTypes: ["CONNECTED", "BLOCKED"],
  propertyKeys: ["id", "displayName", "role", "source"],
};

/** The parameters each statement is sent with (values do not matter to the parser, names do). */
const PARAMETERS: Record<keyof typeof CYPHER, Record<string, unknown>> = {
  experts: { userId: "u1", limit: 10 },
  people: { userId: "u1", limit: 10 },
  apply: { users: [], connects: [], disconnects: [], blocks: [], unblocks: [] },
  constraint: {},
  clear: {},
};

function diagnostics(
  statement: string,
  parameters: Record<string, unknown>,
  version?: "CYPHER 5" | "CYPHER 25",
) {
  return lintCypherQuery(statement, { ...SCHEMA, parameters, defaultLanguage: version }).diagnostics.map(
    (d) =>
      `${d.severity === 1 ? "error" : "warning"}: ${typeof d.message === "string" ? d.message : d.message.value}`,
  );
}

describe("the Neo4j adapter's Cypher", () => {
  for (const [name, statement] of Object.entries(CYPHER) as [keyof typeof CYPHER, string][]) {
    for (const version of ["CYPHER 5", "CYPHER 25"] as const) {
      it(`${name} parses in ${version} with no error, deprecation or unknown name`, () => {
        expect(diagnostics(statement, PARAMETERS[name], version)).toEqual([]);
      });
    }
    it(`${name} is one line and names every parameter it is sent with`, () => {
      expect(statement).not.toMatch(/[\r\n]/);
      const used = new Set([...statement.matchAll(/\$(\w+)/g)].map((m) => m[1]));
      expect([...used].sort()).toEqual(Object.keys(PARAMETERS[name]).sort());
    });
  }

  it("reports a broken statement, so the checks above can fail", () => {
    const broken = CYPHER.experts.replace("RETURN", "RETRN");
    expect(diagnostics(broken, PARAMETERS.experts).some((d) => d.startsWith("error: "))).toBe(true);
    expect(diagnostics("MATCH (u:User RETURN u", {})).toContainEqual(
      expect.stringMatching(/^error: Invalid input/),
    );
  });

  it("reports a semantic mistake, a missing parameter and a misspelt relationship type", () => {
    expect(
      diagnostics(CYPHER.apply.replace("user.displayName", "usr.displayName"), PARAMETERS.apply),
    ).toContain("error: Variable `usr` not defined");
    expect(diagnostics(CYPHER.people, { userId: "u1" })).toContain("error: Parameter $limit is not defined.");
    expect(diagnostics(CYPHER.experts.replaceAll("BLOCKED", "BLOKED"), PARAMETERS.experts)).toContainEqual(
      expect.stringMatching(/^warning: Relationship type BLOKED is not present/),
    );
  });
});
