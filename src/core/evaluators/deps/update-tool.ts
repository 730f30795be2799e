import { type FileExistsOptions, fileExists } from '../generic/file-exists.js';
import { defineEvaluator } from '../types.js';
import { readScriptedUpdates, readUpdateWorkflows } from './update-workflows.js';

/**
 * `deps.update-tool`: a dependency update tool is configured. The options are `file.exists`'s (the
 * configuration files of Dependabot, Renovate and updatecli, and what makes one configure an update);
 * when none of them does, an update workflow (a scheduled or manually run workflow that updates
 * dependencies and opens a pull request or pushes a commit, see update-workflows.ts) is one too, and
 * so is a home-grown one (a scheduled workflow whose update script looks up the latest upstream
 * versions and whose result is pushed or proposed, see {@link readScriptedUpdates}). Workflows are
 * read only when the files say no, so a repository with a configuration does not depend on them.
 */
export const depsUpdateTool = defineEvaluator<FileExistsOptions>({
  kind: 'deps.update-tool',
  summary:
    'A dependency update tool is configured (one of the files, with an update in it), or a scheduled workflow updates dependencies and opens a pull request.',
  schema: fileExists.schema,
  async evaluate(ctx) {
    const findings = await fileExists.evaluate(ctx);
    if (findings.length === 0) return findings;
    const workflows =
      readUpdateWorkflows(ctx.workspace)?.files ?? readScriptedUpdates(ctx.workspace).map((u) => u.workflow);
    if (workflows.length === 0) return findings;
    // The verdict rests on the update workflows, not on the files that configure nothing.
    ctx.workspace.examineOnly(workflows);
    return [];
  },
});
