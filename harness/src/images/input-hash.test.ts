import { describe, expect, it } from "vitest";
import { isBacksideError } from "../errors.js";
import { decideBuild, inputHash } from "./input-hash.js";

describe("inputHash", () => {
  it("does not depend on the order inputs are listed in", () => {
    const a = inputHash([
      { key: "file:Dockerfile", value: "FROM x" },
      { key: "base-id", value: "sha256:1" },
    ]);
    const b = inputHash([
      { key: "base-id", value: "sha256:1" },
      { key: "file:Dockerfile", value: "FROM x" },
    ]);
    expect(a).toBe(b);
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("changes when one byte of a file changes", () => {
    const a = inputHash([{ key: "file:entry.sh", value: Buffer.from("exec sleep infinity\n") }]);
    const b = inputHash([{ key: "file:entry.sh", value: Buffer.from("exec sleep infinitY\n") }]);
    expect(a).not.toBe(b);
  });

  it("changes when the base image id changes (a new base rebuilds every role)", () => {
    const files = [{ key: "file:Dockerfile", value: "FROM ${BASE_IMAGE}" }];
    expect(inputHash([...files, { key: "base-id", value: "sha256:aa" }])).not.toBe(
      inputHash([...files, { key: "base-id", value: "sha256:ab" }]),
    );
  });

  it("keeps key/value boundaries: ('ab','c') is not ('a','bc')", () => {
    expect(inputHash([{ key: "ab", value: "c" }])).not.toBe(inputHash([{ key: "a", value: "bc" }]));
  });

  it("treats a string and the same bytes as a Buffer alike", () => {
    expect(inputHash([{ key: "k", value: "é" }])).toBe(
      inputHash([{ key: "k", value: Buffer.from("é", "utf8") }]),
    );
  });

  it("rejects an input listed twice with code INTERNAL", () => {
    try {
      inputHash([
        { key: "k", value: "1" },
        { key: "k", value: "2" },
      ]);
      expect.unreachable();
    } catch (e) {
      expect(isBacksideError(e) && e.code).toBe("INTERNAL");
    }
  });
});

describe("decideBuild", () => {
  const wanted = "sha256:new";
  it("skips an image whose recorded hash matches", () => {
    expect(decideBuild({ existing: true, existingHash: wanted, wanted, force: false })).toEqual({
      action: "skip",
      reason: "unchanged",
    });
  });
  it("builds a missing image", () => {
    expect(decideBuild({ existing: false, existingHash: undefined, wanted, force: false })).toEqual({
      action: "build",
      reason: "missing",
    });
  });
  it("builds when the hash differs, or the image has no hash label (built by hand)", () => {
    expect(decideBuild({ existing: true, existingHash: "sha256:old", wanted, force: false }).reason).toBe(
      "changed",
    );
    expect(decideBuild({ existing: true, existingHash: undefined, wanted, force: false }).reason).toBe(
      "changed",
    );
  });
  it("builds an unchanged image when forced", () => {
    expect(decideBuild({ existing: true, existingHash: wanted, wanted, force: true })).toEqual({
      action: "build",
      reason: "forced",
    });
  });
});
