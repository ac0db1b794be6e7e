// Finds the API key: --api-key, then NANOPHOTO_API_KEY, then OpenClaw's config file.
// The key is never echoed, not even in part, in any message this module builds.
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { CliError, invalid } from "./errors";

const SKILL = "sora-2-generate";
const CONFIG_KEY_PATH = `skills.entries["${SKILL}"].env.NANOPHOTO_API_KEY`;

export function openclawHome(): string {
  return process.env.OPENCLAW_HOME || homedir();
}

/**
 * OpenClaw's config file: an explicit OPENCLAW_CONFIG_PATH or OPENCLAW_STATE_DIR is used as
 * OpenClaw itself would use it; otherwise the home file, then the legacy one.
 */
export function configCandidates(): string[] {
  if (process.env.OPENCLAW_CONFIG_PATH) return [process.env.OPENCLAW_CONFIG_PATH];
  if (process.env.OPENCLAW_STATE_DIR) return [join(process.env.OPENCLAW_STATE_DIR, "openclaw.json")];
  const home = openclawHome();
  return [join(home, ".openclaw", "openclaw.json"), join(home, ".clawdbot", "openclaw.json")];
}

function checked(key: string, source: string): string {
  // Anything outside printable ASCII cannot travel in an HTTP header and is a paste accident.
  if (/[^\x20-\x7e]/.test(key)) {
    throw invalid(
      `The API key from ${source} contains control or non-ASCII characters.`,
      "Copy the key again from https://nanophoto.ai; it is printable text only.",
    );
  }
  return key;
}

type Lookup = { key: string } | { problem: string } | undefined;

function fromValue(value: unknown, where: string): Lookup {
  if (typeof value === "string") {
    const key = value.trim();
    if (!key) return undefined;
    if (/^\$\{?[A-Za-z_]\w*\}?$/.test(key)) {
      return {
        problem: `${where} is a reference to another variable (${key}), which this script does not resolve.`,
      };
    }
    return { key };
  }
  if (value && typeof value === "object") {
    return { problem: `${where} is a SecretRef object, which this script does not resolve.` };
  }
  return undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

async function fromConfig(path: string): Promise<Lookup> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    return { problem: `${path} could not be read (${code ?? "error"}).` };
  }
  let config: unknown;
  try {
    const JSON5 = (await import("json5")).default;
    config = JSON5.parse(text);
  } catch (error) {
    const { lineNumber, columnNumber } = error as { lineNumber?: number; columnNumber?: number };
    const at = lineNumber ? ` at line ${lineNumber}, column ${columnNumber ?? 1}` : "";
    return { problem: `${path} is not valid JSON5${at}.` };
  }
  const entry = record(record(record(record(config)?.skills)?.entries)?.[SKILL]);
  if (!entry) return undefined;
  return (
    fromValue(record(entry.env)?.NANOPHOTO_API_KEY, `${CONFIG_KEY_PATH} in ${path}`) ??
    fromValue(entry.apiKey, `skills.entries["${SKILL}"].apiKey in ${path}`)
  );
}

export async function resolveApiKey(flag: string | undefined): Promise<string> {
  if (flag !== undefined) {
    const key = flag.trim();
    if (!key) throw invalid("--api-key is empty.", "Pass the key, or better, set NANOPHOTO_API_KEY in the environment.");
    return checked(key, "--api-key");
  }
  const fromEnv = (process.env.NANOPHOTO_API_KEY ?? "").trim();
  if (fromEnv) return checked(fromEnv, "NANOPHOTO_API_KEY");

  const candidates = configCandidates();
  let found: Lookup;
  for (const path of candidates) {
    found = await fromConfig(path);
    if (found) break;
  }
  if (found && "key" in found) return checked(found.key, "the OpenClaw config file");

  const places = `--api-key, the NANOPHOTO_API_KEY environment variable, or ${CONFIG_KEY_PATH} in ${candidates.join(" or ")}`;
  if (found) {
    throw new CliError("API_KEY_MISSING", `No usable API key: ${found.problem}`, {
      action: `OpenClaw resolves such values itself and passes the key as NANOPHOTO_API_KEY when it runs the skill; outside OpenClaw, set NANOPHOTO_API_KEY. Looked in ${places}.`,
    });
  }
  throw new CliError("API_KEY_MISSING", `No API key found in ${places}.`, {
    action: "Set NANOPHOTO_API_KEY (get a key at https://nanophoto.ai), or add it to openclaw.json.",
  });
}
