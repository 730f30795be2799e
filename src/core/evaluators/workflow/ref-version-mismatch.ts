import { workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { actionApi } from './action-api.js';
import { type ActionRef, actionRefs } from './action-refs.js';
import { isFullVersion } from './versions.js';

/**
 * `uses: owner/action@<sha> # v4.2.2`: reviewers and Dependabot read the comment, the runner runs the
 * commit. When they disagree, a review approves one version and the job runs another (a forgotten
 * comment after an update, or a commit swapped under an unchanged comment). Offline, a mismatch is
 * certain when two pins of the same repository carry the same full version (`v4.2.2`, not a moving
 * major tag like `v4`) on different commits: both are reported, each naming the other. With the
 * GitHub API, each pin commented with a full version is also compared with the commit its tag names (cached, within the
 * run's budget for the online audits); without it, that part is skipped and the rule still runs.
 */
export const workflowRefVersionMismatch = defineEvaluator<Record<string, never>>({
  kind: 'workflow.ref-version-mismatch',
  scope: 'file',
  mainThread: true,
  summary:
    'Commit pins whose version comment names another release (offline by comparing pins; online by resolving the tag).',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  async evaluate({ workspace, github }) {
    const refs = actionRefs(workspace, workflowSources(workspace)).filter(
      (r) => r.pinning === 'sha' && r.commentVersion !== undefined,
    );
    const findings: RawFinding[] = [];
    const reported = new Set<ActionRef>();
    const groups = new Map<string, ActionRef[]>();
    for (const r of refs) {
      if (!isFullVersion(r.commentVersion!)) continue;
      const key = `${r.slug}\u0000${r.commentVersion!.replace(/^v/i, '')}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const group of groups.values()) {
      const shas = new Set(group.map((r) => r.ref!.toLowerCase()));
      if (shas.size < 2) continue;
      for (const r of group) {
        const other = group.find((o) => o.ref!.toLowerCase() !== r.ref!.toLowerCase())!;
        reported.add(r);
        findings.push({
          message:
            `"${r.uses.value.trim()}" is commented ${r.commentVersion}, and so is ${other.uses.value.trim()} at ` +
            `${other.file}:${other.location.startLine}, on another commit: at most one of them is ${r.commentVersion}. ` +
            'Resolve the tag and make the pins and comments agree.',
          location: r.location,
          key: `uses/${r.name.toLowerCase()}@${r.ref!.toLowerCase()}/${r.commentVersion}`,
          // One of the two may be right: without the API it cannot be told which.
          confidence: 'medium',
        });
      }
    }
    if (!github) return findings;
    const api = actionApi(github);
    for (const r of refs) {
      // A major tag such as v4 moves with every release: an older v4 pin is not a mismatch.
      if (reported.has(r) || !isFullVersion(r.commentVersion!)) continue;
      const written = r.commentVersion!;
      const toggled = written.startsWith('v') ? written.slice(1) : `v${written}`;
      let sha = await api.tagCommit(r.slug, written);
      if (sha === null) sha = await api.tagCommit(r.slug, toggled);
      if (!sha || sha === r.ref!.toLowerCase()) continue;
      findings.push({
        message:
          `"${r.uses.value.trim()}" is commented ${r.commentVersion}, but tag ${r.commentVersion} of ${r.owner}/${r.repo} ` +
          `is commit ${sha}: the comment names another release than the one that runs. Update the comment (or the pin).`,
        location: r.location,
        key: `uses/${r.name.toLowerCase()}@${r.ref!.toLowerCase()}/${r.commentVersion}`,
      });
    }
    return findings;
  },
});
