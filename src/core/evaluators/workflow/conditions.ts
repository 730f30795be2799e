import type { ExprNode } from '../../parsers/expression.js';
import type { Job, Located, Workflow } from '../../parsers/workflow.js';
import { conditionTree, runsPastFailures } from '../../parsers/workflow-conditions.js';
import { OUTSIDER_EVENTS, PR_EVENTS } from './shared.js';

export { conditionTree, runsPastFailures };

/**
 * Whether a job runs only for runs outsiders cannot start: its own condition, or the condition of a
 * job it needs (a skipped job skips the jobs that need it, unless they ask for `always()`).
 * `repository` is the run's repository (`owner/name`, see `EvaluatorContext.repository`): a condition
 * that names the head repository literally guards only when it names this one.
 */
export function jobExcludesOutsiders(workflow: Workflow, job: Job, repository: string | undefined): boolean {
  let byRepository = JOBS.get(job);
  if (!byRepository) {
    byRepository = new Map();
    JOBS.set(job, byRepository);
  }
  const key = repository?.toLowerCase() ?? '';
  let known = byRepository.get(key);
  if (known === undefined) {
    known = jobGuarded(workflow, job, repository, new Set());
    byRepository.set(key, known);
  }
  return known;
}

/** Per job and repository, computed once: audits ask for every expression of the job. */
const JOBS = new WeakMap<Job, Map<string, boolean>>();

function jobGuarded(
  workflow: Workflow,
  job: Job,
  repository: string | undefined,
  seen: Set<string>,
): boolean {
  if (seen.has(job.id)) return false;
  seen.add(job.id);
  if (excludesOutsiders(job.if, repository)) return true;
  if (runsPastFailures(job.if)) return false;
  const needs = job.needs?.value;
  for (const id of Array.isArray(needs) ? needs : typeof needs === 'string' ? [needs] : []) {
    const upstream = workflow.jobs.find((j) => j.id === id);
    if (upstream && jobGuarded(workflow, upstream, repository, seen)) return true;
  }
  return false;
}

/**
 * Whether an `if:` condition admits only runs that outsiders cannot start with their own code: pull
 * requests from this repository (not forks: `head.repo.full_name == github.repository`, or this
 * repository's own name written out when the run knows it), runs triggered by a push, runs of an event no outsider
 * causes (`github.event_name == 'workflow_dispatch'`), pull requests opened by one named bot account, or
 * authors and commenters who are owners, members or collaborators. Read from the parsed condition, so `a && guard` is guarded and
 * `a || guard` is not unless both sides are; a condition that is text around `${{ }}` is always true
 * and guards nothing. Labels, actor names and `github.repository` checks are not guards: a label is
 * added before the code changes, `github.actor` can be a bot an outsider triggers, and the repository
 * check only keeps the workflow from running in forks of it.
 */
export function excludesOutsiders(condition: Located | undefined, repository: string | undefined): boolean {
  const node = conditionTree(condition);
  return node ? guards(node, repository?.toLowerCase()) : false;
}

const TRUSTED_ASSOCIATIONS = new Set(['owner', 'member', 'collaborator']);

function guards(node: ExprNode, repository: string | undefined): boolean {
  switch (node.kind) {
    case 'and':
      return node.args.some((n) => guards(n, repository));
    case 'or':
      return node.args.every((n) => guards(n, repository));
    case 'not':
      return isRef(node.arg, FORK_FLAGS);
    case 'compare':
      return (
        compareGuards(node.op, node.left, node.right, repository) ||
        compareGuards(node.op, node.right, node.left, repository)
      );
    case 'call':
      return node.name === 'contains' && containsTrusted(node.args);
    default:
      return false;
  }
}

const HEAD_REPOSITORIES = [
  'github.event.pull_request.head.repo.full_name',
  'github.event.workflow_run.head_repository.full_name',
];
const FORK_FLAGS = [
  'github.event.pull_request.head.repo.fork',
  'github.event.workflow_run.head_repository.fork',
];

function compareGuards(op: string, a: ExprNode, b: ExprNode, repository: string | undefined): boolean {
  if (op === '==') {
    // The head repository is this repository: `github.repository`, or this repository's name written
    // out (as the run's environment names it; `==` ignores case). Any other name is a repository
    // someone else may own (a fork of this one: its owner opens the pull request), and a name with no
    // run's repository to compare it with proves nothing.
    if (isRef(a, HEAD_REPOSITORIES) && (isRef(b, ['github.repository']) || namesRepository(b, repository)))
      return true;
    if (isRef(a, FORK_FLAGS) && literal(b) === false) return true;
    // A run triggered by a push (or a schedule), not by a pull request.
    if (isRef(a, ['github.event.workflow_run.event']) && ['push', 'schedule'].includes(String(literal(b))))
      return true;
    // A run of an event that no outsider causes (a dispatch, a push, a schedule): the maintainers' way
    // into a command workflow, beside a check of the commenter (`event_name == 'workflow_dispatch' || ...`).
    if (isRef(a, ['github.event_name']) && typeof literal(b) === 'string') {
      const event = String(literal(b)).trim().toLowerCase();
      if (event !== '' && !OUTSIDER_EVENTS.has(event) && !PR_EVENTS.has(event)) return true;
    }
    if (isAssociation(a) && TRUSTED_ASSOCIATIONS.has(String(literal(b)).toLowerCase())) return true;
    // A pull request opened by one named bot account (dependabot[bot]: a GitHub App's, whose name no
    // one else can take; unlike github.actor, the author of a pull request cannot be another account).
    // A person's login is not: anyone can be that person as far as this condition tells, and the
    // workflow would run their pull requests with its privileges.
    if (isRef(a, ['github.event.pull_request.user.login']) && botLogin(b)) return true;
  }
  if (op === '!=' && isRef(a, FORK_FLAGS) && literal(b) === true) return true;
  return false;
}

/** `contains(fromJSON('["OWNER","MEMBER"]'), github.event.comment.author_association)` and the like. */
function containsTrusted(args: ExprNode[]): boolean {
  const [list, item] = args;
  if (!list || !item || !isAssociation(item)) return false;
  let values: unknown;
  if (list.kind === 'call' && list.name === 'fromjson' && list.args[0]?.kind === 'literal') {
    try {
      values = JSON.parse(String(list.args[0].value));
    } catch {
      return false;
    }
  } else if (list.kind === 'literal' && typeof list.value === 'string') {
    values = list.value.split(/[\s,;|]+/).filter(Boolean);
  }
  return (
    Array.isArray(values) &&
    values.length > 0 &&
    values.every((v) => typeof v === 'string' && TRUSTED_ASSOCIATIONS.has(v.toLowerCase()))
  );
}

/**
 * The `author_association` a leaf of a condition requires to be an owner's, member's or
 * collaborator's, as its path (`github.event.comment.author_association`); undefined for any other
 * leaf. `contains(fromJSON('["OWNER","MEMBER"]'), <association>)` and `<association> == 'OWNER'`.
 */
export function trustedAssociation(node: ExprNode): string | undefined {
  const [a, b] = node.kind === 'call' ? node.args : node.kind === 'compare' ? [node.left, node.right] : [];
  if (!a || !b) return undefined;
  const pathOf = (n: ExprNode) => (n.kind === 'ref' ? n.path.join('.') : undefined);
  if (node.kind === 'call')
    return node.name === 'contains' && containsTrusted(node.args) ? pathOf(b) : undefined;
  if (node.kind !== 'compare' || node.op !== '==') return undefined;
  for (const [ref, value] of [
    [a, b],
    [b, a],
  ] as const) {
    if (isAssociation(ref) && TRUSTED_ASSOCIATIONS.has(String(literal(value)).toLowerCase()))
      return pathOf(ref);
  }
  return undefined;
}

function isRef(node: ExprNode, paths: readonly string[]): boolean {
  return node.kind === 'ref' && paths.includes(node.path.join('.'));
}

function isAssociation(node: ExprNode): boolean {
  return node.kind === 'ref' && node.path.length >= 3 && node.path.at(-1) === 'author_association';
}

/** A string literal that is the run's repository (`repository` in lower case), compared without case. */
function namesRepository(node: ExprNode, repository: string | undefined): boolean {
  return (
    repository !== undefined &&
    node.kind === 'literal' &&
    typeof node.value === 'string' &&
    node.value.toLowerCase() === repository
  );
}

/** A string literal that names a bot account (`name[bot]`), which no person's login can be. */
function botLogin(node: ExprNode): boolean {
  return (
    node.kind === 'literal' &&
    typeof node.value === 'string' &&
    /^[a-z0-9][\w.-]*\[bot\]$/i.test(node.value.trim())
  );
}

function literal(node: ExprNode): unknown {
  return node.kind === 'literal' ? node.value : undefined;
}
