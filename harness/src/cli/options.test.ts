import { describe, expect, it } from "vitest";
import { FORMAT_OPTIONS, formatOf, helpText, intOption, parseOptions, type OptionTable } from "./options.js";

const table = {
  pcap: { type: "string", metavar: "FILE", multiple: true, help: "a capture" },
  target: { type: "string", metavar: "HOST", help: "the backend" },
  all: { type: "boolean", help: "everything" },
  "ignore-checksums": { type: "boolean", short: "C", help: "like zeek -C" },
  ...FORMAT_OPTIONS,
} satisfies OptionTable;

function usage(argv: string[], positionals = false): string {
  try {
    parseOptions("x", table, argv, { positionals });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected a usage error");
}

describe("parseOptions", () => {
  it("reads --flag value and --flag=value alike, keeps repeats in order, and -C", () => {
    expect(parseOptions("x", table, ["--pcap", "a", "--pcap=b", "-C", "--target=h:1", "--all"])).toEqual({
      values: { pcap: ["a", "b"], "ignore-checksums": true, target: "h:1", all: true },
      positionals: [],
    });
  });

  it("takes positionals only when the command has them, and everything after --", () => {
    expect(parseOptions("x", table, ["n1", "--all", "--", "--all"], { positionals: true })).toEqual({
      values: { all: true },
      positionals: ["n1", "--all"],
    });
    expect(usage(["n1"])).toBe("x: unexpected argument 'n1'");
  });

  it("says what is wrong with a flag in one phrase", () => {
    expect(usage(["--nope"])).toBe("x: unknown option '--nope'");
    expect(usage(["-Z"])).toBe("x: unknown option '-Z'");
    expect(usage(["--all=1"])).toBe("x: --all takes no value");
    expect(usage(["--target"])).toBe("x: --target needs a value (HOST)");
    expect(usage(["--target", "--all"])).toBe("x: --target needs a value (HOST)");
    expect(usage(["--target=a", "--target", "b"])).toBe("x: --target given twice");
    expect(usage(["--format", "xml"])).toBe("x: --format must be text or json, not 'xml'");
  });

  it("returns help for -h or --help anywhere", () => {
    expect(parseOptions("x", table, ["--all", "-h"])).toBe("help");
    expect(parseOptions("x", table, ["--help", "--nope"])).toBe("help");
  });

  it("--json is --format json", () => {
    expect(formatOf({ json: true })).toBe("json");
    expect(formatOf({ format: "json" })).toBe("json");
    expect(formatOf({})).toBe("text");
  });

  it("checks integers against their range", () => {
    expect(intOption("run", "--parallel", "2", 1, 16)).toBe(2);
    expect(() => intOption("run", "--parallel", "0", 1, 16)).toThrow(
      "run: --parallel must be an integer 1-16, not '0'",
    );
    expect(() => intOption("run", "--parallel", "2.5", 1, 16)).toThrow(/not '2\.5'/);
  });
});

describe("helpText", () => {
  it("lists every option of the table, aligned, with -h last", () => {
    expect(helpText("usage: backside x", { all: table.all, target: table.target })).toBe(
      [
        "usage: backside x",
        "",
        "  --all          everything",
        "  --target HOST  the backend",
        "  -h, --help     this help",
      ].join("\n"),
    );
  });
});
