import {
  NameEntrySchema,
  normalizeName,
  type DnsConfig,
  type NameEntry,
  type NameEntryInput,
} from "./config.js";
import { parseConfig } from "../control/load-config.js";

/** The names the stand-in answers for; entries change at run time through the control API. */
export class Zone {
  readonly #names = new Map<string, NameEntry>();

  constructor(names: DnsConfig["names"] = {}) {
    for (const [name, entry] of Object.entries(names)) this.#names.set(normalizeName(name), entry);
  }

  get(name: string): NameEntry | undefined {
    return this.#names.get(normalizeName(name));
  }

  /** Validates like the start config, so a bad `PUT /names/x` fails with the field named. */
  set(name: string, entry: NameEntryInput): NameEntry {
    const parsed = parseConfig("dns", NameEntrySchema, entry, `names[${JSON.stringify(name)}]`);
    this.#names.set(normalizeName(name), parsed);
    return parsed;
  }

  delete(name: string): boolean {
    return this.#names.delete(normalizeName(name));
  }

  toJSON(): Record<string, NameEntry> {
    return Object.fromEntries(this.#names);
  }
}
