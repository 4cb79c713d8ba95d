/**
 * The runtime's processes under `wrangler dev`, read from /proc: which workerd runs the worker (and on
 * which port its own entry socket listens, so load can bypass wrangler's proxy), and how much CPU a
 * process has used. Shared by the benchmarks and `npm run cost`.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export const TICK_MS = 1000 / (Number(spawnSync("getconf", ["CLK_TCK"]).stdout?.toString().trim()) || 100);

export function argsOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

/** Fields 3 onwards of /proc/<pid>/stat (after the parenthesised name): [0] state, [2] pgid, [11] utime, [12] stime. */
export function statOf(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

export const RESTARTED =
  "workerd restarted during the run (wrangler dev reloads when a watched file changes): run again";

/** User plus system CPU time the process has used, in ms. */
export function cpuMs(pid: number): number {
  const stat = statOf(pid);
  if (!stat) throw new Error(RESTARTED);
  return (Number(stat[11]) + Number(stat[12])) * TICK_MS;
}

/** Busy time of the whole machine (all cores), in ms, from /proc/stat. */
export function machineCpuMs(): number {
  const times = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = times.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (times[3] ?? 0) + (times[4] ?? 0);
  return (total - idle) * TICK_MS;
}

export const pids = () =>
  readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);

/** TCP ports the process listens on: its socket inodes matched against /proc/net/tcp's LISTEN rows. */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // closed while we looked
    }
  }
  const ports: number[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const row of readFileSync(table, "utf8").split("\n").slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols[3] === "0A" && inodes.has(cols[9] ?? ""))
        ports.push(Number.parseInt((cols[1] ?? "").split(":")[1] ?? "", 16));
    }
  }
  return ports;
}

/** The workerd that runs the worker itself, and the port of its own entry socket. */
export interface Runtime {
  pid: number;
  port: number;
  /** wrangler's other processes (its node, the proxy's workerd): what they spend shows whether traffic went round them. */
  others: number[];
}

/**
 * `wrangler dev --port P` runs two workerd processes in its process group: the proxy, listening on
 * P, and the worker's own, whose entry socket is on a free port (`entry=127.0.0.1:0`) it reports
 * only to wrangler. Of that process's listening ports (entry, inspector, debug, direct sockets),
 * the entry is the one that answers `looksRight`.
 */
export async function innerRuntime(
  outerPort: number,
  looksRight: (base: string) => Promise<boolean>,
): Promise<Runtime> {
  const wrangler = pids().find((pid) => {
    const args = argsOf(pid);
    return (
      args.includes("dev") && args.some((a) => a.includes("wrangler")) && args.includes(String(outerPort))
    );
  });
  const group = wrangler === undefined ? undefined : statOf(wrangler)?.[2];
  if (!group) throw new Error(`no wrangler dev on port ${outerPort}`);
  const members = pids().filter((pid) => statOf(pid)?.[2] === group);
  const inner = members.filter((pid) => {
    const args = argsOf(pid);
    return args[0]?.endsWith("/workerd") && !args.includes(`--socket-addr=entry=127.0.0.1:${outerPort}`);
  });
  for (const pid of inner) {
    for (const port of listeningPorts(pid)) {
      const ok = await looksRight(`http://127.0.0.1:${port}`).catch(() => false);
      if (ok) return { pid, port, others: members.filter((p) => p !== pid) };
    }
  }
  throw new Error(`no inner workerd answering for wrangler dev on port ${outerPort}`);
}

/** wrangler dev restarts workerd when a file it watches changes: a run across a restart means nothing. */
export function stillRunning(runtime: Runtime) {
  if (!statOf(runtime.pid)) throw new Error(RESTARTED);
}
