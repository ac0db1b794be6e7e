// A minimal HTTP/1.1 GET for downloading large videos. Node's http client hands every 64 KB
// read to JavaScript in a freshly allocated Buffer: a 256 MiB video then runs at a third of
// curl's speed and grows memory with garbage. Here the socket reads into one reused buffer
// (the `onread` option of net and tls), and each slice goes straight to the caller's sink.
// It speaks only what a download needs: one GET, Connection: close, Content-Length, chunked
// or read-to-close bodies.
import type { Socket } from "node:net";
import { describeFailure, TransportError } from "./http";

const READ_BUFFER_BYTES = 1024 * 1024;
const MAX_HEAD_BYTES = 64 * 1024;

export interface RawAnswer {
  status: number;
  header(name: string): string | null;
  /** Passes the body to `sink` slice by slice (valid only during the call); resolves once it is complete. */
  body(sink: (slice: Buffer) => void): Promise<void>;
  close(): void;
}

/** Undoes the body framing: a Content-Length, chunked encoding, or everything until the close. */
class BodyDecoder {
  done: boolean;
  received = 0;
  private state: "size" | "data" | "crlf" | "trailer" = "size";
  private line = "";
  private left = 0;

  constructor(private readonly length: number | undefined, private readonly chunked: boolean) {
    this.done = !chunked && length === 0;
  }

  get untilClose(): boolean {
    return !this.chunked && this.length === undefined;
  }

  describeShortfall(): string {
    return this.length !== undefined ? `connection closed after ${this.received} of ${this.length} bytes` : "connection closed mid-body";
  }

  feed(data: Buffer, sink: (slice: Buffer) => void): void {
    if (!this.chunked) {
      const take = this.length === undefined ? data.length : Math.min(data.length, this.length - this.received);
      if (take > 0) sink(data.subarray(0, take));
      this.received += take;
      if (this.length !== undefined && this.received >= this.length) this.done = true;
      return;
    }
    let at = 0;
    while (at < data.length && !this.done) {
      if (this.state === "data") {
        const take = Math.min(this.left, data.length - at);
        sink(data.subarray(at, at + take));
        this.received += take;
        this.left -= take;
        at += take;
        if (this.left === 0) this.state = "crlf";
        continue;
      }
      const end = data.indexOf(10, at);
      this.line += data.toString("latin1", at, end === -1 ? data.length : end);
      if (this.line.length > 4096) throw new Error("malformed chunked body");
      if (end === -1) return;
      at = end + 1;
      const line = this.line.replace(/\r$/, "");
      this.line = "";
      if (this.state === "crlf") {
        if (line !== "") throw new Error("malformed chunked body");
        this.state = "size";
      } else if (this.state === "size") {
        const size = parseInt(line.split(";")[0].trim(), 16);
        if (!Number.isFinite(size) || size < 0) throw new Error("malformed chunked body");
        this.left = size;
        this.state = size === 0 ? "trailer" : "data";
      } else if (line === "") {
        this.done = true;
      }
    }
  }
}

function parseHead(text: string): { status: number; headers: Map<string, string> } {
  const [statusLine, ...lines] = text.split("\r\n");
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) throw new Error("not an HTTP/1.x answer");
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
  }
  return { status: Number(match[1]), headers };
}

export async function rawGet(url: URL, headers: Record<string, string>, timeoutSeconds: number): Promise<RawAnswer> {
  const secure = url.protocol === "https:";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port) || (secure ? 443 : 80);
  const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, "Connection: close"];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  const request = lines.join("\r\n") + "\r\n\r\n";
  const [net, tls] = await Promise.all([import("node:net"), secure ? import("node:tls") : undefined]);

  return new Promise((resolve, reject) => {
    let head: Buffer | undefined = Buffer.alloc(0);
    let decoder: BodyDecoder | undefined;
    let early: Buffer[] = [];
    let sink: ((slice: Buffer) => void) | undefined;
    let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
    let failure: Error | undefined;
    let closed = false;

    /** Settles the body promise once the body is complete, broken, or cut short. */
    const check = () => {
      if (!settle || !decoder) return;
      const { resolve: done, reject: broken } = settle;
      if (decoder.done || (closed && !failure && decoder.untilClose)) {
        settle = undefined;
        socket.destroy();
        done();
      } else if (failure || closed) {
        settle = undefined;
        broken(failure ?? new Error(decoder.describeShortfall()));
      }
    };

    const consume = (data: Buffer) => {
      if (!decoder || decoder.done) return;
      if (sink) decoder.feed(data, sink);
      else early.push(Buffer.from(data));
    };

    const onData = (data: Buffer) => {
      try {
        if (!head) {
          consume(data);
          check();
          return;
        }
        head = Buffer.concat([head, data]);
        const end = head.indexOf("\r\n\r\n");
        if (end === -1) {
          if (head.length > MAX_HEAD_BYTES) throw new Error("answer headers too large");
          return;
        }
        const { status, headers: answerHeaders } = parseHead(head.toString("latin1", 0, end));
        const rest = head.subarray(end + 4);
        head = undefined;
        const length = answerHeaders.get("content-length");
        const chunked = /\bchunked\b/i.test(answerHeaders.get("transfer-encoding") ?? "");
        decoder = new BodyDecoder(!chunked && length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined, chunked);
        consume(rest);
        resolve({
          status,
          header: (name) => answerHeaders.get(name.toLowerCase()) ?? null,
          body: (target) =>
            new Promise<void>((resolveBody, rejectBody) => {
              sink = target;
              settle = { resolve: resolveBody, reject: rejectBody };
              try {
                for (const chunk of early) decoder?.feed(chunk, target);
              } catch (error) {
                failure ??= error as Error;
              }
              early = [];
              check();
            }),
          close: () => socket.destroy(),
        });
      } catch (error) {
        socket.destroy(error as Error);
      }
    };

    const options = {
      host,
      port,
      onread: {
        buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
        callback: (bytes: number, buffer: Uint8Array): boolean => {
          onData(Buffer.from(buffer.buffer, buffer.byteOffset, bytes));
          return true;
        },
      },
    };
    const socket: Socket = tls ? tls.connect({ ...options, servername: net.isIP(host) ? undefined : host }) : net.connect(options);
    socket.setTimeout(timeoutSeconds * 1000, () => socket.destroy(new TransportError(`no data within ${timeoutSeconds} s`, false, true, true)));
    socket.once(tls ? "secureConnect" : "connect", () => socket.write(request));
    socket.once("error", (error) => {
      failure ??= describeFailure(error, timeoutSeconds);
      if (head) reject(failure);
      check();
    });
    socket.once("close", () => {
      closed = true;
      if (head) reject(failure ?? new TransportError("connection closed before an answer", false, true, false));
      check();
    });
  });
}
