// The NanoPhoto Sora 2 API, as this client sees it: every name and value the API defines lives here.

export const DEFAULT_BASE_URL = "https://nanophoto.ai";
export const GENERATE_PATH = "/api/sora-2/generate";
export const STATUS_PATH = "/api/sora-2/check-status";

export const MODES = ["textToVideo", "imageToVideo"] as const;
export const TIERS = ["sora2", "sora2-pro-standard", "sora2-pro-high"] as const;
export const ASPECT_RATIOS = ["portrait", "landscape"] as const;
export const DURATIONS = ["10", "15"] as const;

export type Mode = (typeof MODES)[number];
export type Tier = (typeof TIERS)[number];
export type AspectRatio = (typeof ASPECT_RATIOS)[number];
export type Duration = (typeof DURATIONS)[number];

/** Credits the API charges per video, by tier and duration (seconds). */
export const CREDITS: Record<Tier, Record<Duration, number>> = {
  sora2: { "10": 4, "15": 8 },
  "sora2-pro-standard": { "10": 60, "15": 100 },
  "sora2-pro-high": { "10": 120, "15": 240 },
};

/** Body of POST /api/sora-2/generate. */
export interface GenerateRequest {
  prompt: string;
  mode: Mode;
  modelTier: Tier;
  aspectRatio: AspectRatio;
  videoDuration: Duration;
  imageUrls?: string[];
}

export const TASK_STATUSES = ["processing", "completed", "failed"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * What both endpoints answer. Fields beyond these are kept and passed through untouched,
 * because agents read the API's own response in --json-only mode.
 */
export interface TaskResponse {
  success?: boolean;
  status: TaskStatus;
  taskId?: string;
  videoUrl?: string;
  generationTime?: number;
  creditsUsed?: number;
  message?: string;
  error?: string;
  errorCode?: string;
  [field: string]: unknown;
}

export const API_ERROR_CODES = [
  "LOGIN_REQUIRED",
  "API_KEY_RATE_LIMIT_EXCEEDED",
  "INSUFFICIENT_CREDITS",
  "PROMPT_REQUIRED",
  "IMAGE_REQUIRED",
  "IMAGE_URLS_REQUIRED",
  "GENERATION_FAILED",
  "TASK_ID_REQUIRED",
  "TASK_NOT_FOUND",
  "INTERNAL_ERROR",
] as const;
