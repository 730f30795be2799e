/**
 * How a github-script of a privileged workflow uses the pull request's head (its commit, branch or
 * repository): as the key of a metadata lookup or the target of a status or comment (data), or in a
 * way not followed here (code).
 */

/** A github-script that runs commands: what it runs is code. */
const SCRIPT_RUNS_COMMANDS = /\bexec(?:Sync)?\s*[.(]|child_process/;

/** A reference in a github-script to the head's commit, branch or repository (optional chains too). */
const SCRIPT_HEAD = /\.head\??\.(?:sha|ref|repo)\b|head_sha\b/g;

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
 * but data: an argument of a call of {@link HEAD_AS_QUERY} (`head_sha: pr.head.sha` in a list of
 * workflow runs), a value only tested ({@link testedOnly}: `pr.head.ref.startsWith("release-")`, a
 * comparison), or text of a template literal kept in a variable that only such calls are given
 * ({@link textForQueries}: a comment's body). Kept in a variable otherwise, set as an output or given
 * to any other call, what is done with it is not followed here, so it counts as code. Comments and
 * the text of strings are not read as references; a script this cannot read that way counts as code.
 */
export function scriptRunsCode(script: string): boolean {
  if (SCRIPT_RUNS_COMMANDS.test(script)) return true;
  const code = codeOnly(script);
  if (code === undefined) return script.search(SCRIPT_HEAD) !== -1;
  for (const m of code.matchAll(SCRIPT_HEAD)) {
    if (objectKey(code, m.index, m[0])) continue;
    const callee = enclosingCall(code, m.index);
    if (callee && HEAD_AS_QUERY.has(callee)) continue;
    const ref = referenceAt(code, m.index, m.index + m[0].length);
    if (testedOnly(code, ref) || textForQueries(code, ref)) continue;
    return true;
  }
  return false;
}

/** Offsets `[start, end)` of the member chain around a match (`pr?.head?.ref`, `x.head.repo.full_name`). */
function referenceAt(code: string, from: number, to: number): [number, number] {
  let start = from;
  while (start > 0 && /[\w$?.]/.test(code[start - 1]!)) start--;
  const rest = /^(?:\??\.[\w$]+(?![\w$]|\s*\())*/.exec(code.slice(to))!;
  return [start, to + rest[0].length];
}

/**
 * A value whose only use is a test that yields a boolean: `ref.startsWith(...)` (`endsWith`,
 * `includes`, after `toLowerCase()` or `trim()`), with an empty default in parentheses (`(ref ||
 * "").startsWith(...)`), or a comparison (`ref === "main"`, `"main" !== ref`). A boolean carries
 * none of the text further.
 */
function testedOnly(code: string, [start, end]: [number, number]): boolean {
  const after =
    /^\s*(?:(\|\||\?\?)\s*(["'`])[^"'`\n]*\2\s*)?(\))?\s*(?:\??\.\s*(?:toLowerCase|toUpperCase|toLocaleLowerCase|toLocaleUpperCase|trim)\s*\(\s*\)\s*)*(?:\??\.\s*(?:startsWith|endsWith|includes)\s*\(|[!=]==?(?!=))/.exec(
      code.slice(end),
    );
  if (after) {
    // A default needs the parentheses (`ref || "".startsWith(...)` is the ref itself), and
    // parentheses must group the value, not call a function with it.
    if (after[1] && !after[3]) return false;
    if (!after[3]) return true;
    return /(?:^|[^\w$)\]\s])\s*\(\s*$/.test(code.slice(Math.max(0, start - 200), start));
  }
  // `"main" === ref`: the value itself, nothing called on it.
  return (
    /[!=]==?\s*$/.test(code.slice(Math.max(0, start - 20), start)) &&
    /^\s*(?:$|[);,&|?:}\n])/.test(code.slice(end))
  );
}

/**
 * Text of a template literal that is the whole initializer of a variable (`const body = \`... ${ref}
 * ...\`;`), the reference its own substitution, when every other use of that name is an argument of
 * a call of {@link HEAD_AS_QUERY} (the body of a comment, a log line): the text goes nowhere else.
 * A tagged template, a reassignment or any other use counts as code.
 */
function textForQueries(code: string, [start, end]: [number, number]): boolean {
  const open = /\$\{\s*$/.exec(code.slice(Math.max(0, start - 20), start));
  if (!open || !/^\s*\}/.test(code.slice(end))) return false;
  const first = templateEdge(code, start - (open[0].length - open[0].indexOf('$')) - 1, -1);
  const close = code.indexOf('}', end);
  const last = templateEdge(code, close + 1, 1);
  if (first === undefined || last === undefined) return false;
  const declared = /(?:^|[\s;{}(])(?:const|let|var)\s+([\w$]+)\s*=\s*$/.exec(
    code.slice(Math.max(0, first - 200), first),
  );
  if (!declared || !/^\s*(?:;|\n|$)/.test(code.slice(last + 1))) return false;
  const name = declared[1]!;
  const uses = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
  for (const u of code.matchAll(uses)) {
    if (/(?:const|let|var)\s+$/.test(code.slice(Math.max(0, u.index - 10), u.index))) continue;
    const callee = enclosingCall(code, u.index);
    if (!callee || !HEAD_AS_QUERY.has(callee)) return false;
  }
  return true;
}

/**
 * The backtick that opens (`step` -1, from just before a substitution's `$`) or closes (`step` 1,
 * from just after its `}`) the template literal, over its text (blanked by {@link codeOnly}) and its
 * other substitutions; undefined when something else is met (a nested template).
 */
function templateEdge(code: string, from: number, step: 1 | -1): number | undefined {
  for (let i = from; i >= 0 && i < code.length; i += step) {
    const c = code[i]!;
    if (c === '`') return i;
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') continue;
    // Another substitution: skipped whole, to its `${` (backwards) or its `}` (forwards).
    if ((step === -1 && c === '}') || (step === 1 && c === '$' && code[i + 1] === '{')) {
      let depth = 0;
      let j = i;
      for (; j >= 0 && j < code.length; j += step) {
        const d = code[j];
        if (d === '`') return undefined;
        if (d === (step === 1 ? '{' : '}')) depth++;
        else if (d === (step === 1 ? '}' : '{') && --depth === 0) break;
      }
      if (j < 0 || j >= code.length) return undefined;
      if (step === -1) {
        if (code[j - 1] !== '$') return undefined;
        j -= 1;
      }
      i = j;
      continue;
    }
    return undefined;
  }
  return undefined;
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
