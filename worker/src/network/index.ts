/**
 * The network: connections (asked, or known from activity), the second-degree graph and its mirror,
 * whether two people block each other, and the contact matrix (who may start contact with whom).
 */

export { mountNetwork } from "./routes/network";
export {
  type Contact,
  contactBetween,
  holdsWindow,
  invitationWindow,
  mentionable,
  REFUSAL_DETAIL,
  type Refusal,
  refusalToward,
} from "./services/contact-matrix";
export { afterEdgeChange, connect, disconnect, isBlockedEitherWay } from "./services/edges";
