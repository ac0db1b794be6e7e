// A stand-in video CDN on its own port (another origin than the API). It honours Range requests
// unless told not to, can cut a transfer off part-way, and records every request's headers.
import { createServer, type IncomingHttpHeaders, type RequestListener } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";

export interface CdnOptions {
  /** The first N requests send only this many bytes, then drop the connection. */
  dropAfterBytes?: number;
  drops?: number;
  /** Ignore Range headers and always send the whole file with 200. */
  noRange?: boolean;
  /** Send the whole file with chunked transfer encoding, in pieces of this many bytes. */
  chunkedPieces?: number;
  /** Answer with no length at all and end the body by closing the connection. */
  untilClose?: boolean;
  /** Paths that answer 302 to another path. */
  redirects?: Record<string, string>;
  /** Serve HTTPS with this key and certificate. */
  tls?: { key: Buffer; cert: Buffer };
}

export interface Cdn {
  url: string;
  requests: Array<{ path: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

export function videoBytes(size: number): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
  return data;
}

export async function startCdn(files: Record<string, Buffer>, options: CdnOptions = {}): Promise<Cdn> {
  const requests: Cdn["requests"] = [];
  let dropsLeft = options.drops ?? (options.dropAfterBytes ? 1 : 0);
  const handler: RequestListener = (req, res) => {
    requests.push({ path: req.url ?? "", headers: req.headers });
    const moved = options.redirects?.[req.url ?? ""];
    if (moved) {
      res.writeHead(302, { Location: moved });
      res.end();
      return;
    }
    const file = files[req.url ?? ""];
    if (!file) {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end("not found");
      return;
    }
    if (options.chunkedPieces) {
      res.writeHead(200, { "Content-Type": "video/mp4" });
      for (let at = 0; at < file.length; at += options.chunkedPieces) res.write(file.subarray(at, at + options.chunkedPieces));
      res.end();
      return;
    }
    if (options.untilClose) {
      req.socket.write("HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nConnection: close\r\n\r\n");
      req.socket.end(file);
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    let start = 0;
    if (range && !options.noRange) {
      start = Number(range[1]);
      if (start >= file.length) {
        res.writeHead(416, { "Content-Range": `bytes */${file.length}` });
        res.end();
        return;
      }
      res.writeHead(206, {
        "Content-Type": "video/mp4",
        "Content-Length": String(file.length - start),
        "Content-Range": `bytes ${start}-${file.length - 1}/${file.length}`,
      });
    } else {
      res.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": String(file.length), "Accept-Ranges": options.noRange ? "none" : "bytes" });
    }
    const body = file.subarray(start);
    if (dropsLeft > 0 && options.dropAfterBytes !== undefined) {
      dropsLeft--;
      res.write(body.subarray(0, options.dropAfterBytes), () => setTimeout(() => req.socket.destroy(), 20));
      return;
    }
    res.end(body);
  };
  const server = options.tls ? createTlsServer(options.tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
