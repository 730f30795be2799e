/**
 * `github.environment-reviewers`: deployment environments that look like production require a
 * reviewer, so nothing reaches production on a push alone.
 */
import picomatch from 'picomatch';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { asRecord, readOrUnverifiable, repoPath, requireApi } from './shared.js';

/** Options of `github.environment-reviewers`. */
export interface EnvironmentReviewersOptions {
  /** Globs (case-insensitive) naming production environments. */
  environments: string[];
}

export const githubEnvironmentReviewers = defineEvaluator<EnvironmentReviewersOptions>({
  kind: 'github.environment-reviewers',
  summary: 'Deployment environments named like production require a reviewer before a job can use them.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      environments: {
        type: 'array',
        minItems: 1,
        items: { type: 'string', minLength: 1 },
        default: ['prod', 'prod-*', 'prod_*', 'production', 'production-*', 'live'],
      },
    },
  },
  async evaluate({ options, github }) {
    const api = requireApi(github);
    const response = await readOrUnverifiable(
      api,
      repoPath(api, '/environments?per_page=100'),
      'the deployment environments',
      'the "Actions: read" permission (`actions: read` in the workflow)',
    );
    const isProduction = picomatch(options.environments, { nocase: true, dot: true });
    const list = asRecord(response.data)?.environments;
    const findings: RawFinding[] = [];
    for (const item of Array.isArray(list) ? list : []) {
      const env = asRecord(item);
      const name = typeof env?.name === 'string' ? env.name : undefined;
      if (!name || !isProduction(name)) continue;
      const rules = Array.isArray(env?.protection_rules) ? env.protection_rules : [];
      const reviewed = rules.some((r) => {
        const rule = asRecord(r);
        return (
          rule?.type === 'required_reviewers' && Array.isArray(rule.reviewers) && rule.reviewers.length > 0
        );
      });
      if (!reviewed) {
        findings.push({
          message: `Environment "${name}" requires no reviewer: a workflow can deploy to it without anyone approving.`,
          location: null,
          key: `environment:${name}`,
        });
      }
    }
    return findings;
  },
});
