// The download client over TLS: a stand-in HTTPS CDN with a certificate made for this run, which
// the bundle trusts through NODE_EXTRA_CA_CERTS, as a real CDN's is trusted through the system.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startCdn, videoBytes, type Cdn } from "./cdn";
import { run, tempDir } from "./cli";
import { completed, startStandIn, TASK_ID, type StandIn } from "./standin";

let server: StandIn;
let cdn: Cdn;
let tls: { key: Buffer; cert: Buffer; certPath: string };
afterEach(async () => {
  await server?.close();
  await cdn?.close();
});

beforeAll(() => {
  const dir = tempDir("sora-tls-");
  const keyPath = join(dir, "key.pem");
  const certPath = join(dir, "cert.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", keyPath, "-out", certPath,
  ], { stdio: "ignore" });
  tls = { key: readFileSync(keyPath), cert: readFileSync(certPath), certPath };
});

const VIDEO = videoBytes(2 * 1024 * 1024 + 5);

describe("downloads over HTTPS", () => {
  it("resume a dropped transfer and verify the certificate", async () => {
    cdn = await startCdn({ "/v.mp4": VIDEO }, { tls, dropAfterBytes: 700_000 });
    server = await startStandIn({ status: [completed(TASK_ID, `${cdn.url}/v.mp4`)] });
    const path = join(tempDir(), "clip.mp4");
    const r = await run(["status", "--task-id", TASK_ID, "--output", path, "--base-url", server.url], {
      env: { NODE_EXTRA_CA_CERTS: tls.certPath },
    });
    expect(r.code).toBe(0);
    expect(readFileSync(path).equals(VIDEO)).toBe(true);
    expect(cdn.requests).toHaveLength(2);
    expect(cdn.requests[1].headers.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(cdn.requests.every((request) => request.headers.authorization === undefined)).toBe(true);
  });

  it("refuse a certificate they cannot verify", async () => {
    cdn = await startCdn({ "/v.mp4": VIDEO }, { tls });
    server = await startStandIn({ status: [completed(TASK_ID, `${cdn.url}/v.mp4`)] });
    const path = join(tempDir(), "clip.mp4");
    const r = await run(["status", "--task-id", TASK_ID, "--output", path, "--json-only", "--base-url", server.url]);
    expect(r.code).toBe(5);
    expect(r.json.errorCode).toBe("DOWNLOAD_FAILED");
    expect(r.json.error).toMatch(/TLS failure/);
    expect(cdn.requests).toHaveLength(0);
  });
});
