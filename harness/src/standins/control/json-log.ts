/**
 * Stand-in events as JSON lines on stdout: the harness copies container stdout into the bundle,
 * and one object per line survives interleaving and partial reads.
 */
export type LogSink = (line: string) => void;

export interface JsonLogger {
  (event: string, fields?: object): void;
}

export function jsonLogger(
  component: string,
  sink: LogSink = (l) => process.stdout.write(l + "\n"),
): JsonLogger {
  return (event, fields = {}) => {
    sink(JSON.stringify({ ts: new Date().toISOString(), component, event, ...fields }));
  };
}

/** A logger that keeps nothing: for tests that only look at sockets. */
export const silentLogger: JsonLogger = () => {};
