/** Clubs: the students who run a club account, each by their own yes to an officer invitation. */
export { mountOfficers } from "./routes/officers";
export { setClubOfficers } from "./services/officer-invitations";
export { endOfficerTies } from "./services/officer-ties";
