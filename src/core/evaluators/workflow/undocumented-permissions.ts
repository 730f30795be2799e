import { locationFromSpan } from '../../location.js';
import type { Permissions, WorkflowSource } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';

/**
 * Every write scope a workflow grants is a decision someone will have to re-check: a comment that
 * says why (`contents: write # pushes the changelog commit`) lets a reviewer tell a needed grant from
 * a leftover. Reported at each `write` scope (and `write-all`) with no comment on its line or on the
 * line just above it. Read scopes are not reported. A code smell: info, for the pedantic.
 */
export const workflowUndocumentedPermissions = defineEvaluator<Record<string, never>>({
  kind: 'workflow.undocumented-permissions',
  scope: 'file',
  summary: 'Write permissions granted without a comment that says why.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const check = (source: WorkflowSource, block: Permissions | undefined, owner: string) => {
      if (!block) return;
      const lines = workspace.memo('source-lines', source.path, () => linesOf(workspace, source.path));
      const entries =
        block.shorthand?.value === 'write-all'
          ? [{ scope: 'write-all', node: block.shorthand }]
          : block.scopes
              .filter((s) => s.level.value === 'write')
              .map((s) => ({ scope: s.scope, node: s.level }));
      for (const { scope, node } of entries) {
        const line = node.span.key?.line ?? node.span.start.line;
        if (commented(lines, line)) continue;
        findings.push({
          message: `${owner === '' ? 'The workflow' : `Job "${owner}"`} grants ${scope === 'write-all' ? 'write-all' : `${scope}: write`} without a comment saying which step needs it and why; add one, so the grant can be reviewed (and dropped when no longer needed).`,
          location: locationFromSpan(source.path, node.span, scope !== 'write-all'),
          key: `${owner}/${scope}`,
        });
      }
    };
    walkWorkflows(workflowSources(workspace), {
      // Permissions are judged for the workflow as a whole, jobs that never run included.
      everyStep: true,
      workflow(workflow) {
        check(workflow, workflow.permissions, '');
      },
      job(job, workflow) {
        check(workflow, job.permissions, job.id);
      },
    });
    return findings;
  },
});

function linesOf(workspace: Workspace, path: string): string[] {
  return (workspace.text(path) ?? '').split(/\r?\n/);
}

/** A comment on the (1-based) line, or a comment line just above it. */
function commented(lines: string[], line: number): boolean {
  const here = lines[line - 1] ?? '';
  if (/(?:^|\s)#/.test(here.replace(/(["'])(?:(?!\1).)*\1/g, ''))) return true;
  return /^\s*#/.test(lines[line - 2] ?? '');
}
