// What each command does, from checked input to the final line. The CLI entry only parses
// flags and hands them here.
import { ApiClient, DeadlineReached, type RetryNotice } from "./api";
import { roundedSeconds } from "./backoff";
import { resolveApiKey } from "./credentials";
import { CliError, EXIT, invalid } from "./errors";
import { addSecret, finish, progress } from "./output";
import { follow, resumeCommand } from "./poll";
import { CREDITS, GENERATE_PATH, type GenerateRequest, type TaskResponse } from "./types";
import { buildRequest, endpoint, parseBaseUrl, parseTimings, type SubmitArgs, type TimingArgs, type Timings } from "./validate";

export interface CommonArgs extends TimingArgs {
  apiKey?: string;
  baseUrl?: string;
  jsonOnly?: boolean;
  follow?: boolean;
}

export interface SubmitCommandArgs extends CommonArgs, SubmitArgs {
  dryRun?: boolean;
}

export interface StatusCommandArgs extends CommonArgs {
  taskId?: string;
}

/** Tries a plain `status` makes before giving up on transient failures. */
const STATUS_ATTEMPTS = 4;

/** What a signal handler needs to tell the user how to pick up where this run stopped. */
let inFlight: { taskId?: string; submitting: boolean } = { submitting: false };

export function interruption(signal: "SIGINT" | "SIGTERM"): CliError {
  const exitCode = signal === "SIGINT" ? EXIT.sigint : EXIT.sigterm;
  const { taskId, submitting } = inFlight;
  if (taskId) {
    const resume = resumeCommand(taskId);
    return new CliError("INTERRUPTED", `Interrupted by ${signal}; task ${taskId} goes on at the server.`, {
      taskId,
      exitCode,
      action: `Resume with: ${resume}`,
      extra: { resumeCommand: resume },
    });
  }
  if (submitting) {
    return new CliError("INTERRUPTED", `Interrupted by ${signal} while the submit was in flight: a task may have been created and charged.`, {
      exitCode,
      action: new CliError("SUBMIT_OUTCOME_UNKNOWN").action,
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

function describe(request: GenerateRequest): string {
  return `${request.modelTier}, ${request.videoDuration} s, ${request.aspectRatio}, ${CREDITS[request.modelTier][request.videoDuration]} credits expected`;
}

/** Prints the final answer about a task and returns the exit code; a failed task is an error. */
function report(answer: TaskResponse, taskId: string, justSubmitted: boolean): number {
  const id = answer.taskId ?? taskId;
  if (answer.status === "failed") {
    const said = answer.error ?? answer.message;
    throw new CliError("GENERATION_FAILED", `Task ${id} failed${said ? `: ${said}` : "."}`, {
      taskId: id,
      extra: { status: "failed" },
    });
  }
  const rows: Array<[string, string | undefined]> = [
    ["Task ID", id],
    ["Status", answer.status],
    ["Video URL", answer.videoUrl],
    ["Generation time", answer.generationTime !== undefined ? `${answer.generationTime} s` : undefined],
    ["Credits used", answer.creditsUsed !== undefined ? String(answer.creditsUsed) : undefined],
  ];
  let outcome: string;
  if (answer.status === "completed") {
    outcome = `Completed: task ${id}, video at ${answer.videoUrl ?? "(no URL given)"}`;
  } else if (justSubmitted) {
    outcome = `Submitted: task ${id} is processing (videos take 2-8 minutes). Wait for it with: ${resumeCommand(id)}`;
  } else {
    outcome = `Processing: task ${id} is not done yet. Wait for it with: ${resumeCommand(id)}`;
  }
  finish(answer, rows, outcome);
  return EXIT.ok;
}

export async function submit(args: SubmitCommandArgs): Promise<number> {
  const request = buildRequest(args);
  const timings = parseTimings(args);
  const base = baseUrl(args);
  const credits = CREDITS[request.modelTier][request.videoDuration];
  if (args.dryRun) {
    const url = endpoint(base, GENERATE_PATH);
    finish(
      { dryRun: true, endpoint: url, body: request, estimatedCredits: credits },
      [
        ["Endpoint", `POST ${url}`],
        ["Body", JSON.stringify(request)],
        ["Estimated credits", String(credits)],
      ],
      `Dry run: nothing was sent; this submit would cost about ${credits} credits.`,
    );
    return EXIT.ok;
  }
  const client = await connect(args, timings, base);
  const started = Date.now();
  const deadline = started + timings.maxWait * 1000;

  inFlight = { submitting: true };
  const created = await client.submit(request, deadline, retryNotice("submit"));
  const taskId = created.taskId ?? "";
  inFlight = { taskId, submitting: false };
  progress(`Submitted task ${taskId} (${describe(request)}).`);

  if (!args.follow || created.status !== "processing") return report(created, taskId, true);
  progress(
    `Waiting ${roundedSeconds(timings.initialDelay)} before the first check, then every ${roundedSeconds(timings.interval)}, for up to ${roundedSeconds(timings.maxWait)}.`,
  );
  const final = await follow(client, { taskId, firstDelay: timings.initialDelay, interval: timings.interval, deadline, since: started });
  return report(final, taskId, false);
}

export async function status(args: StatusCommandArgs): Promise<number> {
  const taskId = (args.taskId ?? "").trim();
  if (!taskId) throw invalid("status needs --task-id.", "Pass --task-id with the id that submit printed.");
  const timings = parseTimings(args);
  const base = baseUrl(args);
  const client = await connect(args, timings, base);
  const started = Date.now();
  const deadline = started + timings.maxWait * 1000;
  inFlight = { taskId, submitting: false };

  if (args.follow) {
    const final = await follow(client, { taskId, firstDelay: 0, interval: timings.interval, deadline, since: started });
    return report(final, taskId, false);
  }
  try {
    return report(await client.checkStatus(taskId, STATUS_ATTEMPTS, deadline, retryNotice("check")), taskId, false);
  } catch (error) {
    throw error instanceof DeadlineReached ? error.last : error;
  }
}
