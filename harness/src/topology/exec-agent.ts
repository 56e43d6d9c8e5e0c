/**
 * The program an exec channel (exec-channel.ts) runs in a node: `node -e AGENT_SOURCE`, so no
 * image carries it (every project image has node). It reads one JSON request a line on stdin,
 * `{id, cmd, stdin?, env?}` (stdin as base64), runs each command as docker exec would (the
 * container's environment and user, stdin closed when none is given), and writes one JSON line a
 * command on stdout, `{id, code, out, err}` (output as base64). `{kill: id}` kills a command's
 * process group (a timed-out exec, which Docker cannot kill). Stdin's end ends it and its
 * commands. Commands run side by side. One difference from docker exec stays: a command's
 * stdin, stdout and stderr are sockets (Node makes its child pipes with socketpair), not pipes,
 * so opening /dev/stdout or /dev/stderr fails (ENXIO); commands write to fd 1 and 2 (`>&2`).
 *
 * A string, not a function's source: a transpiler may add helpers to a function's text.
 */
export const AGENT_SOURCE = String.raw`
const { spawn } = require("child_process");
const { constants } = require("os");
const kids = new Map();
const send = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const kill = (child) => { try { process.kill(-child.pid, "SIGKILL"); } catch {} };
/** Docker reports a command killed by signal N as exit 128 + N. */
const codeOf = (code, signal) => code ?? 128 + (constants.signals[signal] ?? 0);
function run(m) {
  const out = [];
  const err = [];
  let child;
  try {
    child = spawn(m.cmd[0], m.cmd.slice(1), {
      env: { ...process.env, ...(m.env ?? {}) },
      stdio: [m.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      detached: true,
    });
  } catch (e) {
    return send({ id: m.id, code: 126, out: "", err: Buffer.from(String(e.message)).toString("base64") });
  }
  kids.set(m.id, child);
  child.stdout.on("data", (c) => out.push(c));
  child.stderr.on("data", (c) => err.push(c));
  let sent = false;
  const reply = (code) => {
    if (sent) return;
    sent = true;
    kids.delete(m.id);
    send({ id: m.id, code, out: Buffer.concat(out).toString("base64"), err: Buffer.concat(err).toString("base64") });
  };
  child.on("error", (e) => {
    if (e.code === "ENOENT") err.push(Buffer.from("exec: " + m.cmd[0] + ": executable file not found in $PATH\n"));
    else err.push(Buffer.from(String(e.message) + "\n"));
    reply(126);
  });
  // Output is complete when the pipes close; a child it left running in the background with
  // them open (docker exec would not wait for it either) gets a moment, then the reply goes.
  child.on("close", (code, signal) => reply(codeOf(code, signal)));
  child.on("exit", (code, signal) => setTimeout(() => reply(codeOf(code, signal)), 500).unref());
  if (m.stdin !== undefined) {
    child.stdin.on("error", () => {});
    child.stdin.end(Buffer.from(m.stdin, "base64"));
  }
}
let buf = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => {
  buf += d;
  for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    if (!line) continue;
    const m = JSON.parse(line);
    if (m.kill !== undefined) {
      const child = kids.get(m.kill);
      if (child) kill(child);
    } else run(m);
  }
});
process.stdin.on("end", () => {
  for (const child of kids.values()) kill(child);
  process.exit(0);
});
send({ ready: true });
`;
