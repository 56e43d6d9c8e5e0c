import { describe, expect, it } from "vitest";
import { run } from "./images.js";

// Flag errors are found before Docker is contacted, so these run anywhere.
describe("backside images: usage errors", () => {
  it("names an unknown image given to --only", async () => {
    await expect(run(["build", "--only", "gateway", "nope"])).rejects.toMatchObject({
      code: "USAGE",
      message: expect.stringContaining("unknown image 'nope'"),
    });
  });
  it("rejects --only with no names", async () => {
    await expect(run(["build", "--only"])).rejects.toMatchObject({
      code: "USAGE",
      message: expect.stringContaining("--only needs"),
    });
  });
  it("rejects an unknown flag and an unknown subcommand", async () => {
    await expect(run(["build", "--fast"])).rejects.toMatchObject({ code: "USAGE" });
    await expect(run(["push"])).rejects.toMatchObject({ code: "USAGE" });
  });
});
