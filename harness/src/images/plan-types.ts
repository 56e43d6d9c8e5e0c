import type Docker from "dockerode";

/** Where build progress goes: `info` always, `verbose` (builder output) only when asked for. */
export interface BuildLog {
  info: (line: string) => void;
  verbose?: (line: string) => void;
}

/** An image whose inputs are known: its input hash, and how to build it (returns the image id). */
export interface Planned {
  hash: string;
  build: (docker: Docker, log: BuildLog) => Promise<string>;
}
