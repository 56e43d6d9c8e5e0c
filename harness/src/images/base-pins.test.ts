import { describe, expect, it } from "vitest";
import { mirrorIn } from "./base-pins.js";

describe("mirrorIn", () => {
  it("reads a deb822 .sources paragraph that serves the suite itself", () => {
    const text = [
      "Types: deb",
      "URIs: http://deb.debian.org/debian-security",
      "Suites: bookworm-security",
      "",
      "Types: deb",
      "# http://snapshot.debian.org/archive/debian/20250520T000000Z",
      "URIs: http://deb.debian.org/debian",
      "Suites: bookworm bookworm-updates",
      "Components: main",
    ].join("\n");
    expect(mirrorIn(text, "bookworm")).toBe("http://deb.debian.org/debian");
  });

  it("reads one-line sources with options and ignores deb-src and other suites", () => {
    const text = [
      "deb-src http://src.example/debian bookworm main",
      "deb http://mirror.example/debian bookworm-updates main",
      "deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main",
    ].join("\n");
    expect(mirrorIn(text, "bookworm")).toBe("http://mirror.example/debian");
  });

  it("returns undefined when nothing serves the suite", () => {
    expect(
      mirrorIn("Types: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\n", "bookworm"),
    ).toBeUndefined();
  });
});
