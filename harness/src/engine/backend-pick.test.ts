/**
 * Which conversation is the backend's when nothing names it: a management connection picked up
 * midstream (its first packet from port 5554, so its roles come out the wrong way round) is no
 * candidate. A live lab's capture on `any` began inside one and read as healthy.
 */
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { diagnose } from "./diagnose.js";

const PCAP = resolve(import.meta.dirname, "fixtures/captures/lab-any-midstream-management.pcap");

it("a management connection picked up midstream is not taken for the backend's", async () => {
  const d = await diagnose({ pcaps: [{ path: PCAP, name: "capture.pcap" }] });
  expect(d.explanation).toContain("10.100.174.10:80");
  expect(d.cause).toBe("tcp.silent-drop");
});
