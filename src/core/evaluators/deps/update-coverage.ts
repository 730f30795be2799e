import { fileLocation } from '../../location.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { globList } from '../generic/shared.js';
import { cargoWorkspaceRoots, DEFAULT_MANIFEST_EXCLUDE, npmWorkspaceRoots } from '../repo/deps-lockfile.js';
import { defineEvaluator } from '../types.js';
import { detectManifests, type Manifest } from './ecosystems.js';
import {
  type DependabotEntry,
  directoryMatches,
  readDependabot,
  readRenovate,
  renovateCovers,
} from './update-config.js';

/** Options of `deps.update-coverage`. */
export interface UpdateCoverageOptions {
  exclude: string[];
}

/** Ecosystems whose root entry updates manifests in subdirectories (multi-module builds, solutions). */
const RECURSIVE = new Set(['gradle', 'maven', 'nuget']);

/**
 * `deps.update-coverage`: every ecosystem and directory that has a manifest is updated by the
 * repository's Dependabot or Renovate configuration. Dependabot must have an `updates` entry with the
 * manifest's `package-ecosystem` and a `directory`/`directories` entry (globs allowed) naming its
 * directory, its npm or Cargo workspace root, or for Gradle, Maven and NuGet any ancestor. Renovate
 * covers every manifest unless `enabled: false`, `enabledManagers` or a manager's `enabled: false`
 * leave it out; paths it ignores (`ignorePaths`, `includePaths`, the presets' defaults such as
 * the examples and test directories) are a deliberate choice and not reported. With no configuration at all there is nothing to
 * compare (the `dependency-update-tool` rule reports that); one finding per uncovered directory.
 */
export const depsUpdateCoverage = defineEvaluator<UpdateCoverageOptions>({
  kind: 'deps.update-coverage',
  summary: 'Dependabot or Renovate updates every ecosystem and directory that has a manifest.',
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
    if (!dependabot && !renovate) return [];
    const findings: RawFinding[] = [];
    const reported = new Set<string>();
    for (const m of detectManifests(workspace, options.exclude)) {
      // Paths that Renovate is told to ignore are a deliberate choice, like this rule's `exclude`.
      if (renovate && (renovate.ignored(m.file) || renovateCovers(renovate, m.file, m.managers))) continue;
      if (dependabot && dependabotCovers(workspace, dependabot.entries, m)) continue;
      const id = `${m.ecosystem}\u0000${m.dir}`;
      if (reported.has(id)) continue;
      reported.add(id);
      findings.push({
        message: describe(m, dependabot, renovate?.file),
        location: fileLocation(m.file),
        key: `${m.ecosystem}:${m.dir}`,
      });
    }
    return findings;
  },
});

/** Whether an entry of the manifest's ecosystem names its directory or a directory that covers it. */
export function dependabotCovers(ws: Workspace, entries: readonly DependabotEntry[], m: Manifest): boolean {
  const dirs = entries
    .filter((e) => e.ecosystem === m.ecosystem || (m.ecosystem === 'pip' && e.ecosystem === 'uv'))
    .flatMap((e) => e.directories);
  if (dirs.length === 0) return false;
  const candidates = [m.dir];
  if (m.ecosystem === 'github-actions') candidates.push('.github/workflows');
  if (m.ecosystem === 'npm') candidates.push(...npmWorkspaceRoots(ws, m.dir));
  if (m.ecosystem === 'cargo') candidates.push(...cargoWorkspaceRoots(ws, m.dir));
  if (RECURSIVE.has(m.ecosystem)) candidates.push(...ancestors(m.dir));
  return candidates.some((c) => dirs.some((d) => directoryMatches(d, c)));
}

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; d !== ''; ) {
    d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '';
    out.push(d);
  }
  return out;
}

function describe(
  m: Manifest,
  dependabot: { file: string; entries: DependabotEntry[] } | undefined,
  renovateFile: string | undefined,
): string {
  const where = m.dir === '' ? 'the repository root' : m.dir;
  const reasons: string[] = [];
  if (dependabot) {
    const same = dependabot.entries.filter((e) => e.ecosystem === m.ecosystem);
    reasons.push(
      same.length === 0
        ? `${dependabot.file} has no \`updates\` entry with \`package-ecosystem: ${m.ecosystem}\``
        : `no \`${m.ecosystem}\` entry in ${dependabot.file} lists the directory "/${m.dir}" ` +
            `(it lists ${same.flatMap((e) => e.directories.map((d) => `"/${d}"`)).join(', ')})`,
    );
  }
  if (renovateFile) reasons.push(`the Renovate configuration (${renovateFile}) leaves its manager out`);
  return (
    `${m.file} (${m.ecosystem}) in ${where} gets no automated dependency updates: ${reasons.join(', and ')}. ` +
    'Vulnerable versions there are not updated.'
  );
}
