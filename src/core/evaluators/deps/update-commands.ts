import path from 'node:path/posix';
import { type CommandView, scriptCommands } from '../../parsers/shell-commands.js';
import type { EcosystemName } from './ecosystems.js';
import { type Recognised, recognise, type UpdateReach } from './update-programs.js';

/**
 * The dependency-update commands of a shell script (`go get -u ./...`, `npm update`, `cargo update`,
 * `pip-compile --upgrade`, ...; which commands, see update-programs.ts) and the directory each runs
 * in, for the coverage of update workflows (update-workflows.ts). The directory follows
 * `cd`/`pushd`/`popd` at the script's top level (a subshell's `cd` ends with it) and each tool's own
 * directory option (`go -C`, `npm --prefix`, `cargo --manifest-path`, ...). An install that follows the
 * removal of its directory's lockfile (`rm -f package-lock.json && npm install --package-lock-only`)
 * resolves every dependency afresh: it is an update too.
 */

/**
 * Where a command runs: a repository directory ("" for the root), or, when the script computes it
 * (`cd "$dir"`, a working directory from the matrix), some directory under `path`.
 */
export interface RunDir {
  path: string;
  exact: boolean;
}

/** One update command of a script. */
export interface UpdateCommand {
  ecosystem: EcosystemName;
  /** The command's words, as written (for messages). */
  text: string;
  /** Where it updates: its directory, or the directories of the files it is given (`pip-compile a/x.in`). */
  dirs: RunDir[];
  reach: UpdateReach;
  /** The manifests it updates, by file name, when not every manifest of its ecosystem. */
  names?: RegExp;
}

/** The repository root (`$GITHUB_WORKSPACE`, `${{ github.workspace }}`) at the start of a path. */
const WORKSPACE_ROOT = /^(?:\$\{\{\s*github\.workspace\s*\}\}|\$\{?GITHUB_WORKSPACE\}?)(?=\/|$)/;

/**
 * A directory `target` resolved from `from`; null when it is outside the repository (absolute, the
 * home directory, above the root). A target computed at run time (a variable, a command
 * substitution, a glob) is some directory under its literal part.
 */
export function resolveDir(from: RunDir, target: string): RunDir | null {
  let t = target.trim();
  let base = from;
  if (WORKSPACE_ROOT.test(t)) {
    t = t.replace(WORKSPACE_ROOT, '').replace(/^\/+/, '');
    base = { path: '', exact: true };
  } else if (t === '' || t === '-' || t.startsWith('/') || t.startsWith('~') || /^[a-z]:[\\/]/i.test(t)) {
    return null;
  }
  const parts = t.split('/');
  const computed = parts.findIndex((p) => /[$`*?[{]/.test(p));
  const literal = computed === -1 ? parts : parts.slice(0, computed);
  const joined = path.normalize(path.join(base.path || '.', ...literal));
  if (joined === '..' || joined.startsWith('../')) return null;
  const dir = joined === '.' ? '' : joined.replace(/\/$/, '');
  // Below a computed directory only the part above it is known; each `..` may climb one level out.
  if (!base.exact) {
    let known = base.path;
    for (const p of literal) if (p === '..') known = known.includes('/') ? path.dirname(known) : '';
    return { path: known, exact: false };
  }
  return { path: dir, exact: computed === -1 };
}

/** Whether the command opens a subshell `( ... )` (not a `$( ... )` or `<( ... )` substitution). */
function opensSubshell(source: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && (source[i] === ' ' || source[i] === '\t')) i--;
  return source[i] === '(' && source[i - 1] !== '$' && source[i - 1] !== '<';
}

/** A command of a script and the directory it runs in (null: outside the repository). */
export interface PlacedCommand {
  view: CommandView;
  dir: RunDir | null;
}

/**
 * Every command of the script with the directory it runs in, from `start`: `cd`, `pushd` and `popd`
 * at the top level move it, a subshell's `cd` ends with the subshell, and command substitutions and
 * scripts handed to shells run where their command does. A Makefile `recipe` runs each line in a
 * shell of its own, from `start` (and its lines may start with `@`, `-`, `+`).
 */
export function placedCommands(source: string, start: RunDir, recipe = false): PlacedCommand[] {
  const out: PlacedCommand[] = [];
  let cwd: RunDir | null = start;
  const pushed: (RunDir | null)[] = [];
  const subshells: (RunDir | null)[] = [];
  for (const view of scriptCommands(source, 0, source.length, recipe)) {
    const c = view.command;
    const top = c.depth === 0;
    if (top && opensSubshell(source, c.start)) subshells.push(cwd);
    out.push({ view, dir: cwd });
    if (top && (view.name === 'cd' || view.name === 'pushd')) {
      const target = c.words.slice(view.nameIndex + 1).find((w) => !/^-[LPe@]+$/.test(w.value))?.value ?? '';
      if (view.name === 'pushd') pushed.push(cwd);
      cwd = cwd ? resolveDir(cwd, target) : null;
    } else if (top && view.name === 'popd' && pushed.length > 0) {
      cwd = pushed.pop()!;
    }
    if (top && c.next === ')' && subshells.length > 0) cwd = subshells.pop()!;
    if (top && recipe && (c.next === '\n' || c.next === undefined)) cwd = start;
  }
  return out;
}

/**
 * Lockfiles whose removal makes the next install of the same directory resolve every dependency afresh,
 * at the newest versions the manifest allows: a whole update (`rm package-lock.json && npm install
 * --package-lock-only`). By the lockfile's name: its ecosystem and the installs that regenerate it.
 */
const REGENERATED: Readonly<
  Record<string, { ecosystem: EcosystemName; installs: (view: CommandView) => boolean }>
> = {
  'package-lock.json': { ecosystem: 'npm', installs: (v) => install(v, 'npm', ['install', 'i']) },
  'npm-shrinkwrap.json': { ecosystem: 'npm', installs: (v) => install(v, 'npm', ['install', 'i']) },
  'yarn.lock': { ecosystem: 'npm', installs: (v) => install(v, 'yarn', ['install', ''], true) },
  'pnpm-lock.yaml': { ecosystem: 'npm', installs: (v) => install(v, 'pnpm', ['install', 'i']) },
};

/**
 * Whether a command is an install of the whole manifest by `program` (`npm install`, `npm i
 * --package-lock-only`; `yarn` alone with `bare`): no package named, no lockfile-frozen mode.
 */
function install(view: CommandView, program: string, verbs: readonly string[], bare = false): boolean {
  if (view.name !== program) return false;
  const words = view.command.words.slice(view.nameIndex + 1).map((w) => w.value);
  const positional = words.filter((w) => !w.startsWith('-'));
  const verb = positional[0] ?? '';
  if (!verbs.includes(verb) || (verb === '' && !bare)) return false;
  if (positional.length > (verb === '' ? 0 : 1)) return false;
  return !words.some((w) => /^--(?:frozen-lockfile|immutable|ci|dry-run)(?:=|$)/.test(w));
}

/** The lockfiles an `rm` removes, as `dir\0name` (directories resolved from where it runs). */
function removedLockfiles(view: CommandView, dir: RunDir): string[] {
  if (view.name !== 'rm' || !dir.exact) return [];
  const out: string[] = [];
  for (const word of view.command.words.slice(view.nameIndex + 1)) {
    const value = word.value;
    if (value.startsWith('-')) continue;
    const name = value.slice(value.lastIndexOf('/') + 1);
    if (!Object.hasOwn(REGENERATED, name)) continue;
    const at = resolveDir(dir, value.includes('/') ? value.slice(0, value.lastIndexOf('/')) : '.');
    if (at?.exact) out.push(`${at.path}\0${name}`);
  }
  return out;
}

/** The update commands of a script run from `start` (see {@link UpdateCommand}, {@link placedCommands}). */
export function updateCommands(source: string, start: RunDir, recipe = false): UpdateCommand[] {
  const out: UpdateCommand[] = [];
  // Lockfiles removed so far, by directory and name; an install there regenerates them.
  const removed = new Set<string>();
  for (const { view, dir } of placedCommands(source, start, recipe)) {
    if (!dir || !view.name) continue;
    for (const lock of removedLockfiles(view, dir)) removed.add(lock);
    const found = recognise(view) ?? regenerates(view, dir, removed);
    if (!found) continue;
    const base = found.dir ? resolveDir(dir, found.dir) : dir;
    const dirs = base ? (found.files ?? ['.']).flatMap((f) => resolveDir(base, f) ?? []) : [];
    if (dirs.length === 0) continue;
    out.push({
      ecosystem: found.ecosystem,
      text: view.command.words
        .slice(view.nameIndex)
        .map((w) => w.value)
        .join(' '),
      dirs,
      reach: found.reach,
      ...(found.names ? { names: found.names } : {}),
    });
  }
  return out;
}

/** An install that regenerates a lockfile removed before it in its directory: a whole update there. */
function regenerates(view: CommandView, dir: RunDir, removed: ReadonlySet<string>): Recognised | undefined {
  if (removed.size === 0 || !dir.exact) return undefined;
  for (const [name, lock] of Object.entries(REGENERATED)) {
    if (removed.has(`${dir.path}\0${name}`) && lock.installs(view))
      return { ecosystem: lock.ecosystem, reach: 'package' };
  }
  return undefined;
}
