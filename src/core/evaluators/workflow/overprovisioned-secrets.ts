import { type ExprNode, references } from '../../parsers/expression.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';

/**
 * An expression that reads the whole `secrets` context (`toJSON(secrets)`) or indexes it with a
 * computed name (`secrets[format('{0}_TOKEN', inputs.env)]`) makes the runner load every secret into
 * the job, where one compromised step can read them all; GitHub also cannot tell which secrets the
 * job needs. Reported at the reference to `secrets`.
 */
export const workflowOverprovisionedSecrets = defineEvaluator<Record<string, never>>({
  kind: 'workflow.overprovisioned-secrets',
  scope: 'file',
  summary: 'Expressions that expose the whole secrets context (toJSON(secrets)) or index it dynamically.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    walkWorkflows(
      workflowSources(workspace),
      {
        expression(expr) {
          if (!expr.parsed.ok) return;
          for (const ref of references(expr.parsed.node as ExprNode | undefined)) {
            if (ref.path[0] !== 'secrets') continue;
            // `secrets`, `secrets.*`: every secret; `secrets[<expression>]`: any secret.
            const whole = ref.path.length === 1 || ref.path[1] === '*';
            if (!whole && ref.path[1] !== '?') continue;
            const text = expr.inner.slice(ref.start, ref.end);
            findings.push({
              message: whole
                ? `"${expr.raw.trim()}" hands every secret to this job; name the secrets it needs one by one (secrets.NAME).`
                : `"${text}" selects a secret by a computed name, so every secret is loaded into the job; ` +
                  'pass the one secret it needs explicitly.',
              location: expr.locate(ref.start, ref.end),
              key: `${expr.jobId ?? ''}/${expr.field.join('.')}/${expr.raw}`,
              ...(whole ? {} : { severity: 'medium' as const }),
            });
          }
        },
      },
      workspace,
    );
    return findings;
  },
});
