/**
 * What the role images' entry script does, for images that have none (the base image with a
 * command override): delete every default route, apply BACKSIDE_ROUTES, then exec the command.
 * Used as the container's entrypoint, so routes are in place before the program runs.
 * The `del` loop ends when no default route is left (or at once without NET_ADMIN).
 */
export const ROUTE_SHIM = [
  "/bin/sh",
  "-c",
  [
    "i=0",
    "while [ $i -lt 16 ] && ip -4 route del default 2>/dev/null; do i=$((i+1)); done",
    'if [ -n "$BACKSIDE_ROUTES" ]; then',
    "  IFS=';'",
    "  for r in $BACKSIDE_ROUTES; do IFS=' '; ip route replace $r || exit 97; IFS=';'; done",
    "  unset IFS",
    "fi",
    'exec "$@"',
  ].join("\n"),
  "backside-route-shim",
];

/** True when the image's own entrypoint applies BACKSIDE_ROUTES (the role images). */
export function imageAppliesRoutes(entrypoint: string[] | string | null | undefined): boolean {
  const ep = Array.isArray(entrypoint) ? entrypoint.join(" ") : (entrypoint ?? "");
  return ep.includes("/opt/backside/entry");
}
