// The worker under test: the API with its queue and cron handlers, without the web build.
import { createWorker } from "../../worker/src/worker";

export { Inbox } from "../../worker/src/realtime/inbox";
export { Room } from "../../worker/src/realtime/room";
export default createWorker();
