/**
 * `backside completion bash|zsh`: a completion script built from the commands' own option tables,
 * so a new option completes as soon as it is declared. Scenario names come from ./scenarios/*.yaml
 * at completion time (a file glob, not a start of backside: completion must be instant).
 */
import { BacksideError } from "../../errors.js";
import type { Command } from "../main.js";
import type { OptionSpec } from "../options.js";
import { helpText, parseOptions, type OptionTable } from "../options.js";

export const summary = "print a shell completion script (bash or zsh)";

export const options = {} satisfies OptionTable;
export const subcommands = ["bash", "zsh"] as const;

export const help = helpText(
  [
    "usage: backside completion bash|zsh",
    "",
    "  bash:  source <(backside completion bash)        (or save it in ~/.local/share/bash-completion/completions/backside)",
    '  zsh:   backside completion zsh > "${fpath[1]}/_backside"   (then restart zsh)',
  ],
  options,
);

interface Entry {
  name: string;
  summary: string;
  options: OptionTable;
  subcommands: readonly string[];
  /** Subcommands with options of their own (`lab make`), completed after the subcommand's name. */
  subs: Entry[];
}

async function entries(): Promise<Entry[]> {
  const { commands } = await import("../main.js");
  const out: Entry[] = [];
  for (const [name, load] of Object.entries(commands)) {
    let c: Command;
    try {
      c = await load();
    } catch {
      continue;
    }
    const subs: Entry[] = [];
    for (const [sub, summary] of c.subcommandSummaries?.() ?? []) {
      const m = await c.subcommand!(sub);
      subs.push({ name: sub, summary, options: m.options, subcommands: [], subs: [] });
    }
    out.push({ name, summary: c.summary, options: c.options ?? {}, subcommands: c.subcommands ?? [], subs });
  }
  return out;
}

/** How the shell completes an option's value: a file, a folder, fixed words, or nothing. */
function valueKind(s: OptionSpec): { files?: true; dirs?: true; words?: readonly string[] } | null {
  if (s.type === "boolean") return null;
  if (s.choices) return { words: s.choices };
  if (/DIR/.test(s.metavar)) return { dirs: true };
  if (/FILE/.test(s.metavar)) return { files: true };
  return {};
}

const SCENARIOS_SH = `ls scenarios 2>/dev/null | sed -n 's/\\.ya\\{0,1\\}ml$//p'`;

/** The `case` arms for one command (or `cmd sub`): each value option's reply, then its words. */
function bashArms(key: string, e: Entry): { values: string[]; words: string } {
  const values: string[] = [];
  for (const [k, s] of Object.entries(e.options)) {
    const v = valueKind(s);
    if (!v) continue;
    const reply = v.words
      ? `COMPREPLY=($(compgen -W "${v.words.join(" ")}" -- "$cur"))`
      : v.dirs
        ? `COMPREPLY=($(compgen -d -- "$cur"))`
        : v.files
          ? `COMPREPLY=($(compgen -f -- "$cur"))`
          : "COMPREPLY=()";
    values.push(`    "${key} --${k}") ${reply}; return ;;`);
  }
  const flags = Object.entries(e.options).flatMap(([k, s]) => [
    `--${k}`,
    ...(s.short ? [`-${s.short}`] : []),
  ]);
  const extra = e.subcommands.length ? ` ${e.subcommands.join(" ")}` : "";
  const scen = e.name === "run" ? ` $(${SCENARIOS_SH})` : "";
  return { values, words: `    "${key}") words="${[...flags, "--help"].join(" ")}${extra}${scen}" ;;` };
}

export function bashScript(list: readonly Entry[]): string {
  const names = list.map((e) => e.name).join(" ");
  const arms = list.flatMap((e) => [
    bashArms(e.name, e),
    ...e.subs.map((sub) => bashArms(`${e.name} ${sub.name}`, sub)),
  ]);
  const withSubs = list.filter((e) => e.subs.length).map((e) => e.name);
  // A command with subcommands of their own: from the third word on, complete for `cmd sub`.
  const subKey = withSubs.length
    ? `  case "$cmd" in\n    ${withSubs.join("|")}) [ "$COMP_CWORD" -gt 2 ] && cmd="$cmd \${COMP_WORDS[2]}" ;;\n  esac\n`
    : "";
  return `# bash completion for backside: source <(backside completion bash)
_backside() {
  local cur prev cmd words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${names} help --help --version" -- "$cur"))
    return
  fi
  if [ "$cmd" = help ]; then
    COMPREPLY=($(compgen -W "${names}" -- "$cur"))
    return
  fi
${subKey}  case "$cmd $prev" in
${arms.flatMap((a) => a.values).join("\n")}
  esac
  case "$cmd" in
${arms.map((a) => a.words).join("\n")}
    *) words="" ;;
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _backside backside
`;
}

/** zsh's _arguments specs quote help in [...] and separate fields with ':'. */
const zq = (s: string) => s.replace(/[[\]:\\]/g, "\\$&").replace(/'/g, "'\\''");

/** `_arguments` for one command's (or subcommand's) options. */
function zshArguments(e: Entry): string {
  const specs = Object.entries(e.options).map(([k, s]) => {
    const v = valueKind(s);
    const rep = s.type === "string" && s.multiple ? "*" : "";
    const names = s.short ? `{-${s.short},--${k}}` : `--${k}`;
    if (!v) return s.short ? `'(-${s.short} --${k})'${names}'[${zq(s.help)}]'` : `'--${k}[${zq(s.help)}]'`;
    const action = v.words ? `(${v.words.join(" ")})` : v.dirs ? "_directories" : v.files ? "_files" : " ";
    const meta = zq(s.type === "string" ? s.metavar : "");
    if (s.short) return `'(-${s.short} --${k})'{-${s.short}+,--${k}=}'[${zq(s.help)}]:${meta}:${action}'`;
    return `'${rep}--${k}=[${zq(s.help)}]:${meta}:${action}'`;
  });
  if (e.subcommands.length && !e.subs.length) specs.push(`'1:subcommand:(${e.subcommands.join(" ")})'`);
  if (e.name === "run") specs.push(`'*:scenario:_backside_scenarios'`);
  return `_arguments -s ${specs.join(" ")}`;
}

/** A command whose subcommands have options of their own: the subcommand first, then its options. */
function zshWithSubs(e: Entry): string {
  const subs = e.subs.map((s) => `'${s.name}:${zq(s.summary)}'`).join(" ");
  const cases = e.subs.map((s) => `            ${s.name}) ${zshArguments(s)} ;;`).join("\n");
  return `    ${e.name})
      if (( CURRENT == 2 )); then
        local -a subs
        subs=(${subs})
        _describe 'subcommand' subs
      else
        local sub=$words[2]
        (( CURRENT-- ))
        shift words
        case $sub in
${cases}
        esac
      fi ;;`;
}

export function zshScript(list: readonly Entry[]): string {
  const commands = list.map((e) => `    '${e.name}:${zq(e.summary)}'`).join("\n");
  const cases = list.map((e) =>
    e.subs.length ? zshWithSubs(e) : `    ${e.name})\n      ${zshArguments(e)} ;;`,
  );
  return `#compdef backside
# zsh completion for backside: backside completion zsh > "\${fpath[1]}/_backside"
_backside_scenarios() {
  local -a names
  names=(\${\${(f)"$(${SCENARIOS_SH})"}})
  _describe 'scenario' names
}

_backside() {
  local -a commands
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  local cmd=$words[2]
  (( CURRENT-- ))
  shift words
  case $cmd in
${cases.join("\n")}
    help)
      _describe 'command' commands ;;
  esac
}

if [ "$funcstack[1]" = "_backside" ]; then
  _backside "$@"
else
  compdef _backside backside
fi
`;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseOptions("completion", options, argv, { positionals: true });
  if (parsed === "help") {
    process.stdout.write(help + "\n");
    return 0;
  }
  const [shell, ...extra] = parsed.positionals;
  if ((shell !== "bash" && shell !== "zsh") || extra.length > 0)
    throw new BacksideError(
      "USAGE",
      `completion: name one shell, bash or zsh${shell ? ` (not '${parsed.positionals.join(" ")}')` : ""}`,
      {
        hint: "run `backside completion --help`",
      },
    );
  const list = await entries();
  process.stdout.write(shell === "bash" ? bashScript(list) : zshScript(list));
  return 0;
}
