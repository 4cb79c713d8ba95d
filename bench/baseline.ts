import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../scripts/platform.ts";

/**
 * The commit a benchmark measures the old design at, beside the new one in the same run: issue 15's
 * base. `BASELINE=<commit>` picks another.
 */
export const BASELINE = process.env.BASELINE ?? "5f45c25";

/**
 * The app as it was at `commit`, extracted with `git archive` into a temporary directory and run
 * through its own scripts/platform.ts (so its own worker, migrations and wrangler.toml), sharing
 * this checkout's node_modules and web build (the API never reads the web build). Returns that
 * platform module and where the copy lives.
 */
export async function baselineApp(
  commit = BASELINE,
): Promise<{ dir: string; platform: typeof import("../scripts/platform.ts") }> {
  const dir = mkdtempSync(join(tmpdir(), `atas-baseline-${commit.slice(0, 12)}-`));
  const archive = execFileSync("git", ["-C", ROOT, "archive", "--format=tar", commit], {
    maxBuffer: 256 * 1024 * 1024,
  });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const build = join(ROOT, "web", "build");
  if (existsSync(build)) cpSync(build, join(dir, "web", "build"), { recursive: true });
  return { dir, platform: await import(join(dir, "scripts", "platform.ts")) };
}

/** The machine's load average (1, 5, 15 min), printed with every run: the machine is shared. */
export function loadAverage(): string {
  try {
    return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}
