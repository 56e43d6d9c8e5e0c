export { Fault, type Target } from "./fault.js";
export {
  FaultRuleSchema,
  MatchSchema,
  ICMP_REJECT_TYPES,
  type FaultRule,
  type FaultRuleInput,
  type Match,
  type MatchInput,
  type IcmpRejectType,
} from "./fault-rule.js";
export {
  renderFaultTable,
  renderClear,
  renderRule,
  matchExpr,
  FAULT_TABLE,
  FAULT_FAMILY,
  FAULT_PRIORITY,
} from "./render.js";
export { apply, applyFaults, clearFaults, listRules, type FaultTableListing } from "./apply.js";
export {
  detectNetem,
  applyNetem,
  clearNetem,
  renderNetem,
  type NetemSupport,
  type NetemOptions,
} from "./netem.js";
export { spawnExec, type Exec, type ExecResult } from "./exec.js";
