import type { Db } from "../../db/client";
import type { Env } from "../../env";
import { d1SecondDegree } from "./d1";
import type { SecondDegree } from "./interface";

/**
 * Configuration picks the implementation. The Neo4j Aura adapter (NEO4J_QUERY_URL) arrives with
 * the network work; until then a configured URL is refused loudly rather than silently ignored.
 */
export function secondDegreeFor(env: Env, db: Db): SecondDegree {
  if (env.NEO4J_QUERY_URL) throw new Error("NEO4J_QUERY_URL is set but the Neo4j adapter is not built yet");
  return d1SecondDegree(db);
}
