#!/usr/bin/env bash
# Builds the real-tools corpus: captures of real client stacks (curl, wget, Python) failing, or not,
# against real servers (nginx, haproxy, openssl s_server, dnsmasq, unbound, Python sockets) behind a
# real router with nftables, each taken with tcpdump at the client's interface, or (AT, CAP_OPTS
# in run_case) at the server, on the router, at several points, or written otherwise.
#
#   sudo bash test/real-tools/make.sh [OUTDIR]      (default: test/real-tools/corpus)
#   RT_CASES="tcp-refused-nft-reset-curl dns-nxdomain-wget" bash test/real-tools/make.sh   only these
#
# Writes OUTDIR/<case>.pcap (.pcapng from dumpcap; more files for a case taken at several points)
# and OUTDIR/manifest.json (file, moreFiles, expected label, --target, client stack, mechanism).
# Needs root, iproute2, nftables, tcpdump, dumpcap, curl, wget, python3, openssl, nginx, haproxy,
# dnsmasq, unbound (scripts/setup.sh installs them; dumpcap comes with tshark).
#
# Topology, all inside namespaces this script makes and removes (no default route, no NAT, nothing
# reaches the host's networks):
#   client 10.199.1.2 2001:db8:199:1::2 --- 10.199.1.1 router (nftables forward chain) 10.199.2.1 ---
#   server 10.199.2.10-.14 (nginx, http.server, openssl, python sockets, haproxy), .51/.52 (unbound),
#          .53 (dnsmasq), 2001:db8:199:2::10
# Exit codes: 0 corpus written; 1 a step failed (message names it); 2 not root or a tool is missing.
set -euo pipefail
PATH=$PATH:/usr/sbin:/sbin

here=$(cd "$(dirname "$0")" && pwd)
out=$(mkdir -p "${1:-$here/corpus}" && cd "${1:-$here/corpus}" && pwd)
id=bsrt$$
C=$id-c R=$id-r S=$id-s
work=$(mktemp -d "/tmp/$id.XXXXXX")
pids=()
cases_done=0

say() { printf 'real-tools: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

[ "$(id -u)" -eq 0 ] || {
  say "must run as root (network namespaces, nftables, tcpdump): sudo bash $0 ${1:-}"
  exit 2
}
for t in ip ss nft tcpdump dumpcap curl wget python3 openssl nginx haproxy dnsmasq unbound timeout; do
  command -v "$t" >/dev/null || {
    say "$t is not installed: run scripts/setup.sh (as root) or apt-get install it"
    exit 2
  }
done

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # Whatever still runs inside our namespaces was started by this script.
  for ns in "$C" "$R" "$S"; do
    if ip netns list | grep -qw "^$ns"; then
      for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
      ip netns del "$ns" 2>/dev/null || true
    fi
    rm -rf "/etc/netns/$ns"
  done
  rm -rf "$work"
  [ "$rc" -eq 0 ] || say "stopped (exit $rc) after $cases_done cases; namespaces removed"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

inC() { ip netns exec "$C" "$@"; }
inR() { ip netns exec "$R" "$@"; }
inS() { ip netns exec "$S" "$@"; }

# wait_for WHAT SECONDS CMD...: polls CMD every 0.1 s until it succeeds or the deadline passes.
wait_for() {
  local what=$1 secs=$2
  shift 2
  local deadline=$(($(date +%s%N) + secs * 1000000000))
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s%N)" -lt "$deadline" ] || die "timed out after ${secs} s waiting for $what"
    sleep 0.1
  done
}

# bg NS NAME CMD...: starts a long-running program in a namespace, logs to $work/NAME.log.
bg() {
  local ns=$1 name=$2
  shift 2
  ip netns exec "$ns" "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  # The cleanup kills it; no job report for that.
  disown $!
}

listening() { ip netns exec "$1" ss -Hln "( sport = :$2 )" | grep -q .; }

# ---------------------------------------------------------------- topology
topology() {
  ip netns add "$C"
  ip netns add "$R"
  ip netns add "$S"
  ip link add c0 netns "$C" type veth peer name rc netns "$R"
  ip link add rs netns "$R" type veth peer name s0 netns "$S"
  for ns in "$C" "$R" "$S"; do
    # Quiet links: no router solicitations or autoconfiguration noise in the captures.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.default.accept_ra=0 \
      net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.all.accept_ra=0
    ip netns exec "$ns" ip link set lo up
  done
  inC sysctl -qw net.ipv6.conf.c0.router_solicitations=0 net.ipv6.conf.c0.accept_ra=0
  inC ip addr add 10.199.1.2/24 dev c0
  inC ip addr add 2001:db8:199:1::2/64 dev c0 nodad
  inC ip link set c0 up
  inC ip route add 10.199.2.0/24 via 10.199.1.1
  inC ip -6 route add 2001:db8:199:2::/64 via 2001:db8:199:1::1

  inR sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  inR ip addr add 10.199.1.1/24 dev rc
  inR ip addr add 2001:db8:199:1::1/64 dev rc nodad
  inR ip addr add 10.199.2.1/24 dev rs
  inR ip addr add 2001:db8:199:2::1/64 dev rs nodad
  inR ip link set rc up
  inR ip link set rs up

  for a in 10 11 12 13 14 51 52 53 55; do inS ip addr add "10.199.2.$a/24" dev s0; done
  # The addresses of a name whose 40 A records do not fit a 512-byte UDP answer.
  for a in $(seq 100 139); do inS ip addr add "10.199.2.$a/24" dev s0; done
  inS ip addr add 2001:db8:199:2::10/64 dev s0 nodad
  inS ip link set s0 up
  inS ip route add 10.199.1.0/24 via 10.199.2.1
  inS ip -6 route add 2001:db8:199:1::/64 via 2001:db8:199:2::1

  inR nft -f - <<'EOF'
table inet backside {
  chain pass { type filter hook forward priority 0; policy accept; }
}
EOF
  mkdir -p "/etc/netns/$C"
  printf '127.0.0.1 localhost\n::1 localhost\n' >"/etc/netns/$C/hosts"
  resolver 10.199.2.53
}

# v6_refused: the server's IPv6 address answers a connect to port 80 with RST (curl exit 7).
v6_refused() {
  local rc=0
  inC curl -s -o /dev/null -m 1 "http://[2001:db8:199:2::10]/" || rc=$?
  [ "$rc" -eq 7 ]
}

# resolver ADDR: the client's name server for the next cases (ip netns exec binds this file).
# A second argument is a search list (resolv.conf `search`).
resolver() {
  printf 'nameserver %s\noptions timeout:1 attempts:2\n%s' "$1" "${2:+search $2
}" >"/etc/netns/$C/resolv.conf"
}

# ---------------------------------------------------------------- servers
certs() {
  local d=$work/tls
  mkdir -p "$d"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -keyout "$d/ca.key" -out "$d/ca.pem" -days 2 -subj /CN=rt-test-ca 2>/dev/null
  openssl req "${ec[@]}" -keyout "$d/srv.key" -out "$d/srv.csr" -subj /CN=tls.rt.test 2>/dev/null
  printf 'subjectAltName=DNS:tls.rt.test,DNS:www.rt.test\n' >"$d/san.ext"
  openssl x509 -req -in "$d/srv.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
    -extfile "$d/san.ext" -out "$d/srv.pem" 2>/dev/null
  # A certificate no client here trusts.
  openssl req -x509 "${ec[@]}" -keyout "$d/self.key" -out "$d/self.pem" -days 2 -subj /CN=tls.rt.test \
    -addext subjectAltName=DNS:tls.rt.test 2>/dev/null
}

servers() {
  local d=$work/tls
  mkdir -p "$work/nginx"
  cat >"$work/nginx/nginx.conf" <<EOF
user root;
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    # IPv4 only on port 80: the AAAA address of the same name refuses (RST).
    listen 10.199.2.10:80;
    listen 10.199.2.10:443 ssl;
    ssl_certificate $d/srv.pem;
    ssl_certificate_key $d/srv.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location = / { return 200 "ok\n"; }
    location = /old { return 301 /; }
    # 444: nginx closes the connection without a response.
    location = /closed { return 444; }
  }
  server {
    # Every server address: the many A records of big.rt.test all lead here.
    listen 8090;
    location = / { return 200 "ok\n"; }
  }
}
EOF
  bg "$S" nginx nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;'
  mkdir -p "$work/www" && printf 'files\n' >"$work/www/index.html"
  bg "$S" httpserver python3 -m http.server --bind 10.199.2.11 --directory "$work/www" 8000
  bg "$S" s-tls13 openssl s_server -quiet -www -accept 10.199.2.12:4433 -cert "$d/srv.pem" -key "$d/srv.key"
  bg "$S" s-tls12 openssl s_server -quiet -www -tls1_2 -accept 10.199.2.12:4434 -cert "$d/srv.pem" -key "$d/srv.key"
  bg "$S" s-self openssl s_server -quiet -www -accept 10.199.2.12:4435 -cert "$d/self.pem" -key "$d/self.key"
  bg "$S" s-self12 openssl s_server -quiet -www -tls1_2 -accept 10.199.2.12:4436 -cert "$d/self.pem" -key "$d/self.key"
  # Client certificates required (-Verify): a client without one is refused in the handshake.
  bg "$S" s-mtls13 openssl s_server -quiet -www -Verify 1 -accept 10.199.2.12:4437 -cert "$d/srv.pem" -key "$d/srv.key" -CAfile "$d/ca.pem"
  bg "$S" s-mtls12 openssl s_server -quiet -www -tls1_2 -Verify 1 -accept 10.199.2.12:4438 -cert "$d/srv.pem" -key "$d/srv.key" -CAfile "$d/ca.pem"
  cat >"$work/haproxy.cfg" <<EOF
global
  pidfile $work/haproxy.pid
defaults
  mode http
  timeout connect 2s
  timeout client 10s
  timeout server 10s
frontend proxied
  bind 10.199.2.14:8080
  default_backend nginx
frontend dropper
  bind 10.199.2.14:8081
  # haproxy's silent-drop: the connection is forgotten, the client hears nothing more.
  http-request silent-drop
frontend rejecter
  bind 10.199.2.14:8082
  http-request reject
backend nginx
  server www 10.199.2.10:80
EOF
  bg "$S" haproxy haproxy -db -f "$work/haproxy.cfg"
  local m p=9000
  for m in mute close reset garbage backlog backlog slowclose firstonly echo; do
    bg "$S" "py-$m" python3 "$here/servers.py" "$m" 10.199.2.13 "$p"
    p=$((p + 1))
  done
  dns_servers
  for p in 80 443 8000 4433 4434 4435 4436 4437 4438 9000 9001 9002 9003 9004 9005 9006 9007 9008 8080 8090; do
    wait_for "a server on port $p" 15 listening "$S" "$p"
  done
  wait_for "dnsmasq" 10 listening "$S" 53
  wait_for "the client reaching nginx through the router" 10 inC curl -sf -o /dev/null -m 1 http://10.199.2.10/
  wait_for "the client reaching the server over IPv6" 10 v6_refused
}

dns_servers() {
  # dnsmasq: the zone rt.test, authoritative for what it knows and NXDOMAIN for the rest.
  bg "$S" dnsmasq dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces --listen-address=10.199.2.53 \
    --port=53 --local=/rt.test/ \
    --host-record=www.rt.test,10.199.2.10 --host-record=files.rt.test,10.199.2.11 \
    --host-record=tls.rt.test,10.199.2.12 --host-record=app.rt.test,10.199.2.13 --host-record=proxy.rt.test,10.199.2.14 \
    --host-record=dual.rt.test,10.199.2.10,2001:db8:199:2::10 --host-record=v6only.rt.test,2001:db8:199:2::10 \
    --host-record=gone.rt.test,10.199.2.77 --host-record=near.rt.test,10.199.1.77 \
    --txt-record=txtonly.rt.test,"no address here" --pid-file="$work/dnsmasq.pid" \
    --domain-needed $(for a in $(seq 100 139); do printf -- '--host-record=big.rt.test,10.199.2.%s ' "$a"; done)
  # unbound: refuses the client's network (access-control), as a resolver for other clients does.
  cat >"$work/unbound.conf" <<EOF
server:
  interface: 10.199.2.52
  port: 53
  do-daemonize: no
  username: ""
  chroot: ""
  pidfile: "$work/unbound.pid"
  use-syslog: no
  logfile: ""
  directory: "$work"
  access-control: 10.199.1.0/24 refuse
  local-zone: "rt.test." static
  local-data: "www.rt.test. A 10.199.2.10"
EOF
  bg "$S" unbound unbound -d -c "$work/unbound.conf"
  # A second unbound serves the client but forwards broken.rt.test to the first, which refuses it
  # too: with no upstream left it answers SERVFAIL.
  cat >"$work/unbound-fwd.conf" <<EOF
server:
  interface: 10.199.2.51
  port: 53
  do-daemonize: no
  username: ""
  chroot: ""
  pidfile: "$work/unbound-fwd.pid"
  use-syslog: no
  logfile: ""
  directory: "$work"
  access-control: 10.199.1.0/24 allow
  # unbound answers the reserved name test. itself (RFC 6761) unless told not to.
  local-zone: "test." nodefault
  # An alias whose target has no data: unbound answers local data as it stands, the CNAME alone
  # with NOERROR (NODATA).
  local-zone: "cn.rt.test." static
  local-data: "www.cn.rt.test. CNAME gone.cn.rt.test."
forward-zone:
  name: "broken.rt.test."
  forward-addr: 10.199.2.52
EOF
  bg "$S" unbound-fwd unbound -d -c "$work/unbound-fwd.conf"
}

# ---------------------------------------------------------------- cases
# nft_case RULES...: the router's forward chain for the next case (flushed before each case).
nft_rules() {
  inR nft flush chain inet backside pass
  local r
  for r in "$@"; do inR nft add rule inet backside pass $r; done
}

# capture_start POINT FILE / capture_stop FILE: one capture, a background process each (cap_pids).
# POINT is NS:IFACE with NS c (client), r (router) or s (server): tcpdump on that interface, or on
# `any` (Linux cooked v2 headers, both of the router's legs in one file); NS:IF1+IF2 is dumpcap on
# both interfaces into one pcapng file. CAP_OPTS adds tcpdump options (snap length, time stamps).
cap_pids=()
capture_start() {
  local ns=${1%%:*} ifs=${1#*:} f=$2 err=$2.err
  case $ns in c) ns=$C ;; r) ns=$R ;; s) ns=$S ;; *) die "capture point $1: namespace must be c, r or s" ;; esac
  : >"$err"
  # Not through inC: $! must be the capture program itself (ip netns exec execs it) for the stop below.
  if [[ $ifs == *+* ]]; then
    local a=() i
    for i in ${ifs//+/ }; do a+=(-i "$i"); done
    ip netns exec "$ns" dumpcap -q "${a[@]}" -s 2048 -w "$f" 2>"$err" &
    cap_pids+=($!)
    wait_for "dumpcap to capture" 10 grep -q "Capturing on" "$err"
  else
    # shellcheck disable=SC2086 # CAP_OPTS is a list of options
    ip netns exec "$ns" tcpdump -Z root --immediate-mode -i "$ifs" -s 2048 ${CAP_OPTS:-} -U -n -w "$f" 2>"$err" &
    cap_pids+=($!)
    wait_for "tcpdump to listen" 10 grep -q "listening on" "$err"
  fi
}
capture_stop() {
  # Let the last FIN/ACK or ICMP land: stop once the files have not grown for 0.3 s (at most 3 s).
  local last=-1 now i p
  for ((i = 0; i < 30; i++)); do
    now=$(cat "$@" | wc -c)
    [ "$now" = "$last" ] && break
    last=$now
    sleep 0.3
  done
  # TERM, not INT: a background job of a non-interactive shell ignores SIGINT.
  for p in "${cap_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${cap_pids[@]}"; do
    for ((i = 0; i < 50; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  cap_pids=()
  for p in "$@"; do rm -f "$p.err"; done
}

manifest_rows=$work/manifest.tsv
: >"$manifest_rows"

# case NAME LABEL TARGET STACK DESCRIPTION -- CLIENT COMMAND...   (TARGET "-" for none)
# Runs the client in the client namespace (bounded to 60 s) with a capture at c0 (or lo for
# loopback cases, when IFACE is set). AT="POINT..." takes the captures elsewhere (capture_start):
# the first is NAME.pcap (NAME.pcapng from dumpcap), each further one NAME.<ns>-<iface>.pcap, and
# the case's manifest entry lists them all, read together. LATE=S starts the captures S seconds
# after the client (midstream), CUT=S stops them S seconds in while the client goes on.
run_case() {
  local name=$1 label=$2 target=$3 stack=$4 desc=$5
  shift 6
  if [ -n "${RT_CASES:-}" ] && [[ " $RT_CASES " != *" $name "* ]]; then return 0; fi
  local points=(${AT:-c:${IFACE:-c0}}) files=() pt f
  if [ -n "${LATE:-}" ]; then
    # The capture starts LATE seconds after the client: it picks the connection up midstream.
    inC timeout 60 "$@" >"$work/case-$name.log" 2>&1 &
    late_client=$!
    sleep "$LATE"
  fi
  for pt in "${points[@]}"; do
    if [ ${#files[@]} -eq 0 ]; then f=$name; else f=$name.${pt//[:+]/-}; fi
    if [[ $pt == *+* ]]; then f=$f.pcapng; else f=$f.pcap; fi
    rm -f "$out/$f"
    capture_start "$pt" "$out/$f"
    files+=("$f")
  done
  local rc=0
  if [ -n "${LATE:-}" ]; then
    wait "$late_client" || rc=$?
    capture_stop "${files[@]/#/$out/}"
  elif [ -n "${CUT:-}" ]; then
    # The capture stops CUT seconds in, while the client goes on: a capture cut short.
    inC timeout 60 "$@" >"$work/case-$name.log" 2>&1 &
    local client=$!
    sleep "$CUT"
    capture_stop "${files[@]/#/$out/}"
    wait "$client" || rc=$?
  else
    inC timeout 60 "$@" >"$work/case-$name.log" 2>&1 || rc=$?
    capture_stop "${files[@]/#/$out/}"
  fi
  [ "$rc" -ne 124 ] || die "$name: the client did not finish within 60 s (log: $(tail -n 3 "$work/case-$name.log"))"
  # The client must have seen what the label says (RC=any: a loop or a burst reports for itself).
  case "${RC:-$([ "$label" = healthy ] && echo 0 || echo fail)}" in
    0) [ "$rc" -eq 0 ] || die "$name: expected the client to succeed, it exited $rc: $(tail -n 2 "$work/case-$name.log")" ;;
    fail) [ "$rc" -ne 0 ] || die "$name: expected the client to fail, it succeeded" ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$label" "$target" "$stack" "$desc" "$rc" \
    "$(tr '\n\t' '  ' <"$work/case-$name.log" | cut -c1-160)" "$(IFS=,; echo "${files[*]}")" >>"$manifest_rows"
  cases_done=$((cases_done + 1))
  say "$name: client exit $rc, $(cd "$out" && cat "${files[@]}" | wc -c) bytes"
}

CURL=(curl -sS -o /dev/null -m 3 --connect-timeout 5)
WGET=(wget -nv -O /dev/null -T 3 -t 1)
PY=(python3 "$here/client.py")
CA=$work/tls/ca.pem

cases_healthy() {
  nft_rules
  run_case healthy-http-curl healthy www.rt.test:80 curl "nginx answers 200 over HTTP" -- "${CURL[@]}" http://www.rt.test/
  run_case healthy-http-wget healthy www.rt.test:80 wget "nginx answers 200 over HTTP" -- "${WGET[@]}" http://www.rt.test/
  run_case healthy-http-python healthy files.rt.test:8000 python "python3 -m http.server answers 200" -- "${PY[@]}" http://files.rt.test:8000/
  run_case healthy-https13-curl healthy tls.rt.test:4433 curl "TLS 1.3 to openssl s_server -www, data both ways, then encrypted close_notify" -- \
    "${CURL[@]}" --cacert "$CA" https://tls.rt.test:4433/
  run_case healthy-https12-curl healthy tls.rt.test:4434 curl "TLS 1.2 to openssl s_server -www -tls1_2, then encrypted close_notify" -- \
    "${CURL[@]}" --cacert "$CA" https://tls.rt.test:4434/
  run_case healthy-https-nginx-wget healthy www.rt.test:443 wget "TLS to nginx, wget closes with close_notify" -- \
    "${WGET[@]}" --ca-certificate="$CA" https://www.rt.test/
  run_case healthy-https12-nginx-curl healthy www.rt.test:443 curl "TLS 1.2 to nginx, closed with encrypted close_notify" -- \
    "${CURL[@]}" --cacert "$CA" --tls-max 1.2 https://www.rt.test/
  run_case healthy-https13-python healthy tls.rt.test:4433 python "TLS 1.3 to openssl s_server from Python's ssl" -- \
    "${PY[@]}" --cafile "$CA" https://tls.rt.test:4433/
  run_case healthy-https12-python healthy www.rt.test:443 python "TLS 1.2 to nginx from Python's ssl" -- \
    "${PY[@]}" --cafile "$CA" --tls12 https://www.rt.test/
  run_case healthy-fallback-v6-refused-curl healthy dual.rt.test:80 curl "AAAA and A: the IPv6 address refuses (RST), curl falls back to IPv4 and gets 200" -- \
    "${CURL[@]}" http://dual.rt.test/
  run_case healthy-fallback-v6-refused-python healthy dual.rt.test:80 python "AAAA and A: IPv6 refuses, Python tries the next address, 200" -- \
    "${PY[@]}" http://dual.rt.test/
  run_case healthy-fallback-v6-refused-wget-notarget healthy - wget "AAAA and A: IPv6 refuses, wget tries IPv4, 200; no --target" -- \
    "${WGET[@]}" http://dual.rt.test/
  # The name's last address fails too: what finally broke decides, not the first refusal.
  nft_rules "ip daddr 10.199.2.10 tcp dport 80 drop"
  run_case tcp-silent-drop-after-v6-refused-curl tcp.silent-drop dual.rt.test:80 curl "AAAA and A: IPv6 refuses (RST), the IPv4 SYNs die silently until curl --connect-timeout 3" -- \
    curl -sS -o /dev/null --connect-timeout 3 http://dual.rt.test/
  run_case tcp-silent-drop-after-v6-refused-python tcp.silent-drop dual.rt.test:80 python "AAAA and A: IPv6 refuses, Python tries IPv4, whose SYNs die until its 3 s timeout" -- \
    "${PY[@]}" http://dual.rt.test/
  nft_rules "ip6 daddr 2001:db8:199:2::10 tcp dport 80 drop"
  run_case healthy-fallback-v6-dropped-curl healthy dual.rt.test:80 curl "AAAA and A: SYNs to the IPv6 address die silently, curl starts IPv4 after 200 ms and gets 200" -- \
    "${CURL[@]}" http://dual.rt.test/
  run_case healthy-fallback-v6-dropped-python healthy dual.rt.test:80 python "AAAA and A: IPv6 SYNs die, Python gives up on it after 2 s and gets 200 over IPv4" -- \
    "${PY[@]}" --timeout 2 http://dual.rt.test/
  nft_rules
  run_case healthy-haproxy-curl healthy proxy.rt.test:8080 curl "haproxy in front of nginx answers 200" -- "${CURL[@]}" http://proxy.rt.test:8080/
  run_case healthy-haproxy-python healthy proxy.rt.test:8080 python "haproxy in front of nginx answers 200" -- "${PY[@]}" http://proxy.rt.test:8080/
  run_case healthy-redirect-curl healthy www.rt.test:80 curl "nginx answers 301, curl follows to / and gets 200" -- \
    "${CURL[@]}" -L http://www.rt.test/old
  run_case healthy-redirect-wget healthy www.rt.test:80 wget "nginx answers 301, wget follows to / and gets 200" -- \
    "${WGET[@]}" http://www.rt.test/old
  RC=fail run_case healthy-unparseable-curl healthy app.rt.test:9003 curl "the backend answers bytes that are not HTTP (curl fails to parse); the connection was established" -- \
    "${CURL[@]}" http://app.rt.test:9003/
  RC=fail run_case healthy-unparseable-python healthy app.rt.test:9003 python "the backend answers bytes that are not HTTP (Python fails to parse)" -- \
    "${PY[@]}" http://app.rt.test:9003/
}

cases_loopback() {
  # Loopback: the client's own namespace, only 127.0.0.1 listens; localhost resolves to ::1 first.
  bg "$C" lo-http python3 -m http.server --bind 127.0.0.1 --directory "$work/www" 8080
  wait_for "loopback http.server" 10 listening "$C" 8080
  IFACE=lo run_case healthy-loopback-fallback-curl healthy localhost:8080 curl "[::1] refused, then 127.0.0.1 answers (curl Happy Eyeballs)" -- \
    "${CURL[@]}" http://localhost:8080/
  IFACE=lo run_case healthy-loopback-fallback-python healthy - python "[::1] refused, then 127.0.0.1 answers (Python tries each address); no --target" -- \
    "${PY[@]}" http://localhost:8080/
}

cases_dns() {
  nft_rules
  run_case dns-nxdomain-curl dns.nxdomain missing.rt.test curl "dnsmasq answers NXDOMAIN for a name not in its zone" -- "${CURL[@]}" http://missing.rt.test/
  run_case dns-nxdomain-wget dns.nxdomain missing.rt.test wget "dnsmasq answers NXDOMAIN" -- "${WGET[@]}" http://missing.rt.test/
  run_case dns-nxdomain-python dns.nxdomain missing.rt.test python "dnsmasq answers NXDOMAIN" -- "${PY[@]}" http://missing.rt.test/
  resolver 10.199.2.51
  run_case dns-servfail-curl dns.servfail api.broken.rt.test curl "unbound forwards to a server that refuses it and answers SERVFAIL" -- \
    "${CURL[@]}" http://api.broken.rt.test/
  run_case dns-servfail-python dns.servfail api.broken.rt.test python "unbound answers SERVFAIL (its forwarder refused)" -- "${PY[@]}" http://api.broken.rt.test/
  run_case dns-servfail-wget dns.servfail api.broken.rt.test wget "unbound answers SERVFAIL (its forwarder refused)" -- "${WGET[@]}" http://api.broken.rt.test/
  resolver 10.199.2.53
  run_case dns-no-address-txt-curl dns.no-address txtonly.rt.test curl "the name has only a TXT record: NOERROR, no A/AAAA (NODATA)" -- \
    "${CURL[@]}" http://txtonly.rt.test/
  run_case dns-no-address-txt-wget dns.no-address txtonly.rt.test wget "the name has only a TXT record: NODATA" -- "${WGET[@]}" http://txtonly.rt.test/
  run_case dns-no-address-v4-curl dns.no-address v6only.rt.test curl "IPv4-only client (curl -4), name has only AAAA: A query NODATA" -- \
    "${CURL[@]}" -4 http://v6only.rt.test/
  run_case dns-no-address-v4-python dns.no-address v6only.rt.test python "IPv4-only resolver call, name has only AAAA: NODATA" -- \
    "${PY[@]}" --ipv4 http://v6only.rt.test/
  RC=fail run_case dns-no-address-busy-curl dns.no-address v6only.rt.test curl "healthy HTTP/HTTPS to three other hosts, then curl -4 to an AAAA-only name: NODATA" -- \
    bash -c "$(printf '%q ' "${CURL[@]}") http://www.rt.test/ http://files.rt.test:8000/; $(printf '%q ' "${CURL[@]}") --cacert $CA https://tls.rt.test:4433/ https://www.rt.test/; $(printf '%q ' "${CURL[@]}") -4 http://v6only.rt.test/"
  run_case dns-no-address-busy-wget dns.no-address txtonly.rt.test wget "healthy HTTP to three other hosts (one after an IPv6 refusal and fallback), then a TXT-only name: NODATA" -- \
    bash -c "$(printf '%q ' "${WGET[@]}") http://www.rt.test/ http://files.rt.test:8000/ http://dual.rt.test/; $(printf '%q ' "${WGET[@]}") http://txtonly.rt.test/"

  resolver 10.199.2.52
  run_case dns-refused-curl dns.refused www.rt.test curl "unbound refuses the client's network (access-control refuse)" -- "${CURL[@]}" http://www.rt.test/
  run_case dns-refused-wget dns.refused www.rt.test wget "unbound answers REFUSED" -- "${WGET[@]}" http://www.rt.test/
  run_case dns-refused-python dns.refused www.rt.test python "unbound answers REFUSED" -- "${PY[@]}" http://www.rt.test/
  # Nothing answers: the router drops every packet to a name server address (no ICMP).
  resolver 10.199.2.54
  nft_rules "ip daddr 10.199.2.54 drop"
  run_case dns-no-response-curl dns.no-response www.rt.test curl "the router silently drops queries to the name server" -- "${CURL[@]}" http://www.rt.test/
  run_case dns-no-response-python dns.no-response www.rt.test python "the router silently drops queries to the name server" -- "${PY[@]}" http://www.rt.test/
  # The name server's host is up but nothing listens on port 53: ICMP port unreachable per query.
  resolver 10.199.2.55
  nft_rules
  run_case dns-no-response-icmp-wget dns.no-response www.rt.test wget "no name server on the host: ICMP port unreachable answers each query" -- "${WGET[@]}" http://www.rt.test/
  resolver 10.199.2.53
}

# neigh_settled ADDR: the router has no resolution pending for the absent host (a late ICMP would
# land in the next case's capture).
neigh_settled() { ! inR ip neigh show "$1" | grep -q INCOMPLETE; }

cases_tcp() {
  nft_rules "ip daddr 10.199.2.10 tcp dport 8083 drop" \
    "ip daddr 10.199.2.10 tcp dport 8081 reject with tcp reset" \
    "ip daddr 10.199.2.10 tcp dport 8082 reject with icmp type admin-prohibited" \
    "ip daddr 10.199.2.10 tcp dport 8084 reject with icmp type host-prohibited" \
    "ip daddr 10.199.2.10 tcp dport 8085 reject with icmp type host-unreachable" \
    "ip6 daddr 2001:db8:199:2::10 tcp dport 8082 reject with icmpv6 type admin-prohibited" \
    "ip daddr 10.199.2.10 tcp dport 8086 reject" \
    "ip daddr 10.199.2.10 tcp dport 8087 reject with icmp type net-prohibited"
  run_case tcp-silent-drop-curl tcp.silent-drop www.rt.test:8083 curl "nft drop on the router: SYNs retransmitted, no answer" -- \
    curl -sS -o /dev/null -m 8 --connect-timeout 7 http://www.rt.test:8083/
  run_case tcp-silent-drop-wget tcp.silent-drop www.rt.test:8083 wget "nft drop on the router: SYNs retransmitted, no answer" -- \
    wget -nv -O /dev/null -T 7 -t 1 http://www.rt.test:8083/
  run_case tcp-refused-closed-port-curl tcp.refused www.rt.test:8088 curl "nothing listens on the port: the server's kernel answers RST" -- "${CURL[@]}" http://www.rt.test:8088/
  run_case tcp-refused-closed-port-python tcp.refused www.rt.test:8088 python "nothing listens: RST" -- "${PY[@]}" http://www.rt.test:8088/
  run_case tcp-refused-nft-reset-wget tcp.refused www.rt.test:8081 wget "nft reject with tcp reset on the router" -- "${WGET[@]}" http://www.rt.test:8081/
  run_case tcp-refused-nft-reset-curl tcp.refused www.rt.test:8081 curl "nft reject with tcp reset on the router" -- "${CURL[@]}" http://www.rt.test:8081/
  run_case tcp-rejected-icmp-admin-curl tcp.rejected-icmp www.rt.test:8082 curl "nft reject with icmp admin-prohibited (type 3 code 13) from the router" -- \
    "${CURL[@]}" http://www.rt.test:8082/
  run_case tcp-rejected-icmp-host-prohibited-wget tcp.rejected-icmp www.rt.test:8084 wget "nft reject with icmp host-prohibited (type 3 code 10)" -- \
    "${WGET[@]}" http://www.rt.test:8084/
  run_case tcp-rejected-icmp-port-unreachable-wget tcp.rejected-icmp www.rt.test:8086 wget "nft reject with no argument: ICMP port unreachable (type 3 code 3) from the router" -- \
    "${WGET[@]}" http://www.rt.test:8086/
  run_case tcp-rejected-icmp-net-prohibited-curl tcp.rejected-icmp www.rt.test:8087 curl "nft reject with icmp net-prohibited (type 3 code 9)" -- \
    "${CURL[@]}" http://www.rt.test:8087/
  run_case tcp-rejected-icmp-admin-python tcp.rejected-icmp www.rt.test:8082 python "nft reject with icmp admin-prohibited" -- "${PY[@]}" http://www.rt.test:8082/
  run_case net-host-unreachable-router-curl net.host-unreachable gone.rt.test:80 curl "the router's ARP for the host gets no reply: ICMP host unreachable from the router" -- \
    curl -sS -o /dev/null -m 8 http://gone.rt.test/
  wait_for "the router to give up on 10.199.2.77" 10 neigh_settled 10.199.2.77
  run_case net-host-unreachable-router-python net.host-unreachable gone.rt.test:80 python "ICMP host unreachable from the router (no ARP reply behind it)" -- \
    "${PY[@]}" --timeout 8 http://gone.rt.test/
  wait_for "the router to give up on 10.199.2.77" 10 neigh_settled 10.199.2.77
  run_case net-host-unreachable-nft-wget net.host-unreachable www.rt.test:8085 wget "nft reject with icmp host-unreachable (type 3 code 1)" -- "${WGET[@]}" http://www.rt.test:8085/
  run_case tcp-refused-v6-curl tcp.refused "[2001:db8:199:2::10]:80" curl "IPv6: nothing listens on [2001:db8:199:2::10]:80, RST" -- \
    "${CURL[@]}" "http://[2001:db8:199:2::10]/"
  run_case tcp-rejected-icmpv6-admin-python tcp.rejected-icmp "[2001:db8:199:2::10]:8082" python "nft reject with icmpv6 admin-prohibited (type 1 code 1) from the router" -- \
    "${PY[@]}" "http://[2001:db8:199:2::10]:8082/"
  run_case tcp-rejected-icmpv6-admin-curl tcp.rejected-icmp "[2001:db8:199:2::10]:8082" curl "nft reject with icmpv6 admin-prohibited" -- \
    "${CURL[@]}" "http://[2001:db8:199:2::10]:8082/"
  run_case net-host-unreachable-v6-router-wget net.host-unreachable "[2001:db8:199:2::77]:80" wget "IPv6: the router's neighbour solicitations get no answer, ICMPv6 address unreachable" -- \
    wget -nv -O /dev/null -T 8 -t 1 "http://[2001:db8:199:2::77]/"
  wait_for "the router to give up on 2001:db8:199:2::77" 10 neigh_settled 2001:db8:199:2::77
  run_case net-host-unreachable-arp-curl net.host-unreachable near.rt.test:80 curl "the host is on the client's own link and does not answer ARP: no SYN leaves" -- \
    "${CURL[@]}" http://near.rt.test/
  run_case net-host-unreachable-arp-wget net.host-unreachable near.rt.test:80 wget "no ARP reply on the last hop" -- \
    wget -nv -O /dev/null -T 8 -t 1 http://near.rt.test/
}

# A route that sends the servers' addresses the wrong way: a /29 on the client's own link, where no
# router answers for it, so the client asks ARP for an address outside its subnet and no SYN leaves.
cases_route() {
  nft_rules
  inC ip route add 10.199.2.8/29 dev c0
  run_case net-wrong-route-onlink-curl net.wrong-route www.rt.test:80 curl "a /29 route puts the server on the client's own link: ARP for an address off its subnet, no reply" -- \
    "${CURL[@]}" http://www.rt.test/
  inC ip neigh flush dev c0
  run_case net-wrong-route-onlink-python net.wrong-route app.rt.test:9000 python "the server's address routed on-link out of the client's interface: ARP unanswered, no SYN" -- \
    "${PY[@]}" http://app.rt.test:9000/
  inC ip neigh flush dev c0
  run_case net-wrong-route-onlink-wget net.wrong-route files.rt.test:8000 wget "an on-link route for the server: the client's ARP for it goes unanswered" -- \
    wget -nv -O /dev/null -T 8 -t 1 http://files.rt.test:8000/
  inC ip route del 10.199.2.8/29 dev c0
  inC ip neigh flush dev c0
}

cases_backend() {
  nft_rules
  run_case backend-timeout-curl backend.timeout app.rt.test:9000 curl "the server accepts and reads the request, never answers; curl -m 3 gives up" -- "${CURL[@]}" http://app.rt.test:9000/
  run_case backend-timeout-wget backend.timeout app.rt.test:9000 wget "the server never answers; wget -T 3 gives up" -- "${WGET[@]}" http://app.rt.test:9000/
  run_case backend-timeout-python backend.timeout app.rt.test:9000 python "the server never answers; Python's 3 s timeout" -- "${PY[@]}" http://app.rt.test:9000/
  run_case backend-closed-python-server-curl backend.closed app.rt.test:9001 curl "the server reads the request and closes (FIN) at once" -- "${CURL[@]}" http://app.rt.test:9001/
  run_case backend-closed-python-server-python backend.closed app.rt.test:9001 python "the server reads the request and closes (FIN)" -- "${PY[@]}" http://app.rt.test:9001/
  run_case backend-closed-late-curl backend.closed app.rt.test:9006 curl "the server reads the request, waits 1.5 s and closes (FIN) before curl's 3 s limit" -- \
    "${CURL[@]}" http://app.rt.test:9006/
  run_case backend-closed-late-wget backend.closed app.rt.test:9006 wget "the server closes (FIN) 1.5 s after the request, before wget's 3 s timeout" -- \
    "${WGET[@]}" http://app.rt.test:9006/
  run_case backend-closed-nginx444-wget backend.closed www.rt.test:80 wget "nginx return 444: closes without a response" -- "${WGET[@]}" http://www.rt.test/closed
  run_case backend-closed-nginx444-curl backend.closed www.rt.test:80 curl "nginx return 444: closes without a response" -- "${CURL[@]}" http://www.rt.test/closed
  run_case backend-timeout-haproxy-silent-drop-curl backend.timeout proxy.rt.test:8081 curl "haproxy http-request silent-drop: the request is ACKed, then nothing until curl -m 3" -- \
    "${CURL[@]}" http://proxy.rt.test:8081/
  run_case backend-timeout-haproxy-silent-drop-wget backend.timeout proxy.rt.test:8081 wget "haproxy http-request silent-drop, wget -T 3" -- \
    "${WGET[@]}" http://proxy.rt.test:8081/
  run_case backend-closed-haproxy-reject-curl backend.closed proxy.rt.test:8082 curl "haproxy http-request reject: closes (FIN) after the request, no response" -- \
    "${CURL[@]}" http://proxy.rt.test:8082/
  run_case backend-reset-curl backend.reset app.rt.test:9002 curl "the server reads the request and aborts (SO_LINGER 0: RST)" -- "${CURL[@]}" http://app.rt.test:9002/
  run_case backend-reset-wget backend.reset app.rt.test:9002 wget "the server aborts with RST after the request" -- "${WGET[@]}" http://app.rt.test:9002/
  run_case backend-reset-python backend.reset app.rt.test:9002 python "the server aborts with RST after the request" -- "${PY[@]}" http://app.rt.test:9002/
  # One request segment dropped once by the router (numgen inc: only the first match), then the
  # retransmission gets through and the server stays silent.
  nft_rules "ip daddr 10.199.2.13 tcp dport 9000 tcp flags & (syn | fin | rst) == 0 ip length > 52 numgen inc mod 100000 == 0 drop"
  run_case backend-timeout-one-retransmit-curl backend.timeout app.rt.test:9000 curl "the request is lost once and retransmitted, ACKed, then silence until curl -m 3" -- \
    "${CURL[@]}" http://app.rt.test:9000/
  nft_rules "ip daddr 10.199.2.13 tcp dport 9000 tcp flags & (syn | fin | rst) == 0 ip length > 52 numgen inc mod 100000 == 0 drop"
  run_case backend-timeout-one-retransmit-python backend.timeout app.rt.test:9000 python "the request is retransmitted once, ACKed, then silence until the 3 s timeout" -- \
    "${PY[@]}" http://app.rt.test:9000/
  # One request segment lost once on a connection to a backend that had just served another:
  # repaired, ACKed, then silence. The served exchange before it is no sign of loss.
  nft_rules "ip daddr 10.199.2.13 tcp dport 9007 tcp flags & (syn | fin | rst) == 0 ip length > 52 numgen inc mod 100000 == 1 drop"
  RC=0 run_case backend-timeout-served-then-retransmit-curl backend.timeout app.rt.test:9007 curl "one request served, the next lost once, retransmitted and ACKed, then silence until curl -m 3" -- \
    bash -c '"$@" && ! "$@"' _ "${CURL[@]}" http://app.rt.test:9007/
  nft_rules
  run_case backend-closed-half-close-python backend.closed app.rt.test:9001 python "HTTP/1.0 with a half-close (the client's FIN right after its request), then the server closes (FIN) without a response" -- \
    "${PY[@]}" --half-close http://app.rt.test:9001/
  run_case healthy-half-close-python healthy files.rt.test:8000 python "HTTP/1.0 with a half-close (the client's FIN right after its request); the server still answers 200" -- \
    "${PY[@]}" --half-close http://files.rt.test:8000/
  RC=any run_case backend-overloaded-curl backend.overloaded app.rt.test:9004 curl "listen(0), never accept: a burst of 6 connects, the first queued, the rest get no SYN-ACK" -- \
    bash -c "for i in 1 2 3 4 5 6; do curl -sS -o /dev/null -m 4 http://app.rt.test:9004/ & done; wait"
  # The accept queue of 9004 stays full; the Python case gets its own server.
  run_case backend-overloaded-python backend.overloaded app.rt.test:9005 python "listen(0), never accept: 6 connects at once from threads" -- \
    "${PY[@]}" --timeout 4 --burst 6 http://app.rt.test:9005/
}

cases_tls() {
  nft_rules
  run_case tls-unknown-ca-curl tls.handshake-failure tls.rt.test:4435 curl "TLS 1.3, a self-signed certificate: curl sends an (encrypted) alert unknown CA" -- \
    "${CURL[@]}" https://tls.rt.test:4435/
  run_case tls-unknown-ca-python tls.handshake-failure tls.rt.test:4435 python "TLS 1.3, a certificate Python does not trust: alert and close" -- \
    "${PY[@]}" https://tls.rt.test:4435/
  run_case tls12-unknown-ca-wget tls.handshake-failure tls.rt.test:4436 wget "TLS 1.2, a self-signed certificate: wget (GnuTLS) finishes the handshake, then closes with FIN and no request" -- \
    "${WGET[@]}" https://tls.rt.test:4436/
  run_case tls12-unknown-ca-curl tls.handshake-failure tls.rt.test:4436 curl "TLS 1.2, a self-signed certificate: curl sends a plaintext alert" -- \
    "${CURL[@]}" https://tls.rt.test:4436/
  run_case tls13-unknown-ca-wget tls.handshake-failure tls.rt.test:4435 wget "TLS 1.3, a self-signed certificate: wget (GnuTLS) checks it after the handshake, sends its Finished, then RST with no request" -- \
    "${WGET[@]}" https://tls.rt.test:4435/
  run_case tls-hostname-mismatch-curl tls.handshake-failure 10.199.2.12:4433 curl "TLS 1.3, the certificate names tls.rt.test, curl asked for 10.199.2.12: curl checks the name after the handshake and closes with an encrypted alert, no request" -- \
    "${CURL[@]}" --cacert "$CA" https://10.199.2.12:4433/
  run_case tls-version-curl tls.handshake-failure tls.rt.test:4434 curl "client wants TLS 1.3 only, server offers 1.2 only: protocol_version alert" -- \
    "${CURL[@]}" --cacert "$CA" --tlsv1.3 https://tls.rt.test:4434/
  run_case tls-version-wget tls.handshake-failure tls.rt.test:4434 wget "wget --secure-protocol=TLSv1_3 to a TLS 1.2 server: protocol_version alert" -- \
    "${WGET[@]}" --ca-certificate="$CA" --secure-protocol=TLSv1_3 https://tls.rt.test:4434/
  run_case tls-version-python tls.handshake-failure tls.rt.test:4434 python "Python with minimum TLS 1.3 to a TLS 1.2 server" -- \
    "${PY[@]}" --cafile "$CA" --tls13 https://tls.rt.test:4434/
}

cases_loss() {
  # 40 % of packets both ways between client and one server die on the router; new connection per
  # request, until two failed and two succeeded (at most 30 requests).
  nft_rules "ip daddr 10.199.2.11 tcp dport 8000 numgen random mod 100 < 40 drop" \
    "ip saddr 10.199.2.11 tcp sport 8000 numgen random mod 100 < 40 drop"
  local loop='ok=0 bad=0; for i in $(seq 30); do if "$@"; then ok=$((ok+1)); else bad=$((bad+1)); fi; [ $ok -ge 2 ] && [ $bad -ge 2 ] && break; done; echo ok=$ok bad=$bad; [ $ok -ge 2 ] && [ $bad -ge 2 ]'
  RC=0 run_case net-packet-loss-curl net.packet-loss files.rt.test:8000 curl "router drops 40 % at random both ways; curl -m 2 per request, some succeed" -- \
    bash -c "$loop" _ curl -sS -o /dev/null -m 2 http://files.rt.test:8000/
  RC=0 run_case net-packet-loss-wget net.packet-loss files.rt.test:8000 wget "router drops 40 % at random both ways; wget -T 2 per request, some succeed" -- \
    bash -c "$loop" _ wget -nv -O /dev/null -T 2 -t 1 http://files.rt.test:8000/
  nft_rules
}

# Captures taken elsewhere than at the client, or written otherwise: at the server, on the router
# (both legs through `-i any`, or dumpcap on both interfaces into one pcapng), at client and server
# together, with nanosecond time stamps, with a 96-byte snap length.
cases_captured_elsewhere() {
  nft_rules
  AT=r:any run_case healthy-http-router-any-curl healthy www.rt.test:80 curl "captured on the router with tcpdump -i any (Linux cooked v2): every packet twice, once per leg; 200" -- \
    "${CURL[@]}" http://www.rt.test/
  AT=r:any run_case backend-timeout-router-any-python backend.timeout app.rt.test:9000 python "captured on the router, -i any: the request crosses both legs, the server never answers" -- \
    "${PY[@]}" http://app.rt.test:9000/
  AT=r:rc+rs run_case backend-reset-router-pcapng-wget backend.reset app.rt.test:9002 wget "dumpcap on both router interfaces into one pcapng file: the server aborts with RST after the request" -- \
    "${WGET[@]}" http://app.rt.test:9002/
  AT=s:s0 run_case tcp-refused-server-side-python tcp.refused www.rt.test:8088 python "captured at the server: nothing listens, its kernel answers RST" -- \
    "${PY[@]}" http://www.rt.test:8088/
  AT=s:s0 run_case tls-unknown-ca-server-side-curl tls.handshake-failure tls.rt.test:4435 curl "captured at the server: TLS 1.3, a self-signed certificate, curl's encrypted alert" -- \
    "${CURL[@]}" https://tls.rt.test:4435/
  AT="c:c0 s:s0" run_case backend-closed-client-and-server-curl backend.closed app.rt.test:9001 curl "captures at client and server of the same exchange: the server closes (FIN) after the request" -- \
    "${CURL[@]}" http://app.rt.test:9001/
  CAP_OPTS="--time-stamp-precision=nano" run_case backend-closed-nano-wget backend.closed app.rt.test:9006 wget "nanosecond pcap: the server closes (FIN) 1.5 s after the request" -- \
    "${WGET[@]}" http://app.rt.test:9006/
  CAP_OPTS="-s 96" run_case healthy-https13-snap96-curl healthy tls.rt.test:4433 curl "96-byte snap length: TLS 1.3 with only the first bytes of each segment captured; 200" -- \
    "${CURL[@]}" --cacert "$CA" https://tls.rt.test:4433/
  CAP_OPTS="-s 96" run_case healthy-https12-snap96-python healthy www.rt.test:443 python "96-byte snap length: TLS 1.2 to nginx from Python; 200" -- \
    "${PY[@]}" --cafile "$CA" --tls12 https://www.rt.test/
  CAP_OPTS="-s 96" run_case tls-unknown-ca-snap96-curl tls.handshake-failure tls.rt.test:4435 curl "96-byte snap length: TLS 1.3, a self-signed certificate, curl's encrypted alert" -- \
    "${CURL[@]}" https://tls.rt.test:4435/
  LATE=1.5 run_case backend-timeout-midstream-python backend.timeout app.rt.test:9000 python "the capture starts after the handshake: a pooled connection idles 2.5 s, then its request gets no answer until the 3 s timeout" -- \
    "${PY[@]}" --pause 2.5 http://app.rt.test:9000/
  LATE=1.5 run_case backend-reset-midstream-python backend.reset app.rt.test:9002 python "the capture starts after the handshake: the request on the idle connection is answered with RST" -- \
    "${PY[@]}" --pause 2.5 http://app.rt.test:9002/
  LATE=1.5 run_case healthy-midstream-python healthy files.rt.test:8000 python "the capture starts after the handshake: the request on the idle connection gets 200" -- \
    "${PY[@]}" --pause 2.5 http://files.rt.test:8000/
  CUT=2 run_case backend-timeout-cut-wget backend.timeout app.rt.test:9000 wget "the capture stops 2 s in, before wget's 3 s timeout: request ACKed, then silence to the end of the file" -- \
    "${WGET[@]}" http://app.rt.test:9000/
  nft_rules "ip daddr 10.199.2.10 tcp dport 8083 drop"
  CUT=2.5 run_case tcp-silent-drop-cut-curl tcp.silent-drop www.rt.test:8083 curl "the capture stops 2.5 s in: three SYNs unanswered, curl still waiting" -- \
    curl -sS -o /dev/null --connect-timeout 5 http://www.rt.test:8083/
  AT="c:c0 s:s0" run_case tcp-silent-drop-client-and-server-wget tcp.silent-drop www.rt.test:8083 wget "captures at client and server: the router drops the SYNs, none reaches the server" -- \
    wget -nv -O /dev/null -T 4 -t 1 http://www.rt.test:8083/
  AT=r:rc+rs run_case tcp-silent-drop-router-pcapng-curl tcp.silent-drop www.rt.test:8083 curl "dumpcap on both router interfaces: the SYNs arrive on the client leg and never leave on the server leg" -- \
    curl -sS -o /dev/null --connect-timeout 4 http://www.rt.test:8083/
  nft_rules
}

# Mechanisms beside those above: TLS refused for other reasons, DNS over TCP, search lists, a
# CNAME to nowhere, many fallbacks, a failure on a reused keep-alive connection.
cases_more_mechanisms() {
  nft_rules
  run_case tls-client-cert-required-curl tls.handshake-failure tls.rt.test:4437 curl "TLS 1.3, the server requires a client certificate, curl has none: the server's certificate_required alert" -- \
    "${CURL[@]}" --cacert "$CA" https://tls.rt.test:4437/
  run_case tls-client-cert-required-python tls.handshake-failure tls.rt.test:4437 python "TLS 1.3, the server requires a client certificate, Python sends none" -- \
    "${PY[@]}" --cafile "$CA" https://tls.rt.test:4437/
  run_case tls12-client-cert-required-curl tls.handshake-failure tls.rt.test:4438 curl "TLS 1.2, the server requires a client certificate: its plaintext handshake_failure alert" -- \
    "${CURL[@]}" --cacert "$CA" https://tls.rt.test:4438/
  run_case tls-no-shared-cipher-curl tls.handshake-failure tls.rt.test:4434 curl "curl offers only AES128-SHA (RSA), the server has an ECDSA key: handshake_failure alert" -- \
    "${CURL[@]}" --cacert "$CA" --tls-max 1.2 --ciphers AES128-SHA https://tls.rt.test:4434/
  run_case tls-client-to-plain-port-curl tls.handshake-failure www.rt.test:80 curl "https:// to nginx's plain HTTP port: nginx answers the ClientHello with an HTTP 400 and closes" -- \
    "${CURL[@]}" https://www.rt.test:80/
  run_case tls-client-to-plain-port-wget tls.handshake-failure www.rt.test:80 wget "https:// to nginx's plain HTTP port (GnuTLS)" -- \
    "${WGET[@]}" https://www.rt.test:80/
  run_case backend-closed-plain-client-to-tls-port-curl backend.closed tls.rt.test:4433 curl "http:// to openssl s_server's TLS port: it reads the request as a bad ClientHello and closes (FIN) without a byte" -- \
    "${CURL[@]}" http://tls.rt.test:4433/
  run_case healthy-dns-tcp-fallback-curl healthy big.rt.test:8090 curl "40 A records: the UDP answer is truncated (TC), the resolver asks again over TCP, 200" -- \
    "${CURL[@]}" -4 http://big.rt.test:8090/
  nft_rules "ip daddr 10.199.2.53 tcp dport 53 drop"
  run_case dns-no-response-tcp-blocked-curl dns.no-response big.rt.test:8090 curl "the UDP answer is truncated (TC) and the router drops DNS over TCP: the resolver's SYNs to port 53 die" -- \
    "${CURL[@]}" -4 http://big.rt.test:8090/
  nft_rules
  resolver 10.199.2.53 "corp.rt.test rt.test"
  run_case healthy-dns-search-curl healthy www:80 curl "search list corp.rt.test rt.test: www.corp.rt.test NXDOMAIN, then www.rt.test answers, 200" -- \
    "${CURL[@]}" http://www/
  run_case dns-nxdomain-search-wget dns.nxdomain nothere wget "search list: nothere.corp.rt.test, nothere.rt.test and nothere all NXDOMAIN" -- \
    "${WGET[@]}" http://nothere/
  resolver 10.199.2.51
  run_case dns-no-address-cname-python dns.no-address www.cn.rt.test python "the name is a CNAME to a name without data: the CNAME alone, NOERROR (NODATA)" -- \
    "${PY[@]}" http://www.cn.rt.test/
  resolver 10.199.2.53
  RC=0 run_case healthy-fallback-v6-refused-many-curl healthy dual.rt.test:80 curl "twelve requests, each refused over IPv6 (RST) and served over IPv4" -- \
    bash -c 'for i in $(seq 12); do "$@" || exit 1; done' _ "${CURL[@]}" http://dual.rt.test/
  # One connect in four refused (a pool member whose port is closed behind a balancer), the rest served.
  nft_rules "ip daddr 10.199.2.10 tcp dport 80 tcp flags & (syn | ack) == syn numgen inc mod 4 == 2 reject with tcp reset"
  RC=any run_case tcp-refused-some-of-many-curl tcp.refused www.rt.test:80 curl "eight requests in a row, each a new connection: every fourth connect refused (RST), the others 200" -- \
    bash -c 'for i in $(seq 8); do "$@"; done' _ "${CURL[@]}" http://www.rt.test/
  RC=any run_case tcp-refused-some-of-parallel-python tcp.refused www.rt.test:80 python "eight connects at once from threads: every fourth refused (RST), the others answered" -- \
    "${PY[@]}" --burst 8 http://www.rt.test/
  nft_rules
  run_case backend-closed-keepalive-curl backend.closed www.rt.test:80 curl "one keep-alive connection: three requests answered 200, the fourth closed without a response (nginx 444)" -- \
    "${CURL[@]}" http://www.rt.test/ http://www.rt.test/ http://www.rt.test/ http://www.rt.test/closed
}

# Unrelated traffic in the same capture: an interactive TCP session picked up midstream, mDNS and
# LLMNR queries, NTP requests answered by ICMP port unreachable from the backend's own host, ARP
# for an absent neighbour. The verdict is the backend's, never the noise's.
noisy() {
  bg "$C" noise python3 "$here/noise.py" "$1" 10.199.2.13:9008 10.199.2.10 10.199.1.50
  wait_for "the background traffic" 10 grep -q ready "$work/noise.log"
  sleep 1
}
cases_noise() {
  nft_rules "ip daddr 10.199.2.10 tcp dport 8083 drop"
  inC ip route replace 224.0.0.0/4 dev c0
  if [ -z "${RT_CASES:-}" ] || [[ $RT_CASES == *noise* ]]; then noisy 90; fi
  run_case tcp-silent-drop-noise-curl tcp.silent-drop www.rt.test:8083 curl "SYNs dropped on the router, amid background traffic (ICMP port unreachable from the same host for NTP)" -- \
    curl -sS -o /dev/null --connect-timeout 4 http://www.rt.test:8083/
  run_case backend-reset-noise-notarget-wget backend.reset - wget "the server aborts with RST after the request, amid background traffic; no --target" -- \
    "${WGET[@]}" http://app.rt.test:9002/
  run_case healthy-noise-notarget-python healthy - python "200 from http.server amid background traffic; no --target" -- \
    "${PY[@]}" http://files.rt.test:8000/
  run_case tcp-silent-drop-noise-notarget-wget tcp.silent-drop - wget "SYNs dropped on the router amid background traffic; no --target" -- \
    wget -nv -O /dev/null -T 4 -t 1 http://www.rt.test:8083/
  run_case tcp-silent-drop-noise-ip-notarget-curl tcp.silent-drop - curl "SYNs to an address (no name to resolve) dropped on the router, amid unanswered mDNS and LLMNR queries; no --target" -- \
    curl -sS -o /dev/null --connect-timeout 4 http://10.199.2.10:8083/
  inC ip route del 224.0.0.0/4 dev c0
  nft_rules
}

write_manifest() {
  python3 - "$manifest_rows" "$out/manifest.json" "$([ -n "${RT_CASES:-}" ] && echo 1 || echo 0)" <<'EOF'
import json, os, sys
rows, dest = sys.argv[1], sys.argv[2]
partial = sys.argv[3] == "1"
old = json.load(open(dest))["cases"] if os.path.exists(dest) else []
cases = {c["case"]: c for c in old} if partial else {}  # RT_CASES keeps the other cases
for line in open(rows):
    name, label, target, stack, desc, rc, log, files = line.rstrip("\n").split("\t")
    files = files.split(",")
    cases[name] = {"case": name, "file": files[0], "label": label,
                   "target": None if target == "-" else target, "stack": stack,
                   "mechanism": desc, "clientExit": int(rc), "clientSaid": log.strip()}
    if len(files) > 1:
        cases[name]["moreFiles"] = files[1:]
doc = {"generatedBy": "test/real-tools/make.sh", "cases": [cases[k] for k in sorted(cases)]}
with open(dest, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")
kept = {f for c in cases.values() for f in [c["file"], *c.get("moreFiles", [])]}
for c in old:
    for f in [c["file"], *c.get("moreFiles", [])]:
        p = os.path.join(os.path.dirname(dest), f)
        if f not in kept and os.path.exists(p):
            os.remove(p)
EOF
}

topology
certs
servers
cases_healthy
cases_loopback
cases_dns
cases_tcp
cases_route
cases_backend
cases_tls
cases_loss
cases_captured_elsewhere
cases_more_mechanisms
cases_noise
write_manifest
say "$cases_done cases in $out ($(du -sh "$out" | cut -f1))"
