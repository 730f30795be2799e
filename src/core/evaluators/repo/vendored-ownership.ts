import type { Ignore } from 'ignore';
import type { RawFinding } from '../../types.js';
import { vendored } from '../../vendored.js';
import { globSelector } from '../../workspace/screens.js';
import type { Workspace } from '../../workspace/workspace.js';
import { forEachLine } from '../generic/shared.js';
import { defineEvaluator } from '../types.js';

interface Options {
  /** Directory names that hold code copied from elsewhere. */
  directories: string[];
}

/** GitHub reads the first of these that exists. */
const CODEOWNERS_FILES = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

/** One vendored tree: its root directory, a file in it (to ask CODEOWNERS about) and where it is declared. */
interface VendoredRoot {
  dir: string;
  sample: string;
  /** `.gitmodules` line of a submodule; undefined for a directory of copied code. */
  line?: number;
}

interface OwnerRule {
  pattern: string;
  owners: string[];
  line: number;
  matches: (path: string) => boolean;
}

/**
 * `repo.vendored-ownership`: code written elsewhere and kept in the repository (vendored directories
 * such as `vendor/` and `third_party/`, and git submodules) has an owner in CODEOWNERS, the way
 * GitHub resolves it (the last matching rule decides; a rule without owners leaves the path unowned),
 * or in the nearest Kubernetes-style OWNERS file (approvers, reviewers or maintainers).
 * Someone must be accountable for reviewing updates to code nobody here wrote.
 */
export const repoVendoredOwnership = defineEvaluator<Options>({
  kind: 'repo.vendored-ownership',
  summary: 'Vendored directories and git submodules have an owner in CODEOWNERS.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      directories: {
        type: 'array',
        minItems: 1,
        items: { type: 'string', pattern: '^[^/*?]+$' },
        default: ['vendor', 'vendored', 'third_party', 'third-party', 'thirdparty'],
        description: 'Names of directories (at any depth) that hold copied third-party code.',
      },
    },
  },
  evaluate({ options, workspace }) {
    const roots = [...vendoredDirectories(workspace, options.directories), ...submodules(workspace)];
    if (roots.length === 0) return [];
    const file = CODEOWNERS_FILES.find((f) => workspace.has(f));
    const rules = file ? ownerRules(workspace.text(file) ?? '') : undefined;
    const findings: RawFinding[] = [];
    const vendoredName = new Set([...options.directories, 'node_modules']);
    for (const root of roots) {
      if (ownedByOwnersFile(workspace, root.dir)) continue;
      const what = root.line ? `the git submodule ${root.dir}` : `${root.dir}/ (code copied from elsewhere)`;
      const at = root.line ? { path: '.gitmodules', startLine: root.line } : null;
      const about = holder(root.dir, vendoredName);
      if (!file || !rules) {
        findings.push({
          message: `${what} has no owner: the repository has no CODEOWNERS file, so nobody is asked to review its updates.`,
          location: at,
          key: root.dir,
          ...about,
        });
        continue;
      }
      const rule = rules.findLast((r) => r.matches(root.sample));
      if (rule && rule.owners.length > 0) continue;
      findings.push({
        message: rule
          ? `${what} has no owner: the last rule of ${file} that matches it (\`${rule.pattern}\`, line ${rule.line}) names nobody.`
          : `${what} has no owner: no rule of ${file} matches it, so nobody is asked to review its updates.`,
        location: at ?? { path: file, startLine: rule?.line ?? 1 },
        key: root.dir,
        ...about,
      });
    }
    return findings;
  },
});

/**
 * The folder that holds a vendored tree, as what its finding is about (`RawFinding.about`): a
 * `vendor/` under a test-data folder (`testdata/php/vendor/`) is the input of a test, not code the
 * project ships, and the run's test paths lower its finding like any other there. A vendored
 * folder is itself among the test paths, so it is judged by its holder; a holder that is itself
 * vendored code (a submodule in `third_party/`) is left to be what it is.
 */
function holder(dir: string, vendoredNames: ReadonlySet<string>): { about?: string } {
  const parts = dir.split('/').slice(0, -1);
  if (parts.length === 0 || parts.some((p) => vendoredNames.has(p))) return {};
  return { about: parts.join('/') };
}

/**
 * Kubernetes-style OWNERS files (Prow): the nearest one in the directory or above it, listing
 * approvers, reviewers or maintainers, owns the path, the way those projects assign review.
 */
function ownedByOwnersFile(ws: Workspace, dir: string): boolean {
  const parts = dir.split('/');
  for (let i = parts.length; i >= 0; i--) {
    const file = [...parts.slice(0, i), 'OWNERS'].join('/');
    if (!ws.has(file)) continue;
    return /^(?:approvers|reviewers|maintainers)[ \t]*:[ \t]*(?:#.*)?\r?\n(?:[ \t]*#.*\r?\n)*[ \t]*-[ \t]*\S/m.test(
      ws.text(file) ?? '',
    );
  }
  return false;
}

/**
 * Files that say a folder's code came from elsewhere: a licence or notice of its own, a readme, a
 * package manifest, or `cargo vendor`'s checksums.
 */
const FOREIGN_ORIGIN =
  /^(?:licen[cs]e|copying|notice|unlicense|readme|authors|cargo\.toml|\.cargo-checksum\.json|package\.json|go\.mod|composer\.json|pyproject\.toml|setup\.py)(?:[._-][^/]*)?$/i;

/**
 * Whether a folder named like vendored code is a Rust module of the crate around it (`src/vendor/`
 * with `mod vendor;` in `src/lib.rs`): the crate compiles it as its own source, under its own
 * manifest, so it is the project's code, which the crate's owners review, whatever its name says. It
 * must be declared where Rust looks (`lib.rs`, `main.rs` or `mod.rs` beside it, or the parent
 * module's own file), have its module file (`vendor/mod.rs` or `vendor.rs`), and hold nothing that
 * says it came from elsewhere ({@link FOREIGN_ORIGIN}): `cargo vendor` writes crates, each with its
 * manifest, and copied code keeps its licence. Go's `vendor/`, Composer's, a Python package named
 * `vendor` (pip vendors its dependencies so) and a folder of copied scripts are never declared so.
 */
function rustModule(ws: Workspace, dir: string, files: readonly string[]): boolean {
  const slash = dir.lastIndexOf('/');
  const parent = slash < 0 ? '' : dir.slice(0, slash);
  const name = dir.slice(slash + 1);
  if (!/^[A-Za-z_]\w*$/.test(name)) return false;
  if (!ws.has(`${dir}/mod.rs`) && !ws.has(`${dir}.rs`)) return false;
  const under = `${dir}/`;
  for (const f of files) {
    if (f.startsWith(under) && FOREIGN_ORIGIN.test(f.slice(f.lastIndexOf('/') + 1))) return false;
  }
  const declares = new RegExp(`^[ \\t]*(?:pub(?:\\([^)\\n]*\\))?[ \\t]+)?mod[ \\t]+${name}[ \\t]*[;{]`, 'm');
  const at = parent === '' ? '' : `${parent}/`;
  const candidates = [
    `${at}lib.rs`,
    `${at}main.rs`,
    `${at}mod.rs`,
    ...(parent === '' ? [] : [`${parent}.rs`]),
  ];
  return candidates.some((f) => ws.has(f) && declares.test(ws.text(f) ?? ''));
}

/**
 * Whether a `vendor/` folder is where a Laravel app overrides the views or translations of the
 * packages it uses: `resources/views/vendor/<package>/` (`php artisan vendor:publish` copies a
 * package's templates there once, for the app to change; Laravel then prefers them to the package's
 * own) and `resources/lang/vendor/` or `lang/vendor/`. They are the app's templates, which its owners
 * review as any other, not code updated from elsewhere. The app shows itself by `artisan` at the root
 * the folder is under, and the folder holds nothing but Blade templates (views) or translation files
 * (lang): the assets a package publishes to `public/vendor/` are its own code, and stay vendored.
 */
function laravelOverrides(ws: Workspace, dir: string, files: readonly string[]): boolean {
  const m = /^(.*?)(?:resources\/views|(?:resources\/)?lang)\/vendor$/.exec(dir);
  if (!m || !ws.has(`${m[1]}artisan`)) return false;
  const views = dir.endsWith('views/vendor');
  const under = `${dir}/`;
  return files.every(
    (f) => !f.startsWith(under) || (views ? /\.blade\.php$/.test(f) : /\.(?:php|json)$/.test(f)),
  );
}

/** The outermost directory with one of the names, for each file under one (node_modules aside). */
function vendoredDirectories(ws: Workspace, names: readonly string[]): VendoredRoot[] {
  const wanted = new Set(names);
  const roots = new Map<string, VendoredRoot>();
  // Only files under a directory of one of the names matter: listed through a glob of them, adding
  // any other file does not touch the rule (a name glob syntax would change is looked for in every file).
  const plain = names.length > 0 && names.every((n) => /^[\w.-]+$/.test(n) && n !== '.' && n !== '..');
  const files = plain ? ws.filesWhere(globSelector([...wanted].sort().map((n) => `**/${n}/**`))) : ws.files;
  for (const file of files) {
    // The first directory named as vendored, unless a node_modules directory holds it; walked
    // segment by segment rather than split (100,000 paths, most with no such directory).
    let start = 0;
    let end = -1;
    for (let slash = file.indexOf('/'); slash !== -1; slash = file.indexOf('/', start)) {
      const segment = file.slice(start, slash);
      if (wanted.has(segment)) {
        end = slash;
        break;
      }
      if (segment === 'node_modules') break;
      start = slash + 1;
    }
    if (end === -1) continue;
    const dir = file.slice(0, end);
    if (!roots.has(dir)) roots.set(dir, { dir, sample: file });
  }
  return [...roots.values()].filter(
    (root) => !rustModule(ws, root.dir, files) && !laravelOverrides(ws, root.dir, files),
  );
}

/** `path = ...` entries of .gitmodules: submodules are listed there, not in the file index. */
function submodules(ws: Workspace): VendoredRoot[] {
  const text = ws.has('.gitmodules') ? ws.text('.gitmodules') : undefined;
  if (!text) return [];
  const out: VendoredRoot[] = [];
  forEachLine(text, (line, lineNo) => {
    const m = /^[ \t]*path[ \t]*=[ \t]*(.+?)[ \t]*$/.exec(line);
    const dir = m?.[1]?.replace(/^"|"$/g, '').replace(/\/+$/, '');
    if (dir && !dir.startsWith('/') && !dir.split('/').includes('..'))
      out.push({ dir, sample: `${dir}/.submodule`, line: lineNo });
  });
  return out;
}

/** CODEOWNERS rules in file order; each pattern matched with gitignore semantics, as GitHub does. */
function ownerRules(text: string): OwnerRule[] {
  const rules: OwnerRule[] = [];
  forEachLine(text, (line, lineNo) => {
    const body = line.replace(/(^|\s)#.*$/, '').trim();
    if (body === '') return;
    const [pattern, ...owners] = body.split(/\s+/);
    if (!pattern || pattern.startsWith('!')) return;
    let matcher: Ignore;
    try {
      matcher = vendored('ignore')().add(pattern);
    } catch {
      return;
    }
    rules.push({ pattern, owners, line: lineNo, matches: (p) => matcher.ignores(p) });
  });
  return rules;
}
