/**
 * Test helper: build real packets (Ethernet, VLAN, IPv4/6, TCP, UDP, ICMP/ICMPv6, ARP, DNS, TLS)
 * with correct checksums and write them as pcap files, so every cause can get a small capture.
 * Self-contained on purpose (pcap/ sits below decode/ in ARCHITECTURE.md's import order).
 *
 *   const cap = new CaptureBuilder();
 *   const c = cap.tcp({ client: "10.100.1.10", server: "10.100.2.10", cport: 40000, sport: 443 });
 *   c.syn(); cap.wait(1); c.syn(); c.synAck(); c.ack(); c.send("orig", "GET / HTTP/1.1\r\n\r\n");
 *   cap.write("/tmp/x.pcap");
 */
export * from "./frames.js";
export * from "./payloads.js";
export * from "./capture-builder.js";
