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
  // Commands or steps that run in the folder.
  const dirs = [workflow.defaults?.workingDirectory, job.defaults?.workingDirectory];
  if (dirs.some((d) => names(d?.value))) return undefined;
  for (const s of later) {
    if (names((s.value as Record<string, unknown>)['working-directory'])) return undefined;
    // An env value naming the folder may be read as a path to load (PYTHONPATH=pr, NODE_PATH).
    if (mapNames(s.env, names)) return undefined;
    if (s.uses) {
      // An action of the folder, or one given the folder (a path to build, test or lint).
      const ref = s.uses.value.trim();
      if (ref.startsWith('./') && names(ref.slice(2))) return undefined;
      if (!actionPathOf(s.uses) && !ref.startsWith('./')) return undefined;
      if (mapNames(s.with, names)) return undefined;
    }
    if (s.run && !commandsOf(s.run.value).every((c) => readsOnly(c, s.run!.value, folder))) return undefined;
  }
  if (mapNames(job.env, names) || mapNames(workflow.env, names)) return undefined;
  return folder;
}

/** `./pr/`, `${{ github.workspace }}/pr` -> `pr`; undefined for the workspace itself or a path out of it. */
function folderOf(raw: string): string | undefined {
  const folder = stripWorkspace(raw.trim())
    .replace(/\/+$/, '')
    .replace(/^(?:\.\/)+/, '');
  if (folder === '' || folder === '.' || folder.startsWith('/') || /(?:^|\/)\.\.(?:\/|$)/.test(folder))
    return undefined;
  // A folder named by an expression or a variable is not known.
  if (/[$`*?[\]{}\\]/.test(folder)) return undefined;
  return folder;
}

function stripWorkspace(text: string): string {
  return text.replace(/^(?:\$\{\{\s*github\.workspace\s*\}\}|\$\{?GITHUB_WORKSPACE\}?)\//, '');
}

/** Whether a word, or a part of it after `=`, `:` or `,`, is the folder or a path in it. */
function mentions(text: string, folder: string): boolean {
  return text.split(/[=:,\s]/).some((part) => {
    const p = stripWorkspace(part.replace(/^['"]|['"]$/g, '')).replace(/^(?:\.\/)+/, '');
    return p === folder || p.startsWith(`${folder}/`);
  });
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
function readsOnly(command: Command, script: string, folder: string): boolean {
  const named = (w: Word) => mentions(w.text, folder);
  if (!command.words.some(named)) return true;
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
  return first ? programReads(command.program, folder) : true;
}

function programReads(words: readonly Word[], folder: string): boolean {
  const named = (w: Word) => mentions(w.text, folder);
  const [program, ...args] = words;
  if (!program) return true;
  if (named(program)) return false;
  const name = program.text.replace(/^.*\//, '').toLowerCase();
  if (!args.some(named)) return true;
  if (PROJECT_RUNNERS.has(name) && args[0]?.text === 'run') {
    // Options of the runner, then the command it runs.
    const at = args.findIndex((w, i) => i > 0 && !w.text.startsWith('-'));
    if (args.slice(0, at < 0 ? args.length : at).some(named)) return false;
    return at < 0 || programReads(args.slice(at), folder);
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
