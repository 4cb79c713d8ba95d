/** An expert two hops from the asking user, with the mutual connections they are reached through. */
export interface ReachableExpert {
  expertId: string;
  via: { userId: string; displayName: string }[];
}

/**
 * The second-degree network. Implementations: a D1 two-hop query over `connections` (the local
 * default, ./d1.ts) and Neo4j Aura (NEO4J_QUERY_URL), which arrives with the network work.
 */
export interface SecondDegree {
  experts(userId: string, limit: number): Promise<ReachableExpert[]>;
}
