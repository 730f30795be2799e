import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import { locatedText } from '../../parsers/workflow-expressions.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { type Command, commandsOf, programName, type Word } from './commands.js';
import {
  otherInterpreter,
  powerShell,
  type SecretUse,
  secretsInWord,
  secretVariables,
} from './secret-command-line.js';
import { stepLabel } from './shared.js';

/**
 * The runner masks a secret in the log by its exact value. A run: script that prints it transformed
 * (`echo "$KEY" | base64`, `| rev`, `| xxd -p`, `printf '%s\n' "${KEY:0:4}"`, `env | base64`) writes
 * a string the runner was never told about, in clear. Reported when the transformed text reaches the
 * log: the pipeline's last program is the encoder (or `tee`, which prints too), fed by `echo`/`printf`
 * of the secret, a here-string of it, `printenv NAME`, or the whole environment (`env`, `printenv`)
 * while a secret is in it; its standard output is not redirected to a file, not captured (`$(...)`,
 * backticks) and not read by a further program (`| gh secret set`). A substring or case change of a
 * secret variable expanded into `echo`/`printf` is the same leak. Not reported: a script that adds a
 * mask (`::add-mask::`) before it, PowerShell and other interpreters, secrets named for settings
 * (secret-names.ts), a hash between the secret and the encoder (`| sha256sum | base64`).
 */
export const workflowSecretPrintedUnmasked = defineEvaluator<Record<string, never>>({
  kind: 'workflow.secret-printed-unmasked',
  scope: 'file',
  summary:
    'Secrets printed to the log encoded, reversed or cut (| base64, | rev, a substring), which the runner cannot mask.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    walkWorkflows(workflowSources(workspace), {
      step(step, source, job) {
        const script = step.run?.value;
        if (!script || !/secrets|github\.token|\$|\benv\b|printenv/.test(script)) return;
        if (otherInterpreter(step, source, job) || powerShell(step, source, job)) return;
        const vars = secretVariables(source, job, step);
        const commands = commandsOf(script);
        let text: ReturnType<typeof locatedText> | undefined;
        const report = (use: SecretUse, how: string, what: string, form: string) => {
          text ??= locatedText(workspace, source.path, step.run!);
          const shown = use.variable ? `"${use.text}" (${use.secret})` : `"${use.text}"`;
          findings.push({
            message:
              `${shown} is printed to the log ${how}: the runner masks a secret only by its exact value, so ${what} ` +
              'appears in clear (in a public repository, for anyone to read). Do not print the secret; if a step must ' +
              'show a value derived from it, mask that value first with `echo "::add-mask::$VALUE"`.',
            location: text.locate(use.start, use.end),
            key: `${job?.id ?? ''}/${stepLabel(step)}/${use.secret}/${form}`,
            ...(use.variable ? { confidence: 'medium' as const } : {}),
          });
        };
        for (let i = 0; i < commands.length; i++) {
          // A pipeline: the commands joined by `|` from commands[i] on.
          let last = i;
          while (commands[last]!.next === '|' && last + 1 < commands.length) last++;
          const pipeline = commands.slice(i, last + 1);
          i = last;
          if (masked(script, pipeline[0]!.start) || captured(script, pipeline)) continue;
          // `| tee file` prints what it writes.
          let end = pipeline.length - 1;
          while (end > 0 && programName(pipeline[end]!) === 'tee' && !toFile(pipeline[end]!)) end--;
          const encoder = pipeline[end]!;
          const name = programName(encoder);
          const tail = pipeline[pipeline.length - 1]!;
          if (toFile(tail) || (end < pipeline.length - 1 && toFile(encoder))) continue;
          if (end === 0 && (name === 'echo' || name === 'printf')) {
            for (const use of cutSecrets(script, encoder, vars))
              report(use, 'cut or changed', 'that part of it', use.text);
            continue;
          }
          if (!name || !isEncoder(name, encoder)) continue;
          const label = encoder.program.map((w) => w.text).join(' ');
          // A here-string of the secret (`base64 <<< "$KEY"`).
          const here = encoder.words.findIndex((w) => /^\d*<<<$/.test(w.text) || /^\d*<<<./.test(w.text));
          if (here >= 0) {
            const w = encoder.words[here]!.text === '<<<' ? encoder.words[here + 1] : encoder.words[here];
            for (const use of w ? secretsIn(script, [w], vars) : [])
              report(use, `through "${label}"`, 'its encoded form', name);
          }
          if (end === 0) continue;
          const source0 = pipeline[0]!;
          const sourceName = programName(source0);
          if (pipeline.slice(1, end).some((c) => HASH.test(programName(c) ?? ''))) continue;
          if (sourceName === 'echo' || sourceName === 'printf' || sourceName === 'printenv') {
            const words = source0.program.slice(1);
            const uses =
              sourceName === 'printenv'
                ? words.flatMap((w) =>
                    vars.has(w.text)
                      ? [
                          {
                            start: w.start,
                            end: w.end,
                            text: w.text,
                            secret: vars.get(w.text)!,
                            variable: true,
                          },
                        ]
                      : [],
                  )
                : secretsIn(script, words, vars);
            for (const use of uses) report(use, `through "${label}"`, 'its encoded form', name);
            if (sourceName !== 'printenv' || words.length > 0) continue;
          }
          // The whole environment, with a secret in it (`env | base64`, `printenv | base64`).
          const dump = source0.words.length === 1 && /^(?:env|printenv)$/.test(source0.words[0]!.text);
          const [secret] = vars.values();
          if (dump && secret)
            report(
              {
                start: source0.words[0]!.start,
                end: source0.words[0]!.end,
                text: source0.words[0]!.text,
                secret,
                variable: true,
              },
              `with the whole environment through "${label}"`,
              'every secret in the environment',
              `${source0.words[0]!.text}|${name}`,
            );
        }
      },
    });
    return findings;
  },
});

/** Programs whose output is the input re-encoded, reversed or decoded: the same secret in another string. */
const ENCODERS = new Set(['base64', 'base32', 'basenc', 'rev', 'xxd', 'od', 'hexdump', 'hd', 'uuencode']);
/** Programs whose output does not give the input back. */
const HASH = /^(?:sha\d*sum|md5sum|b2sum|shasum|cksum|sum|wc|openssl|gpg|age)$/;

function isEncoder(name: string, command: Command): boolean {
  if (ENCODERS.has(name)) return true;
  // `openssl base64`, `openssl enc -base64` / `-a`.
  if (name === 'openssl') {
    const args = command.program.slice(1).map((w) => w.text);
    return (
      args[0] === 'base64' ||
      (args[0] === 'enc' && args.some((a) => a === '-base64' || a === '-a' || a === '-A'))
    );
  }
  return false;
}

/**
 * Whether a command's standard output goes to a file rather than the log (`> out`, `>> "$GITHUB_ENV"`,
 * `&> /dev/null`; not `>&2` or `> /dev/stderr`, which print), or, for `tee`, whether its own output does.
 */
function toFile(command: Command): boolean {
  const words = command.words;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.redirects) continue;
    const m = /^(1?>>?|&>>?|>\|)(.*)$/.exec(w.text);
    if (!m) continue;
    const target = m[2] || words[i + 1]?.text || '';
    if (/^&[12]$|^\/dev\/(?:stdout|stderr|tty)$/.test(target)) continue;
    return true;
  }
  return false;
}

/**
 * Whether the pipeline is the inside of a command substitution (`x=$(echo "$K" | base64)`, backticks):
 * a `$(` or backtick opened before it on its line, or in its first command, is not closed there.
 */
function captured(script: string, pipeline: readonly Command[]): boolean {
  const first = pipeline[0]!;
  const lineStart = script.lastIndexOf('\n', first.start - 1) + 1;
  const lastWord = first.words[first.words.length - 1];
  const head = script.slice(lineStart, lastWord ? lastWord.end : first.start);
  const opens = (head.match(/\$\(/g) ?? []).length;
  const closes = (head.match(/\)/g) ?? []).length;
  return opens > closes || (head.match(/`/g) ?? []).length % 2 === 1;
}

/** Whether the script adds a mask (`::add-mask::`) before `at`. */
function masked(script: string, at: number): boolean {
  return script.slice(0, at).includes('::add-mask::');
}

/** Secrets written in words: `${{ secrets.X }}` / `${{ github.token }}`, and variables bound to one. */
function secretsIn(script: string, words: readonly Word[], vars: Map<string, string>): SecretUse[] {
  const out: SecretUse[] = [];
  for (const word of words) {
    if (!word.redirects) out.push(...secretsInWord(script, word, vars));
  }
  return out;
}

/** `${KEY:0:4}`, `${KEY:4}`, `${KEY: -4}`, `${KEY^^}`, `${KEY,,}` of secret variables in echo/printf's words. */
function cutSecrets(script: string, command: Command, vars: Map<string, string>): SecretUse[] {
  return secretsIn(script, command.program.slice(1), vars).filter(
    (u) => u.variable && /^\$\{\w+(?::(?:\d+|\s+-\d+)(?::-?\d+)?|::-?\d+|\^\^?|,,?)\}$/.test(u.text),
  );
}
