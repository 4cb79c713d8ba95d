import { webHandler } from "../../web/server";
import { createWorker } from "./worker";

export { Inbox } from "./realtime/inbox";
export { Room } from "./realtime/room";

export default createWorker(webHandler);
