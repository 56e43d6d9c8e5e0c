/**
 * Stand-ins small enough to live in a test, for the base image (no role programs): a TCP
 * forwarder on the gateway (front :8080 -> backend :80) and an HTTP server on the backend.
 * They exercise the runtime, not the stand-ins.
 */
import type { NodeOptions } from "../topology.js";
import { imageRef } from "../../images/catalog.js";

export const BASE_IMAGE = imageRef("base");

const FORWARDER = `
const net = require("net");
net.createServer((c) => {
  const u = net.connect(80, process.env.BACKEND);
  u.on("error", () => c.destroy());
  c.on("error", () => u.destroy());
  c.pipe(u).pipe(c);
}).listen(8080, () => console.log("forwarder listening"));`;

const SERVER = `require("http").createServer((q, s) => s.end("ok from backend\\n")).listen(80, () => console.log("backend listening"));`;

/** Some socket listens on the port (IPv4 or IPv6 wildcard alike). */
const listening = (port: number) => ["sh", "-c", `ss -Hltn 'sport = :${port}' | grep -q .`];

export const minimalNodes: Record<"gateway" | "backend", NodeOptions> = {
  gateway: {
    image: BASE_IMAGE,
    cmd: ["node", "-e", FORWARDER],
    env: (plan) => ({ BACKEND: plan.nodes.backend.addresses.back! }),
    ready: { cmd: listening(8080) },
  },
  backend: {
    image: BASE_IMAGE,
    cmd: ["node", "-e", SERVER],
    ready: { cmd: listening(80) },
  },
};
