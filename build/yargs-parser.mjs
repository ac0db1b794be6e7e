// yargs-parser's Node entry without its environment access (used only by .env(), which this
// CLI does not call) and without its test-only YARGS_MIN_NODE_VERSION override.
import { format } from "node:util";
import { normalize, resolve } from "node:path";
import { camelCase, decamelize, looksLikeNumber } from "../node_modules/yargs-parser/build/lib/string-utils.js";
import { YargsParser } from "../node_modules/yargs-parser/build/lib/yargs-parser.js";

const parser = new YargsParser({
  cwd: process.cwd,
  env: () => ({}),
  format,
  normalize,
  resolve,
  require: () => {
    throw new Error("config files are not supported");
  },
});

const yargsParser = function Parser(args, opts) {
  return parser.parse(args.slice(), opts).argv;
};
yargsParser.detailed = (args, opts) => parser.parse(args.slice(), opts);
yargsParser.camelCase = camelCase;
yargsParser.decamelize = decamelize;
yargsParser.looksLikeNumber = looksLikeNumber;

export default yargsParser;
