import { execTarget, type CaptureTarget } from "tcpdump-wrapper";
import type { StartedNode } from "../topology/started-node.js";

/**
 * A node as the capture package's target: its exec, and Docker's archive API to copy the pcap
 * out (a capture of 50 MB would be slow as base64 through exec).
 */
export function nodeTarget(node: StartedNode): CaptureTarget {
  return execTarget((argv, { timeoutMs }) => node.exec(argv, { timeoutMs }), {
    name: node.name,
    readFile: (path) => node.copyFileOut(path),
  });
}
