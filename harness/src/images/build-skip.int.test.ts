import type Docker from "dockerode";
import { beforeAll, describe, expect, it } from "vitest";
import { buildImages, type ImageOutcome } from "./build-images.js";
import { connectDocker, inspectImage } from "./docker-client.js";
import { imageRef, LABEL_INPUT_HASH } from "./catalog.js";
import { repoRoot } from "./repo-root.js";

// Builds the client image (no program, ~2 s) through the real engine: once to make sure it is
// current, again to see it skipped, then forced.
let docker: Docker;
const quiet = { info: () => {} };
const status = (os: ImageOutcome[], name: string) => os.find((o) => o.name === name)?.status;

beforeAll(async () => {
  docker = await connectDocker();
});

describe("images build skips what did not change", () => {
  it("skips base and client on a second build, with the same ids and recorded hashes", async () => {
    const first = await buildImages(docker, { only: ["client"], root: repoRoot(), log: quiet });
    expect(first.map((o) => o.status)).not.toContain("failed");
    const second = await buildImages(docker, { only: ["client"], root: repoRoot(), log: quiet });
    expect(status(second, "base")).toBe("skipped");
    expect(status(second, "client")).toBe("skipped");
    const ids = (os: ImageOutcome[]) => os.map((o) => (o.status === "failed" ? "" : o.id));
    expect(ids(second)).toEqual(ids(first));
    const client = await inspectImage(docker, imageRef("client"));
    expect(client?.labels[LABEL_INPUT_HASH]).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("rebuilds the role when forced but keeps the same input hash", async () => {
    const before = await inspectImage(docker, imageRef("client"));
    const forced = await buildImages(docker, { only: ["client"], force: true, root: repoRoot(), log: quiet });
    expect(status(forced, "base")).toBe("skipped"); // --force applies to the base only when named
    expect(forced.find((o) => o.name === "client")).toMatchObject({ status: "built", reason: "forced" });
    const after = await inspectImage(docker, imageRef("client"));
    expect(after?.labels[LABEL_INPUT_HASH]).toBe(before?.labels[LABEL_INPUT_HASH]);
  });
});
