import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import { locatedText } from '../../parsers/workflow-expressions.js';
import type { Located, Step } from '../../parsers/workflow-model.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { type ActionInputs, actionInputMap, listedInputs, stepLabel } from './shared.js';
import { remoteExecutions } from './shell.js';

/**
 * `curl ... | sh` and its relatives (`wget -O- | bash`, `bash <(curl ...)`, `iwr ... | iex`) run
 * whatever the server returns at that moment, unverified, with the job's token and secrets in reach.
 * A script downloaded to a file or a variable and run by a later command of the same script, with
 * no checksum or signature check between, is the same thing in two commands.
 * Reported at the command inside the `run:` script (workflows and composite actions), or inside an
 * action input that the action runs as a shell script (`shellInputs`: a retry wrapper's command, the
 * script a container or virtual machine action runs). TLS verification switches (`curl -k`) are
 * reported by tls-verification-disabled, not here.
 */
export const workflowRemoteScript = defineEvaluator<{ shellInputs?: ActionInputs[] }>({
  kind: 'workflow.remote-script',
  scope: 'file',
  summary:
    'run: scripts, and action inputs run as shell scripts, that pipe a download straight into a shell or interpreter (curl | sh).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      shellInputs: {
        type: 'array',
        description: 'Action inputs whose value the action runs as a shell script (`uses` is owner/repo).',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['uses', 'inputs'],
          properties: {
            uses: { type: 'string', pattern: '^[^/\\s]+/[^/\\s@]+$' },
            inputs: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
          },
        },
      },
    },
  },
  evaluate({ workspace, options }) {
    const findings: RawFinding[] = [];
    const shellInputs = actionInputMap(options.shellInputs);
    walkWorkflows(workflowSources(workspace), {
      step(step, source, job) {
        for (const script of stepScripts(step, shellInputs)) {
          const hits = remoteExecutions(script.value);
          if (hits.length === 0) continue;
          const text = locatedText(workspace, source.path, script);
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
        }
      },
    });
    return findings;
  },
});

/** The shell scripts a step runs: its `run:`, or the inputs of its action that are run as one. */
function stepScripts(step: Step, shellInputs: ReadonlyMap<string, string[]>): Located<string>[] {
  if (step.run) return [step.run];
  const listed = step.with && listedInputs(step, shellInputs);
  if (!listed) return [];
  return [...step.with!.entries]
    .filter(([name, value]) => typeof value.value === 'string' && listed.inputs.includes(name.toLowerCase()))
    .map(([, value]) => value as Located<string>);
}

function short(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
