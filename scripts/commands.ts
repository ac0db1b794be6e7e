// What each command does, from checked input to the final line. The CLI entry only parses
// flags and hands them here.
import { ApiClient, DeadlineReached, type RetryNotice } from "./api";
import { roundedSeconds } from "./backoff";
import { resolveApiKey } from "./credentials";
import { download, planOutput, targetPath, type Downloaded, type OutputPlan } from "./download";
import { CliError, errorEntry, EXIT, invalid } from "./errors";
import { Journal, type JournalEntry, type Learned } from "./journal";
import { addSecret, commandLine, finish, formatAge, progress } from "./output";
import { follow, resumeCommand } from "./poll";
import { CREDITS, GENERATE_PATH, type TaskResponse } from "./types";
import { buildRequest, endpoint, parseBaseUrl, parseTimings, type SubmitArgs, type TimingArgs, type Timings } from "./validate";

export interface CommonArgs extends TimingArgs {
  apiKey?: string;
  baseUrl?: string;
  jsonOnly?: boolean;
  follow?: boolean;
  output?: string;
  overwrite?: boolean;
  journal?: boolean;
}

export interface SubmitCommandArgs extends CommonArgs, SubmitArgs {
  dryRun?: boolean;
  new?: boolean;
}

export interface StatusCommandArgs extends CommonArgs {
  taskId?: string;
  last?: boolean;
}

export interface ListCommandArgs {
  limit?: string;
  jsonOnly?: boolean;
}

/** Tries a plain `status` makes before giving up on transient failures. */
const STATUS_ATTEMPTS = 4;

/**
 * What a signal handler needs to leave things tidy: the task to name in the resume command, or
 * the submit in flight, whose lock must be released and whose lost answer must be remembered.
 */
let inFlight: { taskId?: string; resume?: string; submit?: { release?: () => void; lost: () => void } } = {};

/** Cleans up after SIGINT or SIGTERM and says how to pick up where this run stopped. */
export function interrupt(signal: "SIGINT" | "SIGTERM"): CliError {
  const exitCode = signal === "SIGINT" ? EXIT.sigint : EXIT.sigterm;
  const { taskId, resume, submit: sending } = inFlight;
  if (sending) {
    sending.lost();
    sending.release?.();
    return new CliError("INTERRUPTED", `Interrupted by ${signal} while the submit was in flight: a task may have been created and charged.`, {
      exitCode,
      action: errorEntry("SUBMIT_OUTCOME_UNKNOWN").action,
    });
  }
  if (taskId && resume) {
    return new CliError("INTERRUPTED", `Interrupted by ${signal}; task ${taskId} goes on at the server.`, {
      taskId,
      exitCode,
      action: `Resume with: ${resume}`,
      extra: { resumeCommand: resume },
    });
  }
  return new CliError("INTERRUPTED", `Interrupted by ${signal}; nothing was submitted.`, { exitCode, action: "Run the command again." });
}

function baseUrl(args: CommonArgs): URL {
  return parseBaseUrl(args.baseUrl ?? process.env.NANOPHOTO_BASE_URL);
}

async function connect(args: CommonArgs, timings: Timings, base: URL): Promise<ApiClient> {
  const apiKey = await resolveApiKey(args.apiKey);
  addSecret(apiKey);
  return new ApiClient({ baseUrl: base, apiKey, requestTimeout: timings.requestTimeout });
}

function retryNotice(label: string): RetryNotice {
  return (what, delay) => progress(`${label}: ${what}, retrying in ${roundedSeconds(delay)}`);
}

function learned(answer: TaskResponse): Learned {
  return { status: answer.status, videoUrl: answer.videoUrl, creditsUsed: answer.creditsUsed, generationTime: answer.generationTime };
}

function outputPlan(args: CommonArgs, needsFollow: boolean): OutputPlan | undefined {
  if (args.output === undefined) {
    if (args.overwrite) throw invalid("--overwrite goes with --output.", "Add --output PATH, or drop --overwrite.");
    return undefined;
  }
  if (needsFollow && !args.follow) {
    throw invalid("--output on submit needs --follow: there is nothing to download until the video is done.", "Add --follow, or drop --output.");
  }
  return planOutput(args.output, Boolean(args.overwrite));
}

/** Everything that happens once a task id is known, shared by submit, a reused task and status. */
interface Tracking {
  client: ApiClient;
  origin: string;
  journal?: Journal;
  known?: JournalEntry;
  output?: OutputPlan;
  timings: Timings;
  justSubmitted: boolean;
}

function retryDownloadCommand(taskId: string, path: string, overwrite: boolean): string {
  return commandLine(["status", "--task-id", taskId, "--output", path, ...(overwrite ? ["--overwrite"] : [])]);
}

/** Records, downloads when asked, prints the final answer and returns the exit code. */
async function conclude(answer: TaskResponse, taskId: string, t: Tracking): Promise<number> {
  const id = answer.taskId ?? taskId;
  t.journal?.update(id, t.origin, learned(answer), t.known);
  if (answer.status === "failed") {
    const said = answer.error ?? answer.message;
    throw new CliError("GENERATION_FAILED", `Task ${id} failed${said ? `: ${said}` : "."}`, { taskId: id, extra: { status: "failed" } });
  }
  let saved: Downloaded | undefined;
  if (answer.status === "completed" && t.output && answer.videoUrl) {
    const path = targetPath(t.output, id);
    const retry = retryDownloadCommand(id, path, t.output.overwrite);
    inFlight = { taskId: id, resume: retry };
    try {
      saved = await download(answer.videoUrl, path, t.output.overwrite, t.timings.requestTimeout, retry);
    } catch (error) {
      if (error instanceof CliError) error.taskId = id;
      throw error;
    }
    t.journal?.update(id, t.origin, { outputPath: saved.path }, t.known ?? t.journal.find(id));
  }
  const rows: Array<[string, string | undefined]> = [
    ["Task ID", id],
    ["Status", answer.status],
    ["Video URL", answer.videoUrl],
    ["Generation time", answer.generationTime !== undefined ? `${answer.generationTime} s` : undefined],
    ["Credits used", answer.creditsUsed !== undefined ? String(answer.creditsUsed) : undefined],
    ["Saved", saved ? `${saved.path} (${(saved.bytes / 1e6).toFixed(1)} MB)` : undefined],
  ];
  let outcome: string;
  if (answer.status === "completed") {
    outcome = saved ? `Completed: task ${id}, video saved to ${saved.path}` : `Completed: task ${id}, video at ${answer.videoUrl ?? "(no URL given)"}`;
  } else if (t.justSubmitted) {
    outcome = `Submitted: task ${id} is processing (videos take 2-8 minutes). Wait for it with: ${resumeCommand(id)}`;
  } else {
    outcome = `Processing: task ${id} is not done yet. Wait for it with: ${resumeCommand(id)}`;
  }
  const document = saved ? { ...answer, outputPath: saved.path, bytes: saved.bytes } : answer;
  finish(document, rows, outcome);
  return EXIT.ok;
}

/** Waits for the task when --follow is given, else checks it once (with retries). */
async function track(taskId: string, t: Tracking, follows: boolean, firstDelay: number, since: number): Promise<number> {
  inFlight = { taskId, resume: resumeCommand(taskId) };
  const deadline = Date.now() + t.timings.maxWait * 1000;
  if (follows) {
    const final = await follow(t.client, { taskId, firstDelay, interval: t.timings.interval, deadline, since });
    return conclude(final, taskId, t);
  }
  let answer: TaskResponse;
  try {
    answer = await t.client.checkStatus(taskId, STATUS_ATTEMPTS, deadline, retryNotice("check"));
  } catch (error) {
    throw error instanceof DeadlineReached ? error.last : error;
  }
  return conclude(answer, taskId, t);
}

export async function submit(args: SubmitCommandArgs): Promise<number> {
  const request = buildRequest(args);
  const timings = parseTimings(args);
  const base = baseUrl(args);
  const output = outputPlan(args, true);
  const credits = CREDITS[request.modelTier][request.videoDuration];
  const journal = args.journal === false ? undefined : new Journal();
  const guard = args.new ? undefined : journal;
  if (args.dryRun) {
    const url = endpoint(base, GENERATE_PATH);
    const found = guard?.reusable(base.origin, request);
    const unknown = found?.status === "unknown";
    const reuse = unknown ? undefined : found;
    finish(
      {
        dryRun: true,
        endpoint: url,
        body: request,
        estimatedCredits: credits,
        reuseTaskId: reuse?.taskId ?? null,
        ...(unknown ? { earlierOutcomeUnknown: true } : {}),
      },
      [
        ["Endpoint", `POST ${url}`],
        ["Body", JSON.stringify(request)],
        ["Estimated credits", String(credits)],
        ["Would reuse", reuse ? `${reuse.taskId}, submitted ${formatAge(reuse.time)} ago (pass --new to submit another)` : undefined],
      ],
      unknown
        ? `Dry run: nothing was sent; this submit would be refused, because the same request sent ${formatAge(found.time)} ago may have created a task (pass --new to submit anyway).`
        : reuse
          ? `Dry run: nothing was sent; this submit would reuse task ${reuse.taskId} and cost nothing more.`
          : `Dry run: nothing was sent; this submit would cost about ${credits} credits.`,
    );
    return EXIT.ok;
  }
  const client = await connect(args, timings, base);
  const tracking: Tracking = { client, origin: base.origin, journal, output, timings, justSubmitted: true };
  const release = await guard?.lock(base.origin, request);
  let created: TaskResponse;
  let known: JournalEntry | undefined;
  const started = Date.now();
  try {
    const reuse = guard?.reusable(base.origin, request);
    if (reuse?.status === "unknown") {
      throw new CliError(
        "SUBMIT_OUTCOME_UNKNOWN",
        `The same request was sent ${formatAge(reuse.time)} ago and its answer was lost: it may have created a task and been charged, so it was not sent again.`,
        { action: "Wait a few minutes, then look for the task on your NanoPhoto dashboard; pass --new to submit anyway." },
      );
    }
    if (reuse) {
      release?.();
      progress(`same request as ${reuse.taskId} submitted ${formatAge(reuse.time)} ago; reusing it; pass --new to submit another`);
      const firstDelay = Math.max(0, (Date.parse(reuse.time) + timings.initialDelay * 1000 - Date.now()) / 1000);
      return await track(reuse.taskId, { ...tracking, known: reuse }, Boolean(args.follow), firstDelay, Date.parse(reuse.time));
    }
    const lost = () => journal?.recordUnknownOutcome(base.origin, request);
    inFlight = { submit: { release, lost } };
    try {
      created = await client.submit(request, started + timings.maxWait * 1000, retryNotice("submit"));
    } catch (error) {
      if (error instanceof CliError && error.code === "SUBMIT_OUTCOME_UNKNOWN") lost();
      throw error;
    }
    known = journal?.recordSubmit(created.taskId ?? "", base.origin, request, learned(created));
  } finally {
    release?.();
  }
  const taskId = created.taskId ?? "";
  inFlight = { taskId, resume: resumeCommand(taskId) };
  progress(`Submitted task ${taskId} (${request.modelTier}, ${request.videoDuration} s, ${request.aspectRatio}, ${credits} credits expected).`);
  if (!args.follow || created.status !== "processing") return conclude(created, taskId, { ...tracking, known });
  progress(
    `Waiting ${roundedSeconds(timings.initialDelay)} before the first check, then every ${roundedSeconds(timings.interval)}, for up to ${roundedSeconds(timings.maxWait)}.`,
  );
  return track(taskId, { ...tracking, known }, true, timings.initialDelay, started);
}

export async function status(args: StatusCommandArgs): Promise<number> {
  const timings = parseTimings(args);
  const base = baseUrl(args);
  const output = outputPlan(args, false);
  const journal = args.journal === false ? undefined : new Journal();
  let taskId = (args.taskId ?? "").trim();
  let known: JournalEntry | undefined;
  if (args.last) {
    if (taskId) throw invalid("Pass either --task-id or --last, not both.");
    if (!journal) throw invalid("--last reads the task journal, which --no-journal turns off.", "Pass --task-id instead.");
    known = journal.newest(base.origin);
    if (!known) throw invalid(`The task journal has no task for ${base.origin}.`, "Pass --task-id with the id that submit printed.");
    taskId = known.taskId;
  } else if (!taskId) {
    throw invalid("status needs --task-id (or --last for the newest task).", "Pass --task-id with the id that submit printed.");
  } else {
    known = journal?.find(taskId);
  }
  const client = await connect(args, timings, base);
  const since = known ? Date.parse(known.time) : Date.now();
  return track(taskId, { client, origin: base.origin, journal, known, output, timings, justSubmitted: false }, Boolean(args.follow), 0, since);
}

export function list(args: ListCommandArgs): number {
  const text = args.limit === undefined ? "20" : String(args.limit).trim();
  if (!/^\d+$/.test(text) || Number(text) < 1) throw invalid(`--limit must be a whole number of 1 or more (got "${text}").`, "Pass e.g. --limit 20.");
  const journal = new Journal();
  const entries = journal.entries().slice(0, Number(text));
  const rows: Array<[string, string]> = entries.map((entry) => {
    const r = entry.request;
    const prompt = r ? `"${r.prompt.length > 40 ? r.prompt.slice(0, 39) + "…" : r.prompt}"` : "";
    const what = r ? `${r.modelTier} ${r.videoDuration}s` : "";
    const where = entry.outputPath ?? entry.videoUrl ?? "";
    return [entry.taskId, [`${formatAge(entry.time)} ago`, entry.status ?? "unknown", what, prompt, where].filter(Boolean).join("  ")];
  });
  const outcome = entries.length
    ? `${entries.length} task${entries.length === 1 ? "" : "s"} from ${journal.file}, newest first`
    : `No tasks in ${journal.file} yet.`;
  finish(entries, rows, outcome);
  return EXIT.ok;
}
