import picomatch from 'picomatch';
import { locationFromSpan } from '../../location.js';
import { parseUses } from '../../parsers/uses.js';
import type { Located } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';

/** One entry of a deny list: a glob, and optionally why it is denied. */
export type DenyEntry = string | { uses: string; reason?: string };

export interface ForbiddenUsesOptions {
  /** When not empty, only actions and reusable workflows matching one of these globs may be used. */
  allow: string[];
  /** Actions and reusable workflows that may not be used. */
  deny: DenyEntry[];
}

/**
 * An organisation's list of approved (or banned) actions and reusable workflows, enforced on every
 * change. Globs match `owner/repo[/path]` case-insensitively; a glob with `@` matches the reference
 * with its ref (`actions/checkout@v1*`). With `allow`, everything not listed is reported; with
 * `deny`, everything listed. Local (`./`) and `docker://` references are not matched. Reported at
 * the `uses:`.
 */
export const workflowForbiddenUses = defineEvaluator<ForbiddenUsesOptions>({
  kind: 'workflow.forbidden-uses',
  scope: 'file',
  summary: 'Actions and reusable workflows outside an allow list or on a deny list.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      allow: { type: 'array', default: [], items: { type: 'string', minLength: 1 } },
      deny: {
        type: 'array',
        default: [],
        items: {
          anyOf: [
            { type: 'string', minLength: 1 },
            {
              type: 'object',
              additionalProperties: false,
              required: ['uses'],
              properties: {
                uses: { type: 'string', minLength: 1 },
                reason: { type: 'string', minLength: 1 },
              },
            },
          ],
        },
      },
    },
  },
  evaluate({ options, workspace }) {
    const allow = matcher(options.allow ?? []);
    const deny = (options.deny ?? []).map((d) => (typeof d === 'string' ? { uses: d } : d));
    const denied = deny.map((d) => ({ ...d, test: matcher([d.uses]) }));
    /** Why a reference is forbidden, or undefined; with its key. */
    const judge = (text: string): { message: string; key: string } | undefined => {
      const ref = parseUses(text);
      if (ref.kind !== 'repository') return undefined;
      const name = [ref.owner, ref.repo, ...(ref.path ? [ref.path] : [])].join('/');
      const full = `${name}@${ref.ref ?? ''}`;
      const key = `uses/${full.toLowerCase()}`;
      const hit = denied.find((d) => d.test(name, full));
      if (hit)
        return {
          key,
          message: `"${text.trim()}" is on the deny list (${hit.uses})${hit.reason ? `: ${hit.reason}` : '.'}`,
        };
      if ((options.allow ?? []).length > 0 && !allow(name, full))
        return {
          key,
          message: `"${text.trim()}" is not on the list of allowed actions and reusable workflows.`,
        };
      return undefined;
    };
    // The same references recur across workflows: each is judged once.
    const verdicts = new Map<string, ReturnType<typeof judge>>();
    const findings: RawFinding[] = [];
    const check = (path: string, uses: Located<string> | undefined) => {
      if (!uses) return;
      if (!verdicts.has(uses.value)) verdicts.set(uses.value, judge(uses.value));
      const verdict = verdicts.get(uses.value);
      if (!verdict) return;
      findings.push({
        message: `${verdict.message} Use an approved action, or have it added to the rule's list.`,
        location: locationFromSpan(path, uses.span),
        key: verdict.key,
      });
    };
    walkWorkflows(workflowSources(workspace), {
      job(job, workflow) {
        check(workflow.path, job.uses);
      },
      step(step, source) {
        check(source.path, step.uses);
      },
    });
    return findings;
  },
});

/** Matches `owner/repo[/path]` (globs without `@`) or `owner/repo[/path]@ref` (globs with one). */
function matcher(globs: string[]): (name: string, full: string) => boolean {
  const plain = globs.filter((g) => !g.includes('@'));
  const versioned = globs.filter((g) => g.includes('@'));
  const a = plain.length > 0 ? picomatch(plain, { nocase: true, dot: true }) : () => false;
  const b = versioned.length > 0 ? picomatch(versioned, { nocase: true, dot: true }) : () => false;
  // `owner/repo` also covers the repository's sub-actions (`github/codeql-action/*` is explicit).
  return (name, full) => a(name) || a(name.split('/').slice(0, 2).join('/')) || b(full);
}
