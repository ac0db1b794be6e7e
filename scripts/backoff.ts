// When to try again: exponential backoff with full jitter, unless the server said when.

const BASE_SECONDS = 1;
const CAP_SECONDS = 30;

/** Seconds to wait before retry number `retry` (0 for the first retry). */
export function backoffSeconds(retry: number): number {
  return Math.random() * Math.min(CAP_SECONDS, BASE_SECONDS * 2 ** retry);
}

/** A Retry-After header in seconds, from either of its forms (delta seconds or an HTTP date). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

export function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, seconds * 1000)));
}

/** Whole seconds for a progress line, never "0 s" for a real wait. */
export function roundedSeconds(seconds: number): string {
  return seconds < 1 ? `${Math.max(0.1, Math.round(seconds * 10) / 10)} s` : `${Math.round(seconds)} s`;
}
