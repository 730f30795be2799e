import { locationFromSpan } from '../../location.js';
import type { RawFinding } from '../../types.js';
import { opensNoVersionUpdates } from '../deps/update-config.js';
import { defineEvaluator } from '../types.js';

export interface DependabotCooldownOptions {
  /** The shortest acceptable wait, in days, before Dependabot proposes a new release. */
  days: number;
}

const FILES = ['.github/dependabot.yml', '.github/dependabot.yaml'];

/**
 * A compromised release is usually found and pulled within days; a Dependabot that proposes every
 * release the hour it is published brings it into the repository before then. `cooldown` makes
 * version updates wait (security updates are not delayed). Reported at each `updates` entry without
 * a cooldown (at its `package-ecosystem`), and at a `default-days` below `days` (or, without
 * `default-days`, at a `cooldown` whose semver-specific waits do not all reach `days`). An entry with
 * `open-pull-requests-limit: 0` opens no version updates, only security updates, which a cooldown does
 * not delay: nothing to report.
 */
export const workflowDependabotCooldown = defineEvaluator<DependabotCooldownOptions>({
  kind: 'workflow.dependabot-cooldown',
  scope: 'file',
  summary: 'Dependabot version updates without a cooldown of at least N days after a release.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: { days: { type: 'integer', minimum: 1, maximum: 90, default: 7 } },
  },
  evaluate({ options, workspace }) {
    const days = options.days ?? 7;
    const findings: RawFinding[] = [];
    for (const file of workspace.glob(FILES)) {
      const parsed = workspace.yaml(file);
      const doc = parsed?.ok ? parsed.documents[0] : undefined;
      const updates = (doc?.value as { updates?: unknown } | null | undefined)?.updates;
      if (!doc || !Array.isArray(updates)) continue;
      updates.forEach((entry, i) => {
        if (!entry || typeof entry !== 'object') return;
        const e = entry as Record<string, unknown>;
        if (opensNoVersionUpdates(e)) return;
        const ecosystem = typeof e['package-ecosystem'] === 'string' ? e['package-ecosystem'] : `#${i + 1}`;
        const dirs = e.directory ?? e.directories;
        const where = `${ecosystem} in ${Array.isArray(dirs) ? dirs.join(', ') : String(dirs ?? '/')}`;
        const span = (p: string) => doc.span(`/updates/${i}${p}`) ?? doc.nearestSpan(`/updates/${i}${p}`);
        const cooldown = e.cooldown as Record<string, unknown> | null | undefined;
        let at: string | undefined;
        let why = '';
        if (!cooldown || typeof cooldown !== 'object') {
          at = '/package-ecosystem';
          why = 'no cooldown, so a release is proposed as soon as it is published';
        } else if (typeof cooldown['default-days'] === 'number') {
          if (cooldown['default-days'] < days) {
            at = '/cooldown/default-days';
            why = `a wait of only ${cooldown['default-days']} day${cooldown['default-days'] === 1 ? '' : 's'} after a release`;
          }
        } else {
          const waits = ['semver-major-days', 'semver-minor-days', 'semver-patch-days'].map(
            (k) => cooldown[k],
          );
          if (!waits.every((w) => typeof w === 'number' && w >= days)) {
            at = '/cooldown';
            why = 'no default-days, so some updates are proposed without the full wait';
          }
        }
        const s = at && span(at);
        if (!s) return;
        findings.push({
          message: `Dependabot updates for ${where}: ${why}. Set cooldown.default-days to at least ${days}, so a compromised release is usually pulled before it is proposed.`,
          location: locationFromSpan(file, s, at === '/cooldown'),
          key: `${where}`,
        });
      });
    }
    return findings;
  },
});
