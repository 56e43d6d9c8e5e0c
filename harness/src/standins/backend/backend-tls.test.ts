import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPki, type TestPki } from "../../tls/test-pki.js";
import { silentLogger } from "../control/json-log.js";
import { Backend, BackendTls } from "./backend.js";
import { startBackend, type StartedBackend } from "./backend-server.js";
import { probe } from "./client-probe.js";

const host = "127.0.0.1";
const servername = "backend.backside.test";
let pki: TestPki;
let backend: StartedBackend;
let port: number;

beforeAll(async () => {
  pki = await createTestPki({ hostName: servername, ip: "10.100.2.10", runId: "backend-tls" });
  backend = await startBackend(
    { http: false, https: { host, port: 0 }, tls: BackendTls.good(pki), control: false },
    silentLogger,
  );
  port = backend.addresses.https!.port;
});
afterAll(async () => {
  await backend?.close();
  await pki?.dispose();
});

/** A client that trusts only the run's CA, like the gateway's validation credentials. */
const client = (tls: { minVersion?: "TLSv1.2" | "TLSv1.3"; maxVersion?: "TLSv1.2" | "TLSv1.3" } = {}) =>
  probe({ host, port, timeoutMs: 2000, tls: { ca: pki.caCert, servername, ...tls } });

describe("backend TLS faults seen from a client that trusts the run's CA", () => {
  it("good certificate: handshake and a 200", async () => {
    backend.setTls(BackendTls.good(pki));
    const r = await client();
    expect(r.response).toMatch(/^HTTP\/1\.1 200/);
  });

  it.each([
    ["untrustedCa", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"],
    ["expired", "CERT_HAS_EXPIRED"],
    ["wrongHost", "ERR_TLS_CERT_ALTNAME_INVALID"],
  ] as const)("%s certificate: the client fails with %s and sends no request", async (fault, code) => {
    backend.setTls(BackendTls[fault](pki));
    const r = await client();
    expect(r).toMatchObject({ connected: false, end: "error", code, response: "" });
  });

  it("server TLS 1.3 only vs a client capped at 1.2: protocol_version alert (RFC 8446 §6.2)", async () => {
    backend.setTls(BackendTls.tls13Only(pki));
    const r = await client({ maxVersion: "TLSv1.2" });
    expect(r).toMatchObject({ connected: false, end: "error", code: "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION" });
    expect(
      backend.events
        .since()
        .some((e) => e.event === "tls-error" && e.code === "ERR_SSL_UNSUPPORTED_PROTOCOL"),
    ).toBe(true);
  });

  it("server TLS 1.2 at most vs a client requiring 1.3: the handshake fails", async () => {
    backend.setTls(BackendTls.tls12Max(pki));
    const r = await client({ minVersion: "TLSv1.3" });
    expect(r).toMatchObject({ connected: false, end: "error" });
    expect(r.code).toMatch(/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL/);
    backend.setTls(BackendTls.good(pki));
    expect((await client({ minVersion: "TLSv1.3" })).response).toMatch(/^HTTP\/1\.1 200/);
  });

  it("server TLS 1.1 at most (an old backend) vs a default client: the handshake fails", async () => {
    backend.setTls({ ...BackendTls.good(pki), maxVersion: "TLSv1.1", label: "old-protocol" });
    const r = await client();
    expect(r).toMatchObject({ connected: false, end: "error" });
    expect(r.code).toMatch(/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|NO_PROTOCOLS/);
  });

  it("reset over TLS: RST from the TCP socket under the TLS session", async () => {
    backend.setTls(BackendTls.good(pki));
    await backend.setMode(Backend.reset());
    expect(await client()).toMatchObject({ connected: true, end: "error", code: "ECONNRESET" });
    await backend.setMode(Backend.healthy());
  });
});
