// Entry point: declares the flags and wires each command to its handler in commands.ts.
import yargs, { type Argv } from "yargs";
import { interrupt, list, status, submit } from "./commands";
import { CliError, EXIT, invalid } from "./errors";
import { fail, setJsonOnly } from "./output";
import { ASPECT_RATIOS, DURATIONS, MODES, TIERS } from "./types";
import { VERSION } from "./version";

const COMMON = "Common options:";
const SUBMIT = "Submit options:";
const STATUS = "Status options:";

function common(y: Argv): Argv {
  return y
    .option("api-key", {
      type: "string",
      group: COMMON,
      describe: "NanoPhoto API key. Visible to other local users in the process list: prefer NANOPHOTO_API_KEY",
    })
    .option("base-url", { type: "string", group: COMMON, describe: "API base URL [default: NANOPHOTO_BASE_URL or https://nanophoto.ai]" })
    .option("json-only", { type: "boolean", group: COMMON, describe: "Print exactly one JSON document on stdout" })
    .option("initial-status-delay", { type: "string", group: COMMON, describe: "Seconds before the first check after submit --follow [default: 120]" })
    .option("status-check-interval", { type: "string", group: COMMON, describe: "Seconds between checks [default: 20]" })
    .option("max-wait", { type: "string", group: COMMON, describe: "Seconds to wait for the video before exiting 4 [default: 1200]" })
    .option("request-timeout", { type: "string", group: COMMON, describe: "Seconds one HTTP request may take [default: 30]" })
    .option("journal", { type: "boolean", group: COMMON, default: true, describe: "Record tasks in the local journal; --no-journal skips it for this run" });
}

function download(y: Argv, group: string): Argv {
  return y
    .option("output", { type: "string", group, describe: "Download the finished video to this file, or to <taskId>.mp4 in this folder" })
    .option("overwrite", { type: "boolean", group, describe: "Let --output replace an existing file" });
}

/** Wraps a command: checks what yargs lets through, runs it, and sets the exit code it returns. */
function handle<A>(command: (args: A) => number | Promise<number>) {
  return async (args: Record<string, unknown>) => {
    setJsonOnly(Boolean(args.jsonOnly));
    for (const [flag, value] of Object.entries(args)) {
      if (Array.isArray(value) && flag !== "_" && flag !== "image-url" && flag !== "imageUrl") {
        throw invalid(`--${flag} was given ${value.length} times; give it once.`);
      }
    }
    process.exitCode = await command(args as A);
  };
}

async function main(argv: string[]): Promise<void> {
  setJsonOnly(argv.some((arg) => arg === "--json-only" || arg === "--jsonOnly" || arg === "--json-only=true"));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      const error = interrupt(signal);
      fail(error);
      process.exit(error.exitCode);
    });
  }

  const command = argv[0];
  if (command !== undefined && !command.startsWith("-") && !["submit", "status", "list"].includes(command)) {
    throw invalid(`Unknown command "${command}": use submit, status or list.`, "Run with --help for usage.");
  }

  await yargs(argv)
    .scriptName("sora2_generate.js")
    .usage("Generate videos with the NanoPhoto.AI Sora 2 API.\n\nUsage: node sora2_generate.js <submit|status|list> [options]")
    .command(
      "submit",
      "Submit a video generation task (costs credits)",
      (y) =>
        common(
          download(
            y
              .option("prompt", { type: "string", group: SUBMIT, describe: "What the video shows (required)" })
              .option("mode", { type: "string", group: SUBMIT, describe: `${MODES.join(" | ")} [default: imageToVideo with images, else textToVideo]` })
              .option("image-url", { type: "string", group: SUBMIT, array: true, describe: "Public http(s) image URL for imageToVideo; repeat for more" })
              .option("model-tier", { type: "string", group: SUBMIT, describe: `${TIERS.join(" | ")} [default: sora2]` })
              .option("aspect-ratio", { type: "string", group: SUBMIT, describe: `${ASPECT_RATIOS.join(" | ")} [default: portrait]` })
              .option("video-duration", { type: "string", group: SUBMIT, describe: `Seconds: ${DURATIONS.join(" | ")} [default: 10]` })
              .option("follow", { type: "boolean", group: SUBMIT, describe: "Wait for the video after submitting" })
              .option("new", { type: "boolean", group: SUBMIT, describe: "Submit even if the same request was submitted in the last hour" })
              .option("dry-run", { type: "boolean", group: SUBMIT, describe: "Check everything and print the request and its cost; send nothing" }),
            SUBMIT,
          ),
        ),
      handle(submit),
    )
    .command(
      "status",
      "Check a task, or with --follow wait for it",
      (y) =>
        common(
          download(
            y
              .option("task-id", { type: "string", group: STATUS, describe: "The task id that submit printed" })
              .option("last", { type: "boolean", group: STATUS, describe: "Act on the newest task in the journal instead of --task-id" })
              .option("follow", { type: "boolean", group: STATUS, describe: "Wait until the task completes or fails" }),
            STATUS,
          ),
        ),
      handle(status),
    )
    .command(
      "list",
      "List recent tasks from the local journal (no network)",
      (y) =>
        y
          .option("limit", { type: "string", describe: "How many tasks [default: 20]" })
          .option("json-only", { type: "boolean", describe: "Print a JSON array" }),
      handle(list),
    )
    .demandCommand(1, "Missing command: use submit, status or list.")
    .strict()
    .version(VERSION)
    .help()
    .alias("help", "h")
    .wrap(100)
    .epilog(
      "Exit codes: 0 ok, 1 generation failed, 2 invalid usage or no key, 3 refused by the API, 4 still processing at --max-wait, 5 network/server failure or unknown submit outcome.",
    )
    .fail((message, error) => {
      throw error ?? invalid(message, "Run with --help for usage.");
    })
    .parseAsync();
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const known =
    error instanceof CliError
      ? error
      : new CliError("UNEXPECTED_ERROR", `Unexpected error: ${error instanceof Error ? error.message : String(error)}`);
  if (!(error instanceof CliError) && /\bsora-2-generate\b/.test(process.env.DEBUG ?? "")) {
    process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
  }
  fail(known);
  process.exitCode = known.exitCode ?? EXIT.unavailable;
});
