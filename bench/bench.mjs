// npm run bench: start-up, download and request-count figures for sora2_generate.js, each a
// ratio or a count measured in this one run on this machine. A script, not a test.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "dist", "sora2_generate.js");
const work = mkdtempSync(join(tmpdir(), "sora-bench-"));
const RUNS = 15;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Median start-up of each command line, measured in interleaved rounds so drift hits all alike. */
function startupMedians(commands) {
  const times = commands.map(() => []);
  for (let round = 0; round < RUNS; round++) {
    commands.forEach((args, i) => {
      const start = process.hrtime.bigint();
      spawnSync(process.execPath, args, { stdio: "ignore", env: { PATH: process.env.PATH, HOME: work } });
      times[i].push(Number(process.hrtime.bigint() - start) / 1e6);
    });
  }
  return times.map(median);
}

function listen(handler) {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` }));
  });
}

/** Wall time and, through GNU time, peak resident memory of one command. */
function timed(command, args, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn("/usr/bin/time", ["-f", "%M", command, ...args], { env: { PATH: process.env.PATH, HOME: work, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${command} exited ${code}: ${stderr}`));
      resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, peakKb: Number(stderr.trim().split("\n").at(-1)) });
    });
  });
}

async function main() {
  const yargsOnly = join(work, "yargs-only.mjs");
  await build({ entryPoints: [join(root, "bench", "yargs-only.mjs")], outfile: yargsOnly, bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "error" });

  const rows = [];
  const cases = [
    ["--help", ["--help"]],
    ["submit --dry-run", ["submit", "--prompt", "a cat", "--dry-run"]],
    ["validation error", ["submit", "--prompt", "a cat", "--video-duration", "12"]],
  ];
  const [bare, floor, ...measured] = startupMedians([
    ["-e", "0"],
    [yargsOnly, "--help"],
    ...cases.flatMap(([, args]) => [[cli, ...args], [yargsOnly, ...args]]),
  ]);
  cases.forEach(([name], i) => {
    const [ours, yargsMs] = measured.slice(i * 2, i * 2 + 2);
    rows.push([`start-up: ${name} vs node -e 0`, (ours / bare).toFixed(2) + "x", "<= 2.0x"]);
    rows.push([`start-up: ${name} vs yargs-only bundle`, (ours / yargsMs).toFixed(2) + "x", "<= 1.2x"]);
  });
  rows.push(["start-up: yargs-only --help vs node -e 0 (the floor)", (floor / bare).toFixed(2) + "x", "info"]);

  // A 256 MiB video from a local server: the CLI (status --output) against curl -o.
  const videoServer = spawn(process.execPath, [join(root, "bench", "video-server.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((resolve) => videoServer.stdout.once("data", (chunk) => resolve(String(chunk).trim())));
  const base = `http://127.0.0.1:${port}`;
  // Both files go to memory-backed storage where there is one, so that neither writer is slowed
  // by the kernel flushing the other's 256 MiB to disk; the order alternates for the same reason.
  const outDir = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "sora-bench-"));
  const curlOut = join(outDir, "curl.mp4");
  const cliOut = join(outDir, "cli.mp4");
  const curlRuns = [];
  const cliRuns = [];
  const runCurl = async () => {
    rmSync(curlOut, { force: true });
    curlRuns.push(await timed("curl", ["-s", "-o", curlOut, `${base}/video.mp4`], {}));
  };
  const runCli = async () => {
    rmSync(cliOut, { force: true });
    cliRuns.push(
      await timed(process.execPath, [cli, "status", "--task-id", "task_bench", "--output", cliOut, "--no-journal", "--json-only", "--base-url", base], {
        NANOPHOTO_API_KEY: "bench-key",
      }),
    );
  };
  for (let i = 0; i < 5; i++) {
    if (i % 2) {
      await runCli();
      await runCurl();
    } else {
      await runCurl();
      await runCli();
    }
    if (statSync(cliOut).size !== statSync(curlOut).size) throw new Error("the CLI's download is incomplete");
  }
  rmSync(outDir, { recursive: true, force: true });
  const curlMs = median(curlRuns.map((r) => r.ms));
  const cliMs = median(cliRuns.map((r) => r.ms));
  const peakMiB = Math.max(...cliRuns.map((r) => r.peakKb)) / 1024;
  rows.push(["download 256 MiB: CLI wall time vs curl -o", (cliMs / curlMs).toFixed(2) + "x", "<= 1.25x"]);
  rows.push(["download 256 MiB: CLI peak resident memory", `${peakMiB.toFixed(0)} MiB`, "< 100 MiB"]);
  videoServer.kill();

  // One followed job on the happy path: how many requests reach the API.
  let generates = 0;
  let checks = 0;
  const answers = ["processing", "processing", "completed"];
  const standIn = await listen((req, res) => {
    req.resume();
    req.on("end", () => {
      const isSubmit = req.url === "/api/sora-2/generate";
      const status = isSubmit ? "processing" : answers[Math.min(checks++, answers.length - 1)];
      if (isSubmit) generates++;
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ success: true, status, taskId: "task_bench", videoUrl: status === "completed" ? "https://cdn.example/v.mp4" : undefined }));
    });
  });
  await new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, "submit", "--prompt", "a cat", "--follow", "--initial-status-delay", "0.2", "--status-check-interval", "0.2", "--no-journal", "--json-only", "--base-url", standIn.url], {
      env: { PATH: process.env.PATH, HOME: work, NANOPHOTO_API_KEY: "bench-key" },
      stdio: "ignore",
    });
    child.on("close", resolve);
  });
  standIn.server.close();
  rows.push(["requests for one followed job (3 scheduled checks)", `${generates} submit + ${checks} checks`, "1 + 3"]);

  const size = readFileSync(cli).length;
  rows.push(["bundle size", `${(size / 1024).toFixed(0)} KB`, "< 600 KB"]);

  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`${"measure".padEnd(width)}  ${"result".padEnd(22)}  target`);
  for (const [name, value, target] of rows) console.log(`${name.padEnd(width)}  ${value.padEnd(22)}  ${target}`);
  console.log(`\nnode ${process.version}, ${RUNS} runs a start-up median, 5 runs a download median; ${new Date().toISOString().slice(0, 10)}`);
  rmSync(work, { recursive: true, force: true });
}

await main();
