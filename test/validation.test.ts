// Bad input fails with exit 2 and INVALID_ARGUMENT before anything is sent: the stand-in server
// must see no request at all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "./cli";
import { startStandIn, type StandIn } from "./standin";

let server: StandIn;
beforeAll(async () => {
  server = await startStandIn();
});
afterAll(() => server.close());

const cases: Array<[string, string[], RegExp]> = [
  ["missing prompt", ["submit"], /--prompt is missing/],
  ["blank prompt", ["submit", "--prompt", "   "], /--prompt is missing or blank/],
  ["local image path", ["submit", "--prompt", "p", "--image-url", "./cat.png"], /only public image URLs/],
  ["file: URL", ["submit", "--prompt", "p", "--image-url", "file:///tmp/cat.png"], /only public image URLs/],
  ["data: URL", ["submit", "--prompt", "p", "--image-url", "data:image/png;base64,iVBORw0KGgo="], /only public http\(s\) image URLs/],
  ["bare base64", ["submit", "--prompt", "p", "--image-url", "iVBORw0KGgo".repeat(30)], /only public http\(s\) image URLs/],
  ["imageToVideo without image", ["submit", "--prompt", "p", "--mode", "imageToVideo"], /needs at least one --image-url/],
  ["textToVideo with image", ["submit", "--prompt", "p", "--mode", "textToVideo", "--image-url", "https://a.example/x.png"], /takes no --image-url/],
  ["unknown mode", ["submit", "--prompt", "p", "--mode", "video"], /--mode must be one of/],
  ["unknown tier", ["submit", "--prompt", "p", "--model-tier", "sora3"], /--model-tier must be one of sora2, sora2-pro-standard, sora2-pro-high/],
  ["unknown aspect", ["submit", "--prompt", "p", "--aspect-ratio", "square"], /--aspect-ratio must be one of/],
  ["unknown duration", ["submit", "--prompt", "p", "--video-duration", "12"], /--video-duration must be one of 10, 15/],
  ["negative delay", ["submit", "--prompt", "p", "--initial-status-delay", "-1"], /--initial-status-delay must be/],
  ["zero interval", ["submit", "--prompt", "p", "--status-check-interval", "0"], /--status-check-interval must be a number of seconds greater than 0/],
  ["zero max wait", ["submit", "--prompt", "p", "--max-wait", "0"], /--max-wait must be/],
  ["non-numeric timeout", ["submit", "--prompt", "p", "--request-timeout", "soon"], /--request-timeout must be/],
  ["zero timeout", ["submit", "--prompt", "p", "--request-timeout", "0"], /--request-timeout must be/],
  ["unknown flag", ["submit", "--prompt", "p", "--colour", "red"], /Unknown argument/],
  ["missing command", [], /Missing command/],
  ["unknown command", ["generate", "--prompt", "p"], /Unknown command "generate": use submit, status or list/],
  ["a flag given twice", ["submit", "--prompt", "a", "--prompt", "b"], /--prompt was given 2 times; give it once/],
  ["--task-id and --last together", ["status", "--task-id", "t", "--last"], /either --task-id or --last/],
  ["status without task id", ["status"], /status needs --task-id/],
  ["status with blank task id", ["status", "--task-id", " "], /status needs --task-id/],
  ["status with bad interval", ["status", "--task-id", "t", "--status-check-interval", "abc"], /--status-check-interval must be/],
  ["http base URL to a remote host", ["submit", "--prompt", "p", "--base-url", "http://example.com"], /--base-url must use https/],
  ["base URL that is not a URL", ["submit", "--prompt", "p", "--base-url", "nanophoto"], /--base-url must be an absolute URL/],
];

describe("validation before anything is sent", () => {
  it.each(cases)("%s: exit 2, one clear line, nothing sent", async (_name, args, message) => {
    const before = server.seen.length;
    const r = await run(args.includes("--base-url") ? args : [...args, "--base-url", server.url]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Error \[INVALID_ARGUMENT\]: /);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(server.seen.length).toBe(before);
  });

  it("--json-only turns a usage error into one JSON document", async () => {
    const r = await run(["submit", "--json-only", "--video-duration", "12", "--prompt", "p"]);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ success: false, errorCode: "INVALID_ARGUMENT", taskId: null });
    expect(r.json.error).toMatch(/--video-duration/);
    expect(r.json.action).toBeTruthy();
  });

  it("times accept decimals", async () => {
    const r = await run(["submit", "--prompt", "p", "--dry-run", "--max-wait", "0.2", "--request-timeout", ".5", "--initial-status-delay", "0"]);
    expect(r.code).toBe(0);
  });

  it("every timing flag is checked before the paid submit, even without --follow", async () => {
    const before = server.seen.length;
    const r = await run(["submit", "--prompt", "p", "--initial-status-delay", "x", "--base-url", server.url]);
    expect(r.code).toBe(2);
    expect(server.seen.length).toBe(before);
  });
});

describe("--dry-run", () => {
  it("needs no key, sends nothing, prints the request and its cost", async () => {
    const before = server.seen.length;
    const r = await run(
      ["submit", "--prompt", " p ", "--model-tier", "sora2-pro-standard", "--video-duration", "15", "--image-url", "https://a.example/1.png", "--dry-run", "--json-only", "--base-url", server.url],
      { env: { NANOPHOTO_API_KEY: undefined } },
    );
    expect(r.code).toBe(0);
    expect(r.json).toEqual({
      dryRun: true,
      endpoint: `${server.url}/api/sora-2/generate`,
      body: { prompt: "p", mode: "imageToVideo", modelTier: "sora2-pro-standard", aspectRatio: "portrait", videoDuration: "15", imageUrls: ["https://a.example/1.png"] },
      estimatedCredits: 100,
      reuseTaskId: null,
    });
    expect(server.seen.length).toBe(before);
  });

  it.each([
    ["sora2", "10", 4], ["sora2", "15", 8], ["sora2-pro-standard", "10", 60], ["sora2-pro-standard", "15", 100], ["sora2-pro-high", "10", 120], ["sora2-pro-high", "15", 240],
  ])("%s %s s costs %i credits", async (tier, duration, credits) => {
    const r = await run(["submit", "--prompt", "p", "--model-tier", tier, "--video-duration", duration, "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Estimated credits: +${credits}$`, "m"));
    expect(r.stdout.trim().split("\n").at(-1)).toBe(`Dry run: nothing was sent; this submit would cost about ${credits} credits.`);
  });
});
