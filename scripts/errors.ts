// The one table of error codes: what each means, what to do about it, and the exit code it ends with.

export const EXIT = {
  ok: 0,
  generationFailed: 1,
  usage: 2,
  refused: 3,
  stillProcessing: 4,
  unavailable: 5,
  sigint: 130,
  sigterm: 143,
} as const;

interface ErrorEntry {
  exit: number;
  message: string;
  action: string;
}

const TABLE: Record<string, ErrorEntry> = {
  // Answers of the API.
  LOGIN_REQUIRED: {
    exit: EXIT.refused,
    message: "The API rejected the API key (LOGIN_REQUIRED).",
    action: "Check that NANOPHOTO_API_KEY holds a valid key from https://nanophoto.ai, then run the command again.",
  },
  API_KEY_RATE_LIMIT_EXCEEDED: {
    exit: EXIT.refused,
    message: "The API key is over its rate limit (about 100 requests an hour).",
    action: "Wait a few minutes before the next request; do not submit again, check an existing task with `status --task-id ID`.",
  },
  INSUFFICIENT_CREDITS: {
    exit: EXIT.refused,
    message: "The account does not have enough credits for this video.",
    action: "Top up credits at https://nanophoto.ai, or pick a cheaper tier or duration (sora2 10 s costs 4 credits).",
  },
  PROMPT_REQUIRED: {
    exit: EXIT.refused,
    message: "The API says the prompt is missing.",
    action: "Pass a non-empty --prompt.",
  },
  IMAGE_REQUIRED: {
    exit: EXIT.refused,
    message: "The API says image-to-video needs an image.",
    action: "Pass at least one --image-url with a public http(s) URL.",
  },
  IMAGE_URLS_REQUIRED: {
    exit: EXIT.refused,
    message: "The API takes images only as public URLs (imageUrls).",
    action: "Upload the image somewhere public and pass its http(s) URL with --image-url.",
  },
  GENERATION_FAILED: {
    exit: EXIT.generationFailed,
    message: "The video generation failed.",
    action: "Change the prompt or image (content rules are strict) and submit again; failed tasks are not charged as completed ones.",
  },
  TASK_ID_REQUIRED: {
    exit: EXIT.refused,
    message: "The API says the task id is missing.",
    action: "Pass --task-id with the id that submit printed.",
  },
  TASK_NOT_FOUND: {
    exit: EXIT.refused,
    message: "No such task for this API key.",
    action: "Check the task id (run `list` for recent tasks) and that the key is the one that submitted it.",
  },
  INTERNAL_ERROR: {
    exit: EXIT.unavailable,
    message: "The API reported an internal error.",
    action: "Try again in a few minutes; after a failed submit, check recent tasks before submitting again.",
  },
  // Raised by this client.
  API_KEY_MISSING: {
    exit: EXIT.usage,
    message: "No API key found.",
    action:
      "Set NANOPHOTO_API_KEY, or put it in openclaw.json at skills.entries[\"sora-2-generate\"].env.NANOPHOTO_API_KEY, or pass --api-key.",
  },
  INVALID_ARGUMENT: {
    exit: EXIT.usage,
    message: "Invalid arguments.",
    action: "Run with --help for usage.",
  },
  WAIT_TIMEOUT: {
    exit: EXIT.stillProcessing,
    message: "The task is still processing and --max-wait ran out; it goes on at the server.",
    action: "Resume waiting with `status --task-id ID --follow`; do not submit again.",
  },
  NETWORK_ERROR: {
    exit: EXIT.unavailable,
    message: "Could not reach the API.",
    action: "Check the network connection and --base-url, then run the command again.",
  },
  BAD_RESPONSE: {
    exit: EXIT.unavailable,
    message: "The API sent an answer that could not be used.",
    action: "Try again in a few minutes; check --base-url if it keeps happening.",
  },
  SUBMIT_OUTCOME_UNKNOWN: {
    exit: EXIT.unavailable,
    message: "The submit request was sent but no usable answer came back: a task may have been created and charged.",
    action:
      "Do not submit again yet: wait a few minutes and look for the task on your NanoPhoto dashboard. The same submit is refused for an hour unless you pass --new.",
  },
  DOWNLOAD_FAILED: {
    exit: EXIT.unavailable,
    message: "The video is ready but could not be downloaded.",
    action: "Retry the download with `status --task-id ID --output PATH`; the video URL stays valid for a while.",
  },
  INTERRUPTED: {
    exit: EXIT.sigint,
    message: "Interrupted; the task goes on at the server.",
    action: "Resume with `status --task-id ID --follow`.",
  },
  UNEXPECTED_ERROR: {
    exit: EXIT.unavailable,
    message: "Unexpected error.",
    action: "Run again with DEBUG=sora-2-generate for details, and report it if it persists.",
  },
};

/** An API error code this table does not know is still a refusal by the API. */
const UNKNOWN_API_CODE: ErrorEntry = {
  exit: EXIT.refused,
  message: "The API refused the request.",
  action: "Read the message above; run with --help for usage.",
};

export function errorEntry(code: string): ErrorEntry {
  return TABLE[code] ?? UNKNOWN_API_CODE;
}

export interface ErrorDetails {
  action?: string;
  taskId?: string;
  exitCode?: number;
  /** Extra fields for the JSON failure document (status, videoUrl, resumeCommand …). */
  extra?: Record<string, unknown>;
}

/** An expected failure: printed as one line (or one JSON document), never as a stack trace. */
export class CliError extends Error {
  readonly code: string;
  readonly action: string;
  readonly exitCode: number;
  taskId?: string;
  readonly extra: Record<string, unknown>;

  constructor(code: string, message?: string, details: ErrorDetails = {}) {
    const entry = errorEntry(code);
    super(message ?? entry.message);
    this.code = code;
    this.action = details.action ?? entry.action;
    this.exitCode = details.exitCode ?? entry.exit;
    this.taskId = details.taskId;
    this.extra = details.extra ?? {};
  }
}

export function invalid(message: string, action?: string): CliError {
  return new CliError("INVALID_ARGUMENT", message, { action });
}
