import type { Env } from "../../env";
import type { GraphMirror, SecondDegree } from "./interface";
import { neo4jSecondDegree } from "./neo4j";

/**
 * Neo4j Aura when NEO4J_QUERY_URL is set, else null: then D1 itself is the graph store (its two-hop
 * query lives with the network domain) and there is no mirror to copy changes to. Only
 * worker/src/wiring.ts decides what the null means.
 */
export function neo4jGraphFor(env: Env): (SecondDegree & GraphMirror) | null {
  if (!env.NEO4J_QUERY_URL) return null;
  return neo4jSecondDegree({
    queryUrl: env.NEO4J_QUERY_URL,
    user: env.NEO4J_USER ?? "neo4j",
    password: env.NEO4J_PASSWORD ?? "",
    database: env.NEO4J_DATABASE,
  });
}
