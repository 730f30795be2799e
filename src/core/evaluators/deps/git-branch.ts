import path from 'node:path/posix';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { globList } from '../generic/shared.js';
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

/**
 * `deps.git-branch`: dependencies fetched from a git repository that follow a branch (named, or the
 * default branch when no ref is given) instead of a commit or a version tag: npm (git URLs and GitHub
 * shorthands), pip requirement files, Poetry/uv/Pipfile and Cargo TOML tables, Bundler and Composer
 * `dev-` branches. Whatever is pushed to that branch is installed on the next resolve, unreviewed.
 */
export const depsGitBranch = defineEvaluator<GitBranchOptions>({
  kind: 'deps.git-branch',
  scope: 'file',
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
  evaluate({ options, workspace }): RawFinding[] {
    const excluded = options.exclude.length > 0 ? workspace.matcher(options.exclude) : () => false;
    const findings: RawFinding[] = [];
    for (const file of workspace.files) {
      const read = readerFor(path.basename(file));
      if (!read || excluded(file)) continue;
      for (const dep of read(workspace, file)) {
        const kind = judgeRef(dep);
        if (kind === 'commit' || kind === 'tag') continue;
        const follows =
          kind === 'branch' ? `the branch "${dep.ref}"` : 'the default branch (no ref is given)';
        const source = dep.url && dep.url !== dep.name ? ` of ${dep.url}` : '';
        findings.push({
          message:
            `Dependency "${dep.name}" follows ${follows}${source}: every install can get different, ` +
            'unreviewed code. Pin a full commit SHA or a release tag.',
          location: {
            path: file,
            startLine: dep.line,
            ...(dep.column ? { startColumn: dep.column } : {}),
          },
          key: `${dep.name}\u0000${dep.url}\u0000${dep.ref ?? ''}`,
        });
      }
    }
    return findings;
  },
});
