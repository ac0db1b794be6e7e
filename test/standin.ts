// A stand-in NanoPhoto server on 127.0.0.1 with a random port. Each test scripts what the two
// endpoints answer, step by step (the last step repeats), and reads back every request it saw.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Step =
  | { json: unknown; status?: number; headers?: Record<string, string>; delayMs?: number }
  | { body: string; status?: number; contentType?: string; headers?: Record<string, string> }
  | { drop: true }
  | { hang: true }
  | { stallBody: true }
  | { redirect: string; status?: number }
  | { echoAuth: true; status?: number };

export interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: any;
  at: number;
}

export const TASK_ID = "task_standin_1";
export const processing = (taskId = TASK_ID): Step => ({
  json: { success: true, status: "processing", taskId, message: "Video generation in progress" },
});
export const completed = (taskId = TASK_ID, videoUrl = "https://video.example/sora/abc.mp4"): Step => ({
  json: { success: true, status: "completed", videoUrl, taskId, generationTime: 120, creditsUsed: 4 },
});
export const failed = (taskId = TASK_ID): Step => ({
  json: { success: false, status: "failed", error: "Video generation failed", errorCode: "GENERATION_FAILED", taskId },
});
export const apiError = (errorCode: string, status = 200, error = `stand-in says ${errorCode}`): Step => ({
  json: { success: false, errorCode, error },
  status,
});

export interface StandIn {
  url: string;
  seen: Seen[];
  generates(): Seen[];
  checks(): Seen[];
  script(endpoint: "generate" | "status", steps: Step[]): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => resolve(text));
  });
}

function answer(step: Step, req: IncomingMessage, res: ServerResponse): void {
  if ("drop" in step) {
    req.socket.destroy();
    return;
  }
  if ("hang" in step) return;
  if ("stallBody" in step) {
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "200" });
    res.write('{"success": true, "status": "proc');
    return;
  }
  if ("redirect" in step) {
    res.writeHead(step.status ?? 307, { Location: step.redirect });
    res.end();
    return;
  }
  if ("echoAuth" in step) {
    const json = JSON.stringify({ success: false, errorCode: "LOGIN_REQUIRED", error: `bad key: ${req.headers.authorization}` });
    res.writeHead(step.status ?? 401, { "Content-Type": "application/json" });
    res.end(json);
    return;
  }
  if ("json" in step) {
    const send = () => {
      res.writeHead(step.status ?? 200, { "Content-Type": "application/json", ...step.headers });
      res.end(JSON.stringify(step.json));
    };
    if (step.delayMs) setTimeout(send, step.delayMs);
    else send();
    return;
  }
  res.writeHead(step.status ?? 200, { "Content-Type": step.contentType ?? "text/html", ...step.headers });
  res.end(step.body);
}

export async function startStandIn(initial: { generate?: Step[]; status?: Step[] } = {}): Promise<StandIn> {
  const steps = {
    generate: initial.generate ?? [processing()],
    status: initial.status ?? [processing(), completed()],
  };
  const served = { generate: 0, status: 0 };
  const seen: Seen[] = [];

  const server: Server = createServer(async (req, res) => {
    const text = await readBody(req);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Kept as text.
    }
    seen.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, at: Date.now() });
    const endpoint = req.url === "/api/sora-2/generate" ? "generate" : req.url === "/api/sora-2/check-status" ? "status" : undefined;
    if (!endpoint) {
      res.writeHead(404, { "Content-Type": "text/html" });
      res.end("<html>not found</html>");
      return;
    }
    const list = steps[endpoint];
    const step = list[Math.min(served[endpoint]++, list.length - 1)];
    answer(step, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    generates: () => seen.filter((s) => s.path === "/api/sora-2/generate"),
    checks: () => seen.filter((s) => s.path === "/api/sora-2/check-status"),
    script(endpoint, list) {
      steps[endpoint] = list;
      served[endpoint] = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
