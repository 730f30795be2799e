import type { Location } from '../../types.js';
import { LineIndex } from '../../workspace/lines.js';
import type { Workspace } from '../../workspace/workspace.js';
import { type FileExistsOptions, fileExists } from '../generic/file-exists.js';
import { defineEvaluator } from '../types.js';
import { RENOVATE_FILES, readRenovate, topLevelKeyOffset } from './update-config.js';
import { readScriptedUpdates, readUpdateWorkflows } from './update-workflows.js';

/**
 * `deps.update-tool`: a dependency update tool is configured. The options are `file.exists`'s (the
 * configuration files of Dependabot, Renovate and updatecli, and what makes one configure an update);
 * a Renovate configuration with `"enabled": false` at its top level turns Renovate off, so it counts
 * only when another file does (reported at that key otherwise). When none of them configures an
 * update, an update workflow (a scheduled or manually run workflow that updates dependencies and
 * opens a pull request or pushes a commit, see update-workflows.ts) is one too, and so is a home-grown
 * one (a scheduled workflow whose update script looks up the latest upstream versions and whose result
 * is pushed or proposed, see {@link readScriptedUpdates}). Workflows are read only when the files say
 * no, so a repository with a configuration does not depend on them.
 */
export const depsUpdateTool = defineEvaluator<FileExistsOptions>({
  kind: 'deps.update-tool',
  summary:
    'A dependency update tool is configured (one of the files, with an update in it), or a scheduled workflow updates dependencies and opens a pull request.',
  schema: fileExists.schema,
  async evaluate(ctx) {
    let findings = await fileExists.evaluate(ctx);
    if (findings.length === 0) {
      const off = renovateOff(ctx.workspace);
      if (!off) return findings;
      const paths = ctx.options.paths.filter((p) => !RENOVATE_FILES.includes(p));
      const others = await fileExists.evaluate({ ...ctx, options: { ...ctx.options, paths } });
      if (others.length === 0) return others;
      findings = [
        {
          message:
            `${off.path} sets \`"enabled": false\` at its top level, which turns Renovate off, and no other ` +
            'dependency update tool is configured. Remove the setting (or set it to true), or configure ' +
            'Dependabot, updatecli or an update workflow.',
          location: off,
          key: 'renovate-disabled',
        },
      ];
    }
    const workflows =
      readUpdateWorkflows(ctx.workspace)?.files ?? readScriptedUpdates(ctx.workspace).map((u) => u.workflow);
    if (workflows.length === 0) return findings;
    // The verdict rests on the update workflows, not on the files that configure nothing.
    ctx.workspace.examineOnly(workflows);
    return [];
  },
});

/** Where the Renovate configuration file turns Renovate off (`"enabled": false` at its top level). */
function renovateOff(ws: Workspace): Location | undefined {
  const config = readRenovate(ws);
  if (!config?.understood || config.enabled || config.file === 'package.json') return undefined;
  const text = ws.text(config.file) ?? '';
  const at = topLevelKeyOffset(text, 'enabled') ?? 0;
  const { line, column } = new LineIndex(text).position(at);
  return { path: config.file, startLine: line, startColumn: column, endLine: line };
}
