import { describe, expect, it } from "vitest";
import { cutNameMatches, nameMatches } from "./backend-target.js";

describe("a DNS question's name against the backend's", () => {
  it("matches the name itself, or with a search domain", () => {
    expect(nameMatches("Backend.Example.", "backend.example")).toBe(true);
    expect(nameMatches("backend.corp.example", "backend", ["corp.example"])).toBe(true);
    expect(nameMatches("other.example", "backend.example")).toBe(false);
  });
  it("matches a question the snap length cut by whole labels that begin the name", () => {
    expect(cutNameMatches("backend", "backend.example")).toBe(true);
    expect(cutNameMatches("backend.example", "backend.example")).toBe(true);
    expect(cutNameMatches("back", "backend.example")).toBe(false);
    expect(cutNameMatches("", "backend.example")).toBe(false);
    expect(cutNameMatches("backend", undefined)).toBe(false);
  });
});
