import {
  type CommandView,
  SHELLS,
  scriptCommands,
  TEXT_COMMANDS,
  viewOf,
  writesToFile,
} from '../../parsers/shell-commands.js';
import { parseUses } from '../../parsers/uses.js';
import { type Job, localAction, type Step, type Workflow } from '../../parsers/workflow.js';
import { expressionsUnder } from '../../parsers/workflow-expressions.js';
import type { Workspace } from '../../workspace/workspace.js';
import type { Dataflow, Scope } from './dataflow.js';
import { codeFetchOf } from './head-code.js';
import { actionOf, input, stepsAfter } from './shared.js';
import { inertShell, READ_ONLY_GIT } from './token-use.js';

/**
 * What a job does with the pull request's head once a script has fetched it (`git fetch origin
 * pull/N/head`): the commits are in the clone's object store, and the work tree is still the base's.
 * Programs that run from that tree (its scripts, its actions, github-script) run the base's code,
 * whatever commit they are told about; the head's code runs only once something puts the fetched
 * commits into files, or pipes their content into a program.
 */

/**
 * git subcommands that leave the work tree as it is: they fetch, configure, name or read commits and
 * print what they read. Any other (`checkout`, `switch`, `merge`, `rebase`, `reset`, `cherry-pick`,
 * `worktree`, `am`, `apply`, `stash`, `pull`, `restore`, `read-tree`, `archive`, `clone`, `lfs`,
 * `push`, an alias, a subcommand held in a variable) may write the fetched commits into files.
 */
const GIT_KEEPS_TREE: ReadonlySet<string> = new Set([
  // Those that only read (token-use.ts), and those that fetch, configure or name without writing files.
  ...READ_ONLY_GIT,
  'fetch',
  'remote',
  'config',
  'ls-remote',
  'shortlog',
  'reflog',
  'diff-tree',
  'range-diff',
  'format-patch',
  'branch',
  'tag',
  'for-each-ref',
  'show-ref',
  'blame',
  'grep',
  'cherry',
  'count-objects',
  'verify-commit',
  'version',
  'var',
  'check-ignore',
  'check-attr',
  'whatchanged',
  'help',
]);

/** git subcommands that print what a commit holds: the pull request's files, or a patch of them. */
const GIT_PRINTS_CONTENT = new Set(['show', 'cat-file', 'diff', 'diff-tree', 'log', 'format-patch', 'grep']);
/** Of those, the ones that print a file as it is (`git show REV:path`), which written out is that file. */
const GIT_PRINTS_FILE = new Set(['show', 'cat-file']);

/**
 * Programs that run the program they read: shells and interpreters (from stdin with no script
 * argument, from `-c`/`-e`, or from the first argument when that is a substitution), and `eval`,
 * `source`, `.`.
 */
const INTERPRETERS = new Set([
  ...SHELLS,
  'fish',
  'python',
  'python2',
  'python3',
  'node',
  'nodejs',
  'deno',
  'bun',
  'perl',
  'ruby',
  'php',
  'pwsh',
  'powershell',
  'lua',
  'tclsh',
  'rscript',
]);
const SOURCES = new Set(['eval', 'source', '.']);
/** Options after which an interpreter's next word is the program (`sh -c`, `node -e`, `pwsh -Command`). */
const CODE_OPTION = /^(?:-[a-z]*[ce]|-E|-r|--eval|--exec|-command|-c(?:ommand)?)$/i;
/** Programs that write the files of what they read from stdin: unpackers and patch tools. */
const UNPACKERS = new Set(['tar', 'bsdtar', 'cpio', 'unzip', 'patch']);

/**
 * Text in a script this cannot read as commands (a step run by another shell, `shell: python {0}`),
 * or in a composite action run by one, that names a way of writing commits into the work tree.
 */
const INTO_TREE_TEXT =
  /\b(?:checkout|switch|merge|rebase|reset|cherry-pick|worktree|am|apply|stash|pull|restore|read-tree|archive|clone|patch|FETCH_HEAD)\b/;

/**
 * Whether, once the command at `command` (its offsets in the step's script) fetched the head, the
 * work tree may hold a head's code: the rest of that script or a later step of the job may put the
 * fetched commits into the work tree or run their content, or an earlier step, or the script before
 * the fetch, may have put one there already. Any of these counts: a git subcommand other than those of {@link GIT_KEEPS_TREE} (`git checkout
 * FETCH_HEAD`, `git merge`, `git reset --hard`, `git worktree add`, `git apply`, `git archive`),
 * `gh pr checkout` or `gh repo clone`, `patch`; a file printed from a commit (`git show REV:path`,
 * `git cat-file`) written to a file or piped on; what git prints piped into an unpacker or into an
 * interpreter that runs its input (`| sh`, `| python3 -`), or given to one as its program (`bash
 * <(git show ...)`, `eval "$(git show ...)"`, `sh -c "$content"` of a variable assigned from one);
 * a program named by a variable or an expression (`$CMD`, `${{ matrix.run }}`); an action given the
 * head (an expression of it, `FETCH_HEAD`, the fetched ref's local name, a `pull/N/head` ref), a
 * github-script that runs commands, a composite action of this repository whose steps do one of
 * these (or that is not in the tree), and a script run by a shell this cannot read that names one.
 * Programs of the base's tree given the head's SHA as an argument are not counted: they are the
 * base's code, which could fetch the head by itself as well. A script whose part before the fetch
 * loops, traps or defines functions is read whole.
 */
export function fetchedIntoTree(
  workspace: Workspace,
  heads: Dataflow,
  workflow: Workflow,
  job: Job,
  step: Step,
  command: [number, number] | undefined,
): boolean {
  if (!step.run || !command) return true;
  const refs = fetchedRefs(step.run.value.slice(command[0], command[1]));
  // What ran before may have put a head in the tree already (`gh pr checkout`, a checkout of its
  // SHA): the programs that run later may be its.
  for (const earlier of job.steps) {
    if (earlier.index >= step.index) continue;
    if (
      earlier.run
        ? scriptIntoTree(earlier, job, workflow, undefined, refs)
        : earlier.uses && actionIntoTree(workspace, heads, workflow, job, earlier, refs, 0)
    )
      return true;
  }
  if (
    inertShell(step, job, workflow) &&
    commandsIntoTree(step.run.value.slice(0, command[0]), undefined, refs)
  )
    return true;
  if (scriptIntoTree(step, job, workflow, command, refs)) return true;
  for (const later of stepsAfter(job.steps, step)) {
    if (later.run) {
      if (scriptIntoTree(later, job, workflow, undefined, refs)) return true;
      continue;
    }
    if (!later.uses) continue;
    if (actionIntoTree(workspace, heads, workflow, job, later, refs, 0)) return true;
  }
  return false;
}

/** The local names a fetch gives what it fetches (`pull/1/head:pr-head`), and `FETCH_HEAD`. */
function fetchedRefs(text: string): string[] {
  const names = ['FETCH_HEAD'];
  for (const view of scriptCommands(text)) {
    if (view.name !== 'git') continue;
    for (const w of view.command.words.slice(view.nameIndex + 1)) {
      // A refspec `src:dst`, not a URL (`https://...`, `git@host:owner/repo`).
      if (!w.value.includes(':') || /:\/\/|@/.test(w.value)) continue;
      const name = w.value
        .slice(w.value.lastIndexOf(':') + 1)
        .replace(/^refs\/(?:heads|remotes)\//, '')
        .trim();
      if (/^[\w./-]+$/.test(name)) names.push(name);
    }
  }
  return names;
}

function scriptIntoTree(
  step: Step,
  job: Job,
  workflow: Workflow,
  after: [number, number] | undefined,
  refs: readonly string[],
): boolean {
  const script = step.run!.value;
  if (!inertShell(step, job, workflow)) return INTO_TREE_TEXT.test(script);
  return commandsIntoTree(script, after, refs);
}

/**
 * {@link fetchedIntoTree} for the commands of one shell script (after `after`, when given); `refs`
 * are the names the fetch gave what it fetched, which a download, clone or install given one of them
 * (`pip install "git+file://$PWD@pr-head"`, head-code.ts) brings into the job.
 */
export function commandsIntoTree(
  script: string,
  after?: [number, number],
  refs: readonly string[] = ['FETCH_HEAD'],
): boolean {
  const views = scriptCommands(script);
  // What runs before the fetch is set aside, unless it can run again after it.
  const from =
    after && !/\b(?:for|while|until|trap|function)\b|\(\s*\)\s*\{/.test(script.slice(0, after[0]))
      ? after[0]
      : 0;
  // Variables assigned what git printed from a commit (`S=$(git show FETCH_HEAD:run.sh)`).
  const holding = new Set<string>();
  for (const [i, view] of views.entries()) {
    const { command } = view;
    if (command.start < from) continue;
    if (after && command.start < after[1] && command.end > after[0]) continue;
    // A program named by a variable or an expression (a path names a file of the base's tree).
    const word = command.words[view.nameIndex]?.value ?? '';
    if (word.includes('$') && !word.includes('/')) return true;
    if (view.name === 'git') {
      const sub = gitSubcommand(view);
      if (sub === undefined) continue;
      if (!GIT_KEEPS_TREE.has(sub)) return true;
      if (
        GIT_PRINTS_FILE.has(sub) &&
        (writesToFile(views, i) || command.words.some((w) => /^--output\b/.test(w.value)))
      )
        return true;
      if (GIT_PRINTS_CONTENT.has(sub)) {
        if (pipedIntoRunner(views, i, GIT_PRINTS_FILE.has(sub))) return true;
        const parent = command.parent;
        if (parent && runsWord(viewOf(parent.command), parent.word.start, parent.command)) return true;
        if (parent) for (const name of assignedBy(parent.command, parent.word)) holding.add(name);
      }
      continue;
    }
    if (view.name === 'gh') {
      const [group, verb] = command.words.slice(view.nameIndex + 1).map((w) => w.value);
      if (
        (group === 'pr' && verb === 'checkout') ||
        (group === 'repo' && (verb === 'clone' || verb === 'sync'))
      )
        return true;
      if (group === 'pr' && verb === 'diff' && pipedIntoRunner(views, i, false)) return true;
      continue;
    }
    if (view.name === 'patch') return true;
    if (holding.size > 0 && readsHeld(view, holding, views, i)) return true;
    // An install, clone or download of the fetched commits (`pip install git+file://$PWD@pr-head`).
    if (codeFetchOf(view, () => false)?.words.some((w) => namesRef(w.value, refs))) return true;
  }
  return false;
}

/** The variable a word of a command assigns (`S=$(...)`, `export S="$(...)"`), if it does. */
function assignedBy(command: CommandView['command'], word: { start: number; end: number }): string[] {
  const view = viewOf(command);
  const words =
    command.words.length === 0
      ? command.assignments
      : ['export', 'local', 'declare', 'readonly', 'typeset'].includes(view.name)
        ? command.words.slice(view.nameIndex + 1)
        : [];
  return words
    .filter((w) => w.start <= word.start && word.end <= w.end)
    .map((w) => /^([A-Za-z_]\w*)=/.exec(w.value)?.[1])
    .filter((n): n is string => n !== undefined);
}

/** The subcommand of a git command, after its global options; `$...` when a variable names it. */
function gitSubcommand(view: CommandView): string | undefined {
  const args = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
  let k = 0;
  while (k < args.length && args[k]!.startsWith('-'))
    k += /^(?:-[cC]|--(?:git-dir|work-tree|namespace|exec-path|config-env))$/.test(args[k]!) ? 2 : 1;
  return args[k];
}

/**
 * Whether the output of `views[index]` is piped, through text tools, into an unpacker, `git`, or an
 * interpreter that runs what it reads (no script argument, or `-`); with `any`, into any program
 * but a text tool (a file's content handed on).
 */
function pipedIntoRunner(views: readonly CommandView[], index: number, any: boolean): boolean {
  let c = views[index]!.command;
  for (let j = index + 1; j < views.length && (c.next === '|' || c.next === '|&'); j++) {
    const next = views[j]!;
    if (next.command.depth > c.depth) continue;
    if (next.command.depth < c.depth) return false;
    if (next.name === 'git' || UNPACKERS.has(next.name) || SOURCES.has(next.name)) return true;
    if (INTERPRETERS.has(next.name.toLowerCase()) && runsStdin(next)) return true;
    if (any && !TEXT_TOOLS.has(next.name)) return true;
    c = next.command;
  }
  return false;
}

/**
 * Programs that only print, search or edit text (their program written in the script): a pipe
 * through them hands the text on, and one that ends in them stores nothing.
 */
const TEXT_TOOLS = new Set([
  ...TEXT_COMMANDS,
  'cat',
  'head',
  'tail',
  'cut',
  'tr',
  'sort',
  'uniq',
  'wc',
  'jq',
  'yq',
  'base64',
  'sha256sum',
  'sha1sum',
  'md5sum',
  'diff',
  'cmp',
]);

/** An interpreter given no script argument (or `-`, `-s`): it runs what it reads from stdin. */
function runsStdin(view: CommandView): boolean {
  const args = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
  if (args.some((a) => CODE_OPTION.test(a))) return false;
  const positional = args.filter((a) => !a.startsWith('-') || a === '-');
  return positional.length === 0 || positional[0] === '-' || args.includes('-s');
}

/**
 * Whether a word of `command` at `at` is where `view` takes the program it runs: any argument of
 * `eval`, `source`, `.`; an interpreter's word after `-c`/`-e`, its first positional argument (a
 * script path given as `<(...)`), or its stdin (`bash < <(...)`).
 */
function runsWord(view: CommandView, at: number, command: CommandView['command']): boolean {
  const name = view.name.toLowerCase();
  if (SOURCES.has(name)) return true;
  if (!INTERPRETERS.has(name)) return false;
  if (command.redirects.some((r) => r.op === '<' && r.target && r.target.start <= at && at < r.target.end))
    return true;
  const args = command.words.slice(view.nameIndex + 1);
  const index = args.findIndex((w) => w.start <= at && at < w.end);
  if (index < 0) return false;
  if (index > 0 && CODE_OPTION.test(args[index - 1]!.value)) return true;
  return args.slice(0, index).every((w) => w.value.startsWith('-') && !CODE_OPTION.test(w.value));
}

/**
 * Whether a command hands on a variable that holds a file printed from a commit: as the program of
 * an interpreter or `eval` ({@link runsWord}), or printed into a file or a pipe (`echo "$S" > s.sh`).
 */
function readsHeld(
  view: CommandView,
  holding: ReadonlySet<string>,
  views: readonly CommandView[],
  i: number,
) {
  const names = (text: string) =>
    [...text.matchAll(/\$(?:\{([A-Za-z_]\w*)|([A-Za-z_]\w*))/g)].some((m) => holding.has((m[1] ?? m[2])!));
  const { command } = view;
  for (const w of command.words.slice(view.nameIndex + 1))
    if (names(w.value) && runsWord(view, w.start, command)) return true;
  const runner = SOURCES.has(view.name) || (INTERPRETERS.has(view.name.toLowerCase()) && runsStdin(view));
  for (const r of command.redirects)
    if (runner && r.op === '<<<' && r.target && names(r.target.value)) return true;
  if (
    ['echo', 'printf', 'cat'].includes(view.name) &&
    command.words.slice(view.nameIndex + 1).some((w) => names(w.value)) &&
    (writesToFile(views, i) || pipedIntoRunner(views, i, true))
  )
    return true;
  return false;
}

/**
 * Whether an action may put the fetched commits into the work tree: it is given the head (an
 * expression of it, `FETCH_HEAD`, a fetched ref's local name, a `pull/N/head` ref), it is a
 * github-script that runs commands, or a composite action of this repository whose steps may (read
 * three levels deep; one not in the tree may).
 */
function actionIntoTree(
  workspace: Workspace,
  heads: Dataflow,
  workflow: Workflow,
  job: Job,
  step: Step,
  refs: readonly string[],
  depth: number,
): boolean {
  const ref = parseUses(step.uses!.value);
  if (depth === 0) {
    const scope: Scope = { source: workflow, job, stepIndex: step.index, level: 'step' };
    const given = expressionsUnder(workspace, workflow, `${step.pointer}/with`).some(
      (e) => e.parsed.ok && heads.flows(e.parsed.node, e.inner, scope).some((f) => !f.collection),
    );
    if (given) return true;
  }
  for (const [, v] of step.with?.entries ?? []) {
    const value = v.value;
    if (typeof value !== 'string') continue;
    if (/(?:^|\/)pull\/[^/\s]+\/(?:head|merge)\b/.test(value)) return true;
    if (refs.some((r) => new RegExp(`(?:^|[^\\w./-])${escapeRegExp(r)}(?![\\w./-])`).test(value)))
      return true;
  }
  if (actionOf(step.uses) === 'actions/github-script') {
    const script = String(input(step, 'script')?.value ?? '');
    return /\bexec(?:Sync|File)?\s*[.(]|child_process|\bspawn(?:Sync)?\s*\(/.test(script);
  }
  if (ref.kind !== 'local') return false;
  const action = depth < 3 ? localAction(workspace, step) : undefined;
  if (!action) return true;
  if (action.using?.value !== 'composite') return false;
  return action.steps.some((s) => {
    if (s.run) {
      const shell = s.shell?.value;
      return typeof shell === 'string' && /^(?:bash|sh)$/.test(shell.trim())
        ? commandsIntoTree(s.run.value)
        : INTO_TREE_TEXT.test(s.run.value);
    }
    return s.uses !== undefined && actionIntoTree(workspace, heads, workflow, job, s, refs, depth + 1);
  });
}

/** Whether a word names one of the fetched refs (`FETCH_HEAD`, `pr-head`) or a `pull/N/head` ref. */
function namesRef(word: string, refs: readonly string[]): boolean {
  if (/(?:^|\/)pull\/[^/\s]+\/(?:head|merge)\b/.test(word)) return true;
  return refs.some((r) => new RegExp(`(?:^|[^\\w./-])${escapeRegExp(r)}(?![\\w./-])`).test(word));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
