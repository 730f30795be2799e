/**
 * Where SARIF places a finding about the repository as a whole (a missing SECURITY.md, a setting).
 * Code scanning needs a file for every result and shows a path that does not exist as a missing
 * file, so such findings point at a real file that says something about the policy: the
 * declarations, else the configuration, else the workflow that runs the gate, else a file at the top
 * of the checked directory. The choice needs the file system; the file system is asked through
 * callbacks, so this stays a pure function the Action and the CLI share.
 */
import path from 'node:path';
import type { Report } from '../core/types.js';

/** What {@link sarifRepositoryFile} may ask about the checked tree. */
export interface RepositoryFileProbe {
  /** Whether a regular file exists, by its POSIX path relative to the checked directory. */
  exists(file: string): boolean;
  /** Names of the regular files directly in the checked directory (the last resort). */
  rootFiles(): readonly string[];
  /**
   * The workflow file that runs the check, as a path from the repository's root, already known to
   * exist (the Action reads it from `GITHUB_WORKFLOW_REF`); absent in the CLI.
   */
  workflow?: string | undefined;
}

/** Files at the top of a tree that say what the tree is, preferred over any other file there. */
const README = /^(readme|license|licence|copying)(\.[a-z0-9]+)?$/i;

/**
 * The file repository-level findings point at, as a path from the repository's root (`prefix` is
 * where the checked directory lies in it, e.g. `services/api/`). Falls back to the declarations
 * file's configured path only when the checked directory holds no file at all.
 */
export function sarifRepositoryFile(report: Report, prefix: string, probe: RepositoryFileProbe): string {
  const inTree = [report.policy.controls, report.settings.config].filter(
    (f): f is string => typeof f === 'string' && isInside(f),
  );
  for (const file of inTree) if (probe.exists(file)) return prefix + file;
  if (probe.workflow) return probe.workflow;
  const top = [...probe.rootFiles()].sort();
  const chosen = top.find((f) => README.test(f)) ?? top[0];
  return prefix + (chosen ?? report.settings.controls);
}

/** A relative POSIX path that stays inside the checked directory. */
function isInside(file: string): boolean {
  return !path.posix.isAbsolute(file) && !file.startsWith('../') && file !== '..' && !/^[A-Za-z]:/.test(file);
}

/**
 * The workflow file of a `GITHUB_WORKFLOW_REF` value (`owner/repo/.github/workflows/ci.yml@refs/heads/main`),
 * as a path from the repository's root, or undefined when the value does not have that shape.
 */
export function workflowFromRef(ref: string | undefined): string | undefined {
  const match = /^[^/]+\/[^/]+\/(\.github\/workflows\/[^@]+)@/.exec(ref ?? '');
  return match?.[1];
}
