// Everything this script prints goes through here, so the key can be redacted in one place
// and --json-only can promise exactly one JSON document on stdout.
import type { CliError } from "./errors";

const REDACTED = "[REDACTED]";
const secrets: string[] = [];
let jsonOnly = false;

export function setJsonOnly(value: boolean): void {
  jsonOnly = value;
}

export function isJsonOnly(): boolean {
  return jsonOnly;
}

/** Registers the key so it is masked in everything printed, even when a server echoes it back. */
export function addSecret(secret: string): void {
  if (!secret) return;
  secrets.push(secret, JSON.stringify(secret).slice(1, -1));
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join(REDACTED);
  return out;
}

/** One progress event on stderr. */
export function progress(line: string): void {
  process.stderr.write(redact(line) + "\n");
}

/** A line that redraws itself on a terminal (download progress); plain lines elsewhere. */
export function progressRedraw(line: string, final: boolean): void {
  if (process.stderr.isTTY) {
    process.stderr.write("\r\x1b[K" + redact(line) + (final ? "\n" : ""));
  } else {
    progress(line);
  }
}

/** Quotes an argument for a POSIX shell only when it needs it, so printed commands stay readable. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The exact command line that runs this script again with the given arguments. */
export function commandLine(args: string[]): string {
  const script = process.argv[1] ?? "sora2_generate.js";
  return ["node", script, ...args].map(shellQuote).join(" ");
}

/** The end of a successful run: the JSON document, or a summary whose last line is the outcome. */
export function finish(document: object, summary: Array<[string, string | undefined]>, outcome: string): void {
  if (jsonOnly) {
    process.stdout.write(redact(JSON.stringify(document, null, 2)) + "\n");
    return;
  }
  const rows = summary.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== "");
  const width = Math.max(0, ...rows.map(([label]) => label.length)) + 2;
  const lines = rows.map(([label, value]) => `${(label + ":").padEnd(width)}${value}`);
  lines.push(outcome);
  process.stdout.write(redact(lines.join("\n")) + "\n");
}

/** The end of a failed run: one JSON document on stdout, or one line on stderr. */
export function fail(error: CliError): void {
  if (jsonOnly) {
    const document = {
      success: false,
      errorCode: error.code,
      error: error.message,
      action: error.action,
      taskId: error.taskId ?? null,
      ...error.extra,
    };
    process.stdout.write(redact(JSON.stringify(document, null, 2)) + "\n");
    return;
  }
  const task = error.taskId && !error.message.includes(error.taskId) ? ` (task ${error.taskId})` : "";
  process.stderr.write(redact(`Error [${error.code}]: ${error.message}${task} ${error.action}`) + "\n");
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return `${m}m ${String(s % 60).padStart(2, "0")}s`;
}

/** "4m", "2h", "3d": how long ago an ISO time was. */
export function formatAge(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}
