/**
 * `github.security-features`: GitHub's own security features are on for the repository: secret
 * scanning and push protection (8.12), Dependabot alerts and security updates (8.8). One evaluator,
 * a `features` list per rule, so each rule maps to the control its features serve.
 */
import { ADMINISTRATION_READ, UnverifiableError } from '../../github-api.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { featureStatus, type RepositoryInfo, repoPath, repository, requireApi } from './shared.js';

export const SECURITY_FEATURES = [
  'secret-scanning',
  'push-protection',
  'dependabot-alerts',
  'dependabot-security-updates',
] as const;
export type SecurityFeature = (typeof SECURITY_FEATURES)[number];

/** Options of `github.security-features`. */
export interface SecurityFeaturesOptions {
  features: SecurityFeature[];
}

const LABEL: Record<SecurityFeature, string> = {
  'secret-scanning': 'Secret scanning',
  'push-protection': 'Secret scanning push protection',
  'dependabot-alerts': 'Dependabot alerts',
  'dependabot-security-updates': 'Dependabot security updates',
};

/** Where `GET /repos/{owner}/{repo}` reports each feature (`security_and_analysis`). */
const FIELD: Partial<Record<SecurityFeature, string>> = {
  'secret-scanning': 'secret_scanning',
  'push-protection': 'secret_scanning_push_protection',
  'dependabot-security-updates': 'dependabot_security_updates',
};

export const githubSecurityFeatures = defineEvaluator<SecurityFeaturesOptions>({
  kind: 'github.security-features',
  summary:
    'GitHub security features (secret scanning, push protection, Dependabot alerts and updates) are enabled.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['features'],
    properties: {
      features: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...SECURITY_FEATURES] } },
    },
  },
  async evaluate({ options, github }) {
    const api = requireApi(github);
    const repo = await repository(api);
    const findings: RawFinding[] = [];
    for (const feature of options.features) {
      const status =
        feature === 'dependabot-alerts' ? await dependabotAlerts(repo, api) : fieldStatus(repo, feature);
      if (status === 'disabled') {
        findings.push({
          message: `${LABEL[feature]} ${feature.startsWith('dependabot') ? 'are' : 'is'} not enabled for this repository.`,
          location: null,
          key: feature,
        });
      }
    }
    return findings;
  },
});

function fieldStatus(repo: RepositoryInfo, feature: SecurityFeature): 'enabled' | 'disabled' {
  const status = featureStatus(repo, FIELD[feature]!);
  if (status === 'unknown') throw hidden(`${LABEL[feature]}'s status`);
  return status;
}

/**
 * `GET .../vulnerability-alerts` answers 204 (on) or 404 (off), but also 404 to a token that may not
 * ask; the answer is trusted only when the repository showed this token its security settings.
 */
async function dependabotAlerts(
  repo: RepositoryInfo,
  api: Parameters<typeof repoPath>[0],
): Promise<'enabled' | 'disabled'> {
  if (!repo.security_and_analysis) throw hidden("Dependabot alerts' status");
  const response = await api.get(repoPath(api, '/vulnerability-alerts'));
  if (response.status === 204) return 'enabled';
  if (response.status === 404) return 'disabled';
  throw new UnverifiableError(
    `the GitHub API could not show whether Dependabot alerts are enabled (HTTP ${response.status}); it needs ${ADMINISTRATION_READ}`,
    ADMINISTRATION_READ,
  );
}

/** GitHub shows `security_and_analysis` only to tokens with administration access. */
function hidden(what: string): UnverifiableError {
  return new UnverifiableError(
    `the GitHub API did not show ${what} (the repository's security settings are visible only with administration access); it needs ${ADMINISTRATION_READ}`,
    ADMINISTRATION_READ,
  );
}
