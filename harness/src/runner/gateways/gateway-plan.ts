/**
 * The gateway settings of one scenario run, resolved to this run's addresses: what every
 * gateway adapter renders into its own configuration. Built by the runner (runner/gateway-plan.ts).
 */
import type { LogLevel } from "../../appliance/types.js";
import type { GatewayConfigInput } from "../../standins/gateway/config.js";

export interface GatewayPlan {
  /** The front port the client sends to (the same for every gateway). */
  frontPort: number;
  backend: {
    scheme: "http" | "https";
    /** As written in the URL: a DNS name or an address. */
    host: string;
    isName: boolean;
    /** The address a static host entry gives the name, if any (then nothing is resolved). */
    staticAddress?: string;
    port: number;
    path: string;
  };
  /** Seconds. */
  connectTimeout: number;
  backTimeout: number;
  frontTimeout: number;
  backPersistentTimeout: number;
  persistentConnections: boolean;
  tls: { verify: boolean; caPem?: string; servername: string };
  dns: {
    servers: { address: string; port: number; retries: number }[];
    /** Seconds per attempt. */
    timeout: number;
    loadBalance: "first-alive" | "round-robin";
    searchDomains: string[];
    ipPreference: 4 | 6;
    forceIpPreference: boolean;
    cache: "ttl" | "off";
  };
  logLevel: LogLevel;
  /** The appliance stand-in's whole configuration (its adapter runs it as is). */
  standin: GatewayConfigInput;
}
