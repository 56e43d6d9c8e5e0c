import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { summaryCounts } from "../runner/result-types.js";
import { gatewayTable } from "./gateway-table.js";
import { renderJUnit } from "./junit-reporter.js";
import { renderPage } from "./html-page.js";
import { result, summary } from "./testing/synthetic-run.js";

// One scenario per gateway: a match with the stand-in, a mismatch with nginx, not applicable with HAProxy.
const runs = [
  result("s@backside", "dns.stale-cache", "dns.stale-cache", { scenario: "s" }),
  result("s@nginx", "dns.stale-cache", "tcp.silent-drop", { scenario: "s", gateway: "nginx" }),
  result("s@haproxy", "dns.stale-cache", null, {
    scenario: "s",
    gateway: "haproxy",
    notApplicable: "HAProxy re-resolves every second",
  }),
];

describe("several gateways in one run", () => {
  it("tables scenario × gateway, a not-applicable run neither right nor wrong", () => {
    expect(gatewayTable(runs)).toEqual({
      gateways: ["backside", "nginx", "haproxy"],
      rows: [
        {
          scenario: "s",
          expected: "dns.stale-cache",
          cells: { backside: "✓", nginx: "✘ tcp.silent-drop", haproxy: "n/a" },
        },
      ],
    });
    expect(summaryCounts(runs)).toMatchObject({ matched: 1, mismatched: 1, notApplicable: 1 });
    expect(gatewayTable(runs.slice(0, 1))).toBeUndefined();
  });

  it("JUnit marks the not-applicable run skipped with its reason, and names the gateway", () => {
    const text = renderJUnit(summary(runs, "/r"), "host");
    expect(text).toContain('tests="3" failures="1" errors="0" skipped="1"');
    expect(text).toContain(
      "<skipped>not applicable with haproxy: HAProxy re-resolves every second</skipped>",
    );
    // Named like the bundle folder, which carries the gateway.
    expect(text).toMatch(/name="s@nginx"[^>]*>[\s\S]*?gateway: nginx/);
    const file = join(mkdtempSync(join(tmpdir(), "backside-junit-gw-")), "junit.xml");
    writeFileSync(file, text);
    const schema = fileURLToPath(new URL("./schema/junit.xsd", import.meta.url));
    const res = spawnSync("xmllint", ["--noout", "--schema", schema, file], { encoding: "utf8" });
    expect(res.status, res.stderr).toBe(0);
  });

  it("the page shows each run's gateway and the table", () => {
    const page = renderPage(summary(runs, "/r"), new Map(), true);
    expect(page).toContain('<table id="gateways">');
    expect(page).toContain("not applicable with haproxy: HAProxy re-resolves every second");
    expect(page).toContain("<td>nginx</td>");
  });
});
