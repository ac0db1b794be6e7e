import { afterEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { FAST, KEY, run, tempDir } from "./cli";
import { apiError, completed, failed, processing, startStandIn, TASK_ID, type StandIn } from "./standin";

let server: StandIn;
afterEach(() => server?.close());

describe("submit", () => {
  it("sends exactly the documented body with the defaults and our own User-Agent", async () => {
    server = await startStandIn();
    const r = await run(["submit", "--prompt", "  a cat on a skateboard  ", "--base-url", server.url]);
    expect(r.code).toBe(0);
    const [sent] = server.generates();
    expect(server.generates()).toHaveLength(1);
    expect(server.checks()).toHaveLength(0);
    expect(sent.method).toBe("POST");
    expect(sent.body).toEqual({
      prompt: "a cat on a skateboard",
      mode: "textToVideo",
      modelTier: "sora2",
      aspectRatio: "portrait",
      videoDuration: "10",
    });
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.headers["user-agent"]).toBe(`sora-2-generate/1.0.0 (node ${process.versions.node})`);
    expect(sent.headers.origin).toBeUndefined();
    expect(sent.headers.referer).toBeUndefined();
    expect(sent.headers["content-type"]).toBe("application/json");
    expect(r.stderr).toContain(`Submitted task ${TASK_ID} (sora2, 10 s, portrait, 4 credits expected)`);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^Task ID: +task_standin_1$/);
    expect(lines.at(-1)).toContain(`Submitted: task ${TASK_ID} is processing`);
    expect(lines.at(-1)).toContain(`status --task-id ${TASK_ID} --follow`);
  });

  it("sends images in order for imageToVideo, which images imply", async () => {
    server = await startStandIn();
    const r = await run([
      "submit", "--prompt", "p", "--image-url", "https://img.example/a.png", "--image-url", "http://img.example/b.jpg",
      "--model-tier", "sora2-pro-high", "--aspect-ratio", "landscape", "--video-duration", "15", "--base-url", server.url,
    ]);
    expect(r.code).toBe(0);
    expect(server.generates()[0].body).toEqual({
      prompt: "p",
      mode: "imageToVideo",
      modelTier: "sora2-pro-high",
      aspectRatio: "landscape",
      videoDuration: "15",
      imageUrls: ["https://img.example/a.png", "http://img.example/b.jpg"],
    });
    expect(r.stderr).toContain("240 credits expected");
  });

  it("--json-only prints the API's own response, once", async () => {
    server = await startStandIn();
    const r = await run(["submit", "--prompt", "p", "--json-only", "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(r.json).toEqual({ success: true, status: "processing", taskId: TASK_ID, message: "Video generation in progress" });
  });

  it("NANOPHOTO_BASE_URL sets the base URL and the flag wins over it", async () => {
    server = await startStandIn();
    const viaEnv = await run(["submit", "--prompt", "p"], { env: { NANOPHOTO_BASE_URL: server.url } });
    expect(viaEnv.code).toBe(0);
    const flagWins = await run(["submit", "--prompt", "p", "--base-url", server.url], {
      env: { NANOPHOTO_BASE_URL: "http://127.0.0.1:1" },
    });
    expect(flagWins.code).toBe(0);
    expect(server.generates()).toHaveLength(2);
  });

  it("--follow waits, checks and ends with a summary whose last line is the outcome", async () => {
    server = await startStandIn({ status: [processing(), processing(), completed()] });
    const r = await run(["submit", "--prompt", "p", "--follow", ...FAST, "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(server.generates()).toHaveLength(1);
    expect(server.checks()).toHaveLength(3);
    expect(server.checks()[0].body).toEqual({ taskId: TASK_ID });
    expect(r.stderr).toMatch(/check 1 at \d+s: processing/);
    expect(r.stderr).toMatch(/check 3 at \d+s: completed/);
    expect(r.stdout).toContain("Video URL:");
    expect(r.stdout).toMatch(/^Generation time: +120 s$/m);
    expect(r.stdout).toMatch(/^Credits used: +4$/m);
    expect(r.stdout.trim().split("\n").at(-1)).toBe(`Completed: task ${TASK_ID}, video at https://video.example/sora/abc.mp4`);
  });

  it("--follow --json-only prints only the final API response", async () => {
    server = await startStandIn();
    const r = await run(["submit", "--prompt", "p", "--follow", "--json-only", ...FAST, "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(r.json).toEqual({
      success: true,
      status: "completed",
      videoUrl: "https://video.example/sora/abc.mp4",
      taskId: TASK_ID,
      generationTime: 120,
      creditsUsed: 4,
    });
  });

  it("waits --initial-status-delay before the first check", async () => {
    server = await startStandIn({ status: [completed()] });
    const r = await run(["submit", "--prompt", "p", "--follow", "--initial-status-delay", "0.6", "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(server.checks()[0].at - server.generates()[0].at).toBeGreaterThanOrEqual(550);
  });

  it("a submit answered completed at once is not polled", async () => {
    server = await startStandIn({ generate: [completed()] });
    const r = await run(["submit", "--prompt", "p", "--follow", ...FAST, "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(server.checks()).toHaveLength(0);
    expect(r.stdout).toContain("Completed:");
  });

  it("a failed generation exits 1 with GENERATION_FAILED", async () => {
    server = await startStandIn({ status: [processing(), failed()] });
    const r = await run(["submit", "--prompt", "p", "--follow", "--json-only", ...FAST, "--base-url", server.url]);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ success: false, errorCode: "GENERATION_FAILED", taskId: TASK_ID, status: "failed" });
    expect(r.json.action).toBeTruthy();
    const human = await run(["status", "--task-id", TASK_ID, "--base-url", server.url]);
    expect(human.code).toBe(1);
    expect(human.stderr.trim().split("\n").at(-1)).toMatch(/^Error \[GENERATION_FAILED\]: Task task_standin_1 failed: Video generation failed/);
  });

  it("--max-wait running out exits 4 with the resume command", async () => {
    server = await startStandIn({ status: [processing()] });
    const r = await run(["submit", "--prompt", "p", "--follow", "--json-only", ...FAST, "--max-wait", "0.3", "--base-url", server.url]);
    expect(r.code).toBe(4);
    expect(r.json).toMatchObject({ success: false, errorCode: "WAIT_TIMEOUT", taskId: TASK_ID, status: "processing" });
    expect(r.json.resumeCommand).toMatch(/^node \S+sora2_generate\.js status --task-id task_standin_1 --follow$/);
    expect(server.generates()).toHaveLength(1);
  });

  it.each([
    ["LOGIN_REQUIRED", 401, 3],
    ["INSUFFICIENT_CREDITS", 200, 3],
    ["PROMPT_REQUIRED", 400, 3],
    ["IMAGE_REQUIRED", 400, 3],
    ["IMAGE_URLS_REQUIRED", 400, 3],
    ["INTERNAL_ERROR", 500, 5],
  ])("API error %s (HTTP %i) exits %i with its message and action", async (code, status, exit) => {
    server = await startStandIn({ generate: [apiError(code, status)] });
    const r = await run(["submit", "--prompt", "p", "--json-only", "--base-url", server.url]);
    expect(r.code).toBe(exit);
    expect(r.json).toMatchObject({ success: false, errorCode: code });
    expect(r.json.error).toContain(`stand-in says ${code}`);
    expect(r.json.action.length).toBeGreaterThan(10);
    expect(server.generates()).toHaveLength(1);
  });

  it("an HTTP 200 that says success: false is that error", async () => {
    server = await startStandIn({ generate: [apiError("INSUFFICIENT_CREDITS", 200)] });
    const r = await run(["submit", "--prompt", "p", "--base-url", server.url]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^Error \[INSUFFICIENT_CREDITS\]: /m);
  });
});

describe("status", () => {
  it("reports a processing task with exit 0 and a completed one with its summary", async () => {
    server = await startStandIn({ status: [processing(), completed()] });
    const first = await run(["status", "--task-id", TASK_ID, "--base-url", server.url]);
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split("\n").at(-1)).toContain(`Processing: task ${TASK_ID} is not done yet`);
    const second = await run(["status", "--task-id", TASK_ID, "--json-only", "--base-url", server.url]);
    expect(second.code).toBe(0);
    expect(second.json.status).toBe("completed");
    expect(server.checks().map((c) => c.body)).toEqual([{ taskId: TASK_ID }, { taskId: TASK_ID }]);
  });

  it("--follow checks at once, then every interval", async () => {
    server = await startStandIn({ status: [processing(), processing(), completed()] });
    const started = Date.now();
    const r = await run(["status", "--task-id", TASK_ID, "--follow", "--status-check-interval", "0.3", "--base-url", server.url]);
    expect(r.code).toBe(0);
    const at = server.checks().map((c) => c.at);
    expect(at).toHaveLength(3);
    expect(at[0] - started).toBeLessThan(2000);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(280);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(280);
  });

  it("TASK_NOT_FOUND exits 3", async () => {
    server = await startStandIn({ status: [apiError("TASK_NOT_FOUND", 404)] });
    const r = await run(["status", "--task-id", "nope", "--json-only", "--base-url", server.url]);
    expect(r.code).toBe(3);
    expect(r.json).toMatchObject({ success: false, errorCode: "TASK_NOT_FOUND", taskId: "nope" });
    expect(server.checks()).toHaveLength(1);
  });
});

describe("help and version", () => {
  it("prints usage with every flag and the key warning", async () => {
    const r = await run(["submit", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--prompt", "--mode", "--image-url", "--model-tier", "--aspect-ratio", "--video-duration", "--follow", "--dry-run",
      "--api-key", "--base-url", "--json-only", "--initial-status-delay", "--status-check-interval", "--max-wait", "--request-timeout"]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/visible to other local users/i);
  });

  it.each([
    ["--help", ["--help"]],
    ["--version", ["--version"]],
    ["submit --dry-run", ["submit", "--prompt", "p", "--dry-run"]],
    ["a validation error", ["submit", "--prompt", "p", "--video-duration", "12"]],
  ])("%s loads no HTTP stack", async (_name, args) => {
    const dir = tempDir();
    const probe = join(dir, "probe.cjs");
    writeFileSync(probe, `process.on("exit", () => process.stderr.write("loaded:" + process.moduleLoadList.filter((m) => /^NativeModule (http|https|zlib|tls)$/.test(m)).join(",") + "\\n"));\n`);
    const r = await run(args, { env: { NODE_OPTIONS: `--require ${probe}` } });
    expect(r.stderr).toMatch(/^loaded:$/m);
    const submitted = await run(["submit", "--prompt", "p"], { env: { NODE_OPTIONS: `--require ${probe}`, NANOPHOTO_BASE_URL: "http://127.0.0.1:1" } });
    expect(submitted.stderr).toMatch(/^loaded:.*http/m);
  });

  it("prints the version", async () => {
    const r = await run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("1.0.0");
  });
});
