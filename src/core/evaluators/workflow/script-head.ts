/**
 * How a github-script of a privileged workflow uses the pull request's head (its commit, branch or
 * repository): as the key of a metadata lookup or the target of a status or comment (data), or in a
 * way not followed here (code).
 */

/** A github-script that runs commands: what it runs is code. */
const SCRIPT_RUNS_COMMANDS = /\bexec(?:Sync)?\s*[.(]|child_process/;

/** A reference in a github-script to the head's commit, branch or repository. */
const SCRIPT_HEAD = /\.head\.(?:sha|ref|repo)\b|head_sha\b/g;

/**
 * API calls (`namespace.method`, as `github.rest` names them) that take a commit or branch to look
 * metadata up by (runs, statuses, checks, associated pull requests) or to put a status, check or
 * comment on, and logging: the head named there selects what is read or where data is written; no
 * code is fetched, and nothing is handed to a later step.
 */
const HEAD_AS_QUERY = new Set([
  'actions.listWorkflowRunsForRepo',
  'actions.listWorkflowRuns',
  'repos.getCombinedStatusForRef',
  'repos.listCommitStatusesForRef',
  'repos.createCommitStatus',
  'repos.listPullRequestsAssociatedWithCommit',
  'checks.listForRef',
  'checks.listSuitesForRef',
  'checks.create',
  'checks.update',
  'pulls.list',
  'search.issuesAndPullRequests',
  'issues.createComment',
  'issues.updateComment',
  'console.log',
  'core.info',
  'core.debug',
  'core.notice',
]);

/**
 * Whether a github-script runs commands, or uses the head's commit, branch or repository as anything
 * but an argument of a call of {@link HEAD_AS_QUERY} (`head_sha: pr.head.sha` in a list of workflow
 * runs): kept in a variable, compared, set as an output or given to any other call, what is done with
 * it is not followed here, so it counts as code. Comments and the text of strings are not read as
 * references; a script this cannot read that way counts as code.
 */
export function scriptRunsCode(script: string): boolean {
  if (SCRIPT_RUNS_COMMANDS.test(script)) return true;
  const code = codeOnly(script);
  if (code === undefined) return script.search(SCRIPT_HEAD) !== -1;
  for (const m of code.matchAll(SCRIPT_HEAD)) {
    if (objectKey(code, m.index, m[0])) continue;
    const callee = enclosingCall(code, m.index);
    if (!callee || !HEAD_AS_QUERY.has(callee)) return true;
  }
  return false;
}

/** `head_sha` as the key of an object literal (`{ head_sha: ... }`): the name of a parameter, no value. */
function objectKey(code: string, at: number, text: string): boolean {
  if (text !== 'head_sha' || /[\w$.]/.test(code[at - 1] ?? '')) return false;
  return /[{,]\s*$/.test(code.slice(Math.max(0, at - 200), at)) && /^\s*:/.test(code.slice(at + text.length));
}

/**
 * The call whose arguments hold the position (`ns.method` of `github.rest.ns.method(...)`, or of the
 * method `github.paginate` is given), if the position is inside the parentheses of one.
 */
function enclosingCall(code: string, at: number): string | undefined {
  let depth = 0;
  for (let i = at - 1; i >= 0; i--) {
    const c = code[i];
    if (c === ')') depth++;
    else if (c === '(' && depth > 0) depth--;
    else if (c === '(') {
      const callee = lastTwo(
        /((?:[\w$]+\s*\.\s*)*[\w$]+)\s*$/.exec(code.slice(Math.max(0, i - 200), i))?.[1],
      );
      if (callee !== 'github.paginate' && callee !== 'paginate.iterator') return callee;
      return lastTwo(/^\s*((?:[\w$]+\s*\.\s*)*[\w$]+)\s*,/.exec(code.slice(i + 1))?.[1]);
    }
  }
  return undefined;
}

function lastTwo(chain: string | undefined): string | undefined {
  const parts = chain?.split('.').map((p) => p.trim());
  return parts && parts.length >= 2 ? parts.slice(-2).join('.') : undefined;
}

/**
 * The script with comments and the text of string literals blanked (template substitutions kept) at
 * the same offsets, so that what is left is code; undefined when a quote or comment cannot be told
 * (a '- or "-string that runs past its line, as a regular expression literal with a quote would).
 */
function codeOnly(script: string): string | undefined {
  const out = script.split('');
  const blank = (i: number) => {
    if (i < out.length && out[i] !== '\n') out[i] = ' ';
  };
  // For each open template substitution (`${`), the depth of braces opened inside it.
  const substitutions: number[] = [];
  let quote: string | undefined;
  let i = 0;
  while (i < script.length) {
    const c = script[i]!;
    if (quote) {
      if (c === '\n' && quote !== '`') return undefined;
      if (c === '\\') {
        blank(i);
        blank(i + 1);
        i += 2;
      } else if (c === quote) {
        quote = undefined;
        i++;
      } else if (quote === '`' && c === '$' && script[i + 1] === '{') {
        substitutions.push(0);
        quote = undefined;
        i += 2;
      } else blank(i++);
      continue;
    }
    // `//` after a backslash is the end of a regular expression literal (`/\/\//`), not a comment.
    if (c === '/' && script[i + 1] === '/' && script[i - 1] !== '\\') {
      while (i < script.length && script[i] !== '\n') blank(i++);
    } else if (c === '/' && script[i + 1] === '*') {
      const end = script.indexOf('*/', i + 2);
      const stop = end === -1 ? script.length : end + 2;
      while (i < stop) blank(i++);
    } else if (c === "'" || c === '"' || c === '`') {
      quote = c;
      i++;
    } else {
      const top = substitutions.length - 1;
      if (top >= 0 && c === '{') substitutions[top]!++;
      else if (top >= 0 && c === '}' && substitutions[top] === 0) {
        substitutions.pop();
        quote = '`';
      } else if (top >= 0 && c === '}') substitutions[top]!--;
      i++;
    }
  }
  return quote === undefined && substitutions.length === 0 ? out.join('') : undefined;
}
