// Turns command-line values into checked requests and settings, so bad input fails before
// anything is sent or paid for.
import { invalid } from "./errors";
import {
  ASPECT_RATIOS,
  DEFAULT_BASE_URL,
  DURATIONS,
  MODES,
  TIERS,
  type AspectRatio,
  type Duration,
  type GenerateRequest,
  type Mode,
  type Tier,
} from "./types";

export interface Timings {
  /** Seconds before the first check after a submit. */
  initialDelay: number;
  interval: number;
  maxWait: number;
  requestTimeout: number;
}

export interface TimingArgs {
  initialStatusDelay?: string;
  statusCheckInterval?: string;
  maxWait?: string;
  requestTimeout?: string;
}

export interface SubmitArgs {
  prompt?: string;
  mode?: string;
  imageUrl?: string | string[];
  modelTier?: string;
  aspectRatio?: string;
  videoDuration?: string | number;
}

function seconds(flag: string, raw: string | undefined, fallback: number, allowZero: boolean): number {
  if (raw === undefined) return fallback;
  const text = String(raw).trim();
  const value = /^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || (allowZero ? value < 0 : value <= 0)) {
    const expected = allowZero ? "a number of seconds, 0 or more" : "a number of seconds greater than 0";
    throw invalid(`--${flag} must be ${expected} (got "${text}").`, `Pass e.g. --${flag} ${fallback}.`);
  }
  return value;
}

export function parseTimings(args: TimingArgs): Timings {
  return {
    initialDelay: seconds("initial-status-delay", args.initialStatusDelay, 120, true),
    interval: seconds("status-check-interval", args.statusCheckInterval, 20, false),
    maxWait: seconds("max-wait", args.maxWait, 1200, false),
    requestTimeout: seconds("request-timeout", args.requestTimeout, 30, false),
  };
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The API base URL; plain http only to this machine, so the key never crosses a network in clear text. */
export function parseBaseUrl(raw: string | undefined): URL {
  const text = (raw ?? "").trim() || DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`--base-url must be an absolute URL such as ${DEFAULT_BASE_URL} (got "${text}").`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname))) {
    throw invalid(
      `--base-url must use https:// (plain http is allowed only for localhost); got "${url.protocol}//${url.host}".`,
      `Use ${DEFAULT_BASE_URL}, the default.`,
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw invalid("--base-url must not carry credentials, a query or a fragment.", `Use ${DEFAULT_BASE_URL}, the default.`);
  }
  return url;
}

export function endpoint(base: URL, path: string): string {
  return base.href.replace(/\/+$/, "") + path;
}

function oneOf<T extends string>(flag: string, raw: string | number | undefined, allowed: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  const text = String(raw).trim();
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw invalid(`--${flag} must be one of ${allowed.join(", ")} (got "${text}").`, `Pass e.g. --${flag} ${fallback}.`);
}

function checkImageUrl(raw: string): string {
  const text = raw.trim();
  if (/^data:/i.test(text) || /^[A-Za-z0-9+/=\s]{200,}$/.test(text)) {
    throw invalid(
      "--image-url got inline image data; the API takes only public http(s) image URLs.",
      "Upload the image somewhere public and pass its URL.",
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw invalid(
      `--image-url "${text.slice(0, 80)}" is not a public http(s) URL; the API takes only public image URLs, not local files.`,
      "Upload the image somewhere public and pass its https:// URL.",
    );
  }
  return text;
}

export function toList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** The exact body POSTed to the generate endpoint. */
export function buildRequest(args: SubmitArgs): GenerateRequest {
  const prompt = (args.prompt ?? "").trim();
  if (!prompt) throw invalid("--prompt is missing or blank.", 'Pass --prompt "a description of the video".');
  const imageUrls = toList(args.imageUrl).map(checkImageUrl);
  const mode: Mode = oneOf("mode", args.mode, MODES, imageUrls.length > 0 ? "imageToVideo" : "textToVideo");
  if (mode === "imageToVideo" && imageUrls.length === 0) {
    throw invalid("--mode imageToVideo needs at least one --image-url.", "Pass --image-url https://… (a public image URL).");
  }
  if (mode === "textToVideo" && imageUrls.length > 0) {
    throw invalid("--mode textToVideo takes no --image-url.", "Drop --mode (images imply imageToVideo) or drop the images.");
  }
  const request: GenerateRequest = {
    prompt,
    mode,
    modelTier: oneOf<Tier>("model-tier", args.modelTier, TIERS, "sora2"),
    aspectRatio: oneOf<AspectRatio>("aspect-ratio", args.aspectRatio, ASPECT_RATIOS, "portrait"),
    videoDuration: oneOf<Duration>("video-duration", args.videoDuration, DURATIONS, "10"),
  };
  if (mode === "imageToVideo") request.imageUrls = imageUrls;
  return request;
}
