// Runs the built bundle the way an agent does: `node sora2_generate.js …` in a child process,
// from a folder with no node_modules anywhere above it, with a clean environment.
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const KEY = "sk-test-0123456789abcdef";

let bundle: string | undefined;

/** A private copy of the bundle in a fresh temporary folder. */
export function bundlePath(): string {
  if (!bundle) {
    const dir = mkdtempSync(join(tmpdir(), "sora-bundle-"));
    bundle = join(dir, "sora2_generate.js");
    copyFileSync(fileURLToPath(new URL("../dist/sora2_generate.js", import.meta.url)), bundle);
  }
  return bundle;
}

export function tempDir(prefix = "sora-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  json: any;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Called once the process is running, e.g. to send it a signal. */
  started?: (pid: number) => void;
  cwd?: string;
}

/** The environment every run starts from: a temporary home and no inherited key or config. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: tempDir("sora-home-"), NANOPHOTO_API_KEY: KEY };
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export function run(args: string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [bundlePath(), ...args], {
      env: cleanEnv(options.env),
      cwd: options.cwd ?? tempDir("sora-cwd-"),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    if (options.started) child.once("spawn", () => options.started!(child.pid!));
    child.on("close", (code, signal) => {
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolvePromise({ code, signal, stdout, stderr, json });
    });
  });
}

/** Fast polling for tests: checks every 50 ms. */
export const FAST = ["--initial-status-delay", "0.05", "--status-check-interval", "0.05"];
