import { setAt, type YamlEditor, type YamlEntry } from '../../fix/yaml-edit.js';
import type { FixBatches, FixTarget } from '../../fix/yaml-fix.js';
import type { Job, Located, Workflow } from '../../parsers/workflow.js';
import type { TextEdit } from '../../types.js';
import { jobNeeds, type Level } from './scopes.js';

/**
 * Fixes of `workflow-permissions`: explicit least-privilege blocks computed from what the jobs'
 * steps use (scopes.ts). The workflow gets `contents: read` (or `{}` when no job reads the code) and
 * each job that needs more gets a block of its own; a job whose needs include something that cannot
 * be told at the write level makes the fix stand down rather than take a write scope away.
 */

type Blocks = Map<Job, YamlEntry[]>;

/** Where a job's own block goes: before its steps, the usual place. */
const JOB_PLACEMENT = { before: ['steps'] };

/** The blocks the jobs need beside `top`, or why they cannot be told. */
function plan(workflow: Workflow, jobs: readonly Job[], top: Map<string, string>): Blocks | string {
  const blocks: Blocks = new Map();
  for (const job of jobs) {
    const needs = jobNeeds(job, workflow);
    const write = needs.unsure.find((u) => u.level === 'write');
    if (write) return `job "${job.id}": ${write.why}`;
    const reads = needs.unsure.map((u) => u.why);
    const covered = [...needs.scopes].every(([scope, level]) => {
      const has = top.get(scope);
      return has === 'write' || (level === 'read' && has === 'read');
    });
    if (covered && reads.length === 0) continue;
    const entries: YamlEntry[] = [...needs.scopes]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => ({ key, value }));
    if (reads.length > 0) {
      if (entries.length === 0) entries.push({ key: 'contents', value: 'read' });
      entries[entries.length - 1]!.comment =
        `controlgate fix could not tell what this job reads (${reads.join('; ')}): add the read scopes it needs`;
    }
    blocks.set(job, entries);
  }
  return blocks;
}

/** `contents: read` when some job reads the code (or needs more of it), else nothing. */
function baseline(workflow: Workflow, jobs: readonly Job[]): Map<string, string> {
  const reads = jobs.some((j) => jobNeeds(j, workflow).scopes.has('contents'));
  return new Map(reads ? [['contents', 'read']] : []);
}

function entriesOf(scopes: Map<string, string>): YamlEntry[] {
  return [...scopes].map(([key, value]) => ({ key, value }));
}

function mappingOf(entries: YamlEntry[]): Record<string, unknown> {
  return Object.fromEntries(entries.map((e) => [e.key, e.value]));
}

/** The edits and intended values of job blocks. */
function jobEdits(editor: YamlEditor, blocks: Blocks): TextEdit[] | string {
  const edits: TextEdit[] = [];
  for (const [job, entries] of blocks) {
    const edit = editor.insertEntry(job.pointer, { key: 'permissions', value: entries }, JOB_PLACEMENT);
    if (!edit) return `job "${job.id}" cannot be edited safely`;
    edits.push(edit);
  }
  return edits;
}

function intendJobs(doc: unknown, blocks: Blocks): void {
  for (const [job, entries] of blocks) setAt(doc, `${job.pointer}/permissions`, mappingOf(entries));
}

/** No permissions anywhere for some jobs: a workflow-level block above `jobs:`, job blocks for more. */
export function missingPermissionsFix(
  fixes: FixBatches,
  finding: FixTarget,
  workflow: Workflow,
  bare: readonly Job[],
): void {
  const top = baseline(workflow, bare);
  const blocks = plan(workflow, bare, top);
  if (typeof blocks === 'string') {
    finding.unfixable = blocks;
    return;
  }
  const entries = entriesOf(top);
  fixes.add(
    finding,
    workflow.path,
    workflow.document,
    describe(entries, blocks),
    (editor) => {
      const edit = editor.insertEntry('', { key: 'permissions', value: entries }, { before: ['jobs'] });
      if (!edit) return 'the top of the workflow cannot be edited safely';
      // A blank line above `jobs:` separates sections: keep one between the new block and `jobs:`.
      const above = editor.text.slice(0, edit.start);
      if (/(?:^|\n)[ \t]*\r?\n$/.test(above) && edit.start > 0) edit.text += editor.eol;
      const jobs = jobEdits(editor, blocks);
      return typeof jobs === 'string' ? jobs : [edit, ...jobs];
    },
    (doc) => {
      setAt(doc, '/permissions', mappingOf(entries));
      intendJobs(doc, blocks);
    },
  );
}

/** `write-all` or `read-all`: replaced by the scopes the job (or the inheriting jobs) use. */
export function shorthandFix(
  fixes: FixBatches,
  finding: FixTarget,
  workflow: Workflow,
  shorthand: Located<string>,
  job: Job | undefined,
  inheriting: readonly Job[],
): void {
  let entries: YamlEntry[];
  let blocks: Blocks = new Map();
  if (job) {
    const own = plan(workflow, [job], new Map());
    if (typeof own === 'string') {
      finding.unfixable = own;
      return;
    }
    entries = own.get(job) ?? [];
  } else {
    const top = baseline(workflow, inheriting);
    const planned = plan(workflow, inheriting, top);
    if (typeof planned === 'string') {
      finding.unfixable = planned;
      return;
    }
    entries = entriesOf(top);
    blocks = planned;
  }
  fixes.add(
    finding,
    workflow.path,
    workflow.document,
    describe(entries, blocks),
    (editor) => {
      const edit = editor.replaceWithMapping(shorthand.pointer, entries);
      if (!edit) return 'the permissions value cannot be edited safely';
      const jobs = jobEdits(editor, blocks);
      return typeof jobs === 'string' ? jobs : [edit, ...jobs];
    },
    (doc) => {
      setAt(doc, shorthand.pointer, mappingOf(entries));
      intendJobs(doc, blocks);
    },
  );
}

/** A write scope no step of the job can use: lowered to read (`none` for id-token, which has no read). */
export function lowerScopeFix(
  fixes: FixBatches,
  finding: FixTarget,
  workflow: Workflow,
  scope: string,
  level: Located,
): void {
  const lowered = lowest(scope);
  fixes.add(
    finding,
    workflow.path,
    workflow.document,
    `Lower "${scope}: write" to "${scope}: ${lowered}"`,
    (editor) => {
      const edit = editor.replaceScalar(level.pointer, lowered);
      return edit ? [edit] : 'the value cannot be edited safely';
    },
    (doc) => setAt(doc, level.pointer, lowered),
  );
}

/** A workflow-level write scope: lowered, and granted on the inheriting jobs that use it. */
export function workflowWriteFix(
  fixes: FixBatches,
  finding: FixTarget,
  workflow: Workflow,
  scope: string,
  level: Located,
  inheriting: readonly Job[],
): void {
  const lowered = lowest(scope);
  const top = new Map<string, string>();
  for (const s of workflow.permissions?.scopes ?? []) {
    if (typeof s.level.value === 'string')
      top.set(s.scope, s.scope === scope ? lowered : s.level.value.trim());
  }
  const blocks = plan(workflow, inheriting, top);
  if (typeof blocks === 'string') {
    finding.unfixable = blocks;
    return;
  }
  fixes.add(
    finding,
    workflow.path,
    workflow.document,
    `Lower "${scope}: write" at the top to "${lowered}"${blocks.size > 0 ? `; ${jobsText(blocks)}` : ''}`,
    (editor) => {
      const edit = editor.replaceScalar(level.pointer, lowered);
      if (!edit) return 'the value cannot be edited safely';
      const jobs = jobEdits(editor, blocks);
      return typeof jobs === 'string' ? jobs : [edit, ...jobs];
    },
    (doc) => {
      setAt(doc, level.pointer, lowered);
      intendJobs(doc, blocks);
    },
  );
}

function lowest(scope: string): Level | 'none' {
  return scope === 'id-token' ? 'none' : 'read';
}

function describe(entries: YamlEntry[], blocks: Blocks): string {
  const top = entries.length > 0 ? entries.map((e) => `${e.key}: ${e.value}`).join(', ') : '{}';
  return `Declare permissions: ${top}${blocks.size > 0 ? `; ${jobsText(blocks)}` : ''}`;
}

function jobsText(blocks: Blocks): string {
  return [...blocks]
    .map(
      ([job, e]) =>
        `job "${job.id}" gets ${e.length > 0 ? e.map((x) => `${x.key}: ${x.value}`).join(', ') : '{}'}`,
    )
    .join('; ');
}
