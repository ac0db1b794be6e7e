// yargs' Node platform layer, minus what this CLI never uses: environment variables (yargs
// reads them for .env(), shell completion and locale detection), locale files on disk,
// node:assert, import.meta, and the search for a package.json above the current folder (yargs
// would read its version and a "yargs" settings key from whatever package.json it found there).
// So the bundle reads no environment variable it does not declare, and yargs does no
// file-system work at start-up.
import { readFileSync, readdirSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { inspect, format } from "node:util";
import cliui from "cliui";
import getCallerFile from "get-caller-file";
import stringWidth from "string-width";
import Parser from "yargs-parser";
import { getProcessArgvBin } from "../node_modules/yargs/build/lib/utils/process-argv.js";
import { y18n } from "../node_modules/y18n/build/lib/index.js";

// yargs checks its own call arguments with these; node:assert would cost 4 ms to load.
function strictEqual(actual, expected, message) {
  if (actual !== expected) throw message instanceof Error ? message : new Error(message ?? `${actual} !== ${expected}`);
}
function notStrictEqual(actual, expected, message) {
  if (actual === expected) throw message instanceof Error ? message : new Error(message ?? `${actual} === ${expected}`);
}

// English strings are y18n's keys, so no locale file is needed.
const noLocaleFiles = { fs: {}, format, resolve, exists: () => false };

export default {
  assert: { notStrictEqual, strictEqual },
  cliui,
  findUp: () => undefined,
  getEnv: () => undefined,
  inspect,
  getProcessArgvBin,
  mainFilename: process.cwd(),
  Parser,
  path: { basename, dirname, extname, relative, resolve, join },
  process: {
    argv: () => process.argv,
    cwd: process.cwd,
    emitWarning: (warning, type) => process.emitWarning(warning, type),
    execPath: () => process.execPath,
    exit: (code) => process.exit(code),
    nextTick: process.nextTick,
    stdColumns: typeof process.stdout.columns !== "undefined" ? process.stdout.columns : null,
  },
  readFileSync,
  readdirSync,
  require,
  getCallerFile: () => getCallerFile(3),
  stringWidth,
  y18n: y18n({ locale: "en", updateFiles: false, directory: "" }, noLocaleFiles),
};
