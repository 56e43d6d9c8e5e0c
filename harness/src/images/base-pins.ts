import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What the base image is made of. Changing any of these rebuilds the root file system; all of
 * them are recorded as image labels (`backside.base.*`), and the exact package versions that
 * debootstrap installed are kept inside the image at /opt/backside/base-packages.txt.
 *
 * iptables is left out: the firewall uses nft only, and nothing else filters packets.
 */
export const BASE_SUITE = "bookworm";
export const BASE_PACKAGES = [
  "iproute2",
  "nftables",
  "tcpdump",
  "conntrack",
  "procps",
  "ca-certificates",
  "curl",
  "iputils-ping",
  "dnsutils",
  "openssl",
] as const;

/** Used when no bookworm mirror can be read from the host's apt sources. */
export const DEFAULT_MIRROR = "http://deb.debian.org/debian";

/**
 * The Debian mirror for debootstrap: $BACKSIDE_MIRROR, else the first source in the host's apt
 * configuration that serves the plain suite (one-line `deb` format or deb822 `.sources`), so the
 * build uses whatever mirror (or snapshot) the machine is already allowed to reach.
 */
export function detectMirror(env: NodeJS.ProcessEnv = process.env, aptDir = "/etc/apt"): string {
  if (env.BACKSIDE_MIRROR) return env.BACKSIDE_MIRROR;
  const texts: string[] = [];
  const main = join(aptDir, "sources.list");
  if (existsSync(main)) texts.push(readFileSync(main, "utf8"));
  const dir = join(aptDir, "sources.list.d");
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith(".list") || f.endsWith(".sources")) texts.push(readFileSync(join(dir, f), "utf8"));
    }
  }
  for (const t of texts) {
    const m = mirrorIn(t, BASE_SUITE);
    if (m) return m;
  }
  return DEFAULT_MIRROR;
}

/** The first URI in an apt sources text that serves `suite` itself (not -updates/-security). */
export function mirrorIn(text: string, suite: string): string | undefined {
  // One-line format: deb [options] URI suite components...
  for (const line of text.split("\n")) {
    const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (m && m[2] === suite) return m[1];
  }
  // deb822 format: paragraphs with Types/URIs/Suites fields.
  for (const para of text.split(/\n\s*\n/)) {
    const field = (name: string) =>
      new RegExp(`^${name}:\\s*(.+)$`, "im").exec(para)?.[1].trim().split(/\s+/) ?? [];
    if (!field("Types").includes("deb")) continue;
    if (!field("Suites").includes(suite)) continue;
    const uri = field("URIs")[0];
    if (uri) return uri;
  }
  return undefined;
}
