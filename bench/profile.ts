/**
 * A CPU profile of a running workerd through its inspector (the Chrome DevTools protocol that
 * `wrangler dev` enables on the worker's own runtime): started before some load, stopped after it,
 * written as a `.cpuprofile` file (open it in Chrome's DevTools, Performance tab) and summed by
 * where the time went (self time per package or file), which is printed.
 */
import { writeFileSync } from "node:fs";
import { listeningPorts } from "../scripts/workerd-process.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The inspector's WebSocket URL for the worker's isolate among workerd's listening ports. */
async function inspectorTarget(pid: number): Promise<string> {
  for (const port of listeningPorts(pid)) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/json/list`, {
        signal: AbortSignal.timeout(1000),
      });
      if (!response.ok) continue;
      const targets = (await response.json()) as {
        id: string;
        title?: string;
        webSocketDebuggerUrl?: string;
      }[];
      const target =
        targets.find((t) => !t.title?.includes("miniflare") && t.webSocketDebuggerUrl) ?? targets[0];
      if (target) return target.webSocketDebuggerUrl ?? `ws://127.0.0.1:${port}/${target.id}`;
    } catch {
      // not the inspector
    }
  }
  throw new Error(`no inspector among workerd ${pid}'s ports`);
}

function connect(url: string) {
  const socket = new WebSocket(url);
  let next = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve());
    socket.addEventListener("error", () => reject(new Error(`inspector ${url} refused`)));
  });
  const send = async <T>(method: string, params: Record<string, unknown> = {}): Promise<T> => {
    await opened;
    const id = next++;
    return new Promise<T>((resolve) => {
      waiting.set(id, resolve as (result: unknown) => void);
      socket.send(JSON.stringify({ id, method, params }));
    });
  };
  return { send, close: () => socket.close() };
}

/** Self time per bucket: a package in node_modules, else the source file's path under the app. */
export function summarize(profile: Profile, top = 14): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const buckets = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    total += us;
    const url = frame.url;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const name = pkg
      ? pkg
      : url
        ? `${url.replace(/^.*?\/(worker|web)\//, "$1/")}`
        : `(${frame.functionName || "native"})`;
    buckets.set(name, (buckets.get(name) ?? 0) + us);
  }
  return [...buckets.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${name}`);
}

/** Profiles workerd `pid` while `load` runs; writes the profile to `file` and prints its summary. */
export async function profileWhile(pid: number, load: Promise<unknown>, file: string): Promise<void> {
  const inspector = connect(await inspectorTarget(pid));
  await inspector.send("Profiler.enable");
  await inspector.send("Profiler.setSamplingInterval", { interval: 200 });
  await inspector.send("Profiler.start");
  await load;
  const { profile } = await inspector.send<{ profile: Profile }>("Profiler.stop");
  inspector.close();
  writeFileSync(file, JSON.stringify(profile));
  console.log(`CPU profile ${file}, self time by where it is spent:\n${summarize(profile).join("\n")}`);
}
