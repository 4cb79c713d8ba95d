/**
 * The two programs the tests take from the system instead of npm: Debian's `chromium` (the browser
 * tests drive it through playwright-core) and `redis-server` (a throwaway Redis behind the Upstash
 * twin). Everything that starts one of them finds it here, the same way: the override variable when
 * set (CHROMIUM_PATH, REDIS_SERVER_PATH), else the first executable of that name on PATH.
 *
 * `npm test` starts with `ensureSystemPrograms`: what is missing it installs with apt-get when it may
 * (root, or passwordless sudo), printing what and why; otherwise it stops at once with the command
 * to run, before any suite. After an install it also asks dpkg where the package put the program, so
 * a PATH without /usr/bin still works; the paths found are handed to the suites in the override
 * variables.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

export interface SystemProgram {
  name: string;
  debianPackage: string;
  /** Names the program's path; set by the preflight for the suites, or by hand to use another build. */
  envVar: string;
  neededFor: string;
}

export const CHROMIUM: SystemProgram = {
  name: "chromium",
  debianPackage: "chromium",
  envVar: "CHROMIUM_PATH",
  neededFor: "the browser tests drive it through playwright-core",
};

export const REDIS_SERVER: SystemProgram = {
  name: "redis-server",
  debianPackage: "redis-server",
  envVar: "REDIS_SERVER_PATH",
  neededFor: "a throwaway Redis backs the Upstash twin, as Upstash is Redis in production",
};

export const SYSTEM_PROGRAMS = [CHROMIUM, REDIS_SERVER];

type Env = Record<string, string | undefined>;

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable file called `name` in the directories of `searchPath`, as `command -v` does. */
export function findOnPath(name: string, searchPath = process.env.PATH ?? ""): string | null {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** The override variable's path when set (null if it is not an executable), else a PATH lookup. */
export function findProgram(program: SystemProgram, env: Env = process.env): string | null {
  const override = env[program.envVar];
  if (override) return isExecutableFile(override) ? override : null;
  return findOnPath(program.name, env.PATH);
}

/** Where dpkg says the installed package put the program (in a bin directory), or null. */
function findThroughDpkg(program: SystemProgram, env: Env): string | null {
  const dpkg = findOnPath("dpkg", env.PATH) ?? (isExecutableFile("/usr/bin/dpkg") ? "/usr/bin/dpkg" : null);
  if (!dpkg) return null;
  const listed = spawnSync(dpkg, ["-L", program.debianPackage], { encoding: "utf8" });
  if (listed.status !== 0) return null;
  return (
    listed.stdout
      .split("\n")
      .find((line) => line.endsWith(`/bin/${program.name}`) && isExecutableFile(line)) ?? null
  );
}

export type InstallAccess =
  | { kind: "root"; aptGet: string }
  | { kind: "sudo"; aptGet: string; sudo: string }
  | { kind: "none"; why: string };

/** Whether this user may install Debian packages without being asked anything. */
export function installAccess(env: Env = process.env, uid = process.getuid?.() ?? -1): InstallAccess {
  const aptGet = findOnPath("apt-get", env.PATH);
  if (!aptGet) return { kind: "none", why: "this machine has no apt-get" };
  if (uid === 0) return { kind: "root", aptGet };
  const sudo = findOnPath("sudo", env.PATH);
  if (!sudo) return { kind: "none", why: "you are not root and sudo is not installed" };
  if (spawnSync(sudo, ["-n", "true"], { stdio: "ignore", env: env as NodeJS.ProcessEnv }).status !== 0)
    return { kind: "none", why: "you are not root and sudo asks for a password" };
  return { kind: "sudo", aptGet, sudo };
}

const APT_INSTALL = ["install", "-y", "--no-install-recommends"];

/** The command a person runs by hand to install the packages (as root or through sudo). */
export function manualInstallCommand(packages: string[], asRoot: boolean): string {
  const sudo = asRoot ? "" : "sudo ";
  return `${sudo}apt-get update && ${sudo}apt-get ${[...APT_INSTALL, ...packages].join(" ")}`;
}

/** argv of each step of the automatic install, run without a prompt. */
export function installSteps(
  packages: string[],
  access: Exclude<InstallAccess, { kind: "none" }>,
): string[][] {
  const prefix =
    access.kind === "sudo"
      ? [access.sudo, "-n", "env", "DEBIAN_FRONTEND=noninteractive", access.aptGet]
      : [access.aptGet];
  return [
    [...prefix, "update", "-qq"],
    [...prefix, ...APT_INSTALL, "-q", ...packages],
  ];
}

export class MissingSystemPrograms extends Error {}

/**
 * Finds chromium and redis-server, installing what is missing when this user may; returns each
 * program's path by its override variable. Throws MissingSystemPrograms (a message that says what
 * to run) when something is missing and cannot be installed here.
 */
export function ensureSystemPrograms(
  log: (line: string) => void = console.log,
  env: Env = process.env,
  access: () => InstallAccess = () => installAccess(env),
): Record<string, string> {
  const found: Record<string, string> = {};
  const missing: SystemProgram[] = [];
  const badOverrides: string[] = [];
  for (const program of SYSTEM_PROGRAMS) {
    const path = findProgram(program, env);
    if (path) found[program.envVar] = path;
    else if (env[program.envVar])
      badOverrides.push(`${program.envVar}=${env[program.envVar]} is not an executable file`);
    else missing.push(program);
  }
  if (badOverrides.length) throw new MissingSystemPrograms(`${badOverrides.join("; ")}: fix or unset it`);
  for (const program of SYSTEM_PROGRAMS)
    if (found[program.envVar]) log(`${program.name}: ${found[program.envVar]}`);
  if (missing.length === 0) return found;

  for (const program of missing) log(`${program.name} is not on PATH; ${program.neededFor}`);
  const packages = missing.map((program) => program.debianPackage);
  const may = access();
  if (may.kind === "none") {
    const overrides = missing.map((program) => program.envVar).join(" / ");
    throw new MissingSystemPrograms(
      `Cannot install ${packages.join(" and ")} here: ${may.why}. Run:\n\n` +
        `    ${manualInstallCommand(packages, false)}\n\n` +
        `then npm test again (or set ${overrides} to where ${missing.length > 1 ? "they are" : "it is"}).`,
    );
  }
  log(`installing Debian's ${packages.join(" and ")} with apt-get (as ${may.kind}):`);
  for (const argv of installSteps(packages, may)) {
    log(`  $ ${argv.join(" ")}`);
    const [command = "", ...args] = argv;
    const step = spawnSync(command, args, {
      stdio: "inherit",
      env: { ...env, DEBIAN_FRONTEND: "noninteractive" } as NodeJS.ProcessEnv,
    });
    if (step.status !== 0)
      throw new MissingSystemPrograms(
        `${argv.join(" ")} failed (${step.error?.message ?? `exit code ${step.status}`}); ` +
          `install them by hand:\n\n    ${manualInstallCommand(packages, may.kind === "root")}\n`,
      );
  }
  for (const program of missing) {
    const path = findProgram(program, env) ?? findThroughDpkg(program, env);
    if (!path)
      throw new MissingSystemPrograms(
        `${program.debianPackage} is installed but ${program.name} is neither on PATH nor where dpkg put it`,
      );
    log(
      `${program.name}: ${path}${path === findOnPath(program.name, env.PATH) ? "" : " (from dpkg -L; not on PATH)"}`,
    );
    found[program.envVar] = path;
  }
  return found;
}
