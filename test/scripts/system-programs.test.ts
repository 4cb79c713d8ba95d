import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  CHROMIUM,
  ensureSystemPrograms,
  findOnPath,
  findProgram,
  installAccess,
  installSteps,
  MissingSystemPrograms,
  manualInstallCommand,
} from "../../scripts/system-programs.ts";

const dir = mkdtempSync(join(tmpdir(), "atas-programs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function program(folder: string, name: string, executable = true): string {
  mkdirSync(join(dir, folder), { recursive: true });
  const path = join(dir, folder, name);
  writeFileSync(path, "#!/bin/sh\n");
  chmodSync(path, executable ? 0o755 : 0o644);
  return path;
}

describe("finding a program", () => {
  it("takes the first executable of that name on PATH, as command -v does", () => {
    program("a", "chromium", false);
    const b = program("b", "chromium");
    program("c", "chromium");
    const path = ["", join(dir, "missing"), join(dir, "a"), join(dir, "b"), join(dir, "c")].join(":");
    expect(findOnPath("chromium", path)).toBe(b);
    expect(findOnPath("redis-server", path)).toBeNull();
  });

  it("prefers the override variable, and reports a wrong one as not found", () => {
    const own = program("own", "my-chromium");
    const env = { PATH: join(dir, "b") };
    expect(findProgram(CHROMIUM, { ...env, CHROMIUM_PATH: own })).toBe(own);
    expect(findProgram(CHROMIUM, { ...env, CHROMIUM_PATH: join(dir, "nothing") })).toBeNull();
    expect(findProgram(CHROMIUM, env)).toBe(join(dir, "b", "chromium"));
  });
});

describe("installing what is missing", () => {
  it("knows who may install", () => {
    const apt = program("apt", "apt-get");
    expect(installAccess({ PATH: join(dir, "apt") }, 0)).toEqual({ kind: "root", aptGet: apt });
    expect(installAccess({ PATH: join(dir, "apt") }, 1000)).toMatchObject({
      kind: "none",
      why: /sudo is not/,
    });
    expect(installAccess({ PATH: join(dir, "empty") }, 0)).toMatchObject({ kind: "none", why: /no apt-get/ });
  });

  it("runs apt-get without a prompt, through sudo -n when not root", () => {
    expect(installSteps(["chromium"], { kind: "root", aptGet: "/usr/bin/apt-get" })).toEqual([
      ["/usr/bin/apt-get", "update", "-qq"],
      ["/usr/bin/apt-get", "install", "-y", "--no-install-recommends", "-q", "chromium"],
    ]);
    const [update] = installSteps(["chromium"], { kind: "sudo", aptGet: "/a", sudo: "/s" });
    expect(update).toEqual(["/s", "-n", "env", "DEBIAN_FRONTEND=noninteractive", "/a", "update", "-qq"]);
    expect(manualInstallCommand(["chromium", "redis-server"], false)).toBe(
      "sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium redis-server",
    );
  });

  it("stops with the exact command when it may not install, without trying", () => {
    const lines: string[] = [];
    let message = "";
    try {
      ensureSystemPrograms(
        (line) => lines.push(line),
        { PATH: join(dir, "empty") },
        () => ({
          kind: "none",
          why: "you are not root and sudo is not installed",
        }),
      );
    } catch (error) {
      expect(error).toBeInstanceOf(MissingSystemPrograms);
      message = (error as Error).message;
    }
    expect(message).toContain(
      "sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium redis-server",
    );
    expect(lines).toEqual([
      expect.stringMatching(/^chromium is not on PATH; /),
      expect.stringMatching(/^redis-server is not on PATH; /),
    ]);
  });

  it("needs nothing when both are found, and hands their paths on", () => {
    const redis = program("both", "redis-server");
    const chromium = program("both", "chromium");
    const found = ensureSystemPrograms(
      () => {},
      { PATH: join(dir, "both") },
      () => {
        throw new Error("must not ask");
      },
    );
    expect(found).toEqual({ CHROMIUM_PATH: chromium, REDIS_SERVER_PATH: redis });
  });

  it("refuses a wrong override instead of installing around it", () => {
    expect(() =>
      ensureSystemPrograms(() => {}, { PATH: join(dir, "both"), CHROMIUM_PATH: "/no/such/chromium" }),
    ).toThrow(/CHROMIUM_PATH=\/no\/such\/chromium is not an executable file/);
  });
});
