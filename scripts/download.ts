// Brings the finished video home: streams to PATH.part, resumes a broken transfer with a Range
// request, and renames to PATH only when the size matches what the server announced, so PATH
// never holds a partial file. The download carries no Authorization: the key is for the API only.
import { accessSync, closeSync, constants, existsSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { backoffSeconds, roundedSeconds, sleep } from "./backoff";
import { CliError, invalid } from "./errors";
import { openStream, TransportError } from "./http";
import { isJsonOnly, progress, progressRedraw } from "./output";

const ATTEMPTS = 5;

export interface OutputPlan {
  /** The absolute path given; a directory when `intoDirectory`. */
  path: string;
  intoDirectory: boolean;
  overwrite: boolean;
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Checked before anything is paid for: the folder must take the file, and no file may be lost. */
export function planOutput(raw: string, overwrite: boolean): OutputPlan {
  if (!raw.trim()) throw invalid("--output is empty.", "Pass a file path such as --output video.mp4, or a folder.");
  const path = resolve(raw.trim());
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat?.isDirectory()) {
    if (!writable(path)) throw invalid(`--output folder ${path} is not writable.`, "Pick a folder you can write to.");
    return { path, intoDirectory: true, overwrite };
  }
  const dir = dirname(path);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw invalid(`--output folder ${dir} does not exist.`, "Create it first, or pick an existing folder.");
  }
  if (!writable(dir)) throw invalid(`--output folder ${dir} is not writable.`, "Pick a folder you can write to.");
  if (stat && !overwrite) throw invalid(`--output ${path} already exists.`, "Pass --overwrite to replace it, or pick another path.");
  return { path, intoDirectory: false, overwrite };
}

export function targetPath(plan: OutputPlan, taskId: string): string {
  return plan.intoDirectory ? join(plan.path, `${taskId.replace(/[^\w.-]/g, "_")}.mp4`) : plan.path;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Progress at most once a second, none in --json-only mode. */
function meter(total: number | undefined, already: number) {
  const started = Date.now();
  let last = 0;
  let bytes = already;
  const line = () => {
    const rate = (bytes - already) / Math.max(0.001, (Date.now() - started) / 1000);
    const of = total ? ` of ${megabytes(total)} (${Math.floor((bytes / total) * 100)}%)` : "";
    return `download: ${megabytes(bytes)}${of} at ${megabytes(rate)}/s`;
  };
  return {
    add(count: number) {
      bytes += count;
      if (isJsonOnly() || Date.now() - last < 1000) return;
      last = Date.now();
      progressRedraw(line(), false);
    },
    done() {
      if (!isJsonOnly() && last) progressRedraw(line(), true);
    },
  };
}

/** "bytes 100-199/1000" → { start: 100, total: 1000 } */
function contentRange(value: string | null): { start?: number; total?: number } {
  const match = /^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)$/i.exec((value ?? "").trim());
  if (!match) return {};
  return { start: match[1] !== undefined ? Number(match[1]) : undefined, total: match[2] !== "*" ? Number(match[2]) : undefined };
}

function sizeOf(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
}

class Permanent extends Error {}

/** One attempt: resumes from what PATH.part holds, and resolves once PATH.part is complete. */
async function attempt(url: string, part: string, timeout: number): Promise<void> {
  const have = sizeOf(part);
  const answer = await openStream(url, have > 0 ? { Range: `bytes=${have}-` } : {}, timeout);
  const range = contentRange(answer.header("content-range"));
  if (answer.status === 416 && have > 0) {
    answer.close();
    if (range.total === have) return;
    unlinkSync(part);
    throw new Error("the partial file no longer matches the video");
  }
  if (answer.status === 206 && range.start !== have) {
    answer.close();
    unlinkSync(part);
    throw new Error("the server resumed at another offset");
  }
  let append = false;
  let total: number | undefined;
  if (answer.status === 206) {
    append = true;
    total = range.total;
  } else if (answer.status === 200) {
    const length = answer.header("content-length");
    total = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
  } else {
    answer.close();
    const message = `HTTP ${answer.status} from ${new URL(url).host}`;
    if (answer.status >= 400 && answer.status < 500 && answer.status !== 408 && answer.status !== 429) throw new Permanent(message);
    throw new Error(message);
  }
  const progressMeter = meter(total, append ? have : 0);
  // Each slice is written at once with a blocking write, as curl does: the read buffer is
  // reused for the next read, so nothing piles up in memory.
  const fd = openSync(part, append ? "a" : "w", 0o600);
  try {
    await answer.body((slice) => {
      for (let offset = 0; offset < slice.length; ) offset += writeSync(fd, slice, offset);
      progressMeter.add(slice.length);
    });
  } finally {
    closeSync(fd);
    progressMeter.done();
  }
  const size = sizeOf(part);
  if (total !== undefined && size !== total) throw new Error(`got ${size} of ${total} bytes`);
}

export interface Downloaded {
  path: string;
  bytes: number;
}

/**
 * Downloads `url` to `path` in up to five attempts with backoff. A failure leaves PATH.part for
 * a later run to resume and PATH untouched.
 */
export async function download(url: string, path: string, overwrite: boolean, timeout: number, retryCommand: string): Promise<Downloaded> {
  const part = `${path}.part`;
  let reason = "";
  for (let tries = 0; tries < ATTEMPTS; tries++) {
    try {
      if (tries === 0 && sizeOf(part) > 0) progress(`download: resuming ${part} from ${megabytes(sizeOf(part))}`);
      await attempt(url, part, timeout);
      if (!overwrite && existsSync(path)) {
        throw new CliError("DOWNLOAD_FAILED", `${path} appeared while downloading; the video was kept as ${part}.`, {
          action: "Move the other file away, or rename the .part file yourself.",
        });
      }
      renameSync(part, path);
      return { path, bytes: sizeOf(path) };
    } catch (error) {
      if (error instanceof CliError) throw error;
      reason = error instanceof Error ? error.message : String(error);
      const hopeless = error instanceof Permanent || (error instanceof TransportError && !error.transient);
      if (hopeless || tries + 1 >= ATTEMPTS) break;
      const delay = backoffSeconds(tries);
      progress(`download: ${reason}, retrying in ${roundedSeconds(delay)}`);
      await sleep(delay);
    }
  }
  throw new CliError("DOWNLOAD_FAILED", `The video is ready but the download failed (${reason}).`, {
    action: `Retry the download with: ${retryCommand}`,
    extra: { status: "completed", videoUrl: url, retryCommand },
  });
}
