// npm run demo: the whole flow end to end against a local stand-in of the NanoPhoto API and its
// video CDN, with no real key and no network: dry run, submit --follow --output, list, status.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../dist/sora2_generate.js", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "sora-demo-"));
const video = Buffer.alloc(2 * 1024 * 1024, 1);
let checks = 0;

const server = createServer((req, res) => {
  if (req.method === "GET") {
    res.writeHead(200, { "Content-Type": "video/mp4", "Content-Length": String(video.length) });
    res.end(video);
    return;
  }
  req.resume();
  req.on("end", () => {
    const base = `http://127.0.0.1:${server.address().port}`;
    const done = req.url === "/api/sora-2/check-status" && ++checks >= 3;
    const answer = done
      ? { success: true, status: "completed", taskId: "task_demo_1", videoUrl: `${base}/videos/task_demo_1.mp4`, generationTime: 142, creditsUsed: 4 }
      : { success: true, status: "processing", taskId: "task_demo_1", message: "Video generation in progress" };
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify(answer));
  });
});

function step(title, args) {
  console.log(`\n$ node dist/sora2_generate.js ${args.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(" ")}    # ${title}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: "inherit",
      env: { PATH: process.env.PATH, NANOPHOTO_API_KEY: "demo-key", NANOPHOTO_BASE_URL: `http://127.0.0.1:${server.address().port}`, OPENCLAW_STATE_DIR: work },
    });
    child.on("close", (code) => {
      console.log(`(exit ${code})`);
      resolve(code);
    });
  });
}

server.listen(0, "127.0.0.1", async () => {
  console.log(`Stand-in NanoPhoto API on http://127.0.0.1:${server.address().port}; state and video in ${work}`);
  const prompt = "A paper boat sailing down a rainy street, cinematic";
  await step("what it would send and cost", ["submit", "--prompt", prompt, "--dry-run"]);
  await step("submit, wait, download (fast timings for the demo)", [
    "submit", "--prompt", prompt, "--follow", "--output", work, "--initial-status-delay", "1", "--status-check-interval", "1",
  ]);
  await step("the same request again is not paid twice", ["submit", "--prompt", prompt]);
  await step("recent tasks, from the local journal", ["list"]);
  await step("the newest task, as JSON", ["status", "--last", "--json-only"]);
  server.close();
});
