import type { Db } from "../../db/client";
import type { Env } from "../../env";
import { d1SecondDegree } from "./d1";
import type { GraphMirror, SecondDegree } from "./interface";
import { neo4jSecondDegree } from "./neo4j";

/** Configuration picks the implementation: Neo4j Aura when NEO4J_QUERY_URL is set, else D1 itself. */
export function secondDegreeFor(env: Env, db: Db): SecondDegree {
  return neo4jFor(env) ?? d1SecondDegree(db);
}

/** Where graph changes are copied to; null when D1 is the graph store and there is nothing to copy. */
export function graphMirrorFor(env: Env): GraphMirror | null {
  return neo4jFor(env);
}

function neo4jFor(env: Env) {
  if (!env.NEO4J_QUERY_URL) return null;
  return neo4jSecondDegree({
    queryUrl: env.NEO4J_QUERY_URL,
    user: env.NEO4J_USER ?? "neo4j",
    password: env.NEO4J_PASSWORD ?? "",
    database: env.NEO4J_DATABASE,
  });
}
