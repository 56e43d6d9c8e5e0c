import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { planRole } from "./role-image.js";

// A throw-away checkout with just the files a role without a program reads.
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "backside-role-"));
  mkdirSync(join(root, "images/firewall"), { recursive: true });
  mkdirSync(join(root, "images/common"), { recursive: true });
  writeFileSync(join(root, "images/firewall/Dockerfile"), "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n");
  writeFileSync(join(root, "images/common/entry.sh"), "#!/bin/sh\nexec sleep infinity\n");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const firewall = { name: "firewall", program: false } as const;

describe("planRole input hash", () => {
  it("is the same for the same files and base, so the rebuild is skipped", async () => {
    const a = await planRole(root, firewall, "sha256:base1");
    const b = await planRole(root, firewall, "sha256:base1");
    expect(a.hash).toBe(b.hash);
  });

  it("moves when the shared entry.sh changes", async () => {
    const a = await planRole(root, firewall, "sha256:base1");
    writeFileSync(join(root, "images/common/entry.sh"), "#!/bin/sh\nexec sleep 1\n");
    expect((await planRole(root, firewall, "sha256:base1")).hash).not.toBe(a.hash);
  });

  it("moves when the base image is rebuilt", async () => {
    const a = await planRole(root, firewall, "sha256:base1");
    expect((await planRole(root, firewall, "sha256:base2")).hash).not.toBe(a.hash);
  });

  it("ignores files the build does not use (a README next to the Dockerfile)", async () => {
    const a = await planRole(root, firewall, "sha256:base1");
    writeFileSync(join(root, "images/firewall/README.md"), "notes\n");
    expect((await planRole(root, firewall, "sha256:base1")).hash).toBe(a.hash);
  });

  it("fails with NOT_FOUND naming main.ts when a role's stand-in is not written yet", async () => {
    mkdirSync(join(root, "images/gateway"), { recursive: true });
    writeFileSync(join(root, "images/gateway/Dockerfile"), "FROM x\n");
    await expect(planRole(root, { name: "gateway", program: true }, "sha256:b")).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("harness/src/standins/gateway/main.ts does not exist yet"),
    });
  });
});
