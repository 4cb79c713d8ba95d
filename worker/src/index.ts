import { webHandler } from "../../web/server";
import { createWorker } from "./worker";

export { Inbox, Room } from "./realtime";

export default createWorker(webHandler);
