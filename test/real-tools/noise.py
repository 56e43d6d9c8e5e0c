"""Background traffic a real capture holds beside the failure, for the real-tools corpus.

  python3 noise.py SECONDS CHAT_ADDR:PORT NTP_ADDR ABSENT_ADDR

Until SECONDS pass: a long TCP session that trickles small messages both ways (an ssh-like
interactive flow, opened before the capture starts so it is picked up midstream), mDNS and LLMNR
queries to their multicast groups, NTP client requests to a host that runs no NTP server (its
kernel answers ICMP port unreachable) and datagrams to an absent neighbour (ARP requests that get
no reply). Every 0.25 s, bounded by SECONDS.
"""

import socket
import struct
import sys
import time


def dns_query(name: str, qtype: int, qid: int) -> bytes:
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 0) + q + struct.pack("!HH", qtype, 1)


def main() -> None:
    secs = float(sys.argv[1])
    chat_host, chat_port = sys.argv[2].rsplit(":", 1)
    ntp, absent = sys.argv[3], sys.argv[4]
    local = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    local.connect((chat_host, 9))
    me = local.getsockname()[0]
    local.close()
    chat = socket.create_connection((chat_host, int(chat_port)), timeout=2)
    mcast = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    mcast.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(me))
    mcast.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ntp_req = bytes([0x23]) + bytes(47)
    end = time.monotonic() + secs
    i = 0
    print("ready", flush=True)
    while time.monotonic() < end:
        i += 1
        chat.sendall(b"k" * (1 + i % 3))
        try:
            chat.recv(64)
        except OSError:
            pass
        if i % 2 == 0:
            mcast.sendto(dns_query("printer.local", 12, 0), ("224.0.0.251", 5353))
            mcast.sendto(dns_query("fileserver", 1, 0x4000 + i), ("224.0.0.252", 5355))
        if i % 4 == 0:
            for dest in ((ntp, 123), (absent, 4000)):
                try:
                    udp.sendto(ntp_req, dest)
                except OSError:
                    pass
        time.sleep(0.25)
    chat.close()


if __name__ == "__main__":
    main()
