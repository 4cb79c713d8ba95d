/** Someone two hops from the asking user, with the mutual connections they are reached through. */
export interface Reachable {
  userId: string;
  /** Every mutual connection (a direct connection of the asker who is connected to this person). */
  via: { userId: string; displayName: string }[];
}

/** Kept for the callers that only look for experts. */
export type ReachableExpert = Reachable & { expertId: string };

/**
 * The second-degree network: graph questions only. Attributes (campus, industry, responsiveness)
 * live in D1 and rank the candidates afterwards (worker/src/network/services).
 *
 * Both queries exclude the asker, the asker's direct connections, and anyone blocked by or
 * blocking the asker; they return at most `limit` people with the most mutual connections
 * (ties by user id), each with all of their mutual connections.
 *
 * Implementations: a D1 two-hop query over `connections` (the local default, network/second-degree-d1.ts) and Neo4j
 * Aura through its HTTP Query API (./neo4j.ts, NEO4J_QUERY_URL).
 */
export interface SecondDegree {
  /** Experts two hops away. */
  experts(userId: string, limit: number): Promise<ReachableExpert[]>;
  /** People who are not experts two hops away: "people you may know" (closing triangles). */
  people(userId: string, limit: number): Promise<Reachable[]>;
}

/** An expert two hops away and how many of the asker's connections lead there. */
export interface CountedExpert {
  userId: string;
  mutuals: number;
}

/**
 * A second-degree store that keeps each user's counts ready (D1's candidate set,
 * network/second-degree-set.ts): the ranking reads the candidates' counts, and only the page it
 * returns has its mutual connections named. Same exclusions and order as `SecondDegree.experts`.
 */
export interface CountedSecondDegree extends SecondDegree {
  expertCounts(userId: string, limit: number): Promise<CountedExpert[]>;
  /** The mutual connections of `userId` with each of `expertIds`, in the order of `Reachable.via`. */
  mutualsWith(userId: string, expertIds: string[]): Promise<Map<string, Reachable["via"]>>;
}

export const countsReady = (graph: SecondDegree): graph is CountedSecondDegree => "expertCounts" in graph;

/** A person as the graph knows them. */
export interface GraphUser {
  id: string;
  displayName: string;
  role: "student" | "expert" | "club" | "admin";
}

/**
 * One change to the graph, as the `graph` queue carries it. Applying a change twice is the same as
 * applying it once (MERGE and idempotent deletes), so redelivery is harmless.
 */
export type GraphChange =
  | { op: "user"; user: GraphUser }
  | { op: "connect"; a: string; b: string; source: string }
  | { op: "disconnect"; a: string; b: string }
  | { op: "block"; blocker: string; blocked: string }
  | { op: "unblock"; blocker: string; blocked: string };

/** Where the graph is copied to when D1 is not the graph store itself. */
export interface GraphMirror {
  apply(changes: GraphChange[]): Promise<void>;
  /** Replaces the whole copy with D1's graph (users, edges, blocks), in batches. */
  resync(snapshot: {
    users: GraphUser[];
    edges: { a: string; b: string; source: string }[];
    blocks: { blocker: string; blocked: string }[];
  }): Promise<void>;
}
