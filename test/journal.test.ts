// The local task journal and the duplicate guard built on it.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FAST, KEY, run, tempDir } from "./cli";
import { completed, failed, processing, startStandIn, TASK_ID, type StandIn } from "./standin";

let server: StandIn;
afterEach(() => server?.close());

function stateEnv() {
  const state = tempDir("sora-state-");
  return { state, env: { OPENCLAW_STATE_DIR: state }, file: join(state, "sora-2-generate", "tasks.jsonl") };
}

function lines(file: string): any[] {
  return readFileSync(file, "utf8").trim().split("\n").map((line) => JSON.parse(line));
}

describe("journal", () => {
  it("records a submit with its request, 0600 in a 0700 folder, never the key", async () => {
    server = await startStandIn();
    const { env, file } = stateEnv();
    const r = await run(["submit", "--prompt", " p ", "--image-url", "https://a.example/1.png", "--base-url", server.url], { env });
    expect(r.code).toBe(0);
    const [entry] = lines(file);
    expect(entry).toMatchObject({
      taskId: TASK_ID,
      origin: server.url,
      request: { prompt: "p", mode: "imageToVideo", imageUrls: ["https://a.example/1.png"], modelTier: "sora2", aspectRatio: "portrait", videoDuration: "10" },
      status: "processing",
    });
    expect(Date.now() - Date.parse(entry.time)).toBeLessThan(60_000);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, "..")).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, "utf8")).not.toContain(KEY);
  });

  it("defaults to <home>/.openclaw/sora-2-generate/tasks.jsonl", async () => {
    server = await startStandIn();
    const home = tempDir("sora-home-");
    await run(["submit", "--prompt", "p", "--base-url", server.url], { env: { HOME: home } });
    expect(existsSync(join(home, ".openclaw", "sora-2-generate", "tasks.jsonl"))).toBe(true);
  });

  it("adds what --follow learns", async () => {
    server = await startStandIn();
    const { env } = stateEnv();
    await run(["submit", "--prompt", "p", "--follow", ...FAST, "--base-url", server.url], { env });
    const r = await run(["list", "--json-only"], { env });
    expect(r.json).toHaveLength(1);
    expect(r.json[0]).toMatchObject({ taskId: TASK_ID, status: "completed", videoUrl: "https://video.example/sora/abc.mp4", creditsUsed: 4, generationTime: 120 });
  });

  it("status records a task it had never seen", async () => {
    server = await startStandIn({ status: [completed("task_elsewhere")] });
    const { env } = stateEnv();
    await run(["status", "--task-id", "task_elsewhere", "--base-url", server.url], { env });
    const r = await run(["list", "--json-only"], { env });
    expect(r.json[0]).toMatchObject({ taskId: "task_elsewhere", status: "completed", origin: server.url });
  });

  it("--no-journal writes nothing", async () => {
    server = await startStandIn();
    const { env, state } = stateEnv();
    const r = await run(["submit", "--prompt", "p", "--follow", ...FAST, "--no-journal", "--base-url", server.url], { env });
    expect(r.code).toBe(0);
    expect(existsSync(join(state, "sora-2-generate"))).toBe(false);
  });
});

describe("duplicate guard", () => {
  it("reuses a task with the same request from the last hour instead of paying again", async () => {
    server = await startStandIn({ status: [processing()] });
    const { env } = stateEnv();
    await run(["submit", "--prompt", "p", "--base-url", server.url], { env });
    const again = await run(["submit", "--prompt", "p", "--json-only", "--base-url", server.url], { env });
    expect(again.code).toBe(0);
    expect(server.generates()).toHaveLength(1);
    expect(server.checks()).toHaveLength(1);
    expect(again.stderr).toMatch(new RegExp(`same request as ${TASK_ID} submitted \\d+s ago; reusing it; pass --new to submit another`));
    expect(again.json).toMatchObject({ taskId: TASK_ID, status: "processing" });
  });

  it("--follow on a reused task follows it, and --output downloads it", async () => {
    server = await startStandIn({ status: [completed()] });
    const { env } = stateEnv();
    await run(["submit", "--prompt", "p", "--base-url", server.url], { env });
    const r = await run(["submit", "--prompt", "p", "--follow", ...FAST, "--base-url", server.url], { env });
    expect(r.code).toBe(0);
    expect(server.generates()).toHaveLength(1);
    expect(r.stdout).toMatch(/^Completed: /m);
  });

  it("--dry-run says that the submit would be reused", async () => {
    server = await startStandIn();
    const { env } = stateEnv();
    await run(["submit", "--prompt", "p", "--base-url", server.url], { env });
    const r = await run(["submit", "--prompt", "p", "--dry-run", "--json-only", "--base-url", server.url], { env });
    expect(r.json.reuseTaskId).toBe(TASK_ID);
    const human = await run(["submit", "--prompt", "p", "--dry-run", "--base-url", server.url], { env });
    expect(human.stdout.trim().split("\n").at(-1)).toBe(`Dry run: nothing was sent; this submit would reuse task ${TASK_ID} and cost nothing more.`);
  });

  it.each([
    ["a different prompt", ["--prompt", "q"]],
    ["a different tier", ["--prompt", "p", "--model-tier", "sora2-pro-standard"]],
    ["--new", ["--prompt", "p", "--new"]],
  ])("submits again for %s", async (_name, args) => {
    server = await startStandIn();
    const { env } = stateEnv();
    await run(["submit", "--prompt", "p", "--base-url", server.url], { env });
    await run(["submit", ...args, "--base-url", server.url], { env });
    expect(server.generates()).toHaveLength(2);
  });

  it("does not reuse a failed task", async () => {
    server = await startStandIn({ status: [failed()] });
    const { env } = stateEnv();
    const first = await run(["submit", "--prompt", "p", "--follow", ...FAST, "--base-url", server.url], { env });
    expect(first.code).toBe(1);
    await run(["submit", "--prompt", "p", "--base-url", server.url], { env });
    expect(server.generates()).toHaveLength(2);
  });

  it("does not reuse a task older than 60 minutes", async () => {
    server = await startStandIn();
    const { env, file } = stateEnv();
    await run(["submit", "--prompt", "p", "--base-url", server.url], { env });
    const [entry] = lines(file);
    entry.time = new Date(Date.now() - 61 * 60 * 1000).toISOString();
    writeFileSync(file, JSON.stringify(entry) + "\n");
    await run(["submit", "--prompt", "p", "--base-url", server.url], { env });
    expect(server.generates()).toHaveLength(2);
  });

  it("a submit whose answer was lost is not repeated blindly, unless --new", async () => {
    server = await startStandIn({ generate: [{ drop: true }, processing()] });
    const { env } = stateEnv();
    const first = await run(["submit", "--prompt", "p", "--base-url", server.url], { env });
    expect(first.code).toBe(5);
    const again = await run(["submit", "--prompt", "p", "--json-only", "--base-url", server.url], { env });
    expect(again.code).toBe(5);
    expect(again.json.errorCode).toBe("SUBMIT_OUTCOME_UNKNOWN");
    expect(again.json.error).toMatch(/was not sent again/);
    expect(again.json.action).toMatch(/--new/);
    const dry = await run(["submit", "--prompt", "p", "--dry-run", "--json-only", "--base-url", server.url], { env });
    expect(dry.json).toMatchObject({ reuseTaskId: null, earlierOutcomeUnknown: true });
    expect(server.generates()).toHaveLength(1);
    const last = await run(["status", "--last"], { env });
    expect(last.code).toBe(2);
    const forced = await run(["submit", "--prompt", "p", "--new", "--base-url", server.url], { env });
    expect(forced.code).toBe(0);
    expect(server.generates()).toHaveLength(2);
    const list = await run(["list", "--json-only"], { env });
    expect(list.json.map((e: any) => e.status)).toEqual(["processing", "unknown"]);
  });

  it("Ctrl-C while the submit is in flight releases the lock and remembers the lost answer", async () => {
    server = await startStandIn({ generate: [{ hang: true }] });
    const { env, state } = stateEnv();
    const r = await run(["submit", "--prompt", "p", "--json-only", "--base-url", server.url], {
      env,
      started: (pid) => {
        const timer = setInterval(() => {
          if (server.generates().length) {
            clearInterval(timer);
            process.kill(pid, "SIGINT");
          }
        }, 20);
      },
    });
    expect(r.code).toBe(130);
    expect(r.json).toMatchObject({ errorCode: "INTERRUPTED", taskId: null });
    expect(r.json.error).toMatch(/may have been created and charged/);
    const { readdirSync } = await import("node:fs");
    expect(readdirSync(join(state, "sora-2-generate")).filter((name) => name.endsWith(".lock"))).toEqual([]);
    const again = await run(["submit", "--prompt", "p", "--base-url", server.url], { env });
    expect(again.code).toBe(5);
    expect(server.generates()).toHaveLength(1);
  });

  it("two processes launched together with the same request submit once", async () => {
    server = await startStandIn({ generate: [{ ...processing(), delayMs: 400 }] });
    const { env } = stateEnv();
    const [a, b] = await Promise.all([
      run(["submit", "--prompt", "same", "--json-only", "--base-url", server.url], { env }),
      run(["submit", "--prompt", "same", "--json-only", "--base-url", server.url], { env }),
    ]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(server.generates()).toHaveLength(1);
    expect(a.json.taskId).toBe(TASK_ID);
    expect(b.json.taskId).toBe(TASK_ID);
  });

  it("takes over a lock left by a crashed run after two minutes, and waits for a live one", async () => {
    server = await startStandIn();
    const { env, state } = stateEnv();
    const dir = join(state, "sora-2-generate");
    mkdirSync(dir, { recursive: true });
    const request = [server.url, "p", "textToVideo", [], "sora2", "portrait", "10"];
    const lock = join(dir, `submit-${createHash("sha256").update(JSON.stringify(request)).digest("hex").slice(0, 32)}.lock`);
    writeFileSync(lock, "");
    const stale = new Date(Date.now() - 3 * 60_000);
    utimesSync(lock, stale, stale);
    const r = await run(["submit", "--prompt", "p", "--base-url", server.url], { env });
    expect(r.code).toBe(0);
    expect(server.generates()).toHaveLength(1);
    expect(existsSync(lock)).toBe(false);

    writeFileSync(lock, "");
    const waiting = run(["submit", "--prompt", "p", "--new", "--base-url", server.url], { env });
    const held = run(["submit", "--prompt", "p", "--base-url", server.url], { env });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(server.generates()).toHaveLength(2);
    unlinkSync(lock);
    expect((await held).code).toBe(0);
    expect((await waiting).code).toBe(0);
    expect(server.generates()).toHaveLength(2);
  });
});

describe("list and status --last", () => {
  it("an empty journal: list says so, status --last exits 2", async () => {
    const { env } = stateEnv();
    const r = await run(["list"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^No tasks in .*tasks\.jsonl yet\.$/m);
    const json = await run(["list", "--json-only"], { env });
    expect(json.json).toEqual([]);
    const last = await run(["status", "--last"], { env });
    expect(last.code).toBe(2);
    expect(last.stderr).toMatch(/journal has no task/);
  });

  it("a corrupt journal: unreadable lines are skipped with one warning", async () => {
    server = await startStandIn({ status: [completed()] });
    const { env, file } = stateEnv();
    mkdirSync(join(file, ".."), { recursive: true });
    const good = { taskId: TASK_ID, time: new Date().toISOString(), origin: server.url, request: { prompt: "a corrupt neighbour", mode: "textToVideo", imageUrls: [], modelTier: "sora2", aspectRatio: "portrait", videoDuration: "10" }, status: "processing" };
    writeFileSync(file, `{broken\n${JSON.stringify(good)}\n\u0000\u0001garbage\n42\n`);
    const r = await run(["list"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(TASK_ID);
    expect(r.stdout).toContain('"a corrupt neighbour"');
    expect(r.stderr.match(/warning/g)).toHaveLength(1);
    const last = await run(["status", "--last", "--json-only", "--base-url", server.url], { env });
    expect(last.code).toBe(0);
    expect(last.json.taskId).toBe(TASK_ID);
    expect(server.checks()[0].body).toEqual({ taskId: TASK_ID });
  });

  it("a full journal is compacted to the newest 500 tasks; list is newest first", async () => {
    server = await startStandIn({ generate: [processing("task_newest")], status: [processing("task_newest")] });
    const { env, file } = stateEnv();
    mkdirSync(join(file, ".."), { recursive: true });
    const start = Date.now() - 10 * 86400_000;
    const old = Array.from({ length: 600 }, (_, i) => JSON.stringify({
      taskId: `task_${i}`, time: new Date(start + i * 60_000).toISOString(), origin: server.url,
      request: { prompt: `prompt ${i}`, mode: "textToVideo", imageUrls: [], modelTier: "sora2", aspectRatio: "portrait", videoDuration: "10" }, status: "completed",
    }));
    writeFileSync(file, old.join("\n") + "\n");
    await run(["submit", "--prompt", "fresh", "--base-url", server.url], { env });
    expect(new Set(lines(file).map((line) => line.taskId)).size).toBe(500);
    const r = await run(["list", "--limit", "3", "--json-only"], { env });
    expect(r.json.map((e: any) => e.taskId)).toEqual(["task_newest", "task_599", "task_598"]);
    const last = await run(["status", "--last", "--json-only", "--base-url", server.url], { env });
    expect(last.json.taskId).toBe("task_newest");
    const human = await run(["list", "--limit", "2"], { env });
    expect(human.stdout.trim().split("\n")).toHaveLength(3);
    expect(human.stdout).toMatch(/^task_newest: +\d+s ago {2}processing {2}sora2 10s {2}"fresh"/m);
  });

  it("--limit must be a positive whole number", async () => {
    const r = await run(["list", "--limit", "0"]);
    expect(r.code).toBe(2);
  });
});
