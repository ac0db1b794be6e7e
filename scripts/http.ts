// The one way this script talks HTTP. It bounds every request with one timeout (headers and
// body), follows no redirects, keeps no idle connections, and sorts failures by whether the
// request may have reached the server: that decides whether a paid submit may be repeated.
import type { Agent } from "node:http";
import type { RawAnswer } from "./raw-get";
import { VERSION } from "./version";

export const USER_AGENT = `sora-2-generate/${VERSION} (node ${process.versions.node})`;

/** Largest API answer read into memory; a real one is a few hundred bytes. */
const MAX_API_BODY = 1024 * 1024;

export interface HttpAnswer {
  status: number;
  text: string;
  header(name: string): string | null;
}

/** Errors raised before a connection existed: the request certainly never reached the server. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);

export class TransportError extends Error {
  /** True only when the request certainly did not reach the server. */
  readonly notSent: boolean;
  /** False for failures that another try cannot fix (a bad TLS certificate). */
  readonly transient: boolean;
  readonly timedOut: boolean;

  constructor(description: string, notSent: boolean, transient: boolean, timedOut: boolean) {
    super(description);
    this.notSent = notSent;
    this.transient = transient;
    this.timedOut = timedOut;
  }
}

type FetchFn = typeof import("cross-fetch").default;
let loaded: Promise<{ fetch: FetchFn; agent: (url: URL) => Agent }> | undefined;

/** Loaded on first use, so --help, --dry-run and validation errors never pay for the HTTP stack. */
function stack() {
  loaded ??= (async () => {
    const [{ default: fetch }, http, https] = await Promise.all([
      import("cross-fetch"),
      import("node:http"),
      import("node:https"),
    ]);
    // A reused keep-alive socket that the server already closed fails like a reset after
    // sending, which would make a submit's outcome look unknown; fresh connections avoid that.
    const plain = new http.Agent({ keepAlive: false });
    const secure = new https.Agent({ keepAlive: false });
    return { fetch, agent: (url: URL) => (url.protocol === "http:" ? plain : secure) };
  })();
  return loaded;
}

export function describeFailure(error: unknown, timeoutSeconds: number): TransportError {
  if (error instanceof TransportError) return error;
  const err = error as { name?: string; code?: string; type?: string; message?: string };
  if (err.name === "AbortError") {
    return new TransportError(`no answer within ${timeoutSeconds} s`, false, true, true);
  }
  const code = err.code ?? "";
  if (/CERT|TLS|SSL|SELF_SIGNED/.test(code)) {
    return new TransportError(`TLS failure (${code})`, true, false, false);
  }
  if (err.type === "max-size") return new TransportError("answer too large", false, true, false);
  const notSent = NOT_SENT_CODES.has(code);
  const what = code === "ECONNRESET" ? "connection reset" : notSent ? `cannot connect (${code})` : code || "connection failed";
  return new TransportError(what, notSent, true, false);
}

/**
 * One POST whose whole answer is read as text within the timeout. Redirects are returned, not
 * followed, so credentials never travel to another host.
 */
export async function post(url: string, headers: Record<string, string>, body: string, timeoutSeconds: number): Promise<HttpAnswer> {
  const { fetch, agent } = await stack();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutSeconds * 1000);
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "User-Agent": USER_AGENT, Accept: "application/json", ...headers },
      body,
      redirect: "manual",
      signal: controller.signal,
      // node-fetch extensions, typed loosely by cross-fetch.
      ...({ agent, size: MAX_API_BODY } as object),
    });
    const text = await response.text();
    return { status: response.status, text, header: (name) => response.headers.get(name) };
  } catch (error) {
    throw describeFailure(error, timeoutSeconds);
  } finally {
    clearTimeout(timer);
  }
}

const MAX_REDIRECTS = 5;

/**
 * A streamed GET for downloads. Redirects are followed: a download carries no credentials,
 * and CDNs hand out signed URLs that way.
 */
export async function openStream(url: string, headers: Record<string, string>, timeoutSeconds: number): Promise<RawAnswer> {
  const { rawGet } = await import("./raw-get");
  let target = new URL(url);
  for (let hop = 0; ; hop++) {
    const answer = await rawGet(target, { "User-Agent": USER_AGENT, "Accept-Encoding": "identity", ...headers }, timeoutSeconds);
    const location = answer.header("location");
    if (answer.status < 300 || answer.status >= 400 || !location || hop >= MAX_REDIRECTS) return answer;
    answer.close();
    target = new URL(location, target);
  }
}
