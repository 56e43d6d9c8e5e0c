import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { asn1Time, openssl } from "./openssl.js";

/** A certificate and its key, PEM, ready for BACKSIDE_CONFIG. */
export interface CertPair {
  cert: string;
  key: string;
}

/**
 * The test PKI of one run: a CA the gateway trusts and server certificates that each break TLS
 * in one way. Made fresh per run in a temp folder with the `openssl` CLI; no key is committed.
 */
export interface TestPki extends AsyncDisposable {
  readonly dir: string;
  /** The CA to put in the gateway's trust store. */
  readonly caCert: string;
  /** Valid now, for `hostName` (and `ip`), signed by the trusted CA. */
  readonly good: CertPair;
  /** Signed by the trusted CA for the right name, but notAfter is in the past. */
  readonly expired: CertPair;
  /** Signed by the trusted CA, valid now, for `wrongHostName` only. */
  readonly wrongHost: CertPair;
  /** Right name, valid now, but signed by a CA the gateway does not know. */
  readonly untrusted: CertPair;
  readonly untrustedCaCert: string;
  dispose(): Promise<void>;
}

export interface TestPkiOptions {
  hostName: string;
  ip?: string;
  wrongHostName?: string;
  /** Parent of the run's temp folder (default: the OS temp dir). */
  parentDir?: string;
  /** Stamped into the CA subject so two runs' CAs are told apart. */
  runId?: string;
}

const DAY = 86_400_000;

export async function createTestPki(o: TestPkiOptions): Promise<TestPki> {
  const dir = await mkdtemp(join(o.parentDir ?? tmpdir(), "backside-pki-"));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const tag = o.runId ? ` ${o.runId}` : "";
    const ca = await makeCa(dir, "ca", `backside test CA${tag}`);
    const other = await makeCa(dir, "other-ca", `backside untrusted CA${tag}`);
    const now = Date.now();
    const valid = { start: new Date(now - DAY), end: new Date(now + 30 * DAY) };
    const names = { dns: o.hostName, ip: o.ip };
    const good = await issue(dir, ca, "good", names, valid);
    // RFC 5280 §4.1.2.5: a certificate is expired once the current time is after notAfter.
    const expired = await issue(dir, ca, "expired", names, {
      start: new Date(now - 30 * DAY),
      end: new Date(now - DAY),
    });
    const wrongHost = await issue(
      dir,
      ca,
      "wrong-host",
      { dns: o.wrongHostName ?? `wrong-${o.hostName}` },
      valid,
    );
    const untrusted = await issue(dir, other, "untrusted", names, valid);
    return {
      dir,
      caCert: ca.cert,
      untrustedCaCert: other.cert,
      good,
      expired,
      wrongHost,
      untrusted,
      dispose,
      [Symbol.asyncDispose]: dispose,
    };
  } catch (e) {
    await dispose();
    throw e;
  }
}

interface Ca {
  name: string;
  cert: string;
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

async function makeCa(dir: string, name: string, cn: string): Promise<Ca> {
  await openssl(
    [
      "req",
      "-x509",
      "-new",
      ...EC,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.pem`,
      "-days",
      "60",
      "-subj",
      `/CN=${cn}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  // `openssl ca` needs a database and a serial file; it is the one OpenSSL 3.0 command that
  // takes explicit -startdate/-enddate (x509 -not_before arrived only in 3.4).
  await writeFile(join(dir, `${name}.index`), "");
  await writeFile(join(dir, `${name}.index.attr`), "unique_subject = no\n");
  await writeFile(join(dir, `${name}.serial`), "1000\n");
  await writeFile(
    join(dir, `${name}.cnf`),
    [
      "[ca]",
      "default_ca = ca_section",
      "[ca_section]",
      `database = ${name}.index`,
      `serial = ${name}.serial`,
      "new_certs_dir = .",
      "default_md = sha256",
      "policy = policy_any",
      "copy_extensions = none",
      "[policy_any]",
      "commonName = supplied",
      "",
    ].join("\n"),
  );
  return { name, cert: await readFile(join(dir, `${name}.pem`), "utf8") };
}

async function issue(
  dir: string,
  ca: Ca,
  name: string,
  names: { dns: string; ip?: string },
  when: { start: Date; end: Date },
): Promise<CertPair> {
  await openssl(
    ["req", "-new", ...EC, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${names.dns}`],
    dir,
  );
  // RFC 6125 §6.4.4: clients check subjectAltName, not the CN, once a SAN is present.
  const san = [`DNS:${names.dns}`, ...(names.ip && isIP(names.ip) ? [`IP:${names.ip}`] : [])].join(",");
  await writeFile(
    join(dir, `${name}.ext`),
    [
      "[v3]",
      "basicConstraints = CA:FALSE",
      "keyUsage = critical,digitalSignature",
      "extendedKeyUsage = serverAuth",
      `subjectAltName = ${san}`,
      "",
    ].join("\n"),
  );
  await openssl(
    [
      "ca",
      "-batch",
      "-notext",
      "-config",
      `${ca.name}.cnf`,
      "-cert",
      `${ca.name}.pem`,
      "-keyfile",
      `${ca.name}.key`,
      "-in",
      `${name}.csr`,
      "-out",
      `${name}.pem`,
      "-startdate",
      asn1Time(when.start),
      "-enddate",
      asn1Time(when.end),
      "-extfile",
      `${name}.ext`,
      "-extensions",
      "v3",
    ],
    dir,
  );
  return {
    cert: await readFile(join(dir, `${name}.pem`), "utf8"),
    key: await readFile(join(dir, `${name}.key`), "utf8"),
  };
}
