// Never lose a task, never pay twice: transient failures are ridden out on status checks, and a
// submit is repeated only when the server certainly created nothing.
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FAST, KEY, run as runBundle, type Run } from "./cli";
import { apiError, completed, processing, startStandIn, TASK_ID, type StandIn } from "./standin";

let server: StandIn;
let other: StandIn | undefined;
let runs: Run[] = [];

/** Every run in this file is checked afterwards for the key in its output. */
async function run(...args: Parameters<typeof runBundle>): Promise<Run> {
  const result = await runBundle(...args);
  runs.push(result);
  return result;
}

afterEach(async () => {
  for (const r of runs) noKey(r);
  runs = [];
  await server?.close();
  await other?.close();
  other = undefined;
});

function noKey(r: Run): void {
  expect(r.stdout).not.toContain(KEY);
  expect(r.stderr).not.toContain(KEY);
}

const html502 = { body: "<html><body>502 Bad Gateway</body></html>", status: 502 };

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe("status checks ride out transient failures", () => {
  it("honours Retry-After on a 429", async () => {
    server = await startStandIn({ status: [{ json: { success: false, errorCode: "API_KEY_RATE_LIMIT_EXCEEDED" }, status: 429, headers: { "Retry-After": "1" } }, completed()] });
    const r = await run(["status", "--task-id", TASK_ID, "--base-url", server.url]);
    expect(r.code).toBe(0);
    const [first, second] = server.checks();
    expect(server.checks()).toHaveLength(2);
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    expect(r.stderr).toMatch(/check: API_KEY_RATE_LIMIT_EXCEEDED \(HTTP 429\), retrying in 1 s/);
    noKey(r);
  });

  it("--follow survives a 502 HTML page, a dropped connection and a 503 JSON error in a row", async () => {
    server = await startStandIn({
      status: [processing(), html502, { drop: true }, apiError("INTERNAL_ERROR", 503), completed()],
    });
    const r = await run(["submit", "--prompt", "p", "--follow", ...FAST, "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(server.generates()).toHaveLength(1);
    expect(server.checks()).toHaveLength(5);
    expect(r.stderr).toMatch(/check 2: 502 from server, retrying in/);
    expect(r.stderr).toMatch(/check 2: connection reset, retrying in/);
    expect(r.stderr).toMatch(/check 2: INTERNAL_ERROR \(HTTP 503\), retrying in/);
    expect(r.stdout.trim().split("\n").at(-1)).toMatch(/^Completed: /);
    noKey(r);
  });

  it("retries a check that hangs past --request-timeout", async () => {
    server = await startStandIn({ status: [{ hang: true }, completed()] });
    const r = await run(["status", "--task-id", TASK_ID, "--follow", "--request-timeout", "0.4", "--base-url", server.url]);
    expect(r.code).toBe(0);
    const [first, second] = server.checks();
    expect(second.at - first.at).toBeGreaterThanOrEqual(380);
    expect(r.stderr).toMatch(/no answer within 0.4 s, retrying in/);
  });

  it("retries a check whose body stalls past --request-timeout", async () => {
    server = await startStandIn({ status: [{ stallBody: true }, completed()] });
    const r = await run(["status", "--task-id", TASK_ID, "--request-timeout", "0.4", "--json-only", "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(r.json.status).toBe("completed");
    expect(server.checks()).toHaveLength(2);
    expect(r.stderr).toMatch(/no answer within 0.4 s, retrying in/);
  });

  it.each([
    ["a 200 HTML page", { body: "<!doctype html><title>CDN</title>", status: 200 }, /200 with HTML body/],
    ["a body of {not json", { body: "{not json", status: 200, contentType: "application/json" }, /200 with non-JSON body/],
    ["JSON that is not an object", { body: "[1,2]", status: 200, contentType: "application/json" }, /JSON that is not an object/],
  ])("retries %s", async (_name, step, message) => {
    server = await startStandIn({ status: [step, completed()] });
    const r = await run(["status", "--task-id", TASK_ID, "--json-only", "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(r.json.status).toBe("completed");
    expect(server.checks()).toHaveLength(2);
    expect(r.stderr).toMatch(message);
  });

  it("a plain status gives up after 4 attempts: exit 5 for server failures", async () => {
    server = await startStandIn({ status: [{ body: "<html>oops</html>", status: 200 }] });
    const r = await run(["status", "--task-id", TASK_ID, "--json-only", "--base-url", server.url]);
    expect(r.code).toBe(5);
    expect(r.json).toMatchObject({ success: false, errorCode: "BAD_RESPONSE", taskId: TASK_ID });
    expect(server.checks()).toHaveLength(4);
  });

  it("a plain status gives up after 4 attempts: exit 3 when rate limited", async () => {
    server = await startStandIn({ status: [{ json: {}, status: 429, headers: { "Retry-After": "0" } }] });
    const r = await run(["status", "--task-id", TASK_ID, "--json-only", "--base-url", server.url]);
    expect(r.code).toBe(3);
    expect(r.json.errorCode).toBe("API_KEY_RATE_LIMIT_EXCEEDED");
    expect(server.checks()).toHaveLength(4);
  });

  it("never waits past --max-wait for a Retry-After", async () => {
    server = await startStandIn({ status: [{ json: {}, status: 429, headers: { "Retry-After": "60" } }] });
    const started = Date.now();
    const r = await run(["status", "--task-id", TASK_ID, "--follow", "--max-wait", "1", "--json-only", "--base-url", server.url]);
    expect(r.code).toBe(4);
    expect(r.json.errorCode).toBe("WAIT_TIMEOUT");
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(server.checks()).toHaveLength(1);
  });

  it.each([
    ["LOGIN_REQUIRED", 401, 3],
    ["TASK_NOT_FOUND", 404, 3],
    ["INSUFFICIENT_CREDITS", 402, 3],
  ])("ends at once on %s", async (code, status, exit) => {
    server = await startStandIn({ status: [apiError(code, status)] });
    const r = await run(["status", "--task-id", TASK_ID, "--follow", "--json-only", "--base-url", server.url]);
    expect(r.code).toBe(exit);
    expect(r.json.errorCode).toBe(code);
    expect(server.checks()).toHaveLength(1);
  });
});

describe("submit is never repeated blindly", () => {
  it("a connection reset after the server created the task: exit 5 SUBMIT_OUTCOME_UNKNOWN, one generate request", async () => {
    server = await startStandIn({ generate: [{ drop: true }] });
    const r = await run(["submit", "--prompt", "p", "--follow", "--json-only", ...FAST, "--base-url", server.url]);
    expect(r.code).toBe(5);
    expect(r.json.errorCode).toBe("SUBMIT_OUTCOME_UNKNOWN");
    expect(r.json.error).toMatch(/may have been created and charged/);
    expect(r.json.action).toMatch(/Do not submit again/);
    expect(server.generates()).toHaveLength(1);
    expect(server.checks()).toHaveLength(0);
    noKey(r);
  });

  it.each([
    ["a 502 from a gateway", html502],
    ["a 504 from a gateway", { body: "<html>timeout</html>", status: 504 }],
    ["a 200 HTML page", { body: "<html>hello</html>", status: 200 }],
    ["no answer within --request-timeout", { hang: true as const }],
  ])("%s is not retried", async (_name, step) => {
    server = await startStandIn({ generate: [step, processing()] });
    const r = await run(["submit", "--prompt", "p", "--request-timeout", "0.5", "--base-url", server.url]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^Error \[SUBMIT_OUTCOME_UNKNOWN\]/m);
    expect(server.generates()).toHaveLength(1);
  });

  it("retries a 429 after its Retry-After", async () => {
    server = await startStandIn({ generate: [{ json: { success: false, errorCode: "API_KEY_RATE_LIMIT_EXCEEDED" }, status: 429, headers: { "Retry-After": "1" } }, processing()] });
    const r = await run(["submit", "--prompt", "p", "--base-url", server.url]);
    expect(r.code).toBe(0);
    const [first, second] = server.generates();
    expect(server.generates()).toHaveLength(2);
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    expect(r.stderr).toMatch(/submit: .*429.* \(nothing was created\), retrying in 1 s/);
  });

  it("gives up after 3 retries of a 429: exit 3, nothing submitted", async () => {
    server = await startStandIn({ generate: [{ json: {}, status: 429, headers: { "Retry-After": "0" } }] });
    const r = await run(["submit", "--prompt", "p", "--json-only", "--base-url", server.url]);
    expect(r.code).toBe(3);
    expect(r.json.errorCode).toBe("API_KEY_RATE_LIMIT_EXCEEDED");
    expect(r.json.error).toMatch(/Nothing was submitted/);
    expect(server.generates()).toHaveLength(4);
  });

  it("retries a 503 that carries the API's own error body", async () => {
    server = await startStandIn({ generate: [{ ...apiError("INTERNAL_ERROR", 503), headers: { "Retry-After": "0" } }, processing()] });
    const r = await run(["submit", "--prompt", "p", "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(server.generates()).toHaveLength(2);
  });

  it("retries a refused connection, then reports NETWORK_ERROR: nothing was sent", async () => {
    const port = await closedPort();
    const r = await run(["submit", "--prompt", "p", "--json-only", "--base-url", `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(5);
    expect(r.json.errorCode).toBe("NETWORK_ERROR");
    expect(r.json.error).toMatch(/nothing was submitted/);
    expect(r.stderr.match(/submit: cannot connect \(ECONNREFUSED\) \(nothing was sent\), retrying/g)).toHaveLength(3);
  });
});

describe("the key stays home", () => {
  it("follows no redirect to another origin, on submit or status", async () => {
    server = await startStandIn();
    other = await startStandIn();
    server.script("generate", [{ redirect: `${other.url}/api/sora-2/generate` }]);
    server.script("status", [{ redirect: `${other.url}/api/sora-2/check-status` }]);
    const submitted = await run(["submit", "--prompt", "p", "--json-only", "--base-url", server.url]);
    expect(submitted.code).toBe(5);
    expect(submitted.json.errorCode).toBe("BAD_RESPONSE");
    expect(submitted.json.error).toContain(new URL(other.url).host);
    const checked = await run(["status", "--task-id", TASK_ID, "--base-url", server.url]);
    expect(checked.code).toBe(5);
    expect(checked.stderr).toMatch(/^Error \[BAD_RESPONSE\]: The API answered with a redirect \(HTTP 307\) to 127\.0\.0\.1:\d+/m);
    expect(other.seen).toHaveLength(0);
    expect(server.generates()).toHaveLength(1);
    expect(server.checks()).toHaveLength(1);
  });

  it("redacts the key when the server echoes it back", async () => {
    server = await startStandIn({ generate: [{ echoAuth: true }], status: [{ echoAuth: true }] });
    for (const args of [["submit", "--prompt", "p"], ["status", "--task-id", TASK_ID], ["status", "--task-id", TASK_ID, "--json-only"]]) {
      const r = await run([...args, "--base-url", server.url]);
      expect(r.code).toBe(3);
      expect(r.stdout + r.stderr).toContain("[REDACTED]");
      noKey(r);
    }
    const viaFlag = await run(["status", "--task-id", TASK_ID, "--api-key", "flag-key-123456", "--base-url", server.url]);
    expect(viaFlag.stderr).not.toContain("flag-key-123456");
  });
});

describe("interrupts", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s during --follow prints the resume command and exits %i", async (signal, exit) => {
    server = await startStandIn({ status: [processing()] });
    let sent = false;
    const runPromise = run(["submit", "--prompt", "p", "--follow", ...FAST, "--json-only", "--base-url", server.url], {
      started: (pid) => {
        const timer = setInterval(() => {
          if (server.checks().length >= 2 && !sent) {
            sent = true;
            process.kill(pid, signal);
            clearInterval(timer);
          }
        }, 20);
      },
    });
    const r = await runPromise;
    expect(r.code).toBe(exit);
    expect(r.json).toMatchObject({ success: false, errorCode: "INTERRUPTED", taskId: TASK_ID });
    expect(r.json.resumeCommand).toMatch(/status --task-id task_standin_1 --follow$/);
  });
});
