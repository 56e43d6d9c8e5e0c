import type { CertPair, TestPki } from "../../tls/test-pki.js";
import type { BackendModeInput, TlsSettingsInput } from "./config.js";

/** Façade for backend modes: a value for config `mode` or `PUT /mode`. */
export const Backend = {
  healthy: (status = 200, body = "ok\n"): BackendModeInput => ({ kind: "healthy", status, body }),
  slow: (delayMs: number): BackendModeInput => ({ kind: "slow", delayMs }),
  hang: (): BackendModeInput => ({ kind: "hang" }),
  close: (): BackendModeInput => ({ kind: "close" }),
  reset: (): BackendModeInput => ({ kind: "reset" }),
  notListening: (): BackendModeInput => ({ kind: "not-listening" }),
  overloaded: (backlog = 1): BackendModeInput => ({ kind: "overloaded", backlog }),
} as const;

type Versions = Pick<TlsSettingsInput, "minVersion" | "maxVersion">;
const pair = (label: string, p: CertPair, v: Versions = {}): TlsSettingsInput => ({
  cert: p.cert,
  key: p.key,
  label,
  ...v,
});

/** Façade for the HTTPS listener's TLS faults: a value for config `tls` or `PUT /tls`. */
export const BackendTls = {
  good: (pki: TestPki, v?: Versions) => pair("good", pki.good, v),
  expired: (pki: TestPki) => pair("expired", pki.expired),
  wrongHost: (pki: TestPki) => pair("wrong-host", pki.wrongHost),
  untrustedCa: (pki: TestPki) => pair("untrusted", pki.untrusted),
  /** Server TLS 1.3 only: a client capped at 1.2 gets a protocol_version alert (RFC 8446 §6.2). */
  tls13Only: (pki: TestPki) =>
    pair("tls1.3-only", pki.good, { minVersion: "TLSv1.3", maxVersion: "TLSv1.3" }),
  /** Server TLS 1.2 at most: a client requiring 1.3 fails the handshake. */
  tls12Max: (pki: TestPki) => pair("tls1.2-max", pki.good, { minVersion: "TLSv1.2", maxVersion: "TLSv1.2" }),
} as const;
