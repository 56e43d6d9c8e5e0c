/**
 * Ports Zeek's analyzers register as `likely_server_ports` in its default (non-bare) mode; a new
 * connection whose first packet comes *from* one of them is flipped (TCP.cc / UDP.cc WantConnection).
 */
export const LIKELY_TCP_SERVER_PORTS = new Set([
  21, 22, 23, 25, 53, 80, 81, 88, 110, 111, 135, 139, 143, 179, 389, 443, 445, 465, 502, 563, 585, 587, 614,
  631, 636, 989, 990, 992, 993, 994, 995, 1080, 1433, 1521, 1883, 2404, 3128, 3306, 3389, 5060, 5222, 5269,
  5432, 5672, 6379, 6666, 6667, 6668, 6669, 8000, 8080, 8443, 8888, 9200, 20000,
]);

export const LIKELY_UDP_SERVER_PORTS = new Set([
  53, 67, 69, 88, 111, 123, 137, 138, 161, 162, 500, 514, 1812, 1813, 3478, 4500, 5060, 5353, 5355,
]);
