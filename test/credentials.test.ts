// Where the key comes from, in order: --api-key, NANOPHOTO_API_KEY, then OpenClaw's JSON5 config.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run, tempDir } from "./cli";
import { startStandIn, type StandIn } from "./standin";

let server: StandIn;
beforeAll(async () => {
  server = await startStandIn();
});
afterAll(() => server.close());

function writeConfig(path: string, text: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

const json5Config = (key: string) => `// OpenClaw config, JSON5
{
  skills: {
    entries: {
      'sora-2-generate': {
        env: { NANOPHOTO_API_KEY: "  ${key}  ", }, // trailing comma, padded key
      },
    },
  },
}
`;

/** Runs a status check and returns the key the server received, or the run when none arrived. */
async function keyUsed(args: string[], env: Record<string, string | undefined>) {
  const before = server.seen.length;
  const r = await run(["status", "--task-id", "t1", "--base-url", server.url, ...args], { env });
  const sent = server.seen.slice(before);
  return { r, key: sent.length ? String(sent[0].headers.authorization).replace(/^Bearer /, "") : undefined };
}

describe("credential order", () => {
  it("--api-key wins over the environment and the config", async () => {
    const home = tempDir();
    writeConfig(join(home, ".openclaw", "openclaw.json"), json5Config("from-config"));
    const { key } = await keyUsed(["--api-key", "from-flag"], { HOME: home, NANOPHOTO_API_KEY: "from-env" });
    expect(key).toBe("from-flag");
  });

  it("NANOPHOTO_API_KEY wins over the config, and an empty one is ignored", async () => {
    const home = tempDir();
    writeConfig(join(home, ".openclaw", "openclaw.json"), json5Config("from-config"));
    expect((await keyUsed([], { HOME: home, NANOPHOTO_API_KEY: " from-env " })).key).toBe("from-env");
    expect((await keyUsed([], { HOME: home, NANOPHOTO_API_KEY: "" })).key).toBe("from-config");
  });

  it("reads <home>/.openclaw/openclaw.json as JSON5, home being OPENCLAW_HOME when set", async () => {
    const home = tempDir();
    writeConfig(join(home, ".openclaw", "openclaw.json"), json5Config("home-key"));
    expect((await keyUsed([], { HOME: home, NANOPHOTO_API_KEY: undefined })).key).toBe("home-key");
    const other = tempDir();
    writeConfig(join(other, ".openclaw", "openclaw.json"), json5Config("openclaw-home-key"));
    expect((await keyUsed([], { HOME: home, OPENCLAW_HOME: other, NANOPHOTO_API_KEY: undefined })).key).toBe("openclaw-home-key");
  });

  it("OPENCLAW_CONFIG_PATH, then OPENCLAW_STATE_DIR, name the file", async () => {
    const home = tempDir();
    writeConfig(join(home, ".openclaw", "openclaw.json"), json5Config("home-key"));
    const state = tempDir();
    writeConfig(join(state, "openclaw.json"), json5Config("state-key"));
    const explicit = join(tempDir(), "custom.json5");
    writeConfig(explicit, json5Config("explicit-key"));
    const base = { HOME: home, NANOPHOTO_API_KEY: undefined };
    expect((await keyUsed([], { ...base, OPENCLAW_STATE_DIR: state })).key).toBe("state-key");
    expect((await keyUsed([], { ...base, OPENCLAW_STATE_DIR: state, OPENCLAW_CONFIG_PATH: explicit })).key).toBe("explicit-key");
  });

  it("falls back to the legacy ~/.clawdbot/openclaw.json", async () => {
    const home = tempDir();
    writeConfig(join(home, ".clawdbot", "openclaw.json"), json5Config("legacy-key"));
    expect((await keyUsed([], { HOME: home, NANOPHOTO_API_KEY: undefined })).key).toBe("legacy-key");
  });

  it("takes skills.entries[...].apiKey when it is a plain string", async () => {
    const home = tempDir();
    writeConfig(join(home, ".openclaw", "openclaw.json"), `{skills:{entries:{"sora-2-generate":{apiKey:"api-key-field"}}}}`);
    expect((await keyUsed([], { HOME: home, NANOPHOTO_API_KEY: undefined })).key).toBe("api-key-field");
  });
});

describe("no usable key: exit 2 before anything is sent", () => {
  it("names the three places when there is no key at all", async () => {
    const { r, key } = await keyUsed(["--json-only"], { NANOPHOTO_API_KEY: undefined });
    expect(key).toBeUndefined();
    expect(r.code).toBe(2);
    expect(r.json.errorCode).toBe("API_KEY_MISSING");
    expect(r.json.error).toContain("--api-key");
    expect(r.json.error).toContain("NANOPHOTO_API_KEY");
    expect(r.json.error).toContain(".openclaw/openclaw.json");
  });

  it.each([
    ["a SecretRef object", `{skills:{entries:{"sora-2-generate":{apiKey:{source:"env",provider:"default",id:"NANO"}}}}}`, /SecretRef/],
    ["a $NAME reference", `{skills:{entries:{"sora-2-generate":{env:{NANOPHOTO_API_KEY:"$NANO_KEY"}}}}}`, /reference to another variable/],
  ])("explains that %s is resolved by OpenClaw, not by the script", async (_name, text, message) => {
    const home = tempDir();
    writeConfig(join(home, ".openclaw", "openclaw.json"), text);
    const { r, key } = await keyUsed(["--json-only"], { HOME: home, NANOPHOTO_API_KEY: undefined });
    expect(key).toBeUndefined();
    expect(r.code).toBe(2);
    expect(r.json.errorCode).toBe("API_KEY_MISSING");
    expect(r.json.error).toMatch(message);
    expect(r.json.action).toMatch(/OpenClaw resolves/);
  });

  it("reports a malformed config by path and position, never its content", async () => {
    const home = tempDir();
    const path = join(home, ".openclaw", "openclaw.json");
    writeConfig(path, `{\n  skills: { entries: { "sora-2-generate": { apiKey: "sk-live-SECRETVALUE" } } }\n  oops SECRETWORD\n}`);
    const { r, key } = await keyUsed([], { HOME: home, NANOPHOTO_API_KEY: undefined });
    expect(key).toBeUndefined();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(path);
    expect(r.stderr).toMatch(/not valid JSON5 at line 3, column \d+/);
    expect(r.stderr).not.toMatch(/SECRET/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("never crashes on an unreadable config (a directory in its place)", async () => {
    const home = tempDir();
    mkdirSync(join(home, ".openclaw", "openclaw.json"), { recursive: true });
    const { r } = await keyUsed([], { HOME: home, NANOPHOTO_API_KEY: undefined });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error \[API_KEY_MISSING\]: .*could not be read/);
  });

  it("refuses a key with control characters without echoing it", async () => {
    const { r, key } = await keyUsed([], { NANOPHOTO_API_KEY: "sk-abc\u0007def" });
    expect(key).toBeUndefined();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/control or non-ASCII characters/);
    expect(r.stderr).not.toContain("sk-abc");
  });
});
