import { webHandler } from "../../web/server";
import { createWorker } from "./worker";

export { Inbox } from "./realtime/inbox";

export default createWorker(webHandler);
