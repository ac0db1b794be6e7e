// npm run check:publish: what ClawHub would upload from this folder, whether SKILL.md's
// frontmatter is valid, and what ClawHub's static code rules find in every uploaded code file.
// Exits 1 on any CRITICAL finding or broken limit.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const FILE_LIMIT = 10 * 1024 * 1024;
const TOTAL_LIMIT = 50 * 1024 * 1024;
const CODE = /\.(?:js|ts|mjs|cjs|mts|cts|jsx|tsx)$/;
const NETWORK_SEND = /\bfetch\b|\bpost\b|http\.request|https\.request|\baxios\b|\bcurl\b|\bwget\b/i;

let failed = false;
const problem = (text) => {
  failed = true;
  console.log(`  ERROR ${text}`);
};

/** One .gitignore / .clawhubignore line as a test on a relative file path. */
function compile(line) {
  let pattern = line.trim();
  if (!pattern || pattern.startsWith("#")) return undefined;
  const negate = pattern.startsWith("!");
  if (negate) pattern = pattern.slice(1);
  const dirOnly = pattern.endsWith("/");
  pattern = pattern.replace(/\/+$/, "");
  const anchored = pattern.includes("/");
  pattern = pattern.replace(/^\//, "");
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (pattern.startsWith("**/", i)) {
      source += "(?:.*/)?";
      i += 2;
    } else if (pattern.startsWith("**", i)) {
      source += ".*";
      i += 1;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  const regex = new RegExp(`${anchored ? "^" : "(?:^|/)"}${source}${dirOnly ? "/.+" : "(?:/.+)?"}$`);
  return { negate, test: (path) => regex.test(path) };
}

function ignoreRules() {
  const rules = [];
  for (const name of [".gitignore", ".clawhubignore"]) {
    let text = "";
    try {
      text = readFileSync(join(root, name), "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n")) {
      const rule = compile(line);
      if (rule) rules.push(rule);
    }
  }
  return rules;
}

function uploadedFiles() {
  const rules = ignoreRules();
  const ignored = (path) => rules.reduce((out, rule) => (rule.test(path) ? !rule.negate : out), false);
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const full = join(dir, entry.name);
      const path = relative(root, full).split("\\").join("/");
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && !ignored(path)) files.push({ path, size: statSync(full).size });
    }
  };
  walk(root);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

function frontmatter() {
  const text = readFileSync(join(root, "SKILL.md"), "utf8");
  const match = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!match) {
    problem("SKILL.md has no frontmatter");
    return {};
  }
  const fields = {};
  for (const line of match[1].split("\n")) {
    const field = /^([A-Za-z][\w-]*):\s*(.*)$/.exec(line);
    if (!field) {
      problem(`SKILL.md frontmatter: a line that is not "key: value" (${line.slice(0, 40)})`);
      continue;
    }
    fields[field[1]] = field[2].replace(/^(["'])(.*)\1$/, "$2");
  }
  return fields;
}

function checkSkill() {
  console.log("SKILL.md frontmatter");
  const fields = frontmatter();
  const expected = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).name;
  if (fields.name !== expected) problem(`name is "${fields.name}", expected "${expected}"`);
  else console.log(`  ok    name: ${fields.name}`);
  if (basename(root) !== fields.name) {
    console.log(`  note  this folder is named "${basename(root)}": install or publish it as a folder named "${fields.name}" (ClawHub derives the slug from the folder name)`);
  }
  if (!fields.description) problem("description is missing");
  else if (fields.description.length >= 300) problem(`description is ${fields.description.length} characters (under 300 required)`);
  else console.log(`  ok    description: ${fields.description.length} characters`);
  let metadata;
  try {
    metadata = JSON.parse(fields.metadata ?? "");
    console.log("  ok    metadata: one line of JSON");
  } catch (error) {
    problem(`metadata is not one line of valid JSON (${error.message})`);
    return new Set();
  }
  const openclaw = metadata?.openclaw ?? {};
  const declared = new Set([openclaw.primaryEnv, ...(openclaw.requires?.env ?? []), ...(openclaw.envVars ?? []).map((v) => v?.name)].filter(Boolean));
  console.log(`  ok    declared environment variables: ${[...declared].join(", ")}`);
  return declared;
}

/** ClawHub's static rules for one code file. */
function scan(path, text, declared) {
  const findings = [];
  if (/child_process/.test(text) && /\b(?:exec|execSync|spawn|spawnSync|execFile|execFileSync)\s*\(/.test(text)) {
    findings.push(["CRITICAL", "child_process together with an exec/spawn call"]);
  }
  if (/\beval\s*\(|new\s+Function\s*\(/.test(text)) findings.push(["CRITICAL", "eval( or new Function("]);
  const network = NETWORK_SEND.test(text);
  if (/process\.env/.test(text) && network) {
    const broad = [
      /process\.env(?![.[])/.test(text) && "process.env used whole",
      /process\.env\[(?!\s*["'][^"']+["']\s*\])/.test(text) && "process.env[variable]",
      /Object\.(?:keys|values|entries)\(\s*process\.env/.test(text) && "Object.keys/values/entries(process.env)",
    ].filter(Boolean);
    const names = new Set([...text.matchAll(/process\.env\.([A-Za-z_$][\w$]*)/g), ...text.matchAll(/process\.env\[\s*["']([^"']+)["']\s*\]/g)].map((m) => m[1]));
    const undeclared = [...names].filter((name) => !declared.has(name));
    if (broad.length) findings.push(["CRITICAL", `environment access with a network send: ${broad.join(", ")}`]);
    if (undeclared.length) findings.push(["CRITICAL", `environment variables read but not declared in SKILL.md: ${undeclared.join(", ")}`]);
  }
  if (/readFileSync|readFile/.test(text) && network) findings.push(["WARN", "file read in a file that also sends over the network"]);
  if (/(\\x[0-9a-fA-F]{2}){6,}/.test(text)) findings.push(["WARN", "six or more \\xNN escapes in a row"]);
  return findings.map(([severity, text]) => ({ severity, path, text }));
}

const declared = checkSkill();
const files = uploadedFiles();
console.log("\nFiles ClawHub would upload");
let total = 0;
for (const file of files) {
  total += file.size;
  console.log(`  ${String(file.size).padStart(9)}  ${file.path}`);
  if (file.size > FILE_LIMIT) problem(`${file.path} is over 10 MB`);
}
console.log(`  ${String(total).padStart(9)}  in ${files.length} files (limits: 10 MB a file, 50 MB in all)`);
if (total > TOTAL_LIMIT) problem("the upload is over 50 MB");
for (const needed of ["SKILL.md", "dist/sora2_generate.js", "package.json", "README.md", "references/api.md"]) {
  if (!files.some((file) => file.path === needed)) problem(`${needed} would not be uploaded`);
}
if (files.some((file) => file.path.startsWith("test/"))) problem("test/ would be uploaded");

console.log("\nStatic code rules");
const findings = files.filter((file) => CODE.test(file.path)).flatMap((file) => scan(file.path, readFileSync(join(root, file.path), "utf8"), declared));
for (const finding of findings) console.log(`  ${finding.severity.padEnd(8)} ${finding.path}: ${finding.text}`);
const critical = findings.filter((finding) => finding.severity === "CRITICAL").length;
console.log(`  ${critical} CRITICAL, ${findings.length - critical} WARN`);
if (critical) failed = true;
process.exit(failed ? 1 : 0);
