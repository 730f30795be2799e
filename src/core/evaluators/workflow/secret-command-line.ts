import type { Job, LocatedMap, Step, WorkflowSource } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import { locatedText } from '../../parsers/workflow-expressions.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { everyWorkflow } from './callers.js';
import { type Command, commandsOf, programName } from './commands.js';
import { secretNameKind } from './secret-names.js';
import { stepLabel } from './shared.js';
import { functionsBefore, SHELL_FILE_GLOBS, type ShellFunction } from './shell-functions.js';

/**
 * A secret written into the arguments of a program (`docker login -p ${{ secrets.X }}`, `curl -H
 * "Authorization: Bearer $TOKEN"`) sits in that process's command line for as long as it runs: any
 * process on the machine can read it (`ps`, /proc/<pid>/cmdline), process auditing records it, and
 * the program may repeat its arguments in an error. GitHub's hardening guide asks for standard input
 * or an environment variable the program reads itself instead. Reported at the expression, or at the
 * variable when an `env:` entry (step, job or workflow) holds the secret and the script expands it
 * into the arguments. Not reported: shell builtins (`echo`, `printf`, `test`, `export`: no process is
 * started), assignments and `VAR=value` prefixes (environment, not arguments), here-documents and
 * here-strings (standard input), redirection targets and process substitutions (`<(printf ...)`), PowerShell cmdlets (Verb-Noun in a PowerShell script, run in the
 * shell's process), scripts of other interpreters (`shell: python`), and secrets whose name says they
 * name or address something rather than authenticate (`..._BUCKET`, `..._HOST`, `..._IP`, `..._REPO`,
 * `..._IMAGE_NAME`, `..._ORG_NAME`, `..._NAMESPACE`, `..._ACCOUNT_ID`, `..._USERNAME`, an access key's
 * id `..._ACCESS_KEY_ID`; also followed by words that only say which one, `S3_BUCKET_RELEASE`; see
 * secret-names.ts): an address is a program's argument by nature (`ssh user@$HOST_IP`).
 * A quoted argument over several lines (`curl -d '{` ... `}'`) is one word of its command.
 * A call of a shell function the script defines or sources (shell-functions.ts) starts no process
 * either: the secret is reported there only when the function's body expands the parameter that
 * holds it (or a variable set from it) into a program's arguments, and is not when the body only
 * pipes it from a builtin (`printf '%s' "$4" | docker login --password-stdin`).
 */
export const workflowSecretInCommandLine = defineEvaluator<Record<string, never>>({
  kind: 'workflow.secret-in-command-line',
  scope: 'file',
  // The shell files a script sources, for the functions it calls.
  readsOtherFiles: SHELL_FILE_GLOBS,
  affectedBy: everyWorkflow,
  summary:
    'Secrets placed in the arguments of a program a run: script starts, where other processes can read them.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    walkWorkflows(workflowSources(workspace), {
      step(step, source, job) {
        const script = step.run?.value;
        if (!script || !/secrets|github\.token|\$/.test(script) || otherInterpreter(step, source, job))
          return;
        const vars = secretVariables(source, job, step);
        const pwsh = powerShell(step, source, job);
        let text: ReturnType<typeof locatedText> | undefined;
        for (const command of commandsOf(script)) {
          const program = programName(command);
          if (!program || BUILTINS.has(program) || (pwsh && CMDLET.test(command.program[0]!.text))) continue;
          const uses = secretsInArguments(script, command, vars);
          const fn =
            uses.length > 0
              ? functionsBefore(workspace, script, command.start).get(command.program[0]!.text)
              : undefined;
          for (const use of uses) {
            // A function's parameter: reported where its body puts it in a program's arguments.
            const inner = fn ? reachedProgram(fn, command, use) : undefined;
            if (fn && inner === null) continue;
            text ??= locatedText(workspace, source.path, step.run!);
            const shown = use.variable ? `"${use.text}" (${use.secret})` : `"${use.text}"`;
            findings.push({
              message:
                (fn && inner
                  ? `${shown} is passed to the shell function "${fn.name}"${fn.file ? ` (${fn.file})` : ''}, which expands it ` +
                    `into the command line of "${inner}"`
                  : `${shown} is expanded into the command line of "${program}"`) +
                ': while it runs, the secret is in its ' +
                'arguments, which other processes on the runner can read (ps, /proc) and process auditing or the ' +
                "program's own error output can record. Pass it on standard input or in an environment variable " +
                'the program reads itself.',
              location: text.locate(use.start, use.end),
              key: `${job?.id ?? ''}/${stepLabel(step)}/${program}/${use.secret}`,
            });
          }
        }
      },
    });
    return findings;
  },
});

/** Shell builtins (bash, sh) that can take a secret without starting a process. */
const BUILTINS = new Set(
  'echo printf test [ [[ export declare typeset local readonly read set unset : true false cd pushd shift return exit'.split(
    ' ',
  ),
);
/** A PowerShell cmdlet (Verb-Noun): it runs inside the shell's process. */
const CMDLET = /^[A-Za-z]+-[A-Za-z]+$/;
/**
 * Whether a secret's name (`AWS_S3_BUCKET_RELEASE`, `secrets.X`'s X) says it holds what names or
 * addresses something (a bucket, a host, a repository, an image, an account or app id, a user name)
 * or an access key's id, not a credential: kept secret to keep it out of logs, harmless in a command
 * line. The words are read by the classifier the rules share (secret-names.ts).
 */
function isSetting(name: string): boolean {
  return secretNameKind(name) !== 'credential';
}

/** `${{ }}` whose value is a secret: `secrets.NAME`, `secrets['NAME']`, the job's token. */
const SECRET_EXPR = /\$\{\{\s*(secrets\.[\w-]+|secrets\[\s*'[^']+'\s*\]|github\.token)\s*\}\}/gi;

export interface SecretUse {
  start: number;
  end: number;
  text: string;
  secret: string;
  variable: boolean;
}

export function otherInterpreter(step: Step, source: WorkflowSource, job: Job | undefined): boolean {
  const shell =
    step.shell?.value ??
    job?.defaults?.shell?.value ??
    (source.kind === 'workflow' ? source.defaults?.shell?.value : undefined);
  return typeof shell === 'string' && /^\s*(?:python|node|perl|ruby|deno)\b/.test(shell);
}

/**
 * Whether the script runs in PowerShell, where a Verb-Noun command is a cmdlet in the shell's own
 * process: its `shell:` (or the job's or workflow's default) says so, or none is set on a Windows
 * runner, whose default is PowerShell. Elsewhere `ansible-playbook` or `docker-compose` is a program.
 */
export function powerShell(step: Step, source: WorkflowSource, job: Job | undefined): boolean {
  const shell =
    step.shell?.value ??
    job?.defaults?.shell?.value ??
    (source.kind === 'workflow' ? source.defaults?.shell?.value : undefined);
  if (typeof shell === 'string') return /^\s*(?:pwsh|powershell)\b/i.test(shell);
  return /windows/i.test(JSON.stringify(job?.runsOn?.value ?? ''));
}

/** Environment variables of the step (its own, its job's, its workflow's) that hold exactly a secret. */
export function secretVariables(
  source: WorkflowSource,
  job: Job | undefined,
  step: Step,
): Map<string, string> {
  const out = new Map<string, string>();
  const add = (env: LocatedMap | undefined) => {
    for (const [name, node] of env?.entries ?? []) {
      if (typeof node.value !== 'string') {
        out.delete(name);
        continue;
      }
      const inner = /^\s*\$\{\{([^}]*)\}\}\s*$/.exec(node.value)?.[1];
      const secret = inner === undefined ? undefined : secretOf(inner);
      if (secret) out.set(name, secret);
      else out.delete(name);
    }
  };
  if (source.kind === 'workflow') add(source.env);
  add(job?.env);
  add(step.env);
  return out;
}

/** A reference to a secret or the job's token. */
const SECRET_REF = /^(?:secrets\.[\w-]+|secrets\[\s*'[^']+'\s*\]|github\.token)$/i;

/**
 * The secret an expression's value is: one reference (`secrets.X`, the job's token), or a choice
 * between such references and literals (`secrets.GHCR_TOKEN || github.token`), named by its first
 * secret that is not a setting; undefined for anything else.
 */
function secretOf(inner: string): string | undefined {
  const parts = inner.split('||').map((p) => p.trim());
  if (!parts.every((p) => SECRET_REF.test(p) || /^'[^']*'$/.test(p))) return undefined;
  return parts.find((p) => SECRET_REF.test(p) && !isSetting(p.replace(/^secrets\W+|\W+$/g, '')));
}

/** The secrets among the arguments of a command, skipping redirections and their targets. */
function secretsInArguments(script: string, command: Command, vars: Map<string, string>): SecretUse[] {
  const out: SecretUse[] = [];
  const words = command.program;
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (/^[<>]\(/.test(word.text)) {
      // A process substitution: the program gets a file name, the secret goes to the inner command.
      let depth = 0;
      for (; i < words.length; i++) {
        depth += (words[i]!.text.match(/\(/g) ?? []).length - (words[i]!.text.match(/\)/g) ?? []).length;
        if (depth <= 0) break;
      }
      continue;
    }
    if (/^\d*(?:<<<|<<|>>|>|<|&>)/.test(word.text)) {
      // A redirection: the word after a bare operator is its target (a file, a here-string).
      if (/^\d*(?:<<<|<<|>>|>|<|&>)$/.test(word.text)) i++;
      continue;
    }
    out.push(...secretsInWord(script, word, vars));
  }
  return out;
}

/**
 * The secrets one word of a script holds: `${{ secrets.X }}` / `${{ github.token }}` written in it
 * (unless the name says it is a setting), and variables bound to one (see {@link variableUses}).
 */
export function secretsInWord(
  script: string,
  word: { start: number; end: number },
  vars: Map<string, string>,
): SecretUse[] {
  const out: SecretUse[] = [];
  const raw = script.slice(word.start, word.end);
  for (const m of raw.matchAll(SECRET_EXPR)) {
    if (isSetting(m[1]!.replace(/^secrets\W+|\W+$/g, ''))) continue;
    const start = word.start + m.index;
    out.push({ start, end: start + m[0].length, text: m[0], secret: m[1]!, variable: false });
  }
  if (vars.size > 0) out.push(...variableUses(raw, word.start, vars));
  return out;
}

/**
 * The program a shell function's body expands the argument `use` stands in into the arguments of
 * (the positional parameter of its word, `$4` or `${4}`, or a variable assigned from it, `local
 * password=$4`), or null when none does. Undefined when that cannot be told: an argument before it
 * that may expand to several words or none (`$@`, an array), or a body that shifts its parameters
 * or hands all of them on (`"$@"`), read as reaching a program. A function the body calls counts as
 * a program.
 */
function reachedProgram(fn: ShellFunction, call: Command, use: SecretUse): string | null | undefined {
  const index = call.program.findIndex((w) => w.start <= use.start && use.end <= w.end);
  if (index < 1 || call.program.slice(1, index).some((w) => /\$[@*]|\$\{[@*#]|\[@\]|\[\*\]/.test(w.text)))
    return undefined;
  const commands = commandsOf(fn.body);
  if (commands.some((c) => programName(c) === 'shift')) return undefined;
  const held = new Map([[String(index), use.secret]]);
  // Variables set from it, and from those (`local p=$4; pass=$p`), in the order they are set.
  for (const c of commands) {
    for (const w of c.words) {
      const assigned = /^([A-Za-z_]\w*)=(.*)$/s.exec(w.text);
      if (assigned && variableUses(assigned[2]!, 0, held).length > 0) held.set(assigned[1]!, use.secret);
    }
  }
  for (const c of commands) {
    const program = programName(c);
    if (!program || BUILTINS.has(program)) continue;
    if (secretsInArguments(fn.body, c, held).length > 0) return program;
    if (c.program.slice(1).some((w) => /\$[@*]|\$\{[@*]/.test(fn.body.slice(w.start, w.end)))) return program;
  }
  return null;
}

/** `$NAME`, `${NAME}` and `$env:NAME` of secret variables in a word, outside single quotes and `${{ }}`. */
function variableUses(raw: string, offset: number, vars: Map<string, string>): SecretUse[] {
  const out: SecretUse[] = [];
  let quote: string | undefined;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      continue;
    }
    if (ch === '\\') i++;
    else if (ch === '"') quote = quote ? undefined : '"';
    else if (ch === "'" && !quote) quote = "'";
    else if (ch === '$') {
      // `$env:NAME` is PowerShell's spelling.
      // `${NAME:-default}` and the other expansions of `${NAME...}` hold its value too.
      const m = /^\$(?:env:(\w+)|\{(\w+)(?:[:#%/^,][^}]*)?\}|(\w+))/.exec(raw.slice(i));
      const name = m?.[1] ?? m?.[2] ?? m?.[3];
      const secret = name === undefined ? undefined : vars.get(name);
      if (m && secret)
        out.push({ start: offset + i, end: offset + i + m[0].length, text: m[0], secret, variable: true });
      if (m) i += m[0].length - 1;
    }
  }
  return out;
}
