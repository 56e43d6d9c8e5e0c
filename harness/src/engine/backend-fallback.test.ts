/**
 * A client that fails to connect to one address of a name tries the next on the same port at
 * once (RFC 8305): those attempts join the backend's conversation, however the failed connects
 * lie in time (one long, others short, in any order).
 */
import { expect, it } from "vitest";
import type { BackendTarget } from "./backend-target.js";
import { backendConns, type ConnFact } from "./capture-evidence.js";

let uid = 0;
function conn(address: string, port: number, start: number, end: number, state: string): ConnFact {
  return {
    uid: `T${++uid}`,
    client: "10.100.1.10",
    cport: 40000 + uid,
    address,
    port,
    start,
    end,
    state,
  } as ConnFact;
}

const backend = {
  addresses: new Set<string>(),
  gatewayAddresses: new Set<string>(),
} as BackendTarget;

it("joins the attempts that start during a failed connect or just after it, and no others", () => {
  const refused = [
    conn("10.100.2.10", 443, 10, 10.1, "REJ"),
    conn("10.100.2.10", 443, 0, 5, "S0"),
    conn("10.100.2.10", 443, 20, 20.1, "REJ"),
  ];
  const during = conn("10.100.2.11", 443, 4.9, 5.2, "SF");
  const justAfter = conn("10.100.2.12", 443, 20.55, 21, "SF");
  const later = conn("10.100.2.13", 443, 30, 31, "SF");
  const otherPort = conn("10.100.2.14", 8443, 4.9, 5, "SF");
  const picked = backendConns([during, ...refused, later, justAfter, otherPort], backend, new Set());
  expect(new Set(picked.map((c) => c.address))).toEqual(
    new Set(["10.100.2.10", "10.100.2.11", "10.100.2.12"]),
  );
  expect(picked.slice(0, 3)).toEqual([refused[0], refused[1], refused[2]]);
});

it("joins nothing once one connect to the first address got through", () => {
  const first = [
    conn("10.100.2.10", 443, 0, 5, "REJ"),
    conn("10.100.2.10", 443, 6, 7, "REJ"),
    conn("10.100.2.10", 443, 8, 9, "SF"),
  ];
  const picked = backendConns([...first, conn("10.100.2.11", 443, 1, 2, "S0")], backend, new Set());
  expect(picked.map((c) => c.address)).toEqual(["10.100.2.10", "10.100.2.10", "10.100.2.10"]);
});
