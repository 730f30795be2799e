import { type QuoteContext, quoteContexts, type ShellFamily } from '../../fix/shell-context.js';
import { setAt, YamlEditor, type YamlEntry } from '../../fix/yaml-edit.js';
import type { FixBatches, FixTarget } from '../../fix/yaml-fix.js';
import type { Job, Step, WorkflowExpression, WorkflowSource } from '../../parsers/workflow.js';
import type { TextEdit } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';

/**
 * The fix of template injection in a `run:` script: each reported `${{ }}` moves into the step's
 * `env:` under a variable name, and the script reads the variable in the form its shell expands as
 * one word without re-reading it as code (`"$NAME"` in bash and sh, `"$env:NAME"` in PowerShell).
 * One fix per step covers every reported expression of its script.
 */
export function injectionFix(
  fixes: FixBatches,
  findings: FixTarget[],
  workspace: Workspace,
  source: WorkflowSource,
  job: Job | undefined,
  step: Step,
  tainted: readonly WorkflowExpression[],
  all: readonly WorkflowExpression[],
): void {
  if (!fixes.enabled) return;
  const planned = plan(workspace, source, job, step, tainted, all);
  if ('unfixable' in planned) {
    for (const f of findings) f.unfixable = planned.unfixable;
    return;
  }
  const { edits, script, entries, vars } = planned;
  fixes.add(
    findings,
    source.path,
    source.document,
    `Read ${vars} from the step's env: instead of expanding it into the script`,
    () => edits,
    (doc) => {
      setAt(doc, step.run!.pointer, script);
      for (const entry of entries) setAt(doc, `${step.pointer}/env/${entry.key}`, entry.value);
    },
  );
}

interface Plan {
  edits: TextEdit[];
  script: string;
  entries: YamlEntry[];
  vars: string;
}

function plan(
  workspace: Workspace,
  source: WorkflowSource,
  job: Job | undefined,
  step: Step,
  tainted: readonly WorkflowExpression[],
  all: readonly WorkflowExpression[],
): Plan | { unfixable: string } {
  const run = step.run;
  if (!run || run.origin) return { unfixable: 'the script is written through a YAML alias' };
  const family = shellFamily(step, job, source);
  if (typeof family !== 'string' || (family !== 'posix' && family !== 'pwsh')) return family;
  const content = workspace.read(source.path);
  if (content.kind !== 'text') return { unfixable: 'the file could not be read again' };
  const { text, lines } = content;
  const exprs = [...tainted].sort((a, b) => a.start - b.start);
  for (const e of exprs) {
    const at = lines.lineStart(e.location.startLine) + (e.location.startColumn ?? 1) - 1;
    if (!e.exact || e.definedAt || text.slice(at, at + e.raw.length) !== e.raw)
      return { unfixable: 'the expression is written with escapes or through an alias' };
  }
  const opaque = all.map((e) => [e.start, e.start + e.raw.length] as [number, number]);
  const contexts = quoteContexts(
    run.value,
    family,
    exprs.map((e) => e.start),
    opaque,
  );
  const editor = new YamlEditor(text, lines, source.document);
  const inScalar = scalarEscape(editor, run.pointer);
  const names = new Names(step, job, source);
  const entries: YamlEntry[] = [];
  const edits: TextEdit[] = [];
  let script = '';
  let from = 0;
  for (const [i, e] of exprs.entries()) {
    const { name, entry } = names.bind(e);
    if (entry && !entries.includes(entry)) entries.push(entry);
    const use = reference(family, contexts[i]!, name);
    if (!use) return { unfixable: why(family, contexts[i]!) };
    const at = lines.lineStart(e.location.startLine) + (e.location.startColumn ?? 1) - 1;
    edits.push({ start: at, end: at + e.raw.length, text: inScalar(use) });
    script += run.value.slice(from, e.start) + use;
    from = e.start + e.raw.length;
  }
  script += run.value.slice(from);
  if (entries.length > 0) {
    if (step.env && !isMap(step.env.value)) return { unfixable: "the step's env: is not a mapping" };
    const insert = step.env
      ? editor.insertEntry(step.env.pointer, entries)
      : editor.insertEntry(step.pointer, { key: 'env', value: entries }, { before: ['run'] });
    if (!insert) return { unfixable: 'the step cannot be edited safely' };
    edits.push(insert);
  }
  const vars = [...new Set(exprs.map((e) => names.bind(e).name))].join(', ');
  return { edits: edits.sort((a, b) => a.start - b.start), script, entries, vars };
}

/**
 * How text is written inside the script's YAML scalar: a quoted `run: "..."` needs its quote escaped
 * (`\"` in double quotes, `''` in single quotes); block and plain scalars take it as it is (a plain
 * scalar that would start with a quote no longer reads the same, and verification refuses it).
 */
function scalarEscape(editor: YamlEditor, pointer: string): (text: string) => string {
  const span = editor.doc.span(pointer);
  const at = span ? editor.offset(span.start) : -1;
  // The span of a quoted scalar may start at its quote or at its first character.
  const first = /["']/.test(editor.text[at] ?? '') ? editor.text[at] : editor.text[at - 1];
  if (first === '"') return (t) => t.replace(/[\\"]/g, '\\$&');
  if (first === "'") return (t) => t.replace(/'/g, "''");
  return (t) => t;
}

/** How the step's script is run: a shell family, or why it cannot be fixed. */
function shellFamily(
  step: Step,
  job: Job | undefined,
  source: WorkflowSource,
): ShellFamily | { unfixable: string } {
  const set = [
    step.shell,
    job?.defaults?.shell,
    source.kind === 'workflow' ? source.defaults?.shell : undefined,
  ];
  const shell = set.find((s) => s !== undefined);
  if (shell) {
    if (typeof shell.value !== 'string' || shell.value.includes('${{'))
      return { unfixable: 'the shell is chosen at run time' };
    const word = (shell.value.trim().split(/\s+/)[0] ?? '').split(/[\\/]/).pop()!.toLowerCase();
    if (['bash', 'sh', 'zsh', 'dash', 'ksh'].includes(word)) return 'posix';
    if (word === 'pwsh' || word === 'powershell') return 'pwsh';
    if (word === 'cmd')
      return {
        unfixable:
          'cmd expands %NAME% before it parses the line, so an environment variable is still read as code there; run this step with bash or pwsh',
      };
    return {
      unfixable: `a ${word} script: bind the value in env: and read it with the language's environment API`,
    };
  }
  if (!job) return { unfixable: 'a composite action step without shell:' };
  const runsOn = job.runsOn?.value;
  const labels = JSON.stringify(runsOn ?? '');
  if (labels.includes('${{'))
    return { unfixable: 'the runner, and so the default shell, is chosen at run time' };
  return /windows/i.test(labels) ? 'pwsh' : 'posix';
}

/** The variable in the form the shell reads as one word of data there; undefined when there is none. */
function reference(family: ShellFamily, context: QuoteContext, name: string): string | undefined {
  if (family === 'posix') {
    switch (context) {
      case 'none':
        return `"$${name}"`;
      case 'double':
      case 'heredoc':
      case 'comment':
        return `\${${name}}`;
      case 'single':
        return `'"$${name}"'`;
      default:
        return undefined;
    }
  }
  switch (context) {
    case 'none':
      return `"$env:${name}"`;
    case 'double':
    case 'heredoc':
    case 'comment':
      return `\${env:${name}}`;
    default:
      return undefined;
  }
}

function why(family: ShellFamily, context: QuoteContext): string {
  if (context === 'quoted-heredoc' || context === 'literal')
    return 'the expression is inside text the shell does not expand (a quoted heredoc or here-string)';
  return family === 'pwsh'
    ? 'the expression is inside a single-quoted PowerShell string, which does not expand variables'
    : 'the expression is in a place of the script the fix does not rewrite';
}

/** Variable names for the step's expressions: reused when bound already, unique otherwise. */
class Names {
  private readonly taken = new Set<string>();
  private readonly byExpression = new Map<string, { name: string; entry?: YamlEntry }>();

  constructor(step: Step, job: Job | undefined, source: WorkflowSource) {
    for (const map of [step.env, job?.env, source.kind === 'workflow' ? source.env : undefined]) {
      for (const k of map?.entries.keys() ?? []) this.taken.add(k);
    }
    for (const [k, v] of step.env?.entries ?? []) {
      if (typeof v.value === 'string' && /^\$\{\{[^}]*\}\}$/.test(v.value.trim()))
        this.byExpression.set(inner(v.value), { name: k });
    }
  }

  bind(e: WorkflowExpression): { name: string; entry?: YamlEntry } {
    const key = e.inner.trim().replace(/\s+/g, ' ');
    const known = this.byExpression.get(key);
    if (known) return known;
    const envRef = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(key);
    if (envRef) {
      const bound = { name: envRef[1]! };
      this.byExpression.set(key, bound);
      return bound;
    }
    let name = derive(key);
    for (let n = 2; this.taken.has(name); n++) name = `${derive(key)}_${n}`;
    this.taken.add(name);
    const bound = { name, entry: { key: name, value: `\${{ ${key} }}` } };
    this.byExpression.set(key, bound);
    return bound;
  }
}

function inner(value: string): string {
  return value.trim().slice(3, -2).trim().replace(/\s+/g, ' ');
}

/** The contexts an expression reads; a function's name (`join`, `format`) is not one. */
const CONTEXTS = /^(?:github|inputs|env|vars|steps|needs|matrix|strategy|job|jobs|runner|secrets)\b/;

/**
 * `github.event.pull_request.title` -> PULL_REQUEST_TITLE; `inputs.tag` -> INPUTS_TAG;
 * `join(github.event.pull_request.labels.*.name, ', ')` -> PULL_REQUEST_LABELS (the value a
 * function is given, not the function's name).
 */
function derive(expression: string): string {
  const paths = [
    ...expression.matchAll(/[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\s*'[^']*'\s*\]|\[\d+\])*/g),
  ].map((m) => m[0]);
  const path = paths.find((p) => CONTEXTS.test(p)) ?? paths[0] ?? '';
  const parts = path
    .replace(/\[\s*'([^']*)'\s*\]/g, '.$1')
    .split('.')
    .filter((p) => p && !/^\[/.test(p) && p !== 'github' && p !== 'event');
  const name = parts
    .slice(-2)
    .join('_')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
  return /^[A-Z_][A-Z0-9_]*$/.test(name) ? name : 'UNTRUSTED_VALUE';
}

function isMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
