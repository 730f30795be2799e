import type { Job, Located, Step, Workflow } from '../../parsers/workflow.js';
import { type Command, commandsOf, type Word } from './commands.js';
import { actionOf, actionPathOf, input, stepsAfter } from './shared.js';
import { loadsCode } from './token-use.js';

/**
 * A checkout of a pull request's head into a folder beside the base's tree (`actions/checkout` with
 * `path: pr`), which the rest of the job only hands as data to tools that are not the pull request's:
 * a script of the base's tree given the folder as an argument (`./tools/render --local ./pr`, `python
 * bin/site build ./pr`, `ARGS=-folder=pr make gen`), git reading it (`git -C pr diff`), programs
 * known to only read files (`cat`, `grep`, `diff`, `jq`, `sha256sum`). Nothing of the folder is then a
 * program, a script given to an interpreter, a directory a command or step runs in, a file copied
 * elsewhere or a value of a variable that loads code, and no other program is given it: test
 * runners, linters, formatters, bundlers, compilers, build tools, package managers and installers load
 * the configuration and code of the project they are pointed at (`jest --rootDir pr`, `eslint pr`).
 * What the base's scripts do with the files is not read here (a generator may still run what it
 * finds): the checkout is still reported, at medium severity and confidence, not as a pwn request.
 *
 * Returns the folder, or undefined when the step is no such checkout or something may run the folder.
 */
export function sideFolderAsData(
  workflow: Workflow,
  job: Job,
  step: Step,
  savesCache: (s: Step) => boolean,
): string | undefined {
  if (actionOf(step.uses) !== 'actions/checkout') return undefined;
  const raw = input(step, 'path')?.value;
  const folder = typeof raw === 'string' ? folderOf(raw) : undefined;
  if (!folder) return undefined;
  const later = stepsAfter(job.steps, step);
  // A cache saved when the job ends, or an env that makes later commands load files.
  if (job.steps.some((s) => s.index < step.index && savesCache(s))) return undefined;
  if ([workflow.env, job.env, step.env, ...later.map((s) => s.env)].some(loadsCode)) return undefined;
  const names = (text: unknown) => typeof text === 'string' && mentions(text, folder);
  // A directory a step or command runs in: any spelling that may be the folder names it.
  const namesDir = (text: unknown) => typeof text === 'string' && mentions(text, folder, 'dir');
  // Commands or steps that run in the folder.
  const dirs = [workflow.defaults?.workingDirectory?.value, job.defaults?.workingDirectory?.value];
  if (dirs.some(namesDir)) return undefined;
  for (const s of later) {
    const wd = (s.value as Record<string, unknown>)['working-directory'];
    if (namesDir(wd)) return undefined;
    // An env value naming the folder may be read as a path to load (PYTHONPATH=pr, NODE_PATH).
    if (mapNames(s.env, names)) return undefined;
    if (s.uses) {
      // An action of the folder, or one given the folder (a path to build, test or lint).
      const ref = s.uses.value.trim();
      if (ref.startsWith('./') && namesDir(ref.slice(2))) return undefined;
      if (!actionPathOf(s.uses) && !ref.startsWith('./')) return undefined;
      if (mapNames(s.with, names)) return undefined;
    }
    if (s.run) {
      const script = withoutExpressions(s.run.value);
      const commands = commandsOf(script);
      // Once a script or step leaves the workspace's root, a relative path is read from a directory
      // this does not follow (`cd .github && npm --prefix ../pr ci`, `cd .. && make -C r/pr`).
      const moved =
        [...dirs, wd].some((d) => typeof d === 'string' && d.trim() !== '') || commands.some(changesDir);
      if (!commands.every((c) => readsOnly(c, script, folder, moved))) return undefined;
    }
  }
  if (mapNames(job.env, names) || mapNames(workflow.env, names)) return undefined;
  return folder;
}

/** `./pr/`, `${{ github.workspace }}/pr` -> `pr`; undefined for the workspace itself or a path out of it. */
function folderOf(raw: string): string | undefined {
  const folder = stripWorkspace(withoutExpressions(raw.trim()))
    .replace(/\/+$/, '')
    .replace(/^(?:\.\/)+/, '');
  if (folder === '' || folder === '.' || folder.startsWith('/') || /(?:^|\/)\.\.(?:\/|$)/.test(folder))
    return undefined;
  // A folder named by an expression or a variable is not known.
  if (/[$`*?[\]{}\\]/.test(folder)) return undefined;
  return folder.replace(/\/(?:\.?\/)+/g, '/');
}

/**
 * The spellings of the workspace's root at the start of a path: `${{ github.workspace }}` (made
 * `$GITHUB_WORKSPACE` by {@link withoutExpressions}), `$GITHUB_WORKSPACE`, and the directory the step
 * starts in (`$PWD`, `$(pwd)`, `~+`), taken for the root: read as the root, a path that may name the
 * folder is not missed.
 */
const WORKSPACE = /^(?:\$\{?GITHUB_WORKSPACE\}?|\$\{?PWD\}?|\$\(\s*pwd\s*\)|`\s*pwd\s*`|~\+)(?=\/|$)/;

function stripWorkspace(text: string): string {
  const root = WORKSPACE.exec(text);
  return root ? text.slice(root[0].length).replace(/^\/+/, '') : text;
}

/**
 * A script or value with its `${{ }}` expressions made single words, as the runner writes them in
 * before the shell reads the script: `${{ github.workspace }}` is the workspace's root, any other
 * expression a value not known here.
 */
function withoutExpressions(text: string): string {
  return text.replace(/\$\{\{([^}]*(?:\}(?!\})[^}]*)*)\}\}/g, (_m, inner: string) =>
    /^\s*github\.workspace\s*$/.test(inner) ? '$GITHUB_WORKSPACE' : '$__EXPRESSION__',
  );
}

/**
 * Whether a word, or a part of it after `=`, `:` or `,`, may be the folder or a path in it. Paths are
 * read as the shell resolves them: the workspace's spellings at the start, `.` and `..` resolved,
 * repeated and trailing slashes dropped, a glob pattern (`pr*`, `p?`, `[p]r`, `{pr,x}`) taken for
 * the folder it matches. A relative path is read from the workspace's root, or, once the script may
 * have moved elsewhere (`moved`) or when it climbs out of where it starts (`../pr`), from anywhere:
 * the folder anywhere in it names it. As `dir` (the directory of `cd`, `pushd`, `working-directory`
 * or a local action), a path holding a value not known here (`cd "$DIR"`, `$(realpath x)`) and a
 * folder above the side folder (`cd a` for `a/b`) name it too.
 */
function mentions(text: string, folder: string, mode?: 'dir' | 'moved'): boolean {
  const target = folder.split('/');
  return withoutExpressions(text)
    .split(/[=:,\s]/)
    .some((part) => pathNames(part.replace(/^['"]+|['"]+$/g, ''), target, mode));
}

function pathNames(word: string, folder: readonly string[], mode?: 'dir' | 'moved'): boolean {
  if (word === '') return false;
  const root = WORKSPACE.exec(word);
  const rest = root ? word.slice(root[0].length) : word;
  if (mode === 'dir' && /[$`]/.test(rest)) return true;
  if (!root && rest.startsWith('~')) return false;
  const segments: string[] = [];
  let climbed = false;
  for (const s of rest.split('/')) {
    if (s === '' || s === '.') continue;
    if (s !== '..') segments.push(s);
    else if (segments.length > 0) segments.pop();
    else climbed = true;
  }
  // An absolute path elsewhere, or a path read from a directory not followed: the folder anywhere.
  const anywhere = climbed || (!root && (rest.startsWith('/') || mode !== undefined));
  for (let i = 0; i < (anywhere ? segments.length : Math.min(1, segments.length)); i++) {
    let j = 0;
    while (j < folder.length && i + j < segments.length && segmentMatches(segments[i + j]!, folder[j]!)) j++;
    if (j === folder.length) return true;
    if (mode === 'dir' && j > 0 && i + j === segments.length) return true;
  }
  return false;
}

/** Whether a path segment is the name, or a glob pattern matching it. */
function segmentMatches(segment: string, name: string): boolean {
  if (segment === name) return true;
  if (!/[*?[{]/.test(segment)) return false;
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) source += '\\[';
      else {
        source += `[${segment
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '{') source += '(?:';
    else if (c === '}') source += ')';
    else if (c === ',') source += '|';
    else source += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  try {
    return new RegExp(`^${source}$`).test(name);
  } catch {
    // A pattern not read here may match the folder.
    return true;
  }
}

/** A command that changes the directory later commands run in. */
function changesDir(command: Command): boolean {
  const [first, second] = command.program;
  const name = first?.text === 'builtin' ? second?.text : first?.text;
  return name === 'cd' || name === 'pushd' || name === 'popd';
}

function mapNames(
  map: { entries: Map<string, Located> } | undefined,
  names: (v: unknown) => boolean,
): boolean {
  return [...(map?.entries.values() ?? [])].some((v) => names(typeof v.value === 'number' ? '' : v.value));
}

/** Interpreters: the first word that is no option is the script they run. */
const INTERPRETER =
  /^(?:python[\d.]*|py|node|nodejs|bash|sh|zsh|dash|ksh|ruby|perl|php|pwsh|powershell|rscript|lua|tclsh)$/i;
/** Runners of a project's environment that run the command they are given (`poetry run python x`). */
const PROJECT_RUNNERS = new Set(['poetry', 'uv', 'pipenv', 'pdm', 'hatch', 'rye']);
/**
 * Programs known to only read the files they are given, or to write them as data: they run nothing of
 * a folder they are pointed at. Any other program may (test runners, linters, formatters, bundlers,
 * compilers and build tools load the configuration, plugins and code of the project they are given:
 * `jest --rootDir pr`, `eslint pr`, `prettier --check pr`, `mdbook build pr`).
 */
const DATA_READERS = new Set(
  (
    'cat head tail less more grep egrep fgrep rg ag diff cmp comm wc sort uniq cut tr paste column fold ' +
    'nl tac od hexdump xxd strings base64 sha1sum sha224sum sha256sum sha384sum sha512sum shasum md5sum ' +
    'b2sum cksum jq yq ls tree stat du file basename dirname realpath readlink echo printf test [ [[ ' +
    'mkdir rm rmdir touch diffstat'
  ).split(' '),
);
/** Folders of installed tools: a program or script there is a dependency, not the base's own script. */
const INSTALLED = /(?:^|\/)(?:node_modules|\.venv|venv|site-packages|vendor|\.bin|\.cargo|go\/bin)(?:\/|$)/;
/** git subcommands that only read a repository. */
const GIT_READS = new Set([
  'diff',
  'log',
  'status',
  'show',
  'rev-parse',
  'ls-files',
  'diff-index',
  'diff-tree',
  'describe',
  'rev-list',
  'cat-file',
  'ls-tree',
  'shortlog',
  'blame',
]);
/** Variables whose value names files that later programs load. */
const LOADING_VARIABLE =
  /^(?:PATH|PYTHONPATH|PYTHONSTARTUP|NODE_PATH|NODE_OPTIONS|RUBYLIB|RUBYOPT|PERL5LIB|PERL5OPT|LD_PRELOAD|LD_LIBRARY_PATH|DYLD_\w+|BASH_ENV|ENV|CLASSPATH|GOFLAGS|GOPATH|CARGO_HOME|GIT_\w+|\w*_CONFIG|\w*RC)$/i;

/**
 * Whether a command treats the folder only as data: it names the folder nowhere, or only as an
 * argument of a script of the base's tree (named by its path, or run by an interpreter), of git
 * reading it, or of a program known to only read files ({@link DATA_READERS}), and not through a
 * variable that loads code.
 */
function readsOnly(command: Command, script: string, folder: string, moved: boolean): boolean {
  const mode = moved ? 'moved' : undefined;
  // The directory `cd` or `pushd` goes to: any spelling that may be the folder.
  const dir = changesDir(command);
  const named = (w: Word) => mentions(w.text, folder, dir && command.program.includes(w) ? 'dir' : mode);
  if (!command.words.some(named)) return true;
  if (dir) return false;
  const first = command.program[0];
  // The variables set before the program (`ARGS="-folder=pr" make gen`): data, unless they load code;
  // one set alone (`DIR=pr`) is read later, where this does not follow it.
  const prefix = first ? command.words.filter((w) => w.start < first.start) : command.words;
  for (const w of prefix) {
    if (!named(w)) continue;
    const name = /^([A-Za-z_]\w*)=/.exec(w.text)?.[1];
    if (!first || !name || LOADING_VARIABLE.test(name)) return false;
  }
  // A value written for later steps (`echo "X=pr" >> "$GITHUB_ENV"`).
  if (/GITHUB_(?:ENV|PATH|OUTPUT)/.test(script.slice(command.start, command.end))) return false;
  return first ? programReads(command.program, folder, mode) : true;
}

function programReads(words: readonly Word[], folder: string, mode: 'moved' | undefined): boolean {
  const named = (w: Word) => mentions(w.text, folder, mode);
  const [program, ...args] = words;
  if (!program) return true;
  if (named(program)) return false;
  const name = program.text.replace(/^.*\//, '').toLowerCase();
  if (!args.some(named)) return true;
  if (PROJECT_RUNNERS.has(name) && args[0]?.text === 'run') {
    // Options of the runner, then the command it runs.
    const at = args.findIndex((w, i) => i > 0 && !w.text.startsWith('-'));
    if (args.slice(0, at < 0 ? args.length : at).some(named)) return false;
    return at < 0 || programReads(args.slice(at), folder, mode);
  }
  if (INTERPRETER.test(name)) {
    const at = args.findIndex((w) => !w.text.startsWith('-'));
    // `-c code`, `-m module`: the code or the module's own arguments are what run.
    if (args.slice(0, at < 0 ? args.length : at).some((w) => /^-[a-z]*[cme]$/i.test(w.text))) return false;
    // A script of the base's tree (not of an installed tool: `node node_modules/jest/bin/jest.js`).
    return at >= 0 && !named(args[at]!) && !INSTALLED.test(args[at]!.text);
  }
  if (name === 'git') {
    const c = args.findIndex((w) => w.text === '-C');
    const sub = args.find((w, i) => !w.text.startsWith('-') && i !== c + 1);
    return c < 0 || (named(args[c + 1]!) && sub !== undefined && GIT_READS.has(sub.text));
  }
  if (name === 'find') return !args.some((w) => /^-(?:exec|execdir|ok|okdir)$/.test(w.text));
  // A script of the base's tree named by its path (`./tools/render pr`): the base's own code, read in
  // review; what it does with the folder is not read here.
  if (baseScript(program.text)) return true;
  return DATA_READERS.has(name);
}

/** A relative path to a file of the base's tree that is not an installed tool's. */
function baseScript(path: string): boolean {
  const p = stripWorkspace(path);
  return p.includes('/') && !p.startsWith('/') && !p.startsWith('~') && !/[$`]/.test(p) && !INSTALLED.test(p);
}
