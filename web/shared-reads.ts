import type { ApiFetch } from "../worker/src/worker";

const SAFE_METHODS = new Set(["GET", "HEAD"]);

/**
 * A page's loaders may ask the API for the same thing (the header and the page both read /api/me):
 * within one render each GET is made once and its answer shared. A write (an action) drops what was
 * shared, so the loaders that run after it read afresh.
 */
export function sharedReads(api: ApiFetch): ApiFetch {
  const reads = new Map<string, Promise<Response>>();
  return async (request) => {
    if (!SAFE_METHODS.has(request.method)) {
      reads.clear();
      return api(request);
    }
    let answer = reads.get(request.url);
    if (!answer) {
      answer = api(request);
      reads.set(request.url, answer);
    }
    return (await answer).clone();
  };
}
