import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isBacksideError } from "../errors.js";
import { parseScenario } from "./load-scenario.js";
import { formatIssue, scenarioErrorMap } from "./format-issue.js";

const minimal = "description: x\nexpect: healthy\n";

function messageOf(text: string): string {
  try {
    parseScenario(text, "scenarios/a.yaml");
  } catch (e) {
    if (isBacksideError(e)) return e.message;
    throw e;
  }
  throw new Error("expected the file to be refused");
}

/** What a person reads for a schema alone, through the same map and formatter as the loader. */
function wordsFor(schema: z.ZodType, data: unknown): string {
  const r = schema.safeParse(data, { error: scenarioErrorMap });
  if (r.success) throw new Error("expected a problem");
  return formatIssue(r.error.issues[0], data);
}

describe("scenario messages: a missing field is required, whatever its type", () => {
  it.each([
    ["description: x\n", "scenarios/a.yaml: expect is required"],
    ["expect: healthy\n", "scenarios/a.yaml: description is required"],
    ["description:\nexpect: healthy\n", "scenarios/a.yaml: description is required"],
    [minimal + "steps:\n  - wait: {}\n", "scenarios/a.yaml: steps[0].wait.seconds is required"],
    [
      minimal + "firewall:\n  faults:\n    - { port: 80 }\n",
      "scenarios/a.yaml: firewall.faults[0].action is required",
    ],
    [
      minimal + "gateway:\n  dns:\n    servers: [{ port: 53 }]\n",
      "scenarios/a.yaml: gateway.dns.servers[0].address is required",
    ],
  ])("%j", (text, message) => {
    expect(messageOf(text)).toBe(message);
  });
});

describe("scenario messages: each zod issue kind in our words", () => {
  it.each([
    [
      "invalid_type",
      "description: 3\nexpect: healthy\n",
      "scenarios/a.yaml: description must be text, not the number 3",
    ],
    [
      "invalid_type",
      minimal + "timeoutSeconds: fast\n",
      'scenarios/a.yaml: timeoutSeconds must be a number, not the text "fast"',
    ],
    ["invalid_type", minimal + "tags: a\n", 'scenarios/a.yaml: tags must be a list, not the text "a"'],
    [
      "invalid_type",
      minimal + "backend:\n  delayMs: 1.5\n",
      "scenarios/a.yaml: backend.delayMs must be a whole number, not the number 1.5",
    ],
    [
      "invalid_type",
      minimal + "gateway:\n  persistentConnections: yes please\n",
      'scenarios/a.yaml: gateway.persistentConnections must be true or false, not the text "yes please"',
    ],
    ["too_small", minimal + "capture: []\n", "scenarios/a.yaml: capture must have at least 1 item(s)"],
    [
      "too_big",
      minimal + "dns:\n  ttlSeconds: 100000\n",
      "scenarios/a.yaml: dns.ttlSeconds must be at most 86400",
    ],
    [
      "invalid_format",
      minimal + "gateway:\n  backend:\n    path: x\n",
      "scenarios/a.yaml: gateway.backend.path must start with /",
    ],
    [
      "invalid_union",
      minimal + "gateway:\n  dns:\n    ipPreference: 5\n",
      "scenarios/a.yaml: gateway.dns.ipPreference must be one of 4, 6",
    ],
    [
      "invalid_union",
      minimal + "firewall:\n  faults:\n    - { action: zap }\n",
      "scenarios/a.yaml: firewall.faults[0].action must be one of drop, reject, loss, rate-limit",
    ],
    [
      "invalid_key",
      minimal + "dns:\n  zone:\n    A.b: backend\n",
      "scenarios/a.yaml: dns.zone key 'A.b' must be a lower-case DNS name",
    ],
    [
      "invalid_value",
      minimal + "gateway:\n  dns:\n    cache: never\n",
      "scenarios/a.yaml: gateway.dns.cache must be one of ttl, off",
    ],
    [
      "unrecognized_keys",
      minimal + "backend:\n  mood: hang\n",
      "scenarios/a.yaml: backend.mood is not a known field",
    ],
    [
      "custom",
      minimal + "steps:\n  - set: {}\n",
      "scenarios/a.yaml: steps[0].set must set one of backend, dns, firewall",
    ],
  ])("%s: %j", (_kind, text, message) => {
    expect(messageOf(text)).toBe(message);
  });

  it("kinds the scenario schema cannot produce have words too", () => {
    expect(wordsFor(z.object({ n: z.number().multipleOf(5) }), { n: 7 })).toBe("n must be a multiple of 5");
    expect(wordsFor(z.object({ s: z.set(z.number()) }), { s: new Set(["a"]) })).toBe(
      's must be a number, not the text "a"',
    );
    expect(wordsFor(z.object({ x: z.string().refine(() => false) }), { x: "a" })).toBe("x is not valid");
    expect(wordsFor(z.object({ x: z.string().length(3) }), { x: "ab" })).toBe(
      "x must have exactly 3 character(s)",
    );
    expect(wordsFor(z.object({ x: z.number().gt(3) }), { x: 3 })).toBe("x must be more than 3");
    expect(wordsFor(z.object({ x: z.literal("on") }), { x: "off" })).toBe('x must be "on"');
    expect(wordsFor(z.object({ x: z.union([z.string(), z.number()]) }), { x: true })).toBe(
      "x does not match any of the forms this field takes",
    );
  });

  it("zod's default wording never shows", () => {
    const texts = [
      "description: 3\nexpect: healthy\n",
      minimal + "capture: []\n",
      minimal + "dns:\n  zone:\n    A.b: backend\n",
      minimal + "gateway:\n  dns:\n    ipPreference: 5\n",
    ];
    for (const t of texts) expect(messageOf(t)).not.toMatch(/Invalid input|expected \w+, received|Too small/);
  });
});
