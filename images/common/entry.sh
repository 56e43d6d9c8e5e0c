#!/bin/sh
# Entry point of every role image (ENTRYPOINT ["/opt/backside/entry.sh"]).
#
# 1. Routes. When env BACKSIDE_ROUTES is set (even empty), every default route is deleted and
#    each `;`-separated entry is applied with `ip route replace <entry>`, e.g.
#    BACKSIDE_ROUTES="default via 10.100.1.254; 10.100.3.0/24 via 10.100.1.254".
#    Set but empty = no default route at all. A route that fails stops the container (exit 64)
#    with one line naming it. Unset = Docker's routes are left alone (the client, which has no
#    NET_ADMIN). Deleting Docker's default route is what keeps a node from reaching the host.
# 2. Program. With arguments, they are exec'd (a one-off command after the routes). Otherwise
#    `node /opt/backside/$BACKSIDE_ROLE.mjs` when the image has that program (each Dockerfile sets
#    BACKSIDE_ROLE), else `sleep infinity` (firewall, client: driven through `docker exec`).
# 3. Reset in place. The program runs under the stand-in host
#    (harness/src/standins/control/standin-host.ts), in the same process: `POST /reset` to
#    127.0.0.1:9001 stops the program, removes what it wrote (the folders in
#    BACKSIDE_STATE_DIRS), prints `entry: reset: ...` (where a reused topology cuts the node's
#    output) and starts it again with the configuration it was sent. SIGTERM/SIGINT end it.
set -eu
set -f # route entries are split on spaces below; never glob them

fail() {
  echo "entry: $*" >&2
  exit 64
}

# Runs in a function so that `set --` below changes the function's arguments, not the script's.
apply_routes() {
  # Bounded: a table never has more than a few default routes (one per interface at most).
  for family in -4 -6; do
    i=0
    while [ -n "$(ip "$family" route show default 2>/dev/null)" ]; do
      i=$((i + 1))
      [ "$i" -le 16 ] || fail "default routes ($family) keep coming back; giving up"
      err=$(ip "$family" route del default 2>&1) ||
        fail "cannot delete the default route ($family): $err (the container needs NET_ADMIN)"
    done
  done
  old_ifs=$IFS
  IFS=';'
  # The list is split on `;` once, here; inside the loop IFS is back to normal so that each
  # entry splits into ip's arguments on spaces.
  for route in $BACKSIDE_ROUTES; do
    IFS=$old_ifs
    # shellcheck disable=SC2086
    set -- $route
    [ "$#" -gt 0 ] || continue
    err=$(ip route replace "$@" 2>&1) || fail "route '$*' from BACKSIDE_ROUTES failed: $err"
  done
  IFS=$old_ifs
  echo "entry: routes applied: $(ip -4 route show | sed 's/ *$//' | paste -sd ';')"
}

if [ -n "${BACKSIDE_ROUTES+set}" ]; then
  apply_routes
fi

if [ "$#" -gt 0 ]; then
  exec "$@"
fi
set +f
program="/opt/backside/${BACKSIDE_ROLE:-}.mjs"
if [ -n "${BACKSIDE_ROLE:-}" ] && [ -f "$program" ]; then
  exec node "$program"
fi
exec sleep infinity
