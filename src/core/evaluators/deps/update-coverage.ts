import { inTestPaths } from '../../confidence.js';
import { fileLocation, locationFromSpan } from '../../location.js';
import { readDockerfile } from '../../parsers/dockerfile.js';
import { parseImageRef } from '../../parsers/image-ref.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { builtBy, lazyImages, ownImages } from '../dockerfile/base-image.js';
import { developmentEnvironmentNote, toolingImageNote } from '../dockerfile/dev-environment.js';
import { publishes } from '../dockerfile/image-builds.js';
import {
  isOfficialImage,
  OFFICIAL_IMAGE_REBUILT,
  officialImageSource,
} from '../dockerfile/official-image-source.js';
import { globList } from '../generic/shared.js';
import {
  cargoWorkspaceRoots,
  DEFAULT_MANIFEST_EXCLUDE,
  npmWorkspaceRoots,
  pubWorkspaceRoots,
  uvWorkspaceRoots,
} from '../repo/deps-lockfile.js';
import { defineEvaluator } from '../types.js';
import { detectManifests, type Manifest } from './ecosystems.js';
import { readToml } from './lockfiles/toml.js';
import {
  type DependabotEntry,
  directoryMatches,
  readDependabot,
  readRenovate,
  renovateCovers,
} from './update-config.js';
import { readUpdateWorkflows, type UpdateWorkflows, workflowCovers } from './update-workflows.js';
import { readUpdatecli, type UpdatecliConfig, type UpdatecliTarget, updatecliCovers } from './updatecli.js';

/** Options of `deps.update-coverage`. */
export interface UpdateCoverageOptions {
  exclude: string[];
}

/** The group of the repository's own actions below its root (see {@link isLocalAction}). */
const LOCAL_ACTIONS = 'github-actions\u0000local actions';

/** Whether the manifest is one of the repository's own actions below its root, not the workflows. */
function isLocalAction(m: Manifest): boolean {
  return m.ecosystem === 'github-actions' && m.dir !== '';
}

/** Ecosystems whose root entry updates manifests in subdirectories (multi-module builds, solutions). */
const RECURSIVE = new Set(['gradle', 'maven', 'nuget']);

/**
 * `deps.update-coverage`: every ecosystem and directory that has a manifest is updated by the
 * repository's Dependabot, Renovate or updatecli configuration. Dependabot must have an `updates`
 * entry with the manifest's `package-ecosystem` and a `directory`/`directories` entry (globs allowed) naming its
 * directory, its npm, Cargo or pub workspace root, or for Gradle, Maven and NuGet any ancestor; a `uv`
 * entry covers pip manifests there or in its uv workspace, a `bun` entry npm manifests whose directory or
 * workspace root holds bun's lockfile; an entry with `open-pull-requests-limit: 0` covers nothing, and
 * what only it would cover is one finding at its limit. Renovate
 * covers every manifest unless `enabled: false`, `enabledManagers` or a manager's `enabled: false`
 * leave it out; paths it ignores (`ignorePaths`, `includePaths`, the presets' defaults such as
 * the examples and test directories) are a deliberate choice and not reported. updatecli covers the
 * files its targets edit (a Dockerfile only when a target changes its base image) and the manifests
 * its autodiscovery crawlers find (see updatecli.ts). An update workflow (a scheduled workflow that
 * runs `go get -u`, `npm update`, `cargo update`, ... and opens a pull request) covers the manifests
 * its commands update (see update-workflows.ts). With no tool at all there is nothing to compare (the
 * `dependency-update-tool` rule reports that); one finding per uncovered directory, and one per npm,
 * Cargo or pub workspace whose members are uncovered (at its root manifest, naming them). A Dockerfile
 * built only on the project's own images, or only on official images in an official image's source
 * repository (see official-image-source.ts), is reported at low confidence.
 */
export const depsUpdateCoverage = defineEvaluator<UpdateCoverageOptions>({
  kind: 'deps.update-coverage',
  summary:
    'Dependabot, Renovate, updatecli or an update workflow updates every ecosystem and directory that has a manifest.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      exclude: globList(
        'Globs of manifests to ignore (vendored code, fixtures). Setting it replaces the defaults.',
        {
          default: DEFAULT_MANIFEST_EXCLUDE,
        },
      ),
    },
  },
  evaluate({ options, workspace }): RawFinding[] {
    const dependabot = readDependabot(workspace);
    const renovate = readRenovate(workspace);
    const updatecli = readUpdatecli(workspace);
    const workflows = readUpdateWorkflows(workspace);
    if (!dependabot && !renovate && !updatecli && !workflows) {
      // No update configuration: nothing to judge the coverage of (dependency-update-tool reports
      // its absence). The workflows read in looking for one are not what a pass rests on.
      workspace.examineOnly([]);
      return [];
    }
    const tools: Tools = {
      dependabot,
      renovateFile: renovate?.file,
      renovateOff: renovate?.enabled === false,
      updatecli,
      workflows,
      lockedByUv: (m) =>
        m.ecosystem === 'pip' &&
        /(?:^|\/)pyproject\.toml$/.test(m.file) &&
        [m.dir, ...uvWorkspaceRoots(workspace, m.dir)].some((d) =>
          workspace.has(d ? `${d}/uv.lock` : 'uv.lock'),
        ),
    };
    // Entries with `open-pull-requests-limit: 0` update nothing: they are the reason for what only
    // they would cover, and one finding each, at the limit (one change there fixes them all).
    const updating = dependabot?.entries.filter((e) => e.versionUpdates) ?? [];
    const idle = new Map<DependabotEntry, Manifest[]>();
    // Manifests that one entry would cover, by directory: a Cargo, npm or pub workspace's members are
    // updated through its root, so they are one finding there, not one per member.
    const groups = new Map<
      string,
      { root: string; members: Manifest[]; editing: readonly UpdatecliTarget[]; all: Manifest[] }
    >();
    for (const m of detectManifests(workspace, options.exclude)) {
      // Paths that Renovate is told to ignore are a deliberate choice, like this rule's `exclude`.
      if (renovate && (renovate.ignored(m.file) || renovateCovers(renovate, m.file, m.managers))) continue;
      if (dependabot && dependabotCovers(workspace, updating, m)) continue;
      // Dependabot bumps a Docker tag that holds a version number, or a digest: a Dockerfile built only
      // on release codenames (`debian:bookworm-slim`) gives it nothing to propose (Renovate's Debian and
      // Ubuntu versioning does read codenames).
      if (dependabot && !renovate && codenamesOnly(m)) continue;
      const byUpdatecli = updatecli && updatecliCovers(updatecli, m, () => readDockerfile(workspace, m.file));
      if (byUpdatecli?.covered) continue;
      if (workflows && workflowCovers(workspace, workflows, m)) continue;
      const off = dependabot?.entries.find((e) => !e.versionUpdates && dependabotCovers(workspace, [e], m));
      if (off) {
        idle.set(off, [...(idle.get(off) ?? []), m]);
        continue;
      }
      const roots = workspaceRoots(workspace, m);
      const root = roots.length > 0 ? roots[roots.length - 1]! : m.dir;
      // The repository's own actions are one finding together: one glob or list in one entry fixes them.
      const id = isLocalAction(m) ? LOCAL_ACTIONS : `${m.ecosystem}\u0000${root}`;
      const group = groups.get(id);
      if (group) {
        if (!group.members.some((x) => x.dir === m.dir)) group.members.push(m);
        group.all.push(m);
      } else groups.set(id, { root, members: [m], editing: byUpdatecli?.editing ?? [], all: [m] });
    }
    const own = ownImages(workspace);
    const limited = [...idle].map(([e, manifests]) => idleEntry(workspace, dependabot!.file, e, manifests));
    return [
      ...limited,
      ...[...groups.values()].map(({ root, members, editing, all }) => {
        const m = members.find((x) => x.dir === root) ?? members[0]!;
        if (members.length === 1) {
          const finding = {
            message: describe(m, tools, editing),
            location: fileLocation(m.file),
            key: `${m.ecosystem}:${m.dir}`,
          };
          // Dockerfiles built only on the project's own images (every one of the directory's): an update
          // would only retag the project's own build.
          // Dockerfiles of an official image's source repository built only FROM official images: the
          // official-images program rebuilds them on each update of those parents.
          if (
            all.every(
              (x) => x.images !== undefined && x.images.length > 0 && x.images.every(isOfficialImage),
            ) &&
            officialImageSource(workspace)
          ) {
            return qualified(finding, OFFICIAL_IMAGE_REBUILT, { confidence: 'low' });
          }
          // A development environment's image (see dev-environment.ts), every one of the directory's: a
          // developer's workspace, whose base (often a build argument its devcontainer.json sets) an
          // updater's bump of the Dockerfile would not change for what the project ships.
          const environment = developmentEnvironments(workspace, all);
          if (environment) {
            return qualified(finding, environment, { severity: 'low', confidence: 'low' });
          }
          // Dockerfiles whose every base is a build argument the CI overrides (see baseChosenByBuild).
          const chosen = baseChosenByBuild(workspace, all);
          if (chosen) return qualified(finding, chosen, { confidence: 'low' });
          // An npm manifest of build-time tools only (see buildToolsOnly).
          const buildTools =
            toolingImages(workspace, all) ??
            buildToolsOnly(workspace, all) ??
            dependencyGroupsOnly(workspace, all) ??
            repositoryScripts(workspace, all) ??
            developmentRequirements(workspace, all) ??
            ownReleasePins(workspace, all);
          if (buildTools) {
            return qualified(finding, buildTools, { severity: 'low' });
          }
          const builds = all.flatMap((x) => x.images?.map(own) ?? [undefined]);
          if (!builds.every((b) => b !== undefined)) return finding;
          return qualified(
            finding,
            `every image it is built FROM is the project's own: ${builtBy(builds[0]!)}; updates of its base images belong to the Dockerfile that builds it`,
            { confidence: 'low' },
          );
        }
        const files = members.map((x) => x.file).sort();
        const shown =
          files.slice(0, 5).join(', ') + (files.length > 5 ? ` and ${files.length - 5} more` : '');
        if (isLocalAction(m)) {
          const first = members.find((x) => x.file === files[0])!;
          return {
            message:
              `${files.length} of the repository's own actions (${shown}) get no automated updates of the ` +
              `actions they use: ${reasonsFor(first, tools, editing).join(', and ')}. Dependabot reads an ` +
              'action\'s file only in a directory a `github-actions` entry lists ("/" reads the workflows ' +
              'and the root action only); list their directories or a glob that matches them.',
            location: fileLocation(files[0]!),
            key: 'github-actions:local-actions',
          };
        }
        const where = root === '' ? 'the repository root' : root;
        const name = m.file.slice(m.file.lastIndexOf('/') + 1);
        const rootManifest = root === '' ? name : `${root}/${name}`;
        return {
          message:
            `${files.length} manifests of the ${m.ecosystem} workspace at ${where} (${shown}) get no automated ` +
            `dependency updates: ${reasonsFor(m, tools, editing).join(', and ')}. One entry for the workspace ` +
            'root covers them all; vulnerable versions there are not updated.',
          // At the root manifest, unless every member is test or example material (then at one of them,
          // graded as theirs were).
          location: fileLocation(
            workspace.has(rootManifest) && !files.every(inTestPaths) ? rootManifest : files[0]!,
          ),
          key: `${m.ecosystem}:${root}`,
        };
      }),
    ];
  },
});

/**
 * The finding for a Dependabot entry with `open-pull-requests-limit: 0` that alone would update
 * `manifests`: GitHub documents the limit 0 as turning the entry's version updates off. Security
 * updates ignore the limit, but they come from the repository's settings and only for known
 * advisories, whatever the entry says. At the limit's value (the entry's ecosystem when it is not found).
 */
function idleEntry(ws: Workspace, file: string, entry: DependabotEntry, manifests: Manifest[]): RawFinding {
  const parsed = ws.yaml(file);
  const doc = parsed?.ok ? parsed.documents[0] : undefined;
  const at = `/updates/${entry.index}`;
  const span = doc?.span(`${at}/open-pull-requests-limit`) ?? doc?.nearestSpan(`${at}/package-ecosystem`);
  const files = manifests.map((m) => m.file).sort();
  const shown = files.slice(0, 5).join(', ') + (files.length > 5 ? ` and ${files.length - 5} more` : '');
  const dirs = entry.directories.map((d) => `"/${d}"`).join(', ');
  return {
    message:
      `The \`${entry.ecosystem}\` entry for ${dirs} in ${file} sets \`open-pull-requests-limit: 0\`, which ` +
      `turns its version updates off: ${shown} get${files.length === 1 ? 's' : ''} no automated dependency ` +
      'updates (security updates ignore the limit, but only for known advisories, and only when the ' +
      "repository's settings enable them). Remove the limit (the default is 5) or raise it, or update " +
      'these manifests with another tool.',
    location: span ? locationFromSpan(file, span) : fileLocation(file),
    key: `${entry.ecosystem}:${entry.directories.join(',')}:open-pull-requests-limit`,
    // A choice written down (security updates only), not an oversight: the lowest severity.
    severity: 'low',
  };
}

/**
 * Why the Dockerfiles of a directory build a development environment's image, when every one does
 * (their path under `.devcontainer/`, a final stage on a cloud development environment's image: see
 * dev-environment.ts).
 */
function developmentEnvironments(workspace: Workspace, all: readonly Manifest[]): string | undefined {
  if (all.length === 0 || all.some((m) => m.ecosystem !== 'docker')) return undefined;
  let note: string | undefined;
  for (const m of all) {
    const model = readDockerfile(workspace, m.file);
    const own = model && developmentEnvironmentNote(workspace, model);
    if (!own) return undefined;
    note ??= own;
  }
  return note;
}

/**
 * Why the Dockerfiles of a directory are development or build-tool images, when every one is: its
 * path marks one (`tools/`, `hack/`, `Dockerfile.dev`; see dev-environment.ts) and no build of the
 * repository publishes it. A vulnerable base still reaches a developer's loop or a tool run on the
 * checkout (generated code, say), so the finding stays, at low severity.
 */
function toolingImages(workspace: Workspace, all: readonly Manifest[]): string | undefined {
  if (all.length === 0 || all.some((m) => m.ecosystem !== 'docker')) return undefined;
  const images = lazyImages(workspace);
  let note: string | undefined;
  for (const m of all) {
    const own = toolingImageNote(m.file, (file) => publishes(images(), file, workspace));
    if (!own) return undefined;
    note ??= own;
  }
  return note;
}

/**
 * Why the Dockerfiles of a directory take their base from the build, when every one does: each stage
 * is FROM a build argument alone (`ARG BASE=debian:12-slim` / `FROM $BASE`) and a workflow passes
 * that argument (`--build-arg BASE=...`, or `BASE=...` in a build-args list). The images shipped are
 * the ones the build names (a release matrix); an updater's bump of the default changes none of them.
 * The default still builds locally, hence low confidence rather than no finding.
 */
function baseChosenByBuild(workspace: Workspace, all: readonly Manifest[]): string | undefined {
  if (all.length === 0 || all.some((m) => m.ecosystem !== 'docker')) return undefined;
  const names = new Set<string>();
  for (const m of all) {
    const model = readDockerfile(workspace, m.file);
    if (!model || model.stages.length === 0) return undefined;
    const stageNames = new Set(model.stages.map((st) => st.from.name?.toLowerCase()).filter(Boolean));
    for (const stage of model.stages) {
      const image = stage.from.image;
      if (!image || stageNames.has(image.toLowerCase())) continue;
      const arg = /^\$(?:\{([A-Za-z_]\w{0,100})\}|([A-Za-z_]\w{0,100}))$/.exec(image);
      if (!arg) return undefined;
      names.add(arg[1] ?? arg[2]!);
    }
  }
  if (names.size === 0) return undefined;
  const workflows = workspace.glob(['.github/workflows/*.{yml,yaml}']);
  const passed = [...names].every((name) => {
    const re = new RegExp(`(?:--build-arg[ =]+["']?|^[ \\t]*(?:-[ \\t]+)?["']?)${name}=`, 'm');
    return workflows.some((w) => re.test(workspace.text(w) ?? ''));
  });
  if (!passed) return undefined;
  const list = [...names].map((n) => `\`${n}\``).join(', ');
  return `every stage is built FROM a build argument (${list}) that a workflow passes: the images shipped are the ones the build names, and an update of the argument's default changes none of them`;
}

/** Fields of a package.json that make it a package others install, or one whose code runs. */
const PACKAGE_FIELDS = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'bundleDependencies',
  'bundledDependencies',
  'workspaces',
  'main',
  'module',
  'exports',
  'bin',
  'browser',
  'types',
  'files',
];

/**
 * Why an npm manifest holds only build-time tools, when it does: a package.json with devDependencies
 * and nothing else that is installed, run or published (no dependencies, no entry point, no
 * workspaces): its tools run when a developer or CI builds, and nothing is installed from it where
 * the project runs. A vulnerable version still reaches the build, so the finding stays.
 */
function buildToolsOnly(workspace: Workspace, all: readonly Manifest[]): string | undefined {
  if (all.length !== 1 || all[0]!.ecosystem !== 'npm' || !all[0]!.file.endsWith('package.json'))
    return undefined;
  let json: unknown;
  try {
    json = JSON.parse(workspace.text(all[0]!.file) ?? '');
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const pkg = json as Record<string, unknown>;
  const dev = pkg.devDependencies;
  if (typeof dev !== 'object' || dev === null || Object.keys(dev).length === 0) return undefined;
  if (PACKAGE_FIELDS.some((f) => f in pkg)) return undefined;
  return 'it declares devDependencies only, and no dependency, entry point or workspace: build-time tools, nothing installed from it where the project runs';
}

/**
 * Why a pyproject.toml declares developers' tools only: the directory's one manifest, its `[project]`
 * has no dependencies (`dependencies = []` or none) and no optional extras (which users install), and
 * Poetry's tables name no dependency but Python, while `[dependency-groups]` (PEP 735: development
 * groups, never published) lists some. Nothing installed from it runs where the project runs; a
 * vulnerable version still reaches developers and CI, so the finding stays, at low severity.
 */
function dependencyGroupsOnly(workspace: Workspace, all: readonly Manifest[]): string | undefined {
  if (all.length !== 1 || all[0]!.ecosystem !== 'pip' || !all[0]!.file.endsWith('pyproject.toml'))
    return undefined;
  const doc = readToml(workspace, all[0]!.file);
  if (!doc) return undefined;
  const table = (v: unknown): Record<string, unknown> | undefined =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const groups = table(doc['dependency-groups']);
  if (!groups || !Object.values(groups).some((g) => Array.isArray(g) && g.length > 0)) return undefined;
  const project = table(doc.project);
  const deps = project?.dependencies;
  if (deps !== undefined && !(Array.isArray(deps) && deps.length === 0)) return undefined;
  if (project?.['optional-dependencies'] !== undefined) return undefined;
  const poetry = table(table(doc.tool)?.poetry);
  const poetryDeps = table(poetry?.dependencies);
  if (poetryDeps && Object.keys(poetryDeps).some((k) => k.toLowerCase() !== 'python')) return undefined;
  if (poetry?.group !== undefined || poetry?.['dev-dependencies'] !== undefined) return undefined;
  return `it declares dependency groups only (${Object.keys(groups).slice(0, 4).join(', ')}), and no dependency or optional extra of the project: developers' tools, nothing installed from it where the project runs`;
}

/** The top-level folders of a repository's own scripts and CI tooling. */
const SCRIPT_FOLDERS = /^(?:scripts?|tools|hack|ci|\.ci|\.github)\//;

/**
 * Why pip requirement files hold the tools of the repository's own scripts, when every manifest of the
 * directory is one (`requirements*.txt` or `.in`), under a top-level folder of scripts or CI tooling
 * (`scripts/`, `tools/`, `hack/`, `ci/`, `.github/`) with no Python package beside them (no setup.py,
 * setup.cfg or pyproject.toml): developers and CI run them, nothing installed from them runs where the
 * project runs. A vulnerable version still reaches the build, so the finding stays, at low severity.
 */
function repositoryScripts(workspace: Workspace, all: readonly Manifest[]): string | undefined {
  if (all.length === 0) return undefined;
  for (const m of all) {
    const name = m.file.slice(m.file.lastIndexOf('/') + 1);
    if (m.ecosystem !== 'pip' || !/^requirements.*\.(?:txt|in)$/.test(name)) return undefined;
    if (!SCRIPT_FOLDERS.test(m.file)) return undefined;
    if (['setup.py', 'setup.cfg', 'pyproject.toml'].some((f) => workspace.has(`${m.dir}/${f}`)))
      return undefined;
  }
  return `it lists the requirements of the repository's own scripts (under ${all[0]!.file.slice(0, all[0]!.file.indexOf('/') + 1)}), with no Python package beside it: tools that developers and CI run, nothing installed from it where the project runs`;
}

/**
 * The names a pip requirements file lists (lower case, `_` and `.` as `-`), or undefined when it does
 * more than list packages: an editable or local install (`-e .`, a path, a URL), an option other than
 * an index, an included file, a constraint or a hash.
 */
function requirementNames(text: string): string[] | undefined {
  const names: string[] = [];
  for (const raw of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const line = raw.replace(/(?:^|\s)#.*$/, '').trim();
    if (line === '') continue;
    if (line.startsWith('-')) {
      if (/^(?:-[rci]|--(?:requirement|constraint|index-url|extra-index-url|hash))\b/.test(line)) continue;
      return undefined;
    }
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?=\s*(?:\[|[=<>!~;]|$|\s))/.exec(line);
    if (!m) return undefined;
    names.push(m[1]!.toLowerCase().replace(/[_.]+/g, '-'));
  }
  return names;
}

/** The pip requirement files of a directory with no Python package beside them: their names, by file. */
function plainRequirements(
  workspace: Workspace,
  all: readonly Manifest[],
): Map<string, string[]> | undefined {
  const out = new Map<string, string[]>();
  for (const m of all) {
    const name = m.file.slice(m.file.lastIndexOf('/') + 1);
    if (m.ecosystem !== 'pip' || !/^requirements.*\.(?:txt|in)$/.test(name)) return undefined;
    const beside = (f: string) => (m.dir === '' ? f : `${m.dir}/${f}`);
    if (['setup.py', 'setup.cfg', 'pyproject.toml'].some((f) => workspace.has(beside(f)))) return undefined;
    const names = requirementNames(workspace.text(m.file) ?? '');
    if (!names || names.length === 0) return undefined;
    out.set(m.file, names);
  }
  return out.size > 0 ? out : undefined;
}

/**
 * Developers' and documentation tools: hooks, linters, formatters, test runners, documentation
 * generators and their themes and plugins, release helpers. They run on a developer's machine or in
 * CI; none is a library a program imports where the project runs.
 */
const DEVELOPMENT_TOOL =
  /^(?:pre-commit|mkdocs(?:-.+)?|mkdocstrings(?:-.+)?|pymdown-extensions|mike|sphinx(?:-.+)?|sphinxcontrib-.+|furo|myst-parser|pydata-sphinx-theme|black|flake8(?:-.+)?|ruff|mypy|pylint|isort|autopep8|yapf|bandit|codespell|yamllint|tox|nox|pytest(?:-.+)?|coverage|pip-tools|twine|bump2version|bumpversion|commitizen|towncrier)$/;

/**
 * Why pip requirement files hold developers' tools only, when every requirement of every one of the
 * directory's files (with no Python package beside them) is a hook, linter, test runner or
 * documentation generator (see {@link DEVELOPMENT_TOOL}): nothing installed from them runs where the
 * project runs. A vulnerable version still reaches developers and CI, so the finding stays, at low
 * severity.
 */
function developmentRequirements(workspace: Workspace, all: readonly Manifest[]): string | undefined {
  const files = plainRequirements(workspace, all);
  if (!files || ![...files.values()].every((names) => names.every((n) => DEVELOPMENT_TOOL.test(n))))
    return undefined;
  const tools = [...new Set([...files.values()].flat())];
  return `it lists developers' and documentation tools only (${tools.slice(0, 4).join(', ')}${tools.length > 4 ? ', ...' : ''}), with no Python package beside it: they run where developers and CI work, nothing installed from it runs where the project runs`;
}

/** The name of the Python package the repository root defines (setup.py, setup.cfg, pyproject.toml). */
function rootPackageName(workspace: Workspace): string | undefined {
  return workspace.memo('deps.root-python-package', '', () => {
    const pyproject = workspace.text('pyproject.toml');
    const fromToml = pyproject
      ? /^\[(?:project|tool\.poetry)\][^[]*?^name\s*=\s*["']([^"']+)["']/m.exec(pyproject)
      : null;
    const setupCfg = workspace.text('setup.cfg');
    const fromCfg = setupCfg ? /^\[metadata\][^[]*?^name\s*=\s*(\S+)/m.exec(setupCfg) : null;
    const setupPy = workspace.text('setup.py');
    const fromPy = setupPy ? /\bname\s*=\s*["']([A-Za-z0-9][A-Za-z0-9._-]*)["']/.exec(setupPy) : null;
    const name = fromToml?.[1] ?? fromCfg?.[1] ?? fromPy?.[1];
    return name?.toLowerCase().replace(/[_.]+/g, '-');
  });
}

/**
 * Why pip requirement files pin the project's own package only, when every requirement of the
 * directory's files names the package the repository root defines (an image that installs the
 * released project): its version is the project's release, which the release process sets, and an
 * updater would have no third-party dependency to bump. The finding stays, at low severity.
 */
function ownReleasePins(workspace: Workspace, all: readonly Manifest[]): string | undefined {
  const files = plainRequirements(workspace, all);
  if (!files) return undefined;
  const own = rootPackageName(workspace);
  if (!own || ![...files.values()].every((names) => names.every((n) => n === own))) return undefined;
  return `it pins only the project's own package (${own}, defined at the repository root): its version is the project's release, set when the project releases, with no third-party dependency for an updater to bump`;
}

/**
 * The npm, Cargo or pub workspace roots whose entry would cover the manifest, nearest first; for
 * Gradle, the directories above it (or its own) that hold a multi-project build's settings
 * (`settings.gradle`, `settings.gradle.kts`); for Maven, those whose pom.xml lists modules. Dependabot
 * reads a Gradle or Maven build from its root, whose entry updates every project of it.
 */
function workspaceRoots(ws: Workspace, m: Manifest): string[] {
  if (m.ecosystem === 'npm') return npmWorkspaceRoots(ws, m.dir);
  if (m.ecosystem === 'cargo') return cargoWorkspaceRoots(ws, m.dir);
  if (m.ecosystem === 'pub') return pubWorkspaceRoots(ws, m.dir);
  const within = (d: string, f: string) => (d === '' ? f : `${d}/${f}`);
  if (m.ecosystem === 'gradle') {
    return [m.dir, ...ancestors(m.dir)].filter((d) => GRADLE_SETTINGS.some((f) => ws.has(within(d, f))));
  }
  if (m.ecosystem === 'maven') {
    return [m.dir, ...ancestors(m.dir)].filter((d) => /<module>/.test(ws.text(within(d, 'pom.xml')) ?? ''));
  }
  return [];
}

/** The settings file at the root of a Gradle multi-project build. */
const GRADLE_SETTINGS = ['settings.gradle', 'settings.gradle.kts'];

/** Whether an entry of the manifest's ecosystem names its directory or a directory that covers it. */
/** Whether every image of a Dockerfile manifest is a tag without a number and without a digest (a codename). */
function codenamesOnly(m: Manifest): boolean {
  if (m.ecosystem !== 'docker' || !m.images?.length) return false;
  return m.images.every((text) => {
    const ref = parseImageRef(text);
    return ref !== undefined && ref.digest === undefined && ref.tag !== undefined && !/[0-9]/.test(ref.tag);
  });
}

export function dependabotCovers(ws: Workspace, entries: readonly DependabotEntry[], m: Manifest): boolean {
  const dirs = entries.filter((e) => e.ecosystem === m.ecosystem).flatMap((e) => e.directories);
  const candidates = [m.dir];
  // "/" and "/.github/workflows" both read the workflows; a local action's file only its own directory.
  if (m.ecosystem === 'github-actions' && m.dir === '') candidates.push('.github/workflows');
  if (m.ecosystem === 'npm') candidates.push(...npmWorkspaceRoots(ws, m.dir));
  if (m.ecosystem === 'cargo') candidates.push(...cargoWorkspaceRoots(ws, m.dir));
  if (m.ecosystem === 'pub') candidates.push(...pubWorkspaceRoots(ws, m.dir));
  if (RECURSIVE.has(m.ecosystem)) candidates.push(...ancestors(m.dir));
  const covers = (ds: readonly string[], cs: readonly string[]) =>
    cs.some((c) => ds.some((d) => directoryMatches(d, c)));
  if (covers(dirs, candidates)) return true;
  // Ecosystems that update the same manifests through another package manager's lockfile: uv updates
  // a pip manifest's pyproject.toml in its directory or as a member of a uv workspace (one uv.lock at
  // the root), and Dependabot's `bun` updates an npm package.json where bun's lockfile sits, beside it
  // or at the root of the npm workspace it belongs to.
  const via = (ecosystem: string) =>
    entries.filter((e) => e.ecosystem === ecosystem).flatMap((e) => e.directories);
  if (m.ecosystem === 'pip') return covers(via('uv'), [m.dir, ...uvWorkspaceRoots(ws, m.dir)]);
  if (m.ecosystem === 'npm') {
    const bunRoots = candidates.filter((c) => BUN_LOCKS.some((lock) => ws.has(c ? `${c}/${lock}` : lock)));
    return covers(via('bun'), bunRoots);
  }
  return false;
}

/** The lockfiles Dependabot's `bun` ecosystem reads (the text one since bun 1.2, the binary one before). */
const BUN_LOCKS = ['bun.lock', 'bun.lockb'];

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; d !== ''; ) {
    d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '';
    out.push(d);
  }
  return out;
}

/** The update tools of the repository, as far as they are configured. */
interface Tools {
  dependabot: { file: string; entries: DependabotEntry[] } | undefined;
  renovateFile: string | undefined;
  /** Whether the Renovate configuration turns Renovate off (`enabled: false` at its top level). */
  renovateOff: boolean;
  updatecli: UpdatecliConfig | undefined;
  workflows: UpdateWorkflows | undefined;
  /**
   * Whether a pyproject.toml is locked by a uv.lock (beside it or at the root of its uv workspace):
   * Dependabot's `uv` ecosystem updates that lockfile, and is the entry to name for it (not for a
   * requirements file, which its `pip` ecosystem reads).
   */
  lockedByUv: (m: Manifest) => boolean;
}

function describe(m: Manifest, tools: Tools, editing: readonly UpdatecliTarget[]): string {
  const where = m.dir === '' ? 'the repository root' : m.dir;
  // A Dockerfile that updatecli edits elsewhere (an ARG of a tool's version) still lacks base updates.
  const what = editing.length > 0 ? 'automated updates of its base image' : 'automated dependency updates';
  return (
    `${m.file} (${m.ecosystem}) in ${where} gets no ${what}: ${reasonsFor(m, tools, editing).join(', and ')}. ` +
    'Vulnerable versions there are not updated.'
  );
}

/** Why each configured tool leaves the manifest out. */
function reasonsFor(m: Manifest, tools: Tools, editing: readonly UpdatecliTarget[]): string[] {
  const { dependabot, renovateFile, renovateOff, updatecli, workflows } = tools;
  const reasons: string[] = [];
  if (dependabot) {
    // A project uv locks is updated through its uv.lock by the `uv` ecosystem (a `pip` entry covers
    // its manifest too): both are named, `uv` first.
    const ecosystems = tools.lockedByUv(m) ? ['uv', m.ecosystem] : [m.ecosystem];
    const named = ecosystems.map((e) => `\`${e}\``).join(' or ');
    const same = dependabot.entries.filter((e) => ecosystems.includes(e.ecosystem));
    reasons.push(
      same.length === 0
        ? `${dependabot.file} has no \`updates\` entry with \`package-ecosystem: ${ecosystems[0]}\`` +
            (ecosystems.length > 1 ? ' (the ecosystem that updates its uv.lock) or `pip`' : '')
        : `no ${named} entry in ${dependabot.file} lists the directory "/${m.dir}" ` +
            `(it lists ${same.flatMap((e) => e.directories.map((d) => `"/${d}"`)).join(', ')})`,
    );
  }
  if (renovateFile)
    reasons.push(
      renovateOff
        ? `the Renovate configuration (${renovateFile}) turns Renovate off (\`enabled: false\`)`
        : `the Renovate configuration (${renovateFile}) leaves its manager out`,
    );
  if (updatecli) reasons.push(describeUpdatecli(updatecli, editing));
  if (workflows) reasons.push(describeWorkflows(workflows, m));
  return reasons;
}

/** Why updatecli does not cover the manifest, in words; says when a manifest was read only in part. */
function describeUpdatecli(config: UpdatecliConfig, editing: readonly UpdatecliTarget[]): string {
  const manifests =
    config.manifests.length === 1 ? config.manifests[0]! : `${config.manifests.length} updatecli manifests`;
  const partial =
    config.partial.length === 0
      ? ''
      : ` (${config.partial.join(', ')} could only be read in part: template lines or templated file names)`;
  if (editing.length === 0) return `no updatecli target (${manifests}) edits it${partial}`;
  const shown = editing
    .slice(0, 3)
    .map((t) => `${t.keyword ?? t.kind}${t.matcher ? ` ${t.matcher}` : ''} in ${t.manifest}`);
  const more = editing.length > 3 ? ` and ${editing.length - 3} more` : '';
  return (
    `its updatecli targets (${shown.join('; ')}${more}) change neither a FROM instruction nor an ARG ` +
    `that a FROM line uses${partial}`
  );
}

/** Why the update workflows do not cover the manifest: where they update its ecosystem instead. */
function describeWorkflows(workflows: UpdateWorkflows, m: Manifest): string {
  const same = workflows.updates.filter((u) => u.ecosystem === m.ecosystem);
  if (same.length === 0) {
    const files =
      workflows.files.length === 1 ? workflows.files[0]! : `${workflows.files.length} update workflows`;
    return `no update workflow (${files}) runs an update of ${m.ecosystem} dependencies`;
  }
  const list = (items: string[]) =>
    items.slice(0, 3).join(', ') + (items.length > 3 ? ` and ${items.length - 3} more` : '');
  const files = [...new Set(same.map((u) => u.workflow))];
  const commands = [...new Set(same.map((u) => u.text))];
  const where = [...new Set(same.flatMap((u) => u.dirs.map((d) => (d.path === '' ? '/' : `/${d.path}`))))];
  return (
    `the ${m.ecosystem} updates of ${list(files)} (${list(commands)}) run in ${list(where)}, ` +
    'which does not reach this manifest'
  );
}

/** A finding whose message ends with why it matters less (`(but <reason>).`), graded as `grade` says. */
function qualified<F extends RawFinding>(
  finding: F,
  reason: string,
  grade: Pick<RawFinding, 'severity' | 'confidence'>,
): F {
  return { ...finding, ...grade, message: `${finding.message.slice(0, -1)} (but ${reason}).` };
}
