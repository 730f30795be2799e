import path from 'node:path/posix';
import type { RawFinding } from '../../types.js';
import { defineSelector, keysOfNames } from '../../workspace/screens.js';
import type { Workspace } from '../../workspace/workspace.js';
import { globList } from '../generic/shared.js';
import { cargoWorkspaceRoots, npmWorkspaceRoots, uvWorkspaceRoots } from '../repo/deps-lockfile.js';
import { isTemplateManifest } from '../repo/manifests.js';
import { defineEvaluator } from '../types.js';
import {
  composerBranchDependencies,
  type GitDependency,
  gemfileGitDependencies,
  judgeRef,
  npmGitDependencies,
  pipGitDependencies,
  tomlGitDependencies,
} from './git-refs.js';
import { readLockfile } from './lockfiles/inventory.js';
import { type Component, loadPackageUrl } from './lockfiles/types.js';

/** Options of `deps.git-branch`. */
export interface GitBranchOptions {
  exclude: string[];
}

/** The reader for each manifest name. */
function readerFor(name: string): ((ws: Workspace, file: string) => GitDependency[]) | undefined {
  if (name === 'package.json') return npmGitDependencies;
  if (name === 'composer.json') return composerBranchDependencies;
  if (/^(?:requirements|constraints).*\.(?:txt|in)$/.test(name))
    return (ws, f) => pipGitDependencies(ws.text(f) ?? '');
  if (name === 'Cargo.toml' || name === 'pyproject.toml' || name === 'Pipfile') {
    return (ws, f) => tomlGitDependencies(ws.text(f) ?? '');
  }
  if (name === 'Gemfile' || name === 'gems.rb') return (ws, f) => gemfileGitDependencies(ws.text(f) ?? '');
  return undefined;
}

/** The lockfiles read for each manifest, beside it, in order of preference. */
const LOCKFILES_OF: Readonly<Record<string, readonly string[]>> = {
  'package.json': ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'],
  'pyproject.toml': ['uv.lock', 'poetry.lock'],
  'Cargo.toml': ['Cargo.lock'],
  Gemfile: ['Gemfile.lock'],
  'gems.rb': ['gems.locked'],
  'composer.json': ['composer.lock'],
};

/**
 * `deps.git-branch`: dependencies fetched from a git repository that follow a branch (named, or the
 * default branch when no ref is given) instead of a commit or a version tag: npm (git URLs and GitHub
 * shorthands), pip requirement files, Poetry/uv/Pipfile and Cargo TOML tables, Bundler and Composer
 * `dev-` branches. Whatever is pushed to that branch is installed on the next resolve, unreviewed.
 * Where the ecosystem's lockfile beside the manifest (uv.lock, poetry.lock, Cargo.lock, Gemfile.lock,
 * package-lock.json, yarn.lock, pnpm-lock.yaml, composer.lock) locks the dependency to a full commit,
 * installs from the lockfile get that commit: low, and the message names the lockfile and the locked
 * install it takes. A Composer `metapackage` (composer.lock `type`) installs no files, only
 * requirements and conflicts (roave/security-advisories' `dev-latest`), so following its branch
 * brings no code: no finding. The rule reads that other file (`readsOtherFiles`); on a pull request
 * a changed lockfile brings its manifest back into the evaluation (`affectedBy`). A lockfile is no
 * subject of its own: judging its manifest when only the lockfile is in view judged it twice over a
 * large tree whose slices parted the two.
 */
export const depsGitBranch = defineEvaluator<GitBranchOptions>({
  kind: 'deps.git-branch',
  scope: 'file',
  // The lockfile beside a manifest decides whether a branch dependency is locked to a commit.
  // The root composer.json's autoload decides whether a nested package's requirements are resolved here.
  // A workspace root's manifest (Cargo's `[workspace]`, npm's `workspaces`, pnpm-workspace.yaml, uv's
  // `[tool.uv.workspace]`) decides which lockfile locks a member's dependencies.
  readsOtherFiles: [
    ...Object.values(LOCKFILES_OF).flatMap((names) => names.map((n) => `**/${n}`)),
    'composer.json',
    '**/Cargo.toml',
    '**/package.json',
    '**/pnpm-workspace.yaml',
    '**/pyproject.toml',
  ],
  // A manifest reads only lockfiles and workspace roots in its own folder or above it (see
  // lockfilesBeside, WORKSPACE_ROOTS, autoloadedByRoot): a changed one alters the judgement of the
  // manifests at or below its folder, on either tree.
  affectedBy: (changed, head, base) => {
    const folders = changed.map((p) => p.slice(0, p.lastIndexOf('/') + 1));
    const below = (manifest: string) => folders.some((folder) => manifest.startsWith(folder));
    return [...head.tree().filesWhere(MANIFESTS), ...base.tree().filesWhere(MANIFESTS)].filter(below);
  },
  summary:
    'Git dependencies that follow a branch instead of a commit or tag (npm, pip, Poetry, uv, Cargo, Bundler, Composer).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      exclude: globList('Globs of manifests to ignore. Setting it replaces the defaults.', {
        default: [
          '**/node_modules/**',
          '**/vendor/**',
          '**/fixtures/**',
          '**/__fixtures__/**',
          '**/testdata/**',
        ],
      }),
    },
  },
  async evaluate({ options, workspace }): Promise<RawFinding[]> {
    const excluded = options.exclude.length > 0 ? workspace.matcher(options.exclude) : () => false;
    const findings: RawFinding[] = [];
    let loaded = false;
    for (const file of manifests(workspace)) {
      const read = readerFor(path.basename(file));
      // A scaffolding template is rendered into a new project, which then resolves its own dependencies.
      if (!read || excluded(file) || isTemplateManifest(workspace, file)) continue;
      const deps = read(workspace, file).filter((d) => {
        const kind = judgeRef(d);
        return kind !== 'commit' && kind !== 'tag';
      });
      const lockfiles = deps.length > 0 ? lockfilesBeside(workspace, file) : [];
      const loadedFrom =
        deps.length > 0 && lockfiles.length === 0 ? autoloadedByRoot(workspace, file) : undefined;
      if (lockfiles.length > 0 && !loaded) {
        await loadPackageUrl();
        loaded = true;
      }
      for (const dep of deps) {
        const follows = dep.computed
          ? `a ${dep.refKey === 'branch' ? 'branch' : 'ref'} computed at install (\`${dep.ref}\`)`
          : judgeRef(dep) === 'branch'
            ? `the branch "${dep.ref}"`
            : 'the default branch (no ref is given)';
        const source = dep.url && dep.url !== dep.name ? ` of ${dep.url}` : '';
        const entry = lockedEntry(workspace, lockfiles, dep.name);
        // A Composer metapackage installs no files: following a branch changes constraints, never code.
        if (entry?.component.codeless) continue;
        const locked = entry?.component.commit
          ? { lockfile: entry.lockfile, commit: entry.component.commit }
          : undefined;
        // A git source the environment opts into: a plain install takes the registry's release.
        const optIn = dep.onlyWhen
          ? ` The manifest takes it from git only when \`${dep.onlyWhen}\`, a value of the environment: ` +
            "an install that does not set it gets the registry's release (a CI job that tests the " +
            "dependency's branch on purpose sets it)."
          : '';
        findings.push({
          message: locked
            ? `Dependency "${dep.name}" follows ${follows}${source}, but ${locked.lockfile} locks it to commit ` +
              `${locked.commit}, so installs from the lockfile get that commit. Install with ` +
              `${LOCKED_INSTALL[path.basename(locked.lockfile)]}, so that an out-of-date lockfile fails the install ` +
              "instead of being locked again; any update of the lockfile takes the branch's latest commit. Pin the " +
              'commit or a release tag in the manifest too.' +
              optIn
            : `Dependency "${dep.name}" follows ${follows}${source}: every install can get different, ` +
              'unreviewed code. Pin a full commit SHA or a release tag.' +
              (loadedFrom
                ? ` The root composer.json loads this package's code from ${loadedFrom} by its autoload, so ` +
                  'this repository never resolves the requirement; whoever installs the package does.'
                : '') +
              optIn,
          location: {
            path: file,
            startLine: dep.line,
            ...(dep.column ? { startColumn: dep.column } : {}),
          },
          // A computed ref keys as no ref did before it was read: exceptions on the finding still hold.
          key: `${dep.name}\u0000${dep.url}\u0000${dep.computed ? '' : (dep.ref ?? '')}`,
          ...(locked ? { severity: 'low' as const } : {}),
          ...(loadedFrom || dep.onlyWhen ? { confidence: 'low' as const } : {}),
        });
      }
    }
    return findings;
  },
});

/**
 * The directory, under a nested composer.json without a lockfile, that the root composer.json
 * autoloads (`"Webkul\\Core\\": "packages/Webkul/Core/src"`): the application takes that package's
 * code from its own tree, so the nested requirements are metadata no install here resolves. A
 * published package's consumers still resolve them, hence low confidence rather than no finding.
 */
function autoloadedByRoot(workspace: Workspace, file: string): string | undefined {
  const dir = path.posix.dirname(file);
  if (dir === '.' || path.basename(file) !== 'composer.json') return undefined;
  let root: unknown;
  try {
    root = JSON.parse(workspace.text('composer.json') ?? 'null');
  } catch {
    return undefined;
  }
  for (const key of ['autoload', 'autoload-dev']) {
    const autoload = (root as Record<string, unknown> | null)?.[key];
    if (!autoload || typeof autoload !== 'object') continue;
    for (const kind of ['psr-4', 'psr-0', 'classmap']) {
      const map = (autoload as Record<string, unknown>)[kind];
      const targets = Array.isArray(map) ? map : map && typeof map === 'object' ? Object.values(map) : [];
      for (const target of targets.flat()) {
        if (typeof target !== 'string') continue;
        const t = path.posix.normalize(target.replace(/^\.\//, '')).replace(/\/+$/, '');
        if (t === dir || t.startsWith(`${dir}/`)) return t;
      }
    }
  }
  return undefined;
}

/** How to install from each lockfile without moving what it locks. */
const LOCKED_INSTALL: Readonly<Record<string, string>> = {
  'package-lock.json': '`npm ci`',
  'npm-shrinkwrap.json': '`npm ci`',
  'yarn.lock': '`yarn install --frozen-lockfile`, or `--immutable` from Yarn 2',
  'pnpm-lock.yaml': '`pnpm install --frozen-lockfile`',
  'uv.lock': '`uv sync --locked`',
  'poetry.lock': '`poetry install` after `poetry check --lock`',
  'Cargo.lock': '`cargo build --locked`',
  'Gemfile.lock': '`bundle install` with `BUNDLE_FROZEN=true`',
  'gems.locked': '`bundle install` with `BUNDLE_FROZEN=true`',
  'composer.lock': '`composer install` after `composer validate --strict`',
};

/**
 * The manifests to read: the listed ones, and on a pull request's view of the changed files (where
 * `files` lists those alone) the manifest beside each listed lockfile, whose findings the lockfile
 * decides.
 */
function manifests(workspace: Workspace): string[] {
  return workspace.files.filter(MANIFESTS.test);
}

/**
 * A manifest by its name (see {@link readerFor}); a whole tree's are found among its files of those
 * name endings (`affectedBy`).
 */
const MANIFESTS = defineSelector(
  'git-branch-manifests',
  (f) => readerFor(f.slice(f.lastIndexOf('/') + 1)) !== undefined,
  keysOfNames(['package.json', 'composer.json', '.txt', '.in', '.toml', 'Pipfile', 'Gemfile', 'gems.rb']),
);

/**
 * The lockfiles that lock a manifest's dependencies: beside it, then at the root of each workspace it
 * belongs to (a Cargo, npm/Yarn/pnpm or uv workspace keeps one lockfile at its root, for every member).
 */
function lockfilesBeside(workspace: Workspace, manifest: string): string[] {
  const dir = path.dirname(manifest);
  const name = path.basename(manifest);
  const names = LOCKFILES_OF[name] ?? [];
  const at = (d: string) => names.map((n) => (d === '.' || d === '' ? n : `${d}/${n}`));
  const own = at(dir).filter((f) => workspace.has(f));
  if (own.length > 0 || dir === '.') return own;
  const roots = WORKSPACE_ROOTS[name]?.(workspace, dir) ?? [];
  return roots.flatMap(at).filter((f) => workspace.has(f));
}

/** The workspace roots above a member's directory, for the manifests whose ecosystems have workspaces. */
const WORKSPACE_ROOTS: Readonly<Record<string, (ws: Workspace, dir: string) => string[]>> = {
  'Cargo.toml': cargoWorkspaceRoots,
  'package.json': npmWorkspaceRoots,
  'pyproject.toml': uvWorkspaceRoots,
};

/**
 * The package of this name in the first lockfile that locks it to a commit or records it as installing
 * no files (a Composer metapackage), and that lockfile.
 */
function lockedEntry(
  workspace: Workspace,
  lockfiles: readonly string[],
  name: string,
): { lockfile: string; component: Component } | undefined {
  const want = normalise(name);
  for (const lockfile of lockfiles) {
    const found = readLockfile(workspace, lockfile)?.components.find(
      (c) => (c.commit || c.codeless) && normalise(fullName(c)) === want,
    );
    if (found) return { lockfile, component: found };
  }
  return undefined;
}

const fullName = (c: Component) => (c.namespace ? `${c.namespace}/${c.name}` : c.name);

/** Names as the package indexes compare them (PEP 503 for Python; case and separators). */
const normalise = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
