import { describe, expect, it } from "vitest";
import { backoffSeconds, parseRetryAfter } from "../scripts/backoff";

describe("backoff", () => {
  it("uses full jitter under an exponential cap of 1 s doubling to 30 s", () => {
    for (let retry = 0; retry < 10; retry++) {
      const cap = Math.min(30, 2 ** retry);
      for (let i = 0; i < 200; i++) {
        const delay = backoffSeconds(retry);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(cap);
      }
    }
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-25T10:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7);
    expect(parseRetryAfter("Wed, 25 Nov 2026 10:00:12 GMT", now)).toBe(12);
    expect(parseRetryAfter("Wed, 25 Nov 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
