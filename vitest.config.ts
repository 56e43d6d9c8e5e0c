import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// Two projects: unit tests run anywhere in parallel; container tests (*.int.test.ts)
// need a Docker engine and the project's images (npm run setup), and share the
// machine's two cores, so they run with less parallelism and longer timeouts.
// The workspace packages (harness/tcpdump-wrapper) are tested from their sources, as the
// typecheck reads them (tsconfig.json customConditions); a user of the package gets its dist/.
// Inline projects do not inherit the root's options, so each spreads this.
const sources = { ssr: { resolve: { conditions: ["backside-source", ...defaultServerConditions] } } };

export default defineConfig({
  test: {
    projects: [
      {
        ...sources,
        test: {
          name: "unit",
          include: ["harness/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/*.e2e.test.ts", "**/node_modules/**"],
          testTimeout: 20_000,
        },
      },
      {
        ...sources,
        test: {
          name: "int",
          include: ["harness/**/*.int.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: true,
          maxWorkers: 2,
          // vitest 4 runs projects with different worker limits in separate groups.
          sequence: { groupOrder: 1 },
        },
      },
      {
        // The whole scenario catalogue end to end, alone on the machine after the other groups:
        // it brings up two topologies at a time and its timing must not compete with them.
        ...sources,
        test: {
          name: "e2e",
          include: ["harness/**/*.e2e.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 2_400_000,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
