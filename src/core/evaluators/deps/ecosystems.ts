import path from 'node:path/posix';
import {
  type DockerfileModel,
  dockerfilePaths,
  globalArgValues,
  readDockerfile,
  referencedStage,
} from '../../parsers/dockerfile.js';
import { expandVariables, UNRESOLVED } from '../../parsers/dockerfile-words.js';
import { parseImageRef, tagNamesVersion } from '../../parsers/image-ref.js';
import { parseUses, refPinning } from '../../parsers/uses.js';
import { defineSelector, keysOfNames } from '../../workspace/screens.js';
import type { Workspace } from '../../workspace/workspace.js';
import {
  cargoNeedsLock,
  composerNeedsLock,
  goModNeedsSum,
  isTemplateManifest,
  packageJsonNeedsLock,
  pipfileNeedsLock,
  readJson,
  tomlTableHeaders,
} from '../repo/manifests.js';

/**
 * Which package ecosystems a repository uses, and where: one entry per manifest that declares
 * something to update. Ecosystem names are Dependabot's `package-ecosystem` values; each manifest
 * also names the Renovate managers that read it.
 */

export const ECOSYSTEM_NAMES = [
  'npm',
  'pip',
  'gomod',
  'cargo',
  'maven',
  'gradle',
  'bundler',
  'composer',
  'nuget',
  'pub',
  'swift',
  'docker',
  'github-actions',
] as const;
export type EcosystemName = (typeof ECOSYSTEM_NAMES)[number];

/** One manifest: its ecosystem, its directory ("" for the root) and the Renovate managers for it. */
export interface Manifest {
  file: string;
  dir: string;
  ecosystem: EcosystemName;
  managers: readonly string[];
  /** A Dockerfile's: the images it names that an updater can update (ARG defaults substituted). */
  images?: readonly string[];
}

interface ManifestKind {
  ecosystem: EcosystemName;
  managers: readonly string[];
  /** The file names of this kind of manifest; or else {@link matches}. */
  names?: readonly string[];
  /** Test of the file name (and path), for kinds not known by their names alone. */
  matches?(name: string, file: string): boolean;
  /** With {@link matches}: the name endings of what it passes, as `keysOfNames` takes them. */
  keys?: readonly string[];
  /** Whether the manifest declares anything to update (default: it does). */
  declares?(ws: Workspace, file: string): boolean;
}

const hasText = (re: RegExp) => (ws: Workspace, file: string) => re.test(ws.text(file) ?? '');

/**
 * A line of pip's requirements format: a project name (with extras) followed by nothing, a version
 * specifier, a URL (`@`), environment markers (`;`), per-requirement options or a continuation.
 */
const REQUIREMENT =
  /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?[ \t]*(?:\[[^\]]*\][ \t]*)?(?:$|[;@(\\]|===?|~=|!=|<=?|>=?|--)/;
/** An option (`-r base.txt`, `-e .`, `--index-url ...`), a URL or a path: pip reads those too. */
const REQUIREMENT_OTHER = /^(?:-|\.{0,2}\/|[a-z][a-z0-9+.-]*:\/\/|\$\{)/i;

/**
 * Whether a requirements file (`requirements*.txt`, `.in`) is in pip's format and names something:
 * every line is a requirement, an option, a URL or a path. A file of another format that shares the
 * name (a macOS code-signing requirement, `designated => anchor apple generic ...`) declares nothing.
 */
export function pipRequirements(text: string): boolean {
  let names = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(?:^|[ \t])#.*$/, '').trim();
    if (line === '') continue;
    if (!REQUIREMENT.test(line) && !REQUIREMENT_OTHER.test(line)) return false;
    names = true;
  }
  return names;
}

const KINDS: readonly ManifestKind[] = [
  {
    ecosystem: 'npm',
    managers: ['npm'],
    names: ['package.json'],
    declares: (ws, f) => packageJsonNeedsLock(readJson(ws, f)),
  },
  {
    ecosystem: 'pip',
    managers: ['pip_requirements', 'pip-compile'],
    matches: (n) => /^requirements.*\.(?:txt|in)$/.test(n),
    keys: ['.txt', '.in'],
    declares: (ws, f) => pipRequirements(ws.text(f) ?? ''),
  },
  {
    ecosystem: 'pip',
    managers: ['pipenv'],
    names: ['Pipfile'],
    declares: (ws, f) => pipfileNeedsLock(ws.text(f) ?? ''),
  },
  {
    ecosystem: 'pip',
    managers: ['pip_setup'],
    names: ['setup.py'],
    declares: hasText(/install_requires/),
  },
  {
    ecosystem: 'pip',
    managers: ['setup-cfg'],
    names: ['setup.cfg'],
    declares: hasText(/^[ \t]*install_requires[ \t]*=/m),
  },
  {
    ecosystem: 'pip',
    managers: ['pep621', 'poetry', 'pep723'],
    names: ['pyproject.toml'],
    declares: (ws, f) => {
      const text = ws.text(f) ?? '';
      return (
        /^[ \t]*(?:dependencies|requires)[ \t]*=[ \t]*\[[ \t]*\S/m.test(text) ||
        tomlTableHeaders(text).some((h) => /^tool\.poetry\.(?:dev-)?dependencies$|\.dependencies$/.test(h))
      );
    },
  },
  {
    ecosystem: 'gomod',
    managers: ['gomod'],
    names: ['go.mod'],
    declares: (ws, f) => goModNeedsSum(ws.text(f) ?? ''),
  },
  {
    ecosystem: 'cargo',
    managers: ['cargo'],
    names: ['Cargo.toml'],
    declares: (ws, f) => cargoNeedsLock(ws.text(f) ?? ''),
  },
  {
    ecosystem: 'maven',
    managers: ['maven'],
    names: ['pom.xml'],
    // An aggregator of modules or a parent of settings names none: nothing to lock or update.
    declares: hasText(/<(?:dependency|plugin)[\s>/]/),
  },
  {
    ecosystem: 'gradle',
    managers: ['gradle'],
    matches: (n, f) =>
      /^(?:build|settings)\.gradle(?:\.kts)?$/.test(n) || f.endsWith('gradle/libs.versions.toml'),
    keys: ['.gradle', '.kts', '.toml'],
  },
  { ecosystem: 'bundler', managers: ['bundler'], names: ['Gemfile', 'gems.rb'] },
  {
    ecosystem: 'composer',
    managers: ['composer'],
    names: ['composer.json'],
    declares: (ws, f) => composerNeedsLock(readJson(ws, f)),
  },
  {
    ecosystem: 'nuget',
    managers: ['nuget'],
    matches: (n) => /\.(?:cs|fs|vb)proj$|^packages\.config$|^Directory\.Packages\.props$/i.test(n),
    keys: ['.csproj', '.fsproj', '.vbproj', '.config', '.props'],
    declares: hasText(/PackageReference|PackageVersion|<package /),
  },
  {
    // Dart and Flutter packages: a pubspec.yaml with dependencies (or dev_dependencies) to update.
    ecosystem: 'pub',
    managers: ['pub'],
    names: ['pubspec.yaml'],
    declares: hasText(/^(?:dev_)?dependencies:[ \t]*(?:#.*)?\r?\n[ \t]+[A-Za-z_]/m),
  },
  {
    // Swift packages: a Package.swift that depends on a package by URL (a local path is no update).
    ecosystem: 'swift',
    managers: ['swift'],
    names: ['Package.swift'],
    declares: hasText(/\.package\s*\(\s*(?:name:\s*"[^"]*"\s*,\s*)?url:/),
  },
];

/** Each manifest name, with the first kind (in {@link KINDS} order) that lists it. */
const BY_NAME = new Map<string, number>();
KINDS.forEach((k, i) => {
  for (const n of k.names ?? []) if (!BY_NAME.has(n)) BY_NAME.set(n, i);
});
/** The kinds tested by {@link ManifestKind.matches}, in order. */
const MATCHED = KINDS.flatMap((k, i) => (k.matches ? [i] : []));

/** The first kind, in {@link KINDS} order, whose manifest `file` is: a lookup, and the few tests. */
function kindOf(name: string, file: string): ManifestKind | undefined {
  const named = BY_NAME.get(name);
  for (const i of MATCHED) {
    if (named !== undefined && i > named) break;
    if (KINDS[i]!.matches!(name, file)) return KINDS[i];
  }
  return named === undefined ? undefined : KINDS[named];
}

const WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;
const WORKFLOW_FILES = defineSelector(
  'workflow-files',
  (f) => WORKFLOW.test(f),
  keysOfNames(['.yml', '.yaml']),
);
/** Paths of a kind of manifest (their content may still declare nothing). */
const PACKAGE_MANIFESTS = defineSelector(
  'package-manifests',
  (f) => kindOf(f.slice(f.lastIndexOf('/') + 1), f) !== undefined,
  keysOfNames(KINDS.flatMap((k) => [...(k.names ?? []), ...(k.keys ?? [])])),
);

/**
 * Manifests of the workspace, minus files matching the `exclude` globs: the packages' in index order,
 * then the Dockerfiles that name an image an updater bumps, then the workflows' actions (one entry for `.github/workflows`) when a workflow uses any.
 */
export function detectManifests(ws: Workspace, exclude: readonly string[]): Manifest[] {
  const packages = detectPackageManifests(ws, exclude);
  const images = detectImageManifests(ws, exclude);
  const actions = workflowActions(ws);
  const local = localActions(ws, exclude);
  return [...packages, ...images, ...(actions ? [actions] : []), ...local];
}

/**
 * The workflows' actions as a manifest: Dependabot reads every workflow for the directory "/". Only a
 * workflow that uses something by a version (a tag such as `v4` or `1.2.0`, a commit SHA, an image's
 * versioned tag) gives an updater anything to update: a branch (`@main`) follows itself, and a local
 * action is part of the tree.
 */
function workflowActions(ws: Workspace): Manifest | undefined {
  return ws.memo('deps.workflow-actions', '', () => {
    const workflow = ws.filesWhere(WORKFLOW_FILES).find((f) => usesAVersion(ws.text(f) ?? ''));
    return workflow
      ? { file: workflow, dir: '', ecosystem: 'github-actions' as const, managers: ['github-actions'] }
      : undefined;
  });
}

/**
 * The repository's own actions below its root (`.github/actions/setup/action.yml`) that use an action,
 * reusable workflow or image by a version, minus files matching the `exclude` globs: Dependabot's
 * `github-actions` ecosystem reads the YAML files of the directories its entries list, and for "/" the
 * root's `action.yml` and `.github/workflows` only, so each such action is a manifest of its own
 * directory. One under `.github/workflows/` itself is read with the workflows.
 */
function localActions(ws: Workspace, exclude: readonly string[]): Manifest[] {
  const excluded = exclude.length > 0 ? ws.matcher(exclude) : () => false;
  return ws.memo('deps.local-actions', exclude.join('\u0000'), () =>
    ws
      .filesWhere(LOCAL_ACTION_FILES)
      .filter((file) => !excluded(file) && usesAVersion(ws.text(file) ?? ''))
      .map((file) => ({
        file,
        dir: dirOf(file),
        ecosystem: 'github-actions' as const,
        managers: ['github-actions'],
      })),
  );
}

const LOCAL_ACTION = /\/action\.ya?ml$/;
const LOCAL_ACTION_FILES = defineSelector(
  'local-action-files',
  (f) => LOCAL_ACTION.test(f) && !WORKFLOW.test(f),
  keysOfNames(['.yml', '.yaml']),
);

const USES = /^[ \t]*-?[ \t]*uses:[ \t]*['"]?([^\s'"#]+)/gm;
const VERSION = /^v?\d/;

/** Whether a workflow's text uses an action, reusable workflow or image by a version an updater bumps. */
function usesAVersion(text: string): boolean {
  for (const m of text.matchAll(USES)) {
    const ref = parseUses(m[1]!);
    if (ref.kind === 'repository' && (refPinning(ref.ref) === 'sha' || VERSION.test(ref.ref ?? '')))
      return true;
    if (ref.kind === 'docker' && VERSION.test(ref.image.tag ?? '')) return true;
  }
  return false;
}

/**
 * Manifests of packages (not the Dockerfiles' images, nor the workflows' actions), minus files matching
 * the `exclude` globs, in index order (cached): what a rule about packages alone reads, so neither a
 * Dockerfile nor a workflow is an input of it.
 */
export function detectPackageManifests(ws: Workspace, exclude: readonly string[]): Manifest[] {
  const excluded = exclude.length > 0 ? ws.matcher(exclude) : () => false;
  return ws.memo('deps.manifests', exclude.join('\u0000'), () => {
    const out: Manifest[] = [];
    for (const file of ws.filesWhere(PACKAGE_MANIFESTS)) {
      // The name first: the exclude globs are tested on the few manifests, not on every path.
      const name = file.slice(file.lastIndexOf('/') + 1);
      const kind = kindOf(name, file);
      if (!kind || excluded(file) || (kind.declares && !kind.declares(ws, file))) continue;
      // A scaffolding template's dependencies are the generated project's, not this repository's.
      if (isTemplateManifest(ws, file)) continue;
      out.push({ file, dir: dirOf(file), ecosystem: kind.ecosystem, managers: kind.managers });
    }
    return out;
  });
}

/**
 * The Dockerfiles whose stages name an image an updater bumps (see {@link updatableImages}), minus
 * files matching the `exclude` globs, in index order (cached): each Dockerfile is parsed.
 */
function detectImageManifests(ws: Workspace, exclude: readonly string[]): Manifest[] {
  const excluded = exclude.length > 0 ? ws.matcher(exclude) : () => false;
  return ws.memo('deps.image-manifests', exclude.join('\u0000'), () => {
    const out: Manifest[] = [];
    for (const file of dockerfilePaths(ws)) {
      if (excluded(file)) continue;
      const model = readDockerfile(ws, file);
      const images = model ? updatableImages(model) : [];
      if (images.length > 0) {
        out.push({ file, dir: dirOf(file), ecosystem: 'docker', managers: ['dockerfile'], images });
      }
    }
    return out;
  });
}

/**
 * The images of a Dockerfile's stages that give an updater something to update: a digest, or a tag
 * that names a version (see tagNamesVersion). Not an image named by a build argument without a
 * default (`ARG BASE` / `FROM ${BASE}`), which whoever builds chooses, nor one that names no version
 * (`latest`, no tag, a channel such as `nonroot`): Dependabot and Renovate bump neither, and a rebuild
 * pulls the current image (dockerfile-base-image-unpinned and -digest report the missing pin). A tag or
 * name that an ARG without a default completes is kept: what it names is not known.
 */
function updatableImages(model: DockerfileModel): string[] {
  const vars = globalArgValues(model);
  const out: string[] = [];
  for (const stage of model.stages) {
    if (!stage.from.image) continue;
    const { text } = expandVariables(stage.from.image, vars, model.escapeChar);
    if (text.startsWith(UNRESOLVED) || text.toLowerCase() === 'scratch') continue;
    const partial = text.includes(UNRESOLVED);
    if (!partial && referencedStage(model, stage, text)) continue;
    const ref = parseImageRef(text);
    if (!ref) continue;
    const last = ref.repository.slice(ref.repository.lastIndexOf('/') + 1);
    const versioned =
      ref.digest !== undefined ||
      (ref.tag === undefined
        ? last.includes(UNRESOLVED)
        : ref.tag.includes(UNRESOLVED) || tagNamesVersion(ref.tag));
    if (versioned) out.push(text);
  }
  return out;
}

/** "" for a root file, else the directory path. */
export function dirOf(file: string): string {
  const d = path.dirname(file);
  return d === '.' ? '' : d;
}
