import { locationFromSpan } from '../../location.js';
import type { ExprNode } from '../../parsers/expression.js';
import { parseUses } from '../../parsers/uses.js';
import type { Job, Located, Step, WorkflowSource } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import { locatedText } from '../../parsers/workflow-expressions.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { type ConditionPart, nodes, readCondition } from './condition-parts.js';
import { joinContinuations } from './shell.js';

/**
 * Constructs that do nothing but hide what a workflow does from a reviewer (and from other audits):
 * - `uses:` paths with empty, `.` or `..` segments (`actions/checkout/../checkout@v4`): medium;
 * - expressions that compute a constant or undo themselves (`format('{0}/{1}', 'a', 'b')`,
 *   `fromJSON(toJSON(x))`): low;
 * - scripts that decode and run a command (`echo ... | base64 -d | sh`, `powershell -EncodedCommand`,
 *   `exec(base64.b64decode(...))`): high, because nobody reviewing the file can see what runs.
 */
export const workflowObfuscation = defineEvaluator<Record<string, never>>({
  kind: 'workflow.obfuscation',
  scope: 'file',
  summary:
    'Needless indirection that hides what runs: dot segments in uses:, constant or self-cancelling expressions, encoded commands.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const uses = (path: string, node: Located<string> | undefined) => {
      // Only a path with `/.` or `//` can be obscured: most references are not parsed at all.
      const why = node && /\/\.|\/\//.test(node.value) ? obscurePath(node.value) : undefined;
      if (!node || !why) return;
      findings.push({
        message: `"${node.value.trim()}" ${why}; write the plain path so reviewers and tools see which action runs.`,
        location: locationFromSpan(path, node.span),
        key: `uses/${node.value.trim()}`,
        severity: 'medium',
      });
    };
    const needlessIn = (part: ConditionPart, owner: string) => {
      for (const n of nodes(part.node)) {
        const why = needless(n);
        if (!why) continue;
        const text = part.inner.slice(n.start, n.end);
        findings.push({
          message: `"${text}" ${why}; write the value directly so it can be read and audited.`,
          location: part.locate(n.start, n.end),
          key: `${owner}/${text}`,
          severity: 'low',
        });
        break;
      }
    };
    // Bare `if:` conditions are expressions too, without `${{ }}` (fenced ones come as expressions).
    const condition = (source: WorkflowSource, holder: Job | Step, owner: string) => {
      const c = readCondition(workspace, source, holder, CALL_TEXT);
      if (c && !c.fenced) for (const part of c.parts) needlessIn(part, `${owner}/if`);
    };
    walkWorkflows(
      workflowSources(workspace),
      {
        job(job, workflow) {
          uses(workflow.path, job.uses);
          condition(workflow, job, job.id);
        },
        step(step, source, job) {
          uses(source.path, step.uses);
          condition(source, step, `${job?.id ?? ''}/${step.index}`);
          if (!step.run || !ENCODED_TEXT.test(step.run.value)) return;
          const hits = encodedExecutions(step.run.value);
          if (hits.length === 0) return;
          const text = locatedText(workspace, source.path, step.run);
          for (const hit of hits) {
            findings.push({
              message:
                `"${hit.text.slice(0, 100)}" decodes a command and runs it, so no reviewer can see what this step does. ` +
                'Write the command itself in the script (or commit the script as a file).',
              location: text.locate(hit.start, hit.end),
              key: `${job?.id ?? ''}/${step.index}/${hit.text}`,
            });
          }
        },
        expression(expr) {
          if (!CALL_TEXT.test(expr.inner) || !expr.parsed.ok || !expr.parsed.node) return;
          const part = { node: expr.parsed.node, inner: expr.inner, locate: expr.locate };
          needlessIn(part, `${expr.jobId ?? ''}/${expr.field.join('.')}`);
        },
      },
      workspace,
    );
    return findings;
  },
});

/** Quick tests before walking a tree or running the patterns. */
const CALL_TEXT = /format|json|join/i;
const ENCODED_TEXT = /base64|xxd|-e(?:nc|ncodedcommand)?\s|b64decode/i;

/** Why a `uses:` path is obscured, or undefined. */
function obscurePath(text: string): string | undefined {
  const ref = parseUses(text);
  if (ref.kind === 'docker' || ref.kind === 'invalid') return undefined;
  const path = ref.kind === 'local' ? ref.path.slice(2) : [ref.owner, ref.repo, ref.path ?? ''].join('/');
  const segments = (ref.kind === 'repository' && !ref.path ? `${ref.owner}/${ref.repo}` : path).split('/');
  // A local path that starts with `..` names a directory above the workspace (an action placed there so a
  // later checkout cannot overwrite it): there is no shorter way to write it. A `..` after a named
  // directory only undoes that directory.
  const named = ref.kind === 'local' ? segments.findIndex((s) => s !== '..') : 0;
  if (named >= 0 && segments.slice(named).some((s) => s === '..'))
    return 'climbs out of a directory with ".." in its path';
  if (segments.some((s) => s === '.')) return 'has a "." segment in its path';
  if (segments.slice(0, -1).some((s) => s === '') || /\/\//.test(path))
    return 'has an empty segment ("//") in its path';
  return undefined;
}

/** Why an expression node is needless indirection, or undefined. */
function needless(n: ExprNode): string | undefined {
  if (n.kind !== 'call') return undefined;
  const [first] = n.args;
  if ((n.name === 'fromjson' || n.name === 'tojson') && first?.kind === 'call') {
    const pair = n.name === 'fromjson' ? 'tojson' : 'fromjson';
    if (first.name === pair) return 'converts a value to JSON and straight back';
  }
  if (n.name === 'format' && n.args.length > 1 && n.args.every((a) => a.kind === 'literal'))
    return 'assembles a constant from literal pieces';
  if (n.name === 'join' && n.args.length >= 1 && first?.kind === 'literal' && typeof first.value === 'string')
    return 'joins a single string, which returns it unchanged';
  return undefined;
}

/** An encoded command being decoded and run, at its offsets in the script. */
interface Hit {
  start: number;
  end: number;
  text: string;
}

const SHELL = String.raw`(?:sudo\s+)?(?:ba|z|da|k)?sh|python[23]?|perl|ruby|node|pwsh|powershell|iex|Invoke-Expression`;
const DECODE = String.raw`(?:base64\s+(?:-\w*d\w*|--decode)|openssl\s+(?:enc\s+-)?base64\s+-d|xxd\s+-r(?:\s+-p)?)`;
/** Each pattern is linear: bounded negated classes, no nested quantifiers. */
const ENCODED = [
  // echo <blob> | base64 -d | sh
  // (the interpreter reads the program from standard input: no script or module after it)
  new RegExp(
    String.raw`${DECODE}[^|;&\n]{0,300}\|\s*(?:${SHELL})(?:\s+-{1,2}\w{0,8}){0,3}[ \t]*(?=$|[;&|\n)"'#])`,
    'gim',
  ),
  // eval "$(echo <blob> | base64 -d)", bash -c "$(... | base64 --decode)", source <(...base64 -d)
  new RegExp(
    String.raw`(?:eval|(?:ba|z)?sh\s+-c|source|\.)\s+["']?(?:\$\(|<\()[^)\n]{0,2000}?${DECODE}`,
    'gi',
  ),
  // powershell -EncodedCommand <blob>, pwsh -enc <blob>
  /(?<![\w-])(?:pwsh|powershell)(?:\.exe)?\s+(?:-\w+\s+){0,4}-e(?:nc(?:odedcommand)?)?\s+[A-Za-z0-9+/=]{16,}/gi,
  // python -c "exec(base64.b64decode('...'))"
  /(?<![\w.])(?:exec|eval)\s*\(\s*(?:__import__\(\s*['"]base64['"]\s*\)|base64)\.b64decode\s*\(/gi,
];

/** Decode-and-run commands in a script. */
export function encodedExecutions(script: string): Hit[] {
  const joined = joinContinuations(script);
  const out: Hit[] = [];
  for (const re of ENCODED) {
    for (const m of joined.matchAll(re)) {
      const start = m.index;
      if (out.some((o) => start < o.end && o.start < start + m[0].length)) continue;
      out.push({ start, end: start + m[0].length, text: m[0].replace(/\s+/g, ' ') });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
