// The start-up floor the design sets: yargs alone (as published, unmodified), declaring and
// parsing the same commands and flags as sora2_generate.js, and doing nothing else.
import yargs from "yargs";

const common = (y) =>
  y
    .option("api-key", { type: "string" })
    .option("base-url", { type: "string" })
    .option("json-only", { type: "boolean" })
    .option("initial-status-delay", { type: "string" })
    .option("status-check-interval", { type: "string" })
    .option("max-wait", { type: "string" })
    .option("request-timeout", { type: "string" })
    .option("journal", { type: "boolean", default: true })
    .option("output", { type: "string" })
    .option("overwrite", { type: "boolean" });

yargs(process.argv.slice(2))
  .command("submit", "Submit a video generation task", (y) =>
    common(y)
      .option("prompt", { type: "string" })
      .option("mode", { type: "string" })
      .option("image-url", { type: "string", array: true })
      .option("model-tier", { type: "string" })
      .option("aspect-ratio", { type: "string" })
      .option("video-duration", { type: "string" })
      .option("follow", { type: "boolean" })
      .option("new", { type: "boolean" })
      .option("dry-run", { type: "boolean" }),
  )
  .command("status", "Check a task", (y) => common(y).option("task-id", { type: "string" }).option("last", { type: "boolean" }).option("follow", { type: "boolean" }))
  .command("list", "List recent tasks", (y) => y.option("limit", { type: "string" }).option("json-only", { type: "boolean" }))
  .demandCommand(1)
  .strict()
  .version("1.0.0")
  .help()
  .wrap(100)
  .parse();
