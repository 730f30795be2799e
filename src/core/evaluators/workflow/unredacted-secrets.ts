import type { ExprNode } from '../../parsers/expression.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { nodes } from './condition-parts.js';

/**
 * The runner masks a secret in the logs by its exact value. A field read out of a structured secret
 * (`fromJSON(secrets.AWS).key`) is a different string, which the runner has never been told about,
 * so it is printed in clear wherever it appears: a debug line, `set -x`, an error message. Reported
 * at the field access; the whole secret passed on as is (`fromJSON(secrets.X)` alone) stays masked.
 */
export const workflowUnredactedSecrets = defineEvaluator<Record<string, never>>({
  kind: 'workflow.unredacted-secrets',
  scope: 'file',
  summary:
    'Fields read out of a JSON secret (fromJSON(secrets.X).field), which the runner cannot mask in logs.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    walkWorkflows(
      workflowSources(workspace),
      {
        expression(expr) {
          if (!/fromjson/i.test(expr.inner) || !expr.parsed.ok || !expr.parsed.node) return;
          for (const n of nodes(expr.parsed.node)) {
            const secret = n.kind === 'index' ? structuredSecret(n.target) : undefined;
            if (!secret) continue;
            const text = expr.inner.slice(n.start, n.end);
            const identifier = n.kind === 'index' && IDENTIFIER_FIELD.test(n.key);
            findings.push({
              message:
                `"${text}" reads a field out of the secret ${secret}: the runner masks only whole secret values, so ` +
                'this field is printed in clear wherever a step writes it to the log. Store each field as a secret of its own.' +
                (identifier
                  ? ` (\`${n.key}\` names an identifier, not a credential: printed, it opens nothing by itself; the secret's credential fields are what must stay masked.)`
                  : ''),
              location: expr.locate(n.start, n.end),
              key: `${expr.jobId ?? ''}/${expr.field.join('.')}/${text}`,
              ...(identifier ? { severity: 'low' as const } : {}),
            });
          }
        },
      },
      workspace,
    );
    return findings;
  },
});

/**
 * Fields of a cloud credential's JSON that identify rather than authenticate: the client, tenant,
 * subscription or project of a service principal (`AZURE_CREDENTIALS`' `clientId`, a GCP key's
 * `project_id`), which name it and open nothing without its secret.
 */
const IDENTIFIER_FIELD =
  /^(?:client|tenant|subscription|app|application|account|project|org|organization|principal|object)[_-]?id$/i;

/** `secrets.NAME` when the node is `fromJSON(secrets.NAME)`. */
function structuredSecret(node: ExprNode): string | undefined {
  if (node.kind !== 'call' || node.name !== 'fromjson') return undefined;
  const arg = node.args[0];
  if (arg?.kind !== 'ref' || arg.path[0] !== 'secrets' || arg.path.length !== 2) return undefined;
  return `secrets.${arg.path[1]}`;
}
