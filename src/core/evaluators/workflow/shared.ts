import picomatch from 'picomatch';
import { findExpressions } from '../../parsers/expression.js';
import { parseUses } from '../../parsers/uses.js';
import type { Job, Located, Permissions, Step, Workflow, WorkflowSource } from '../../parsers/workflow.js';
import type { Workspace } from '../../workspace/workspace.js';

/** Events whose runs execute (or are triggered by) a pull request that may come from a fork. */
export const PR_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
]);

/** Events that run with the base repository's secrets and a writable token on outsiders' input. */
export const PRIVILEGED_EVENTS = new Set(['pull_request_target', 'workflow_run']);

/**
 * Events an outsider can cause that run with the base repository's writable token: the privileged
 * ones, and issues, comments, discussions, forks and stars.
 */
export const OUTSIDER_EVENTS = new Set([
  ...PRIVILEGED_EVENTS,
  'issue_comment',
  'issues',
  'discussion',
  'discussion_comment',
  'fork',
  'watch',
]);

/** The events a workflow is triggered by. */
export function eventsOf(workflow: Workflow): Set<string> {
  return new Set((workflow.on?.events ?? []).map((e) => e.event));
}

/** `owner/repo` (lower case) of a step's or job's `uses:`, when it names another repository. */
export function actionOf(uses: Located<string> | undefined): string | undefined {
  if (!uses) return undefined;
  const ref = parseUses(uses.value);
  return ref.kind === 'repository' ? `${ref.owner}/${ref.repo}`.toLowerCase() : undefined;
}

/** `owner/repo[/path]` (lower case) of a `uses:`, for matching sub-actions such as `github/codeql-action/analyze`. */
export function actionPathOf(uses: Located<string> | undefined): string | undefined {
  if (!uses) return undefined;
  const ref = parseUses(uses.value);
  if (ref.kind !== 'repository') return undefined;
  return [ref.owner, ref.repo, ...(ref.path ? [ref.path] : [])].join('/').toLowerCase();
}

/** The `@ref` of a repository `uses:`. */
export function refOf(uses: Located<string> | undefined): string | undefined {
  if (!uses) return undefined;
  const ref = parseUses(uses.value);
  return ref.kind === 'repository' ? ref.ref : undefined;
}

/** A `with:` input (input names are case-insensitive). */
export function input(step: Step, name: string): Located | undefined {
  for (const [k, v] of step.with?.entries ?? []) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** YAML `false`, or a string that GitHub reads as false. */
export function isFalse(node: Located | undefined): boolean {
  if (!node) return false;
  return (
    node.value === false || (typeof node.value === 'string' && node.value.trim().toLowerCase() === 'false')
  );
}

/** YAML `true`, or a string that GitHub reads as true. */
export function isTrue(node: Located | undefined): boolean {
  if (!node) return false;
  return (
    node.value === true || (typeof node.value === 'string' && node.value.trim().toLowerCase() === 'true')
  );
}

/** A case-insensitive glob matcher over `owner/repo[/path]`, or one that matches nothing. */
export function globMatcher(globs: readonly string[]): (value: string) => boolean {
  if (globs.length === 0) return () => false;
  // Compiled on the first value: a tree without workflows never tests one (start-up time).
  const patterns = [...globs];
  let match: ((value: string) => boolean) | undefined;
  return (value) => {
    match ??= picomatch(patterns, { nocase: true, dot: true });
    return match(value);
  };
}

/** The job's `if:` as text (empty when absent). */
export function conditionOf(job: Job): string {
  return typeof job.if?.value === 'string' ? job.if.value : '';
}

/** The text a step contributes to keyword searches: its action, name and script. */
export function stepText(step: Step): string {
  return [step.uses?.value, step.name?.value, step.run?.value]
    .filter((v) => typeof v === 'string')
    .join('\n');
}

/** A content label for a step (its id, name, action or `run`), for fingerprints that survive edits. */
export function stepLabel(step: Step): string {
  for (const v of [step.id?.value, step.name?.value, step.uses?.value])
    if (typeof v === 'string' && v) return v;
  return step.run ? 'run' : `#${step.index}`;
}

/**
 * For a value reached through a YAML alias (reported where the alias expands it), the words that say
 * where it is written; empty otherwise.
 */
export function aliasNote(node: Located | undefined): string {
  return node?.origin
    ? ` (written at line ${node.origin.span.start.line} and expanded here through the alias *${node.origin.anchor})`
    : '';
}

/**
 * The version of a `uses:` reference: its tag (`v4`, `v4.3.1`), or for a commit SHA the version in
 * the comment after it on the same line (`@<sha> # v4.2.2`), as pinning tools write it.
 */
export function actionVersion(
  workspace: Workspace,
  path: string,
  uses: Located<string>,
): [number, number | undefined] | undefined {
  const parse = (text: string | undefined) => {
    const m = /^v?(\d+)(?:\.(\d+))?/.exec(text ?? '');
    return m
      ? ([Number(m[1]), m[2] === undefined ? undefined : Number(m[2])] as [number, number | undefined])
      : undefined;
  };
  const ref = refOf(uses);
  if (ref && !/^[0-9a-f]{40}$/i.test(ref)) return parse(ref);
  const content = workspace.read(path);
  if (content.kind !== 'text' || uses.origin) return undefined;
  const at = content.lines.lineStart(uses.span.end.line) + uses.span.end.column;
  const eol = content.text.indexOf('\n', at);
  const rest = content.text.slice(at, eol === -1 ? undefined : eol);
  return parse(/^\s*#\s*(v?\d+(?:\.\d+)*)/.exec(rest)?.[1]);
}

/**
 * The steps of a job that run after `step`, in order. A job's steps are listed in document order (their
 * `index` ascending), so the first later one is found by binary search: a rule that asks this for each
 * of a job's many steps does not read the job once per step.
 */
export function stepsAfter(steps: readonly Step[], step: Step): Step[] {
  if (!inIndexOrder(steps)) return steps.filter((s) => s.index > step.index);
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps[mid]!.index <= step.index) lo = mid + 1;
    else hi = mid;
  }
  return steps.slice(lo);
}

/** Whether a list of steps is in ascending `index` order, asked once per list. */
const ORDERED = new WeakMap<readonly Step[], boolean>();
function inIndexOrder(steps: readonly Step[]): boolean {
  let ordered = ORDERED.get(steps);
  if (ordered === undefined) {
    ordered = steps.every((s, i) => i === 0 || steps[i - 1]!.index < s.index);
    ORDERED.set(steps, ordered);
  }
  return ordered;
}

/**
 * The owner a repository reference shares with `repository` (`owner/repo`, lower case), when it names
 * another repository of that owner; undefined otherwise.
 */
export function sameOwner(text: string, repository: string): string | undefined {
  const ref = parseUses(text);
  if (ref.kind !== 'repository') return undefined;
  const owner = repository.split('/')[0];
  return owner && ref.owner.toLowerCase() === owner ? owner : undefined;
}

/** A rule option listing inputs of actions (`uses` is owner/repo), as template-injection's sinks. */
export interface ActionInputs {
  uses: string;
  inputs: string[];
}

/** The listed inputs by action (`owner/repo`), lower case, for {@link listedInputs}. */
export function actionInputMap(list: readonly ActionInputs[] | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const s of list ?? []) {
    const key = s.uses.toLowerCase();
    map.set(key, [...(map.get(key) ?? []), ...s.inputs.map((i) => i.toLowerCase())]);
  }
  return map;
}

/** The inputs listed for a step's action (lower case) and the action's `owner/repo`; undefined when none are. */
export function listedInputs(
  step: Step,
  map: ReadonlyMap<string, string[]>,
): { action: string; inputs: string[] } | undefined {
  if (!step.uses || map.size === 0) return undefined;
  const ref = parseUses(step.uses.value);
  if (ref.kind !== 'repository') return undefined;
  const inputs = map.get(`${ref.owner}/${ref.repo}`.toLowerCase());
  return inputs ? { action: `${ref.owner}/${ref.repo}`, inputs } : undefined;
}

/** A mention of the job's own token (`github.token`, `secrets.GITHUB_TOKEN`) anywhere in a value. */
export const JOB_TOKEN = /github\.token|secrets\.GITHUB_TOKEN/i;
/** A value that is the job's own token and nothing else (`${{ github.token }}`). */
export const JOB_TOKEN_VALUE = /^\s*\$\{\{\s*(?:secrets\.GITHUB_TOKEN|github\.token)\s*\}\}\s*$/i;

/**
 * A reference to a secret in an expression: `secrets.NAME`, `secrets[...]`, or the whole context
 * (`toJSON(secrets)`); not the job's own token (`secrets.GITHUB_TOKEN`, `secrets['GITHUB_TOKEN']`,
 * the token `permissions:` grants).
 */
export const SECRET_REFERENCE =
  /\bsecrets\s*(?:\.(?!\s*GITHUB_TOKEN\b)|\[(?!\s*(['"])GITHUB_TOKEN\1\s*\]))|\(\s*secrets\s*\)/i;

/**
 * Whether a parsed YAML value (aliases resolved) names a secret in an expression: inside a `${{ }}`
 * of any of its strings, or anywhere in an `if:` (an expression without `${{ }}`). Plain text that
 * only looks like one (`git clone https://github.com/o/git-secrets.git`) names none.
 */
export function namesSecret(value: unknown, key?: string): boolean {
  if (typeof value === 'string') {
    if (key === 'if') return SECRET_REFERENCE.test(value);
    return value.includes('${{') && findExpressions(value).some((e) => SECRET_REFERENCE.test(e.inner));
  }
  if (Array.isArray(value)) return value.some((v) => namesSecret(v));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => namesSecret(v, k));
  }
  return false;
}

/** Whether any string or key of a parsed YAML value (aliases resolved) matches `pattern` (not global). */
export function anyText(value: unknown, pattern: RegExp): boolean {
  if (typeof value === 'string') return pattern.test(value);
  if (Array.isArray(value)) return value.some((v) => anyText(v, pattern));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => pattern.test(k) || anyText(v, pattern));
  }
  return false;
}

/**
 * Whether a written `permissions:` block grants no write scope but those of `writable` (lower case):
 * `read-all`, `{}`, or scopes at `read`/`none`. An absent block (the repository's default token, which
 * may write), `write-all`, an expression or a malformed value grants more.
 */
export function writesOnly(
  perms: Permissions | undefined,
  writable: ReadonlySet<string> = new Set(),
): boolean {
  if (!perms) return false;
  if (perms.shorthand) return perms.shorthand.value.trim() === 'read-all';
  if (perms.value === null) return true;
  if (typeof perms.value !== 'object' || Array.isArray(perms.value)) return false;
  return perms.scopes.every((s) => {
    const level = typeof s.level.value === 'string' ? s.level.value.trim() : undefined;
    return level === 'read' || level === 'none' || (level === 'write' && writable.has(s.scope.toLowerCase()));
  });
}

/**
 * Whether every event that runs the workflow is `pull_request` (not `pull_request_target`, not the
 * merge queue's): a fork's run gets a read-only token and no secret, whatever the workflow asks for.
 */
export function onlyPullRequest(workflow: Workflow): boolean {
  const events = workflow.on?.events ?? [];
  return events.length > 0 && events.every((t) => t.event === 'pull_request');
}

/**
 * Where the artifacts (or a triggering run's files) that a job of a privileged workflow (workflow_run,
 * pull_request_target) downloads before this step are put: the `path:` of each download-artifact step,
 * or `anywhere` when one names none (the work tree, beside this repository's files), computes it, or
 * downloads otherwise (`gh run download`, the REST API); undefined when nothing is downloaded.
 */
export function artifactPaths(
  workflow: Workflow | WorkflowSource,
  job: Job,
  step: Step,
): string[] | 'anywhere' | undefined {
  if (workflow.kind !== 'workflow') return undefined;
  const events = eventsOf(workflow);
  if (!events.has('workflow_run') && !events.has('pull_request_target')) return undefined;
  const paths: string[] = [];
  let anywhere = false;
  for (const s of job.steps) {
    if (s.index > step.index) continue;
    if (s.uses && /download-artifact/.test(actionOf(s.uses) ?? '')) {
      const path = s.with?.entries.get('path')?.value;
      const dir = typeof path === 'string' ? path.trim().replace(/^\.\//, '').replace(/\/+$/, '') : '';
      if (dir === '' || dir === '.' || dir.includes('${{') || /\s/.test(dir)) anywhere = true;
      else paths.push(dir);
    } else if (s.run && /\bgh\s+run\s+download\b|\/artifacts\b/.test(s.run.value)) anywhere = true;
  }
  if (anywhere) return 'anywhere';
  return paths.length > 0 ? paths : undefined;
}

/**
 * Whether a value written by a script reads a file of the downloaded artifacts ({@link artifactPaths}):
 * a command substitution that reads a file ({@link ARTIFACT_READ}), of a download folder when every
 * download names one (`$(cat results/pr-number)`, not `$(jq -r .version package.json)`).
 */
export function readsArtifact(text: string, paths: string[] | 'anywhere' | undefined): boolean {
  if (paths === undefined || !ARTIFACT_READ.test(text)) return false;
  return paths === 'anywhere' || paths.some((p) => text.includes(p));
}

/** A command substitution that reads a file (`$(cat pr.txt)`, `$(<pr.txt)`, `$(jq -r .n pr.json)`). */
export const ARTIFACT_READ = /\$\(\s*(?:cat|<|jq|head|tail|tr|sed|awk)\b|`\s*cat\b/;
