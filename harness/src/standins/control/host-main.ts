/**
 * Entry of the stand-in host's own bundle (/opt/backside/standin-host.mjs, which entry.sh runs
 * as `node standin-host.mjs /opt/backside/<role>.mjs`): hosts the role's program bundle in
 * worker threads (standin-host.ts) without loading it on the main thread. Exit 2: no program
 * or no BACKSIDE_ROLE.
 */
import { pathToFileURL } from "node:url";
import { hostStandin } from "./standin-host.js";

const program = process.argv[2];
const role = process.env.BACKSIDE_ROLE;
if (!program || !role) {
  process.stderr.write("standin-host: usage: BACKSIDE_ROLE=<role> node standin-host.mjs <program>.mjs\n");
  process.exit(2);
}
void hostStandin(pathToFileURL(program).href, role);
