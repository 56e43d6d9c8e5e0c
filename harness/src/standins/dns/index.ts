export { Dns } from "./dns.js";
export { createDnsServer, startDnsServer, type DnsServer, type DnsAddresses } from "./dns-server.js";
export {
  DnsConfigSchema,
  NameEntrySchema,
  type DnsConfig,
  type DnsConfigInput,
  type NameEntry,
  type NameEntryInput,
  type DnsMode,
} from "./config.js";
export { dnsControlRoutes } from "./dns-control.js";
export { dnsQuery, parseReply, type DnsQuery, type DnsReply } from "./dns-query.js";
export { RCODE } from "./decide-answer.js";
export type { QueryRecord } from "./query-log.js";
