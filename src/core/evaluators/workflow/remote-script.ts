import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import { locatedText } from '../../parsers/workflow-expressions.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { stepLabel } from './shared.js';
import { remoteExecutions } from './shell.js';

/**
 * `curl ... | sh` and its relatives (`wget -O- | bash`, `bash <(curl ...)`, `iwr ... | iex`) run
 * whatever the server returns at that moment, unverified, with the job's token and secrets in reach.
 * A script downloaded to a file or a variable and run by a later command of the same script, with
 * no checksum or signature check between, is the same thing in two commands.
 * Reported at the command inside the `run:` script (workflows and composite actions). TLS
 * verification switches (`curl -k`) are reported by tls-verification-disabled, not here.
 */
export const workflowRemoteScript = defineEvaluator<Record<string, never>>({
  kind: 'workflow.remote-script',
  scope: 'file',
  summary: 'run: scripts that pipe a download straight into a shell or interpreter (curl | sh).',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    walkWorkflows(workflowSources(workspace), {
      step(step, source, job) {
        if (!step.run) return;
        const hits = remoteExecutions(step.run.value);
        if (hits.length === 0) return;
        const text = locatedText(workspace, source.path, step.run);
        for (const hit of hits) {
          const what = hit.download
            ? `"${short(hit.text)}" runs what "${short(hit.download)}" downloaded, without verifying it`
            : `"${short(hit.text)}" executes a download without verifying it`;
          findings.push({
            message:
              `${what}: whoever controls the server, the DNS or the URL decides what runs in this job. ` +
              'Download to a file, check its SHA-256 (or signature) against a pinned value, then run it, or use a pinned action or package.',
            location: text.locate(hit.start, hit.end),
            key: `${job?.id ?? ''}/${stepLabel(step)}/${hit.text}`,
          });
        }
      },
    });
    return findings;
  },
});

function short(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
