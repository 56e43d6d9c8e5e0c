#!/usr/bin/env bash
# npm run setup: make this machine able to run backside, then build the images.
#
# On Debian 12 as root it installs what is missing (docker.io, debootstrap, tcpdump, tshark,
# chromium, docker-compose v1, xmllint from libxml2-utils, python3-junitparser, zsh for the completion test, tmux for the lab shell's test, and for
# test/real-tools/make.sh nginx, haproxy, dnsmasq, unbound, nftables, curl, wget, openssl) with one
# `apt-get update`, starts dockerd when no engine answers, installs the npm dependencies, compiles
# the CLI (npm run build) and builds the images offline. Every step is skipped when its
# result is already there, so a second run takes seconds. Elsewhere (not root, no apt, Docker
# Desktop) it says what to do by hand and exits 1.
#
# Env: BACKSIDE_DOCKERD_LOG (default /var/log/backside-dockerd.log), BASE_IMAGE, BACKSIDE_MIRROR
# (see `backside images --help`).
set -euo pipefail
cd "$(dirname "$0")/.."

t_start=$(date +%s.%N)
step_start=$t_start
say() { printf 'setup: %s\n' "$*"; }
die() {
  printf 'setup: %s\n' "$@" >&2
  exit 1
}
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }
done_step() {
  say "$1 ($(elapsed "$step_start"))"
  step_start=$(date +%s.%N)
}

is_root() { [ "$(id -u)" -eq 0 ]; }
docker_ok() { timeout 20 docker info >/dev/null 2>&1; }

# --- Node: the one thing we cannot install from Debian (bookworm's nodejs is 18; we need >= 20).
command -v node >/dev/null || die "node is not installed: install Node.js 20 or 22 (https://nodejs.org or NodeSource), then rerun npm run setup"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "node $(node --version) is too old: backside needs Node.js 20 or 22"

# --- System packages: command -> Debian package.
declare -A pkg_for=(
  [dockerd]=docker.io
  [debootstrap]=debootstrap
  [tcpdump]=tcpdump
  [tshark]=tshark
  [chromium]=chromium
  [docker-compose]=docker-compose
  [xmllint]=libxml2-utils
  [zsh]=zsh
  [tmux]=tmux
  [nginx]=nginx-light
  [dnsmasq]=dnsmasq-base
  [unbound]=unbound
  [nft]=nftables
  [curl]=curl
  [wget]=wget
  [openssl]=openssl
  [haproxy]=haproxy
)
missing=()
for cmd in dockerd debootstrap tcpdump tshark chromium docker-compose xmllint zsh tmux nginx dnsmasq unbound nft curl wget openssl haproxy; do
  # A running engine we can reach (Docker Desktop, rootless, a remote host) counts as docker.
  if [ "$cmd" = dockerd ] && docker_ok; then continue; fi
  # nginx, dnsmasq, unbound and nft live in /usr/sbin, often not on a user's PATH.
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || missing+=("${pkg_for[$cmd]}")
done
# Not a command: the JUnit test reads junit.xml with Debian's junitparser, as a CI tool would.
/usr/bin/python3 -c 'import junitparser' >/dev/null 2>&1 || missing+=(python3-junitparser)

if [ "${#missing[@]}" -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    die "missing: ${missing[*]}; this machine has no apt-get, so install them by hand:" \
      "  Docker (Docker Desktop or Docker Engine 20.10+, running), docker-compose v1, tcpdump, tshark, chromium, xmllint (libxml2), zsh, tmux, python3 with junitparser;" \
      "  debootstrap needs Linux and root: without it, set BASE_IMAGE=debian:bookworm-slim (needs a registry)" \
      "  and note the image gets this machine's node binary, so the host must be Linux x86-64 with glibc."
  fi
  if ! is_root; then
    preseed=""
    [[ " ${missing[*]} " == *" tshark "* ]] &&
      preseed="  echo 'wireshark-common wireshark-common/install-setuid boolean false' | sudo debconf-set-selections"
    die "missing: ${missing[*]}; run as root:" \
      ${preseed:+"$preseed"} \
      "  sudo env DEBIAN_FRONTEND=noninteractive apt-get update" \
      "  sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" \
      "then rerun npm run setup (or run it as root)."
  fi
  export DEBIAN_FRONTEND=noninteractive
  # tshark's wireshark-common asks whether non-root users may capture; answer no, never prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  say "installing ${missing[*]}"
  apt-get update -qq </dev/null
  apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" </dev/null >/tmp/backside-apt.log 2>&1 || {
    tail -n 20 /tmp/backside-apt.log >&2
    die "apt-get install failed (full log: /tmp/backside-apt.log)"
  }
  done_step "installed ${missing[*]}"
else
  done_step "system packages present"
fi

# --- Docker engine.
if ! docker_ok; then
  command -v dockerd >/dev/null || die "no Docker engine answers and dockerd is not installed"
  if ! is_root; then
    die "no Docker engine answers: start it (sudo dockerd &, systemctl start docker, or Docker Desktop)," \
      "or add yourself to the docker group; then rerun npm run setup"
  fi
  log=${BACKSIDE_DOCKERD_LOG:-/var/log/backside-dockerd.log}
  say "starting dockerd (log: $log)"
  # setsid + nohup: dockerd must outlive this script and the CI step that ran it.
  setsid nohup dockerd >"$log" 2>&1 </dev/null &
  deadline=$(($(date +%s) + 60))
  until docker_ok; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      tail -n 20 "$log" >&2
      die "dockerd did not answer within 60 s (log: $log)"
    fi
    sleep 0.5
  done
  done_step "dockerd is up"
else
  done_step "docker engine answers ($(docker info --format '{{.ServerVersion}}' 2>/dev/null))"
fi

# --- npm dependencies: only when node_modules is older than the lock file (npm ci is ~30 s).
if [ -f package-lock.json ]; then
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "npm ci"
    npm ci --no-audit --no-fund </dev/null
    done_step "npm dependencies installed"
  else
    done_step "npm dependencies up to date"
  fi
else
  say "no package-lock.json: npm install"
  npm install --no-audit --no-fund </dev/null
  done_step "npm dependencies installed"
fi

# --- The compiled CLI and library in dist/, after the workspace package it imports
# (harness/tcpdump-wrapper/dist/) (harness/bin/backside.js runs it; without a current
# build it falls back to the TypeScript sources through tsx, which costs every start).
if [ ! -f dist/.build-stamp ] ||
  [ -n "$(find harness/src harness/tcpdump-wrapper/src harness/tcpdump-wrapper/package.json harness/tcpdump-wrapper/tsconfig.json scripts/build.mjs tsconfig.json tsconfig.build.json package.json -newer dist/.build-stamp -print -quit)" ]; then
  npm run build --silent </dev/null
  done_step "built dist/"
else
  done_step "dist/ up to date"
fi

# --- Images (each skipped when its input hash is unchanged; debootstrap is cached in .cache/).
node harness/bin/backside.js images build </dev/null
done_step "images ready"

say "done in $(elapsed "$t_start")"
