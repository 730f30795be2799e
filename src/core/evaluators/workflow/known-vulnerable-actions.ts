import type { RawFinding, Severity } from '../../types.js';
import { defineEvaluator } from '../types.js';
import type { ActionApi, Advisory } from './action-api.js';
import type { ActionRef } from './action-refs.js';
import { onlineAudit, type RefOutcome } from './online.js';
import { inRange, isFullVersion, mostSpecific, versionParts } from './versions.js';

export interface KnownVulnerableOptions {
  /** Advisory ids (GHSA-...) accepted after review: not reported. */
  allow: string[];
}

/**
 * Actions have security advisories too (GitHub's advisory database, ecosystem `actions`): code
 * injection, token disclosure, a compromised release. Reported at each `uses:` whose version an
 * advisory covers, at the advisory's severity, with the first fixed version. The version is the tag
 * (`@v4.2.2`), the most specific tag at the pinned commit (`@v4` or `@<sha>` resolved through the tag
 * list), or, for a commit no tag points to, the version its comment names. References by branch have
 * no version and are not checked. Online: one cached tag list per repository and one advisory query
 * per 20 actions, within the run's budget for these audits.
 */
export const workflowKnownVulnerableActions = defineEvaluator<KnownVulnerableOptions>({
  kind: 'workflow.known-vulnerable-actions',
  scope: 'file',
  mainThread: true,
  summary:
    "Actions at versions covered by a GitHub security advisory (advisory database, 'actions' ecosystem).",
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      allow: {
        type: 'array',
        default: [],
        items: { type: 'string', pattern: '^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$' },
      },
    },
  },
  evaluate({ options, workspace, github }) {
    const allow = new Set((options.allow ?? []).map((a) => a.toLowerCase()));
    const versions = new Map<ActionRef, Version>();
    const advisories = new Map<string, Advisory[]>();
    const prepare = async (refs: ActionRef[], api: ActionApi) => {
      for (const ref of refs) versions.set(ref, await versionOf(ref, api));
      const wanted = [...versions.entries()].flatMap(([ref, v]) =>
        'version' in v ? [`${ref.slug}@${v.version}`] : [],
      );
      for (const [item, list] of await api.advisoriesFor(wanted)) advisories.set(item, list);
    };
    const check = async (ref: ActionRef): Promise<RefOutcome> => {
      const v = versions.get(ref);
      if (!v || 'unknown' in v) return { unchecked: v && 'unknown' in v ? v.unknown : 'not resolved' };
      const key = `${ref.slug}@${v.version}`;
      const answer = advisories.get(key);
      if (!answer) return { unchecked: 'no answer from the advisory database' };
      const findings: RawFinding[] = [];
      for (const a of answer) {
        if (allow.has(a.ghsaId.toLowerCase())) continue;
        const hit = a.vulnerabilities.find(
          (x) => x.name === ref.slug && inRange(v.version, x.range) !== false,
        );
        if (!hit) continue;
        findings.push({
          message:
            `${ref.owner}/${ref.repo} ${v.version} (${ref.uses.value.trim()}) is affected by ${a.ghsaId}: ${a.summary.slice(0, 160)} ` +
            `(vulnerable: ${hit.range || 'see the advisory'}). ${hit.patched ? `Upgrade to ${hit.patched} or later` : 'No fixed version is published: remove the action'}; see ${a.url}.`,
          location: ref.location,
          key: `uses/${ref.name.toLowerCase()}@${ref.ref ?? ''}/${a.ghsaId}`,
          severity: severityOf(a.severity),
          // A version read from a comment is what the author says the commit is, not what a tag says.
          ...(v.fromComment ? { confidence: 'medium' as const } : {}),
        });
      }
      return { findings };
    };
    return onlineAudit(
      workspace,
      github,
      'against the advisory database',
      (ref) => ref.pinning === 'sha' || (ref.pinning === 'mutable' && versionParts(ref.ref!) !== undefined),
      check,
      prepare,
    );
  },
});

/** The release a reference runs, from its tag, the tags at its commit, or its comment. */
type Version = { version: string; fromComment?: boolean } | { unknown: string };

async function versionOf(ref: ActionRef, api: ActionApi): Promise<Version> {
  const pinned = ref.ref!;
  if (ref.pinning === 'mutable' && isFullVersion(pinned)) return { version: bare(pinned) };
  const tags = await api.tags(ref.slug);
  const sha = ref.pinning === 'sha' ? pinned.toLowerCase() : tags?.tags.find((t) => t.name === pinned)?.sha;
  const at = sha ? mostSpecific(tags?.tags.filter((t) => t.sha === sha).map((t) => t.name) ?? []) : undefined;
  if (at && isFullVersion(at)) return { version: bare(at) };
  if (ref.pinning === 'sha' && ref.commentVersion && isFullVersion(ref.commentVersion))
    return { version: bare(ref.commentVersion), fromComment: true };
  if (!tags) return { unknown: 'no answer about its tags' };
  return {
    unknown:
      ref.pinning === 'sha'
        ? 'no tag among the newest 100 points to the pinned commit, and no version comment names it'
        : `"${pinned}" names no release among the newest 100 tags`,
  };
}

function bare(version: string): string {
  return version.replace(/^v/i, '');
}

function severityOf(s: string): Severity {
  switch (s.toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
      return 'high';
    case 'low':
      return 'low';
    default:
      return 'medium';
  }
}
