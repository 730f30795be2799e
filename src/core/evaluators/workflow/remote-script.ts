import { parseUses } from '../../parsers/uses.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import { locatedText } from '../../parsers/workflow-expressions.js';
import type { Located, Step } from '../../parsers/workflow-model.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { stepLabel } from './shared.js';
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
export const workflowRemoteScript = defineEvaluator<{ shellInputs?: { uses: string; inputs: string[] }[] }>({
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
    const shellInputs = new Map<string, string[]>();
    for (const s of options.shellInputs ?? []) {
      const key = s.uses.toLowerCase();
      shellInputs.set(key, [...(shellInputs.get(key) ?? []), ...s.inputs.map((i) => i.toLowerCase())]);
    }
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
function stepScripts(step: Step, shellInputs: Map<string, string[]>): Located<string>[] {
  if (step.run) return [step.run];
  if (!step.uses || !step.with || shellInputs.size === 0) return [];
  const ref = parseUses(step.uses.value);
  if (ref.kind !== 'repository') return [];
  const inputs = shellInputs.get(`${ref.owner}/${ref.repo}`.toLowerCase());
  if (!inputs) return [];
  const scripts: Located<string>[] = [];
  for (const [name, value] of step.with.entries) {
    if (typeof value.value === 'string' && inputs.includes(name.toLowerCase())) {
      scripts.push(value as Located<string>);
    }
  }
  return scripts;
}

function short(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
