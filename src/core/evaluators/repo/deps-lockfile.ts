import path from 'node:path/posix';
import { inTestPaths } from '../../confidence.js';
import { fileLocation } from '../../location.js';
import { DOCKERFILE_GLOBS, readDockerfile } from '../../parsers/dockerfile.js';
import type { RawFinding } from '../../types.js';
import { vendored } from '../../vendored.js';
import { pathMatcher } from '../../workspace/glob.js';
import { defineScreen, defineSelector, keysOfNames } from '../../workspace/screens.js';
import type { Workspace } from '../../workspace/workspace.js';
import { globList, orList } from '../generic/shared.js';
import { defineEvaluator } from '../types.js';
import {
  cargoNeedsLock,
  composerIsApplication,
  composerNeedsLock,
  goModNeedsSum,
  isTemplateManifest,
  packageJsonNeedsLock,
  pipfileNeedsLock,
  pyprojectDeclaresDependencies,
  pyprojectTool,
  readJson,
  tomlStringArray,
  workspaceTable,
} from './manifests.js';

export const ECOSYSTEMS = ['npm', 'python', 'ruby', 'rust', 'php', 'go'] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

/** Options of `deps.lockfile`. */
export interface DepsLockfileOptions {
  ecosystems: Ecosystem[];
  exclude: string[];
}

const NPM_LOCKS = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'bun.lockb',
];
const PY_LOCKS = ['poetry.lock', 'uv.lock', 'pdm.lock'];

/** What one manifest requires: the lockfiles that satisfy it and the directories where they count. */
interface Requirement {
  locks: readonly string[];
  /** Directories searched, nearest first: the manifest's own, then its workspace roots. */
  dirs: string[];
  /** Where the project turns its lockfile off (npm's `package-lock=false`), when it does. */
  off?: LockfileOff;
  /**
   * A package.json whose only dependencies are `peerDependencies`: the package that loads it (a
   * plugin's host) provides them, from its own install and lockfile.
   */
  peersOnly?: boolean;
}

/**
 * A package manager setting that turns the lockfile off, or a `.gitignore` pattern that keeps it out
 * of the repository (`ignored`), and where it is written.
 */
interface LockfileOff {
  setting: string;
  file: string;
  line: number;
  ignored?: boolean;
}

/**
 * `deps.lockfile`: every package manifest that declares dependencies has a lockfile beside it, or in
 * the ancestor directory that is its workspace root (npm/yarn/bun `workspaces`, pnpm-workspace.yaml,
 * a Cargo `[workspace]`, a uv workspace); for a package.json, node2nix's `node-packages.nix` beside
 * it is one too. Without a lockfile, each install resolves version ranges
 * anew, so builds are neither reproducible nor reviewable. Scaffolding templates (template syntax in
 * the manifest's name, version or directory: {@link isTemplateManifest}; or a folder an enclosing npm
 * package publishes: {@link publishedBy}) are not projects and need none;
 * nor do libraries, which conventionally ship without a lock (a plain pyproject `[project]`, a Composer
 * package that is not an application: {@link composerIsApplication}). A workspace whose root has no
 * lockfile is one finding at the root manifest, naming its members: one file at the root fixes them all.
 */
/** Manifests that are not the project's own: vendored code, installed packages, test fixtures. */
export const DEFAULT_MANIFEST_EXCLUDE = [
  '**/node_modules/**',
  '**/vendor/**',
  '**/bower_components/**',
  '**/fixtures/**',
  '**/__fixtures__/**',
  '**/testdata/**',
];

export const depsLockfile = defineEvaluator<DepsLockfileOptions>({
  kind: 'deps.lockfile',
  summary:
    'Package manifests with dependencies have a committed lockfile (npm, Python, Ruby, Rust, PHP, Go).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ecosystems: {
        type: 'array',
        uniqueItems: true,
        items: { enum: [...ECOSYSTEMS] },
        default: [...ECOSYSTEMS],
        description: 'Ecosystems to check.',
      },
      exclude: globList(
        'Globs of manifests to ignore: vendored code, installed packages and test fixtures. Setting it ' +
          'replaces the defaults.',
        {
          default: DEFAULT_MANIFEST_EXCLUDE,
        },
      ),
    },
  },
  evaluate({ options, workspace }): RawFinding[] {
    const excluded = options.exclude.length > 0 ? workspace.matcher(options.exclude) : () => false;
    const wanted = new Set(options.ecosystems);
    // Manifests that one lockfile would cover, by where it belongs: a workspace's members and its root
    // all wait for the same file at the root, so they are one finding there, not one per member.
    const missing = new Map<string, { req: Requirement; files: string[] }>();
    for (const file of workspace.filesWhere(LOCKED_MANIFESTS)) {
      if (excluded(file)) continue;
      const name = path.basename(file);
      const parent = path.dirname(file);
      const dir = parent === '.' ? '' : parent;
      const req = requirementFor(workspace, name, file, dir, wanted);
      // A scaffolding template is rendered into a new project before anyone installs it.
      if (!req || isTemplateManifest(workspace, file)) continue;
      if (req.dirs.some((d) => req.locks.some((lock) => workspace.has(join(d, lock))))) continue;
      if (name === 'package.json' && lockedByNix(workspace, dir)) continue;
      // Published by an enclosing package, as its scaffolding templates are: copied, then installed.
      if (publishedBy(workspace, dir) !== undefined) continue;
      if (lockedInImageBuild(workspace, file, req.locks)) continue;
      // Read only now, for a manifest whose lockfile is missing: the .gitignore files on its path.
      if (!req.off) {
        const ignored = gitignored(workspace, join(req.dirs[req.dirs.length - 1]!, req.locks[0]!));
        if (ignored) req.off = ignored;
      }
      const group = `${req.dirs[req.dirs.length - 1]}\0${name}`;
      const entry = missing.get(group);
      if (entry) entry.files.push(file);
      else missing.set(group, { req, files: [file] });
    }
    return [...missing.values()].map(({ req, files }) => lockFinding(workspace, req, files));
  },
});

/**
 * The package.json of the npm package that publishes the folder `dir` as files of its own: a
 * package.json above it lists the folder, or one above it, in `files` (`"files": ["template-*"]`), as
 * a `create-*` package ships its scaffolding templates. A manifest there is content of that package,
 * copied into a new project that makes its own lockfile on its first install; nothing installs it
 * where it stands. Undefined for a folder no enclosing package publishes.
 */
export function publishedBy(ws: Workspace, dir: string): string | undefined {
  if (dir === '') return undefined;
  for (let above = path.dirname(dir); ; above = path.dirname(above)) {
    const top = above === '.' ? '' : above;
    const manifest = join(top, 'package.json');
    const files = ws.has(manifest) ? readJson(ws, manifest)?.files : undefined;
    if (Array.isArray(files)) {
      const rel = top === '' ? dir : dir.slice(top.length + 1);
      if (
        publishes(
          files.filter((f): f is string => typeof f === 'string'),
          rel,
        )
      )
        return manifest;
    }
    if (top === '') return undefined;
  }
}

/**
 * Whether npm's `files` list takes a folder (relative to the package): an entry names it or a folder
 * above it (`template`, `templates/`, `template-*`, `templates/**`), and no `!` entry takes it back.
 */
function publishes(files: readonly string[], rel: string): boolean {
  const folders: string[] = [];
  for (let at = rel.indexOf('/'); at !== -1; at = rel.indexOf('/', at + 1)) folders.push(rel.slice(0, at));
  folders.push(rel);
  const entry = (f: string) => f.replace(/^\.\//, '').replace(/(?:\/\*\*)?\/*$/, '');
  const taken = (patterns: string[]) => {
    const globs = patterns.map(entry).filter((f) => f !== '' && f !== '.' && f !== '*' && f !== '**');
    if (globs.length === 0) return false;
    const match = pathMatcher(globs);
    return folders.some(match);
  };
  const negated = files.filter((f) => f.startsWith('!')).map((f) => f.slice(1));
  return taken(files.filter((f) => !f.startsWith('!'))) && !taken(negated);
}

/**
 * node2nix's output beside a package.json/**
 * node2nix's output beside a package.json (`node-packages.nix`, "generated by node2nix"): every
 * package of the tree, transitive ones included, pinned by URL and integrity hash for Nix to fetch.
 * That is the manifest's lockfile; nothing runs `npm install` on it.
 */
function lockedByNix(ws: Workspace, dir: string): boolean {
  const file = join(dir, 'node-packages.nix');
  return ws.has(file) && /^#[^\n]{0,80}generated by node2nix\b/i.test(ws.text(file) ?? '');
}

/**
 * Whether a Dockerfile of the repository builds the manifest only beside a committed lockfile: one
 * stage copies the manifest into place (`COPY backends/neuron/Cargo.toml Cargo.toml`) and copies a
 * lockfile of its kind that the repository holds into the same folder (`COPY Cargo.lock Cargo.lock`).
 * The build installs from that lockfile. Sources are read from the repository's top, as a build
 * whose context is the top names them; a copy from another stage or an image is no source of ours.
 */
function lockedInImageBuild(ws: Workspace, manifest: string, locks: readonly string[]): boolean {
  const name = path.basename(manifest);
  for (const placed of imageCopies(ws, name)) {
    const at = [...placed].filter(([, from]) => from === manifest).map(([to]) => to);
    for (const to of at) {
      if (path.basename(to) !== name) continue;
      const folder = path.dirname(to);
      for (const lock of locks) {
        const from = placed.get(path.join(folder, lock));
        if (from && path.basename(from) === lock && ws.has(from)) return true;
      }
    }
  }
  return false;
}

/**
 * The files each stage of the repository's Dockerfiles copies from the build context, by where they
 * land (see `Stage.placed`), from the Dockerfile models the Dockerfile rules share: of the
 * Dockerfiles that may copy a file named `name`.
 */
function imageCopies(ws: Workspace, name: string): ReadonlyMap<string, string>[] {
  const screen = COPIES_OF.get(name);
  return ws.memo('deps-lockfile-image-copies', name, () =>
    (screen ? ws.screenedGlob(DOCKERFILE_GLOBS, screen) : []).flatMap(
      (file) => readDockerfile(ws, file)?.stages.map((stage) => stage.placed) ?? [],
    ),
  );
}

/**
 * Whether a Dockerfile's text may copy a file of this name into place: it has a COPY, and the name is
 * in it once its escapes are read as a Dockerfile's words read them (an escape character, `\\` or the
 * one a directive sets, before a line break continues the line past any comment or empty lines; before
 * another character, it stands for that character). The test spares parsing the rest (a Dockerfile
 * that copies its whole context, `COPY . .`, names no manifest a copy can be traced to).
 */
function mayCopy(text: string, name: string): boolean {
  if (!/^\s*COPY\b/im.test(text)) return false;
  if (text.includes(name)) return true;
  if (!/[\\`]/.test(text)) return false;
  const read = text.replace(CONTINUATION, '').replace(/[\\`]([^\r\n])/g, '$1');
  return read.includes(name);
}

/** An escape character that continues a line: with the line break and the comment or empty lines after it. */
const CONTINUATION = /[\\`]\r?\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*/g;

/** One finding for the manifests that one missing lockfile would cover. */
function lockFinding(ws: Workspace, req: Requirement, files: string[]): RawFinding {
  const expected = `expected ${orList(req.locks.map((l) => `\`${l}\``))}`;
  const file = files[0]!;
  const name = path.basename(file);
  if (files.length === 1) {
    const roots = req.dirs.slice(1).map((d) => d || 'the repository root');
    const where =
      roots.length > 0 ? ` beside it or in its workspace root (${roots.join(', ')})` : ' beside it';
    if (req.off) {
      // A decision the project wrote down: still no lockfile, but not an oversight.
      const { setting, file: rc, line } = req.off;
      return {
        message: req.off.ignored
          ? `${file} declares dependencies, and its lockfile (${expected.replace(/^expected /, '')}) is kept out of ` +
            `the repository on purpose (\`${setting}\` at ${rc}:${line}), so every install, CI included, resolves ` +
            'its version ranges again.'
          : `${file} declares dependencies and turns its lockfile off (\`${setting}\` at ${rc}:${line}), so ` +
            'every install, CI included, resolves its version ranges again.',
        location: fileLocation(file),
        key: name,
        confidence: 'low',
      };
    }
    if (req.peersOnly) {
      // Nothing of its own to install: its host's install resolves and locks the peers.
      return {
        message:
          `${file} declares only peerDependencies and no lockfile is committed${where}: the package that ` +
          `loads it provides them, from its own lockfile; if this package is installed on its own, commit ${expected.replace(/^expected /, '')}.`,
        location: fileLocation(file),
        key: name,
        confidence: 'low',
      };
    }
    return {
      message: `${file} declares dependencies but no lockfile is committed${where}: ${expected}.`,
      location: fileLocation(file),
      key: name,
    };
  }
  const root = req.dirs[req.dirs.length - 1]!;
  const rootManifest = join(root, name);
  // At the root manifest, unless every member is test or example material: then at one of them, so
  // the finding is graded as theirs were (the root of such a workspace is no project of its own).
  const at = ws.has(rootManifest) && !files.every(inTestPaths) ? rootManifest : [...files].sort()[0]!;
  const shown = [...files].sort().slice(0, 5).join(', ');
  const more = files.length > 5 ? ` and ${files.length - 5} more` : '';
  const off = req.off
    ? req.off.ignored
      ? ` Its .gitignore keeps the lockfile out (\`${req.off.setting}\` at ${req.off.file}:${req.off.line}).`
      : ` It turns the lockfile off (\`${req.off.setting}\` at ${req.off.file}:${req.off.line}).`
    : '';
  return {
    message:
      `${files.length} manifests of the workspace at ${root || 'the repository root'} declare dependencies ` +
      `(${shown}${more}) but no lockfile is committed at its root, where one lockfile covers them all: ` +
      `${expected}.${off}`,
    location: fileLocation(at),
    key: name,
    ...(req.off ? { confidence: 'low' as const } : {}),
  };
}

function requirementFor(
  ws: Workspace,
  name: string,
  file: string,
  dir: string,
  wanted: ReadonlySet<Ecosystem>,
): Requirement | undefined {
  switch (name) {
    case 'package.json': {
      if (!wanted.has('npm')) return undefined;
      const pkg = readJson(ws, file);
      if (!packageJsonNeedsLock(pkg)) return undefined;
      const dirs = [dir, ...npmWorkspaceRoots(ws, dir)];
      const off = npmLockfileOff(ws, dirs);
      const peersOnly = !packageJsonNeedsLock({ ...pkg, peerDependencies: undefined });
      return {
        locks: preferredFirst(NPM_LOCKS, pkg),
        dirs,
        ...(off ? { off } : {}),
        ...(peersOnly ? { peersOnly } : {}),
      };
    }
    case 'Pipfile':
      return wanted.has('python') && pipfileNeedsLock(ws.text(file) ?? '')
        ? { locks: ['Pipfile.lock'], dirs: [dir] }
        : undefined;
    case 'pyproject.toml': {
      if (!wanted.has('python')) return undefined;
      const text = ws.text(file) ?? '';
      const tool = pyprojectTool(text);
      // A tool's table alone (its settings) asks for no lockfile: only dependencies are locked.
      if (!tool || !pyprojectDeclaresDependencies(text)) return undefined;
      const primary = `${tool}.lock`;
      return {
        locks: [primary, ...PY_LOCKS.filter((l) => l !== primary)],
        dirs: [dir, ...uvWorkspaceRoots(ws, dir)],
      };
    }
    case 'Gemfile':
      return wanted.has('ruby') ? { locks: ['Gemfile.lock'], dirs: [dir] } : undefined;
    case 'gems.rb':
      return wanted.has('ruby') ? { locks: ['gems.locked'], dirs: [dir] } : undefined;
    case 'Cargo.toml': {
      if (!wanted.has('rust') || !cargoNeedsLock(ws.text(file) ?? '')) return undefined;
      return { locks: ['Cargo.lock'], dirs: [dir, ...cargoWorkspaceRoots(ws, dir)] };
    }
    case 'composer.json': {
      if (!wanted.has('php')) return undefined;
      const manifest = readJson(ws, file);
      if (!composerNeedsLock(manifest) || !composerIsApplication(manifest)) return undefined;
      return replacedByRoot(ws, file, manifest) ? undefined : { locks: ['composer.lock'], dirs: [dir] };
    }
    case 'go.mod':
      return wanted.has('go') && goModNeedsSum(ws.text(file) ?? '')
        ? { locks: ['go.sum'], dirs: [dir] }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Whether the repository's root composer.json `replace`s this sub-package: a monorepo whose packages
 * are split into read-only repositories for publishing. The root's lock (or its being a library) speaks
 * for them; the split manifest is never installed from here.
 */
function replacedByRoot(ws: Workspace, file: string, manifest: Record<string, unknown> | undefined): boolean {
  if (file === 'composer.json' || typeof manifest?.name !== 'string') return false;
  const replace = readJson(ws, 'composer.json')?.replace;
  return typeof replace === 'object' && replace !== null && Object.hasOwn(replace, manifest.name);
}

/** The manifests {@link requirementFor} knows, by name: the tree is listed for them alone. */
const LOCKED_MANIFEST_NAMES = new Set([
  'package.json',
  'Pipfile',
  'pyproject.toml',
  'Gemfile',
  'gems.rb',
  'Cargo.toml',
  'composer.json',
  'go.mod',
]);
const LOCKED_MANIFESTS = defineSelector(
  'lockfile-manifests',
  (f) => LOCKED_MANIFEST_NAMES.has(f.slice(f.lastIndexOf('/') + 1)),
  keysOfNames([...LOCKED_MANIFEST_NAMES]),
);

/**
 * For each manifest name, the Dockerfiles that may copy a file of that name (see {@link mayCopy}), as
 * a screen: a manifest's judgement then rests on those Dockerfiles alone, not on every Dockerfile's
 * text, and an edit of another Dockerfile leaves it as it was.
 */
const COPIES_OF = new Map(
  [...LOCKED_MANIFEST_NAMES].map((name) => [
    name,
    defineScreen(`lockfile-image-copies:${name}`, (_file, text) => mayCopy(text, name)),
  ]),
);

/** npm's `package-lock` and pnpm's `lockfile`: false, neither reads nor writes a lockfile. */
const LOCKFILE_SETTING = /^\s*(package-lock|lockfile)\s*=\s*["']?(true|false)["']?\s*$/i;

/**
 * Whether the project's `.npmrc` turns the lockfile off: the `.npmrc` of the package or of its
 * workspace root (npm's project configuration), the nearest that sets it deciding.
 */
function npmLockfileOff(ws: Workspace, dirs: readonly string[]): LockfileOff | undefined {
  for (const dir of dirs) {
    const file = join(dir, '.npmrc');
    if (!ws.has(file)) continue;
    const lines = (ws.text(file) ?? '').split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = LOCKFILE_SETTING.exec(lines[i]!);
      if (!m) continue;
      if (m[2]!.toLowerCase() === 'true') return undefined;
      return { setting: `${m[1]}=false`, file, line: i + 1 };
    }
  }
  return undefined;
}

/**
 * The `.gitignore` line that keeps a lockfile out of the repository (`*.lock`, `Gemfile.lock`,
 * `/package-lock.json`), read as git does: the root one, then each nested one down to the lockfile's
 * folder, the last line with an opinion deciding (a negation re-includes it). Undefined when git
 * would take the file.
 */
function gitignored(ws: Workspace, lock: string): LockfileOff | undefined {
  const parts = lock.split('/');
  let decided: LockfileOff | undefined;
  for (let i = 0; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    const file = join(dir, '.gitignore');
    if (!ws.has(file)) continue;
    const rel = parts.slice(i).join('/');
    const lines = (ws.text(file) ?? '').split(/\r?\n/);
    for (let n = 0; n < lines.length; n++) {
      const pattern = lines[n]!.trim();
      if (pattern === '' || pattern.startsWith('#')) continue;
      const verdict = vendored('ignore')().add(pattern).test(rel);
      if (verdict.ignored) decided = { setting: pattern, file, line: n + 1, ignored: true };
      else if (verdict.unignored) decided = undefined;
    }
  }
  return decided;
}

/** Ancestors of `dir`, nearest first ("" is the repository root). */
function ancestors(dir: string): string[] {
  const out: string[] = [];
  let current = dir;
  while (current !== '') {
    current = path.dirname(current) === '.' ? '' : path.dirname(current);
    out.push(current);
  }
  return out;
}

function join(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** Ancestors whose workspace globs (package.json `workspaces`, pnpm-workspace.yaml) include `dir`. */
export function npmWorkspaceRoots(ws: Workspace, dir: string): string[] {
  return ancestors(dir).filter((root) => {
    const rel = root ? dir.slice(root.length + 1) : dir;
    const globs: string[] = [];
    const pkg = readJson(ws, join(root, 'package.json'));
    const declared = pkg?.workspaces;
    if (Array.isArray(declared)) globs.push(...declared.filter((g): g is string => typeof g === 'string'));
    else if (declared && typeof declared === 'object') {
      const packages = (declared as { packages?: unknown }).packages;
      if (Array.isArray(packages)) globs.push(...packages.filter((g): g is string => typeof g === 'string'));
    }
    const pnpm = ws.has(join(root, 'pnpm-workspace.yaml'))
      ? ws.yaml(join(root, 'pnpm-workspace.yaml'))
      : undefined;
    const pnpmPackages = pnpm?.ok
      ? (pnpm.documents[0]?.value as { packages?: unknown } | null)?.packages
      : undefined;
    if (Array.isArray(pnpmPackages))
      globs.push(...pnpmPackages.filter((g): g is string => typeof g === 'string'));
    return globs.length > 0 && matchesWorkspaceGlobs(rel, globs);
  });
}

/** Workspace globs with `!` negations, as npm, yarn and pnpm read them. */
function matchesWorkspaceGlobs(rel: string, globs: string[]): boolean {
  const clean = (g: string) => g.replace(/^\.\//, '').replace(/\/+$/, '');
  const include = globs.filter((g) => !g.startsWith('!')).map(clean);
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => clean(g.slice(1)));
  if (include.length === 0) return false;
  return pathMatcher(include)(rel) && !(exclude.length > 0 && pathMatcher(exclude)(rel));
}

/**
 * Cargo walks up to the nearest manifest with a `[workspace]` table, which must list the member in
 * `members` (globs) and not in `exclude`, or reach it as a path dependency of a member (path
 * dependencies that reside in the workspace's directory are implicit members, locked by its
 * Cargo.lock). A table without `members` is trusted.
 */
export function cargoWorkspaceRoots(ws: Workspace, dir: string): string[] {
  return ancestors(dir).filter((root) => {
    const table = workspaceTable(ws.text(join(root, 'Cargo.toml')) ?? '');
    if (!table) return false;
    const rel = root ? dir.slice(root.length + 1) : dir;
    const members = tomlStringArray(table, 'members');
    if (!members) return true;
    const excluded = tomlStringArray(table, 'exclude') ?? [];
    const globs = [...members, ...excluded.map((g) => `!${g}`)];
    if (matchesWorkspaceGlobs(rel, globs)) return true;
    if (excluded.length > 0 && matchesWorkspaceGlobs(rel, excluded)) return false;
    return cargoImplicitMembers(ws, root, globs).has(rel);
  });
}

/**
 * The directories (relative to a Cargo workspace root) of the crates its members reach through path
 * dependencies, directly or through one another, that lie inside the root's directory: Cargo makes them
 * members too. Computed once per root.
 */
function cargoImplicitMembers(ws: Workspace, root: string, globs: string[]): Set<string> {
  return ws.memo('cargo-implicit-members', join(root, 'Cargo.toml'), () => {
    const prefix = root ? `${root}/` : '';
    const crates = ws
      .glob([`${prefix}**/Cargo.toml`])
      .map((f) => path.dirname(f))
      .map((d) => (d === '.' ? '' : d));
    const relOf = (d: string) => (root ? d.slice(root.length + 1) : d);
    const queue = crates.filter((d) => d !== root && matchesWorkspaceGlobs(relOf(d), globs));
    const seen = new Set(queue);
    const known = new Set(crates);
    const found = new Set<string>();
    while (queue.length > 0) {
      const crate = queue.pop()!;
      for (const target of cargoPathDependencies(ws.text(join(crate, 'Cargo.toml')) ?? '')) {
        const d = path.normalize(join(crate, target)).replace(/\/+$/, '');
        const dep = d === '.' ? '' : d;
        if (seen.has(dep) || !known.has(dep) || (root && !dep.startsWith(prefix))) continue;
        if (dep === root || dep.startsWith('..')) continue;
        seen.add(dep);
        found.add(relOf(dep));
        queue.push(dep);
      }
    }
    return found;
  });
}

/** The `path = "..."` values of a Cargo.toml (dependency tables, inline or not; targets' files never name a crate). */
function cargoPathDependencies(text: string): string[] {
  return [...text.matchAll(/(?:^|[{,])[ \t]*path[ \t]*=[ \t]*["']([^"'\n]{1,500})["']/gm)].map((m) => m[1]!);
}

/**
 * A Dart pub workspace (Dart 3.6) is resolved at its root, whose pubspec.yaml lists the members'
 * directories under `workspace` (globs since Dart 3.7); Dependabot updates it from the root only.
 */
export function pubWorkspaceRoots(ws: Workspace, dir: string): string[] {
  return ancestors(dir).filter((root) => {
    const file = join(root, 'pubspec.yaml');
    if (!ws.has(file)) return false;
    const doc = ws.yaml(file);
    if (!doc?.ok) return false;
    const members = (doc.documents[0]?.value as { workspace?: unknown } | null)?.workspace;
    if (!Array.isArray(members)) return false;
    const rel = root ? dir.slice(root.length + 1) : dir;
    return matchesWorkspaceGlobs(
      rel,
      members.filter((m): m is string => typeof m === 'string'),
    );
  });
}

/** uv keeps one uv.lock at the root that declares `[tool.uv.workspace]`. */
export function uvWorkspaceRoots(ws: Workspace, dir: string): string[] {
  return ancestors(dir).filter((root) =>
    /^[ \t]*\[tool\.uv\.workspace\][ \t]*(?:#.*)?$/m.test(ws.text(join(root, 'pyproject.toml')) ?? ''),
  );
}

/** The lockfile each `packageManager` writes; a Map, since the key comes from an untrusted file. */
const MANAGER_LOCKS = new Map([
  ['npm', 'package-lock.json'],
  ['yarn', 'yarn.lock'],
  ['pnpm', 'pnpm-lock.yaml'],
  ['bun', 'bun.lock'],
]);

/** Puts the lockfile of the declared `packageManager` (e.g. "pnpm@9.1.0") first, for the message. */
function preferredFirst(locks: readonly string[], pkg: Record<string, unknown> | undefined): string[] {
  const manager = typeof pkg?.packageManager === 'string' ? pkg.packageManager.split('@')[0] : undefined;
  const first = manager ? MANAGER_LOCKS.get(manager) : undefined;
  return first ? [first, ...locks.filter((l) => l !== first)] : [...locks];
}
