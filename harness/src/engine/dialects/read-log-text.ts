/**
 * A gateway log of any dialect → log evidence. The dialect is told from the text (no flag):
 * the appliance's lines, nginx's error or access log, or HAProxy's log, whichever most of the
 * first lines are. The appliance's lines go through its own parser; the others through theirs,
 * into the same facts.
 */
import { parseLog } from "../../appliance/index.js";
import { logEvidence, type LogEvidence } from "../log-evidence.js";
import {
  HAPROXY_CLF_LINE,
  HAPROXY_HTTP_LINE,
  HAPROXY_SERVER_LINE,
  HAPROXY_TCP_LINE,
  readHaproxyLog,
} from "./haproxy-log.js";
import { isNginxLine, readNginxLog } from "./nginx-log.js";
import { unwrapSyslog } from "./syslog-prefix.js";
import { parseLogLine } from "../../appliance/log-line.js";

export type LogDialect = "appliance" | "nginx" | "haproxy";

const SAMPLE_LINES = 500;

export function detectDialect(text: string): LogDialect {
  const votes: Record<LogDialect, number> = { appliance: 0, nginx: 0, haproxy: 0 };
  let seen = 0;
  for (const raw of text.split(/\r?\n/, SAMPLE_LINES * 4)) {
    if (!raw.trim() || raw.length > 64 * 1024) continue;
    if (++seen > SAMPLE_LINES) break;
    // HAProxy's CLF form starts as nginx's combined does: its own fields tell it first.
    if (HAPROXY_CLF_LINE.test(unwrapSyslog(raw).text)) votes.haproxy++;
    else if (isNginxLine(raw)) votes.nginx++;
    else if (
      HAPROXY_HTTP_LINE.test(raw) ||
      HAPROXY_TCP_LINE.test(raw) ||
      HAPROXY_SERVER_LINE.test(unwrapSyslog(raw).text)
    )
      votes.haproxy++;
    else if (parseLogLine(raw)) votes.appliance++;
  }
  if (votes.nginx > votes.appliance && votes.nginx >= votes.haproxy) return "nginx";
  if (votes.haproxy > votes.appliance) return "haproxy";
  return "appliance";
}

export function readLogText(text: string, source: string): LogEvidence & { dialect: LogDialect } {
  const dialect = detectDialect(text);
  if (dialect === "appliance") return { ...logEvidence(parseLog(text), source), dialect };
  const r = dialect === "nginx" ? readNginxLog(text, source) : readHaproxyLog(text, source);
  return { facts: r.facts, entries: r.entries, problems: [], unknown: [], dialect };
}
