import path from 'node:path/posix';
import { fileLocation } from '../../location.js';
import type { RawFinding } from '../../types.js';
import { defineScreen } from '../../workspace/screens.js';
import type { Workspace } from '../../workspace/workspace.js';
import { forEachLine, globList } from '../generic/shared.js';
import { DEFAULT_MANIFEST_EXCLUDE } from '../repo/deps-lockfile.js';
import { defineEvaluator } from '../types.js';
import { detectPackageManifests, type EcosystemName } from './ecosystems.js';
import { readInventory } from './lockfiles/inventory.js';
import { SBOM_MAX_LOCKFILE_BYTES } from './lockfiles/sbom.js';
import type { LockfileInventory } from './lockfiles/types.js';

interface Options {
  exclude: string[];
}

/** Lockfiles that list the packages of each ecosystem the lockfile-missing rule does not cover. */
const LOCKS: Partial<Record<EcosystemName, RegExp>> = {
  gradle: /(?:^|\/)(?:buildscript-)?gradle\.lockfile$/,
  nuget: /(?:^|\/)packages\.lock\.json$/,
};

/** Build steps and plugins that produce an SBOM: with one, the build lists what lockfiles cannot. */
const GENERATOR =
  /cyclonedx|\bsyft\b|anchore\/sbom-action|\bcdxgen\b|spdx-sbom-generator|\bsbom-tool\b|--sbom\b|^\s*sboms:|microsoft\/sbom-action|trivy[^\n]{0,80}--format[ =](?:cyclonedx|spdx)/im;
const BUILD_FILES = [
  '.github/workflows/*.{yml,yaml}',
  '**/pom.xml',
  '**/build.gradle',
  '**/build.gradle.kts',
  '**/.goreleaser.{yml,yaml}',
  '**/{Makefile,makefile,GNUmakefile}',
  '**/package.json',
  '**/*.{csproj,fsproj}',
  '**/Directory.Build.props',
];

/**
 * `deps.sbom-coverage`: every dependency the repository declares can be listed in its SBOM. Passes
 * when the build runs an SBOM generator (CycloneDX or SPDX tooling, syft, GoReleaser `sboms`).
 * Otherwise reports what `check --format cyclonedx` cannot list: Maven projects (Maven has no
 * lockfile), Gradle builds without dependency locking, NuGet projects without packages.lock.json,
 * requirements files with unpinned entries, and lockfiles that do not parse. Missing npm, Python,
 * Ruby, Rust, PHP and Go lockfiles are the lockfile-missing rule's.
 */
export const depsSbomCoverage = defineEvaluator<Options>({
  kind: 'deps.sbom-coverage',
  summary:
    'Every declared dependency can be listed in an SBOM: pinned by a lockfile or covered by an SBOM generator.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      exclude: globList('Globs of manifests to leave out (setting it replaces the defaults).', {
        default: DEFAULT_MANIFEST_EXCLUDE,
      }),
    },
  },
  async evaluate({ options, workspace }) {
    if (hasGenerator(workspace)) return [];
    const lockfiles = await readInventory(workspace, options.exclude);
    const findings: RawFinding[] = [];
    for (const lock of lockfiles) {
      const problem = realProblem(workspace, lock);
      if (!problem) continue;
      findings.push({
        message: `${lock.file} is ${problem}, so an SBOM of this repository cannot list its packages.`,
        location: fileLocation(lock.file),
        key: `unread:${lock.file}`,
      });
    }
    const seen = new Set<string>();
    const manifests = detectPackageManifests(workspace, options.exclude);
    // No lockfile and no manifest: nothing declares a dependency, and a pass rests on nothing read.
    if (lockfiles.length === 0 && manifests.length === 0) workspace.examineOnly([]);
    for (const m of manifests) {
      const key = `${m.ecosystem}:${m.dir}`;
      if (seen.has(key)) continue;
      if (m.ecosystem === 'maven') {
        // Build plugins are no part of what the project ships.
        if (!/<dependency[\s>/]/.test(workspace.text(m.file) ?? '')) continue;
        seen.add(key);
        findings.push({
          message: `${m.file} declares Maven dependencies, and Maven keeps no lockfile: an SBOM of this repository cannot list them unless the build produces one (e.g. the CycloneDX Maven plugin).`,
          location: fileLocation(m.file),
          key,
        });
      } else if (m.ecosystem === 'gradle' || m.ecosystem === 'nuget') {
        // Gradle writes a lockfile per project, beside its build script (settings scripts and version
        // catalogs declare no resolved dependencies); NuGet one per project, beside the project file.
        // Central package management's Directory.Packages.props is the projects' version list, not a
        // project: no lockfile is written beside it, and each project that uses it is judged itself.
        if (m.ecosystem === 'gradle' && !/(?:^|\/)build\.gradle(?:\.kts)?$/.test(m.file)) continue;
        // A build script with plugins only (a root's `alias(...) apply false`) or a platform's
        // constraints on its own modules declares nothing to resolve.
        if (m.ecosystem === 'gradle' && !declaresGradleDependency(workspace.text(m.file) ?? '')) continue;
        if (m.ecosystem === 'nuget' && /(?:^|\/)Directory\.Packages\.props$/i.test(m.file)) continue;
        const lock = LOCKS[m.ecosystem]!;
        if (lockfiles.some((l) => lock.test(l.file) && dirOf(l.file) === m.dir)) continue;
        seen.add(key);
        findings.push({
          message:
            m.ecosystem === 'gradle'
              ? `${m.file} declares Gradle dependencies without dependency locking (no gradle.lockfile), so an SBOM of this repository cannot list their versions.`
              : `${m.file} declares NuGet packages without a packages.lock.json (RestorePackagesWithLockFile), so an SBOM of this repository cannot list their versions.`,
          location: fileLocation(m.file),
          key,
        });
      } else if (m.ecosystem === 'pip' && /(?:^|\/)requirements[^/]*\.txt$/i.test(m.file)) {
        const line = firstUnpinned(workspace, m.file);
        if (line === undefined) continue;
        const tooling = onlyTooling(workspace, m.file);
        const compiled = tooling ? undefined : compiledFrom(workspace, manifests, m.file);
        findings.push({
          message: `${m.file} has requirements without an exact version (==), so an SBOM of this repository cannot list the versions installed.${tooling ? ` It lists only Python packaging and environment tools (pip, setuptools, virtualenv, tox and the like), which set up a build or a test run and are no part of what the project ships.` : ''}${compiled ? ` It is the input of ${compiled}, which pins every requirement (a pip-compile lock whose \`# via -r\` notes name this file): what is installed from the lock is listed.` : ''}`,
          location: { path: m.file, startLine: line },
          key: `unpinned:${m.file}`,
          ...(tooling || compiled ? { confidence: 'low' as const } : {}),
        });
      }
    }
    return findings;
  },
});

/**
 * What a `dependencies {}` block of a Gradle build script names that Gradle resolves from a
 * repository: a coordinate (`"g:a:v"`, `group: "g"`), a version catalog's library (`libs.x`, not
 * `libs.plugins`), Kotlin's shorthand (`kotlin("test")`). Not a project of the build (`project(":x")`,
 * `projects.x`), nor files of the tree (`files(...)`), nor what Gradle ships (`gradleApi()`).
 */
const GRADLE_EXTERNAL =
  /["'][\w.-]+:[\w.-]+(?::[^"'\n]*)?["']|\bgroup\s*[:=]|\blibs\.(?!plugins\b)\w|\bkotlin\s*\(\s*["']/;

/**
 * Whether a Gradle build script declares a dependency that Gradle resolves from a repository, in a
 * `dependencies {}` block (a `buildscript`'s `classpath` too, which buildscript locking pins), outside
 * its `constraints {}` (a platform's versions of what others declare, often its own modules). Plugins
 * (`plugins {}`, `alias(libs.plugins.x) apply false`) are the build's tools, resolved apart.
 */
export function declaresGradleDependency(text: string): boolean {
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
  for (const block of bracedBlocks(code, /\bdependencies\s*\{/g)) {
    let rest = block;
    for (const inner of bracedBlocks(block, /\bconstraints\s*\{/g)) rest = rest.replace(inner, '');
    if (GRADLE_EXTERNAL.test(rest)) return true;
  }
  return false;
}

/** The bodies of the blocks that `opener` (ending at its `{`) starts, braces balanced. */
function bracedBlocks(text: string, opener: RegExp): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(opener)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}') depth--;
    }
    out.push(text.slice(start, i - 1));
  }
  return out;
}

/** Build files that name an SBOM generator: a change to any other build file cannot add one. */
const SBOM_GENERATOR = defineScreen('sbom-generator', (_file, text) => GENERATOR.test(text));

/** Whether a build file runs an SBOM generator. */
function hasGenerator(ws: Workspace): boolean {
  return ws.memo('deps.sbom-generator', '', () => ws.screenedGlob(BUILD_FILES, SBOM_GENERATOR).length > 0);
}

/** A lockfile's problem that the SBOM has too; one larger than the rules read is read by the SBOM. */
function realProblem(ws: Workspace, lock: LockfileInventory): string | undefined {
  if (!lock.problem) return undefined;
  const content = ws.read(lock.file);
  if (content.kind === 'too-large') {
    return content.size > SBOM_MAX_LOCKFILE_BYTES
      ? `larger than ${SBOM_MAX_LOCKFILE_BYTES >> 20} MiB`
      : undefined;
  }
  return lock.problem;
}

/**
 * The pinned requirements file compiled from `input`, when one is: a requirements file of the tree
 * whose every requirement is pinned and whose pip-compile notes (`# via -r unfrozen/requirements.txt`,
 * paths relative to the lock) name `input`. The lock is what an install uses and the SBOM lists; the
 * loose input only says which packages to resolve. Low confidence rather than no finding: nothing
 * here shows that no build installs the input itself.
 */
function compiledFrom(
  ws: Workspace,
  manifests: readonly { ecosystem: EcosystemName; file: string }[],
  input: string,
): string | undefined {
  for (const lock of manifests) {
    if (
      lock.ecosystem !== 'pip' ||
      lock.file === input ||
      !/(?:^|\/)requirements[^/]*\.txt$/i.test(lock.file)
    )
      continue;
    const text = ws.text(lock.file) ?? '';
    const names = [...text.matchAll(/^[ \t]*#[ \t]+(?:via[ \t]+)?-r[ \t]+(\S+)[ \t]*$/gm)].map((r) => r[1]!);
    const dir = dirOf(lock.file);
    const named = names.some((n) => path.normalize(dir === '' ? n : `${dir}/${n}`) === input);
    if (named && firstUnpinned(ws, lock.file) === undefined) return lock.file;
  }
  return undefined;
}

/** The directory of a file ("" for the root). */
function dirOf(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash === -1 ? '' : file.slice(0, slash);
}

/** A requirement line (options, includes, editable installs and URLs aside), else undefined. */
function requirement(raw: string): string | undefined {
  const line = raw.replace(/(^|\s)#.*$/, '').trim();
  // Continuation lines of a pinned entry (`    --hash=...`) start with a dash and are skipped here.
  if (line === '' || line.startsWith('-') || /^(?:\.{0,2}\/|https?:|git\+)/.test(line)) return undefined;
  return /^[A-Za-z0-9]/.test(line) ? line : undefined;
}

const PINNED = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*===?\s*[A-Za-z0-9]/;
/** A requirement that only adds extras to a package (`celery[sqs]`), with no version of its own. */
const EXTRAS_ONLY = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*\[[^\]]*\]\s*(?:;.*)?$/;

/** A distribution name as pip compares them (PEP 503: case and runs of `-`, `_`, `.` aside). */
const normalName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/**
 * The first requirement line without `==`. A line that only adds extras to a package another line of
 * the file pins (`bleach==6.3.0` and `bleach[css]`) is pinned too: pip merges the two requirements
 * of one package, so the extras install at the pinned version.
 */
function firstUnpinned(ws: Workspace, file: string): number | undefined {
  const text = ws.text(file) ?? '';
  const pinned = new Set<string>();
  forEachLine(text, (raw) => {
    const m = PINNED.exec(requirement(raw) ?? '');
    if (m) pinned.add(normalName(m[1]!));
  });
  let found: number | undefined;
  forEachLine(text, (raw, lineNo) => {
    const line = requirement(raw);
    if (line === undefined || PINNED.test(line)) return;
    const extras = EXTRAS_ONLY.exec(line);
    if (extras && pinned.has(normalName(extras[1]!))) return;
    found = lineNo;
    return false;
  });
  return found;
}

/**
 * The tools that install Python packages, make environments and run test matrices (pip, setuptools,
 * virtualenv, tox and its plugins): a requirements file of these alone sets up a build or a test
 * run, as Maven's build plugins do, and installs nothing the project ships.
 */
const TOOLING =
  /^(?:pip|setuptools|setuptools[-_]scm|wheel|virtualenv|tox|tox[-_][a-z0-9-]+|nox|pipenv|pip[-_]tools|build|twine|uv)$/i;

/** Whether every requirement of a file is a packaging or environment tool. */
function onlyTooling(ws: Workspace, file: string): boolean {
  let names = 0;
  let other = false;
  forEachLine(ws.text(file) ?? '', (raw) => {
    const line = requirement(raw);
    if (line === undefined) return;
    names += 1;
    if (!TOOLING.test(line.match(/^[A-Za-z0-9][A-Za-z0-9._-]*/)![0])) {
      other = true;
      return false;
    }
  });
  return names > 0 && !other;
}
