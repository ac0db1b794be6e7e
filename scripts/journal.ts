// The local task journal: every submitted task and what was later learned about it, so a task
// id is never lost and the same paid request is not sent twice by accident.
// <state>/sora-2-generate/tasks.jsonl holds one JSON object per line; a later line about the
// same task adds to or overrides the earlier one. The key is never written here.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { sleep } from "./backoff";
import { openclawHome } from "./credentials";
import { progress } from "./output";
import type { GenerateRequest, TaskStatus } from "./types";

const KEEP_TASKS = 500;
const REUSE_WINDOW_MS = 60 * 60 * 1000;
const LOCK_STALE_MS = 2 * 60 * 1000;

export interface JournalEntry {
  taskId: string;
  /** ISO time of the submit, or of the first time this client heard of the task. */
  time: string;
  origin: string;
  request?: {
    prompt: string;
    mode: string;
    imageUrls: string[];
    modelTier: string;
    aspectRatio: string;
    videoDuration: string;
  };
  /** "unknown": the submit was sent but its answer was lost, so the task id is not known. */
  status?: TaskStatus | "unknown";
  videoUrl?: string;
  creditsUsed?: number;
  generationTime?: number;
  outputPath?: string;
  updated?: string;
}

export type Learned = Partial<Pick<JournalEntry, "status" | "videoUrl" | "creditsUsed" | "generationTime" | "outputPath">>;

export function journalDir(): string {
  return join(process.env.OPENCLAW_STATE_DIR || join(openclawHome(), ".openclaw"), "sora-2-generate");
}

function requestOf(request: GenerateRequest): NonNullable<JournalEntry["request"]> {
  return {
    prompt: request.prompt,
    mode: request.mode,
    imageUrls: request.imageUrls ?? [],
    modelTier: request.modelTier,
    aspectRatio: request.aspectRatio,
    videoDuration: request.videoDuration,
  };
}

/** What makes two submits "the same request". */
function fingerprint(origin: string, request: NonNullable<JournalEntry["request"]>): string {
  return JSON.stringify([origin, request.prompt, request.mode, request.imageUrls, request.modelTier, request.aspectRatio, request.videoDuration]);
}

export class Journal {
  readonly file: string;
  private warned = false;

  constructor(readonly dir: string = journalDir()) {
    this.file = join(dir, "tasks.jsonl");
  }

  /** The journal never stops a paid task from being reported: trouble with it is one warning. */
  private warn(what: string): void {
    if (this.warned) return;
    this.warned = true;
    progress(`warning: task journal ${this.file}: ${what}`);
  }

  private ensureDir(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  private append(record: object): void {
    try {
      this.ensureDir();
      // One write() of a whole line on an O_APPEND file: concurrent writers never interleave.
      const fd = openSync(this.file, "a", 0o600);
      try {
        writeSync(fd, JSON.stringify(record) + "\n");
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      this.warn(`could not write (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }

  /** All tasks, merged, newest first. */
  entries(): JournalEntry[] {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") this.warn(`could not read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
      return [];
    }
    const byId = new Map<string, JournalEntry>();
    let skipped = 0;
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      let record: Partial<JournalEntry>;
      try {
        record = JSON.parse(line);
      } catch {
        skipped++;
        continue;
      }
      if (!record || typeof record !== "object" || typeof record.taskId !== "string") {
        skipped++;
        continue;
      }
      const known = byId.get(record.taskId);
      byId.set(record.taskId, known ? { ...known, ...record, time: known.time, request: known.request ?? record.request } : (record as JournalEntry));
    }
    if (skipped) this.warn(`skipped ${skipped} unreadable line${skipped === 1 ? "" : "s"}`);
    return [...byId.values()].sort((a, b) => (b.time ?? "").localeCompare(a.time ?? ""));
  }

  /** Remembers a submit whose answer was lost, so that repeating it is not done blindly. */
  recordUnknownOutcome(origin: string, request: GenerateRequest): void {
    this.recordSubmit(`unknown-${Date.now()}-${process.pid}`, origin, request, { status: "unknown" });
  }

  /** Records a new task and returns its entry, for later updates to build on. */
  recordSubmit(taskId: string, origin: string, request: GenerateRequest, learned: Learned): JournalEntry {
    const entry: JournalEntry = { taskId, time: new Date().toISOString(), origin, request: requestOf(request), ...learned };
    this.append(entry);
    this.compact();
    return entry;
  }

  /** Adds what a check or a download learned; a task this journal never saw gets an entry too. */
  update(taskId: string, origin: string, learned: Learned, known?: JournalEntry): void {
    const fields = Object.entries(learned).filter(([name, value]) => value !== undefined && known?.[name as keyof Learned] !== value);
    if (known && fields.length === 0) return;
    const now = new Date().toISOString();
    this.append(known ? { taskId, updated: now, ...Object.fromEntries(fields) } : { taskId, time: now, origin, ...learned });
  }

  find(taskId: string): JournalEntry | undefined {
    return this.entries().find((entry) => entry.taskId === taskId);
  }

  newest(origin: string): JournalEntry | undefined {
    return this.entries().find((entry) => entry.origin === origin && entry.status !== "unknown");
  }

  /**
   * A task from the last hour with the same request that has not failed, or a submit of it whose
   * outcome is unknown (which may have created a task the journal cannot name).
   */
  reusable(origin: string, request: GenerateRequest, now = Date.now()): JournalEntry | undefined {
    const wanted = fingerprint(origin, requestOf(request));
    return this.entries().find(
      (entry) =>
        entry.request !== undefined &&
        entry.status !== "failed" &&
        now - Date.parse(entry.time) < REUSE_WINDOW_MS &&
        fingerprint(entry.origin, entry.request) === wanted,
    );
  }

  /**
   * Serialises submits of one request across processes: the lock file is created exclusively,
   * and one older than two minutes is taken to be left by a crashed run. Returns the release.
   */
  async lock(origin: string, request: GenerateRequest): Promise<() => void> {
    const { createHash } = await import("node:crypto");
    const name = createHash("sha256").update(fingerprint(origin, requestOf(request))).digest("hex").slice(0, 32);
    const path = join(this.dir, `submit-${name}.lock`);
    try {
      this.ensureDir();
    } catch {
      return () => undefined;
    }
    let waited = false;
    for (;;) {
      try {
        closeSync(openSync(path, "wx", 0o600));
        return () => {
          try {
            unlinkSync(path);
          } catch {
            // Already gone: nothing to release.
          }
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
          this.warn(`could not lock (${(error as NodeJS.ErrnoException).code ?? "error"})`);
          return () => undefined;
        }
      }
      try {
        const age = Date.now() - statSync(path).mtimeMs;
        if (age > LOCK_STALE_MS) unlinkSync(path);
        else if (!waited) progress(`waiting for another run submitting the same request (up to ${Math.ceil((LOCK_STALE_MS - age) / 1000)} s)`);
        waited = true;
      } catch {
        // The holder released it meanwhile.
      }
      await sleep(0.1);
    }
  }

  /** Keeps the newest tasks only, one merged line each; written aside and renamed into place. */
  private compact(): void {
    const entries = this.entries();
    if (entries.length <= KEEP_TASKS) return;
    try {
      const temp = `${this.file}.${process.pid}.tmp`;
      const lines = entries.slice(0, KEEP_TASKS).reverse().map((entry) => JSON.stringify(entry));
      writeFileSync(temp, lines.join("\n") + "\n", { mode: 0o600 });
      renameSync(temp, this.file);
    } catch (error) {
      this.warn(`could not compact (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
  }
}
