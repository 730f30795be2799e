import { type CommandView, scriptCommands } from '../../parsers/shell-commands.js';
import { memoByScript } from './script-memo.js';

/**
 * A pull request's head looked up at run time rather than read from the event's expressions:
 * `gh api repos/$R/pulls/$N --jq .head.sha`, `gh pr view $N --json headRefOid -q .headRefOid`,
 * `curl .../pulls/$N | jq -r .head.ref`, `jq -r .pull_request.head.sha "$GITHUB_EVENT_PATH"`. The
 * value is the head's commit, branch or repository as surely as `github.event.pull_request.head.sha`
 * is: a git command given it fetches or checks out the pull request's code.
 */

/**
 * A field of GitHub's answers that names a head: REST (`.head.sha`, `.head.ref`, `.head.repo.*`,
 * `["head"]["sha"]`, a workflow run's `head_sha`/`head_branch`), GraphQL and `gh --json`
 * (`headRefOid`, `headRefName`, `headRepository`, `headSha`, `headBranch`). Not the base's
 * (`.base.sha`, `baseRefOid`).
 */
const HEAD_FIELD =
  /(?<![\w-])head(?:["'\]\s]*(?:\.|\|\s*\.|\[)\s*["']?(?:sha|ref|repo)\b|_(?:sha|ref|branch)\b|(?:RefOid|RefName|Sha|Branch|Repository(?:Owner)?)\b)/;

/** Programs that select fields of JSON with a filter given as an argument. */
const JSON_FILTERS = new Set(['jq', 'gojq', 'jaq', 'yq']);
/** Interpreters given a program that reads the JSON (`python3 -c '...["head"]["sha"]'`). */
const INTERPRETERS = /^(?:python[\d.]*|node|ruby|perl)$/;

/** Whether a command selects a pull request's head from JSON it reads (the API's answer, the event). */
function selectsHead(view: CommandView): boolean {
  const args = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
  const name = view.name.toLowerCase();
  if (JSON_FILTERS.has(name) || INTERPRETERS.test(name)) return args.some((a) => HEAD_FIELD.test(a));
  if (name !== 'gh') return false;
  // gh's own filter: `--jq F`, `-q F`, `--template T`, `-t T` (`--json` only lists what to fetch).
  for (const [i, a] of args.entries()) {
    const m = /^(?:--jq|-q|--template|-t)(?:=(.*))?$/s.exec(a);
    if (!m) continue;
    if (HEAD_FIELD.test(m[1] ?? args[i + 1] ?? '')) return true;
  }
  return false;
}

const commandsOfScript = memoByScript((script: string) => scriptCommands(script));

/**
 * Whether `script[start, end)` (a word, an assignment, a line that writes a step output) holds a
 * command that looks a pull request's head up: parsed, so text in single quotes or comments is not one.
 */
export function headLookupIn(script: string, start: number, end: number): boolean {
  return commandsOfScript(script).some(
    (v) => v.command.start >= start && v.command.end <= end && selectsHead(v),
  );
}
