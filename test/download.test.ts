// --output: streamed to PATH.part, resumed with Range, renamed only when complete, never with
// the key attached.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startCdn, videoBytes, type Cdn } from "./cdn";
import { FAST, KEY, run, tempDir } from "./cli";
import { completed, processing, startStandIn, TASK_ID, type StandIn } from "./standin";

let server: StandIn;
let cdn: Cdn;
afterEach(async () => {
  await server?.close();
  await cdn?.close();
});

const VIDEO = videoBytes(3 * 1024 * 1024 + 17);

async function setUp(options = {}) {
  cdn = await startCdn({ "/v/abc.mp4": VIDEO }, options);
  server = await startStandIn({ status: [processing(), completed(TASK_ID, `${cdn.url}/v/abc.mp4`)] });
}

function noAuthAtCdn(): void {
  for (const request of cdn.requests) expect(request.headers.authorization).toBeUndefined();
}

describe("--output", () => {
  it("downloads the finished video to PATH, with no .part left and no key sent to the CDN", async () => {
    await setUp();
    const dir = tempDir();
    const path = join(dir, "clip.mp4");
    const r = await run(["submit", "--prompt", "p", "--follow", ...FAST, "--output", path, "--json-only", "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(readFileSync(path).equals(VIDEO)).toBe(true);
    expect(readdirSync(dir)).toEqual(["clip.mp4"]);
    expect(r.json).toMatchObject({ status: "completed", taskId: TASK_ID, outputPath: path, bytes: VIDEO.length });
    expect(r.stderr).not.toMatch(/download: /);
    noAuthAtCdn();
    expect(JSON.stringify(cdn.requests)).not.toContain(KEY);
  });

  it("into an existing folder it writes <taskId>.mp4 and says where", async () => {
    await setUp();
    const dir = tempDir();
    const r = await run(["submit", "--prompt", "p", "--follow", ...FAST, "--output", dir, "--base-url", server.url]);
    expect(r.code).toBe(0);
    const path = join(dir, `${TASK_ID}.mp4`);
    expect(readFileSync(path).equals(VIDEO)).toBe(true);
    expect(r.stdout).toMatch(new RegExp(`^Saved: +${path.replace(/[.]/g, "\\.")} \\(3\\.1 MB\\)$`, "m"));
    expect(r.stdout.trim().split("\n").at(-1)).toBe(`Completed: task ${TASK_ID}, video saved to ${path}`);
  });

  it("resumes a dropped transfer with Range and ends byte for byte equal", async () => {
    await setUp({ dropAfterBytes: 1024 * 1024 });
    const path = join(tempDir(), "clip.mp4");
    const r = await run(["submit", "--prompt", "p", "--follow", ...FAST, "--output", path, "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(cdn.requests).toHaveLength(2);
    expect(cdn.requests[0].headers.range).toBeUndefined();
    expect(cdn.requests[1].headers.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(cdn.requests[1].headers.range!)![0])).toBeGreaterThan(0);
    expect(readFileSync(path).equals(VIDEO)).toBe(true);
    expect(existsSync(`${path}.part`)).toBe(false);
    expect(r.stderr).toMatch(/download: .*retrying in/);
    noAuthAtCdn();
  });

  it("restarts from zero when the server ignores Range", async () => {
    await setUp({ dropAfterBytes: 1024 * 1024, noRange: true });
    const path = join(tempDir(), "clip.mp4");
    const r = await run(["submit", "--prompt", "p", "--follow", ...FAST, "--output", path, "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(cdn.requests).toHaveLength(2);
    expect(readFileSync(path).equals(VIDEO)).toBe(true);
  });

  it.each([
    ["chunked transfer encoding", { chunkedPieces: 100_003 }],
    ["a body that ends when the connection closes", { untilClose: true }],
    ["a redirect to the real file", { redirects: { "/v/abc.mp4": "/v/real.mp4" } }],
  ])("handles %s", async (_name, options) => {
    cdn = await startCdn({ "/v/abc.mp4": VIDEO, "/v/real.mp4": VIDEO }, options);
    server = await startStandIn({ status: [completed(TASK_ID, `${cdn.url}/v/abc.mp4`)] });
    const path = join(tempDir(), "clip.mp4");
    const r = await run(["status", "--task-id", TASK_ID, "--output", path, "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(readFileSync(path).equals(VIDEO)).toBe(true);
    noAuthAtCdn();
  });

  it("a 404 fails with DOWNLOAD_FAILED, the video URL and the retry command; PATH never exists", async () => {
    cdn = await startCdn({});
    server = await startStandIn({ status: [completed(TASK_ID, `${cdn.url}/gone.mp4`)] });
    const path = join(tempDir(), "clip.mp4");
    const r = await run(["status", "--task-id", TASK_ID, "--output", path, "--json-only", "--base-url", server.url]);
    expect(r.code).toBe(5);
    expect(r.json).toMatchObject({ success: false, errorCode: "DOWNLOAD_FAILED", taskId: TASK_ID, videoUrl: `${cdn.url}/gone.mp4` });
    expect(r.json.retryCommand).toMatch(new RegExp(`status --task-id ${TASK_ID} --output \\S+clip\\.mp4$`));
    expect(existsSync(path)).toBe(false);
    expect(cdn.requests).toHaveLength(1);
  });

  it("a later status --output resumes from an existing PATH.part", async () => {
    await setUp();
    server.script("status", [completed(TASK_ID, `${cdn.url}/v/abc.mp4`)]);
    const path = join(tempDir(), "clip.mp4");
    writeFileSync(`${path}.part`, VIDEO.subarray(0, 1_000_000));
    const r = await run(["status", "--task-id", TASK_ID, "--output", path, "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(cdn.requests).toHaveLength(1);
    expect(cdn.requests[0].headers.range).toBe("bytes=1000000-");
    expect(readFileSync(path).equals(VIDEO)).toBe(true);
    expect(existsSync(`${path}.part`)).toBe(false);
  });

  it("a processing task is only reported; nothing is downloaded yet", async () => {
    await setUp();
    const path = join(tempDir(), "clip.mp4");
    const r = await run(["status", "--task-id", TASK_ID, "--output", path, "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(cdn.requests).toHaveLength(0);
  });
});

describe("--output is checked before the paid submit", () => {
  it.each([
    ["without --follow", (dir: string) => ["--output", join(dir, "a.mp4")], /--output on submit needs --follow/],
    ["into a folder that does not exist", (dir: string) => ["--follow", "--output", join(dir, "missing", "a.mp4")], /does not exist/],
    ["onto an existing file", (dir: string) => ["--follow", "--output", join(dir, "taken.mp4")], /already exists.*--overwrite/],
    ["--overwrite alone", () => ["--overwrite"], /--overwrite goes with --output/],
  ])("%s: exit 2, nothing sent", async (_name, extra, message) => {
    server = await startStandIn();
    cdn = await startCdn({});
    const dir = tempDir();
    writeFileSync(join(dir, "taken.mp4"), "old");
    const r = await run(["submit", "--prompt", "p", ...extra(dir), "--base-url", server.url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(server.seen).toHaveLength(0);
    expect(readFileSync(join(dir, "taken.mp4"), "utf8")).toBe("old");
  });

  it("--overwrite replaces an existing file", async () => {
    await setUp();
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "taken.mp4");
    writeFileSync(path, "old");
    const r = await run(["submit", "--prompt", "p", "--follow", ...FAST, "--output", path, "--overwrite", "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(readFileSync(path).equals(VIDEO)).toBe(true);
  });
});
