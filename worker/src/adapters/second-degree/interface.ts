/** An expert two hops from the asking user, with the mutual connections they are reached through. */
export interface ReachableExpert {
  expertId: string;
  via: { userId: string; displayName: string }[];
}

/**
 * The second-degree network. Implementations: a D1 two-hop query over connection edges (local
 * default) and Neo4j Aura (configured by NEO4J_QUERY_URL). Connection edges arrive with the
 * network work; until then the D1 implementation answers over an empty edge set.
 */
export interface SecondDegree {
  experts(userId: string, limit: number): Promise<ReachableExpert[]>;
}
