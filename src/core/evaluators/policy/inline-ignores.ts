/**
 * Inline ignore comments as policy: a comment without a reason does not apply (triage skips it) and
 * is reported here, wherever it is; on a pull request, a comment the base commit does not have is a
 * policy change to review. Both read every text file once through the workspace cache, and only
 * files that mention `controlgate:` are split into lines.
 */
import type { TreeReader } from '../../policy/tree.js';
import { readDirectives } from '../../triage.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';

/** Ignore comments without a reason, one finding per comment. */
export function reasonlessIgnores(workspace: Workspace): RawFinding[] {
  const out: RawFinding[] = [];
  for (const file of workspace.files) {
    for (const d of readDirectives(workspace.text(file))) {
      if (d.reason) continue;
      const ids = d.rules.join(', ') || 'rule-id';
      out.push({
        message: `The inline ignore of ${ids} at ${file}:${d.line} has no reason, so it does not apply: write \`controlgate: ignore[${ids}] <why it is safe>\`.`,
        location: { path: file, startLine: d.line },
        key: d.text,
      });
    }
  }
  return out;
}

/** Ignore comments (with a reason) that the base commit's version of the file does not have. */
export function addedIgnores(workspace: Workspace, base: TreeReader): RawFinding[] {
  const out: RawFinding[] = [];
  for (const file of workspace.files) {
    const directives = readDirectives(workspace.text(file)).filter((d) => d.reason);
    if (directives.length === 0) continue;
    const before = base.read(file);
    const baseText = before.kind === 'text' ? before.text : '';
    for (const d of directives) {
      if (baseText.includes(d.text)) continue;
      out.push({
        message: `Policy change: inline ignore added at ${file}:${d.line}: ${d.rules.join(', ')} ignored ("${d.reason}").`,
        location: { path: file, startLine: d.line },
        key: `ignore:${d.text}`,
      });
    }
  }
  return out;
}
