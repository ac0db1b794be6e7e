// The NanoPhoto client: the two endpoints, what their answers mean, and how each may be retried.
// A status check is idempotent and rides out transient failures; a submit costs credits and is
// repeated only when the server certainly created nothing.
import { backoffSeconds, parseRetryAfter, sleep } from "./backoff";
import { CliError, errorEntry } from "./errors";
import { post, TransportError, type HttpAnswer } from "./http";
import { endpoint } from "./validate";
import { GENERATE_PATH, STATUS_PATH, TASK_STATUSES, type GenerateRequest, type TaskResponse } from "./types";

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);
const SUBMIT_RETRIES = 3;

/** Told about every retry, so a waiting user sees why nothing seems to happen. */
export type RetryNotice = (what: string, delaySeconds: number) => void;

type Outcome =
  | { ok: true; body: TaskResponse }
  | {
      ok: false;
      error: CliError;
      transient: boolean;
      rateLimited: boolean;
      /** The server answered with its own error document (not a gateway's page). */
      apiError: boolean;
      status?: number;
      retryAfter?: number;
      /** A few words for a progress line: "502 from server". */
      what: string;
    };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function serverSaid(body: Record<string, unknown>): string {
  const said = typeof body.error === "string" ? body.error : typeof body.message === "string" ? body.message : "";
  return said ? ` Server said: "${said.slice(0, 200)}".` : "";
}

/** What one answer of either endpoint means. */
function interpret(answer: HttpAnswer, kind: "generate" | "status"): Outcome {
  const { status } = answer;
  const retryAfter = parseRetryAfter(answer.header("retry-after"));
  /** A failed outcome; without a message, the error table's message for the code. */
  const failure = (code: string, message: string | undefined, transient: boolean, what: string, apiError = false): Outcome => ({
    ok: false,
    error: new CliError(code, message),
    transient,
    rateLimited: code === "API_KEY_RATE_LIMIT_EXCEEDED",
    apiError,
    status,
    retryAfter,
    what,
  });

  if (status >= 300 && status < 400) {
    let host = "nowhere";
    try {
      host = new URL(answer.header("location") ?? "").host || host;
    } catch {
      // An unparsable Location still gets reported as a redirect.
    }
    return failure(
      "BAD_RESPONSE",
      `The API answered with a redirect (HTTP ${status}) to ${host}; API calls follow no redirects, so the key was not sent there.`,
      false,
      `redirect to ${host}`,
    );
  }

  const body = parseJson(answer.text);
  if (isRecord(body) && typeof body.errorCode === "string" && (body.success === false || status >= 400)) {
    const code = body.errorCode;
    if (code === "GENERATION_FAILED" || body.status === "failed") {
      return { ok: true, body: { ...body, status: "failed" } as TaskResponse };
    }
    const transient = code === "API_KEY_RATE_LIMIT_EXCEEDED" || RETRYABLE_STATUS.has(status);
    return failure(code, errorEntry(code).message + serverSaid(body), transient, `${code} (HTTP ${status})`, true);
  }
  if (status === 429) {
    return failure("API_KEY_RATE_LIMIT_EXCEEDED", undefined, true, "429 rate limited");
  }
  if (RETRYABLE_STATUS.has(status)) {
    return failure("NETWORK_ERROR", `The API server failed (HTTP ${status}).`, true, `${status} from server`);
  }
  if (status === 401) return failure("LOGIN_REQUIRED", undefined, false, "401");
  if (status === 402) return failure("INSUFFICIENT_CREDITS", undefined, false, "402");
  if (status === 404 && kind === "status" && isRecord(body)) {
    return failure("TASK_NOT_FOUND", undefined, false, "404");
  }
  if (status >= 400) {
    return failure("BAD_RESPONSE", `The API answered HTTP ${status}; check --base-url.`, false, `HTTP ${status}`);
  }
  if (body === undefined) {
    const looksHtml = /^\s*</.test(answer.text);
    return failure(
      "BAD_RESPONSE",
      `The API answered HTTP ${status} with ${looksHtml ? "an HTML page" : "a body that is not JSON"}.`,
      true,
      `${status} with ${looksHtml ? "HTML" : "non-JSON"} body`,
    );
  }
  if (!isRecord(body)) {
    return failure("BAD_RESPONSE", `The API answered HTTP ${status} with JSON that is not an object.`, true, "JSON that is not an object");
  }
  const taskStatus = body.status;
  if (body.success === false && taskStatus === "failed") return { ok: true, body: body as TaskResponse };
  const known = typeof taskStatus === "string" && (TASK_STATUSES as readonly string[]).includes(taskStatus);
  const hasTask = typeof body.taskId === "string" && body.taskId !== "";
  if (!known || (kind === "generate" && !hasTask && taskStatus !== "completed")) {
    return failure("BAD_RESPONSE", `The API answered HTTP ${status} without a usable task status.`, true, "answer without a task status");
  }
  return { ok: true, body: body as TaskResponse };
}

export interface ClientOptions {
  baseUrl: URL;
  apiKey: string;
  requestTimeout: number;
}

/** A transient failure that could not be retried before the deadline. */
export class DeadlineReached extends Error {
  constructor(readonly last: CliError) {
    super(last.message);
  }
}

export class ApiClient {
  constructor(private readonly options: ClientOptions) {}

  private post(path: string, body: unknown): Promise<HttpAnswer> {
    const headers = { Authorization: `Bearer ${this.options.apiKey}`, "Content-Type": "application/json" };
    return post(endpoint(this.options.baseUrl, path), headers, JSON.stringify(body), this.options.requestTimeout);
  }

  /**
   * Creates a task. Retries only a connection that never opened, a 429, or a 503 carrying the
   * API's own error: in every other failure the task may exist and be charged.
   */
  async submit(body: GenerateRequest, deadline: number, onRetry: RetryNotice): Promise<TaskResponse> {
    for (let retry = 0; ; retry++) {
      let outcome: Outcome;
      try {
        outcome = interpret(await this.post(GENERATE_PATH, body), "generate");
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        if (!error.notSent) {
          throw new CliError(
            "SUBMIT_OUTCOME_UNKNOWN",
            `The submit request was sent but ${error.timedOut ? "no answer came" : `the connection failed (${error.message})`}: a task may have been created and charged.`,
          );
        }
        const delay = backoffSeconds(retry);
        if (!error.transient || retry >= SUBMIT_RETRIES || Date.now() + delay * 1000 > deadline) {
          throw new CliError("NETWORK_ERROR", `Could not reach the API (${error.message}); nothing was submitted.`);
        }
        onRetry(`${error.message} (nothing was sent)`, delay);
        await sleep(delay);
        continue;
      }
      if (outcome.ok) return outcome.body;
      const safe = outcome.rateLimited || (outcome.apiError && outcome.status === 503);
      if (safe) {
        const delay = outcome.retryAfter ?? backoffSeconds(retry);
        if (retry < SUBMIT_RETRIES && Date.now() + delay * 1000 <= deadline) {
          onRetry(`${outcome.what} (nothing was created)`, delay);
          await sleep(delay);
          continue;
        }
        outcome.error.message += " Nothing was submitted.";
        throw outcome.error;
      }
      if (outcome.transient && !outcome.apiError) {
        throw new CliError(
          "SUBMIT_OUTCOME_UNKNOWN",
          `The submit got no usable answer (${outcome.what}): a task may have been created and charged.`,
        );
      }
      throw outcome.error;
    }
  }

  /**
   * Checks a task, retrying transient failures up to `attempts` tries and never past `deadline`.
   * Throws the last failure, wrapped in DeadlineReached when time rather than tries ran out.
   */
  async checkStatus(taskId: string, attempts: number, deadline: number, onRetry: RetryNotice): Promise<TaskResponse> {
    for (let retry = 0; ; retry++) {
      let outcome: Outcome;
      try {
        outcome = interpret(await this.post(STATUS_PATH, { taskId }), "status");
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        outcome = {
          ok: false,
          error: new CliError("NETWORK_ERROR", `Could not reach the API (${error.message}).`),
          transient: error.transient,
          rateLimited: false,
          apiError: false,
          what: error.message,
        };
      }
      if (outcome.ok) return outcome.body;
      outcome.error.taskId = taskId;
      if (!outcome.transient) throw outcome.error;
      const delay = outcome.retryAfter ?? backoffSeconds(retry);
      if (retry + 1 >= attempts) throw outcome.error;
      if (Date.now() + delay * 1000 > deadline) throw new DeadlineReached(outcome.error);
      onRetry(outcome.what, delay);
      await sleep(delay);
    }
  }
}
