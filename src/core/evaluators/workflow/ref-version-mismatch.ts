import { workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { actionApi } from './action-api.js';
import { type ActionRef, actionRefs } from './action-refs.js';
import { isFullVersion, versionParts } from './versions.js';

/**
 * `uses: owner/action@<sha> # v4.2.2`: reviewers and Dependabot read the comment, the runner runs the
 * commit. When they disagree, a review approves one version and the job runs another (a forgotten
 * comment after an update, or a commit swapped under an unchanged comment). Offline, a mismatch is
 * certain when two pins of the same repository carry the same full version (`v4.2.2`, not a moving
 * major tag like `v4`) on different commits: both are reported, each naming the other. It is as certain
 * when one commit carries comments that no single release can have (`# v2` and `# v4.1.1`, `# v3.0.0` and
 * `# v4.1.1`; `# v4` and `# v4.1.1` agree): the pins whose comment the other pins of that commit do not
 * bear out are reported, each naming one that disagrees (all of them when no comment has a majority);
 * full versions that agree with each other outweigh any number of major-only comments.
 * Two full versions of one major on one commit may be one release tagged twice: low confidence. With the
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
    for (const f of sameCommit(refs, reported)) findings.push(f);
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

/** Whether two version comments can name the same release: one is the other or a prefix of it (`v4`, `v4.1.1`). */
function agree(a: number[], b: number[]): boolean {
  return a.slice(0, Math.min(a.length, b.length)).every((n, i) => n === b[i]);
}

/**
 * Pins of one commit whose comments name releases that cannot both be that commit. When the commit's
 * full versions (`# v9.0.0`) agree with each other, they name the release, however many major-only
 * comments (`# v7`) contradict them: a full version is written from the one tag it was resolved
 * from, while a major's comment is what an update that rewrote only the commit leaves behind; the
 * pins that disagree with them are reported. Otherwise a pin is reported unless the pins that agree
 * with it (itself included) are more than half of the commit's: the comment most of them bear is
 * taken as the release, and only the others are reported.
 */
function sameCommit(refs: ActionRef[], reported: Set<ActionRef>): RawFinding[] {
  const byCommit = new Map<string, { r: ActionRef; parts: number[] }[]>();
  for (const r of refs) {
    const parts = versionParts(r.commentVersion!);
    if (!parts) continue;
    const key = `${r.slug}\u0000${r.ref!.toLowerCase()}`;
    byCommit.set(key, [...(byCommit.get(key) ?? []), { r, parts }]);
  }
  const findings: RawFinding[] = [];
  for (const group of byCommit.values()) {
    if (group.length < 2) continue;
    const full = group.filter((g) => isFullVersion(g.r.commentVersion!));
    const named = full.every((a) => full.every((b) => agree(a.parts, b.parts))) ? full[0] : undefined;
    for (const { r, parts } of group) {
      if (reported.has(r)) continue;
      const others = group.filter((o) => !agree(parts, o.parts));
      if (others.length === 0) continue;
      if (named ? agree(parts, named.parts) : group.length - others.length > group.length / 2) continue;
      // Name the full version that names the release, else the comment most pins of the commit bear
      // out: the likeliest release.
      const support = (o: (typeof group)[number]) => group.filter((g) => agree(o.parts, g.parts)).length;
      const other = named ?? others.reduce((best, o) => (support(o) > support(best) ? o : best));
      const sameMajor = others.every((o) => o.parts[0] === parts[0]);
      reported.add(r);
      findings.push({
        message:
          `"${r.uses.value.trim()}" is commented ${r.commentVersion}, but the same commit is commented ` +
          `${other.r.commentVersion} at ${other.r.file}:${other.r.location.startLine}: one commit is not both releases. ` +
          'Resolve the tag and make the comments name the release that runs.',
        location: r.location,
        key: `uses/${r.name.toLowerCase()}@${r.ref!.toLowerCase()}/${r.commentVersion}`,
        // Which comment is right cannot be told offline; two full versions of one major may also be
        // one release tagged twice (a re-release without changes).
        confidence:
          sameMajor && isFullVersion(r.commentVersion!) && isFullVersion(other.r.commentVersion!)
            ? 'low'
            : 'medium',
      });
    }
  }
  return findings;
}
