import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import { locatedText } from '../../parsers/workflow-expressions.js';
import type { Job, Located, LocatedMap, Step } from '../../parsers/workflow-model.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { type ActionInputs, actionInputMap, actionOf, input, listedInputs, stepLabel } from './shared.js';
import { remoteExecutions } from './shell.js';

/**
 * `curl ... | sh` and its relatives (`wget -O- | bash`, `bash <(curl ...)`, `iwr ... | iex`) run
 * whatever the server returns at that moment, unverified, with the job's token and secrets in reach.
 * A script downloaded to a file or a variable and run by a later command of the same script, with
 * no checksum or signature check between, is the same thing in two commands.
 * Reported at the command inside the `run:` script (workflows and composite actions), or inside an
 * action input that the action runs as a shell script (`shellInputs`: a retry wrapper's command, the
 * script a container or virtual machine action runs). TLS verification switches (`curl -k`) are
 * reported by tls-verification-disabled, not here. A command in the `then` branch of a single file
 * test runs only where the checkout has that file: low severity when this repository's checkout does
 * not, medium confidence in another repository's checkout.
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
            // Inside `if [ -f FILE ]; then`: it runs only where the checked-out code has that file.
            const file = step.run === script ? fileGuard(script.value, hit.start) : undefined;
            const guard = file
              ? guarded(
                  workspace,
                  job,
                  step,
                  file,
                  source.kind === 'workflow' && source.defaults?.workingDirectory !== undefined,
                )
              : undefined;
            // A file of a git repository fetched by a full commit SHA: what runs is fixed by the commit.
            const pinned = commitPinned(hit.download ?? hit.text, [
              step.env,
              job?.env,
              source.kind === 'workflow' ? source.env : undefined,
            ]);
            findings.push({
              message: pinned
                ? `${what}, but from ${pinned}, whose content the commit fixes: whoever controls that repository cannot change what runs without a new commit. ` +
                  'Still, check its SHA-256 before running it, or use a pinned action or package.' +
                  (guard?.note ?? '')
                : `${what}: whoever controls the server, the DNS or the URL decides what runs in this job. ` +
                  'Download to a file, check its SHA-256 (or signature) against a pinned value, then run it, or use a pinned action or package.' +
                  (guard?.note ?? ''),
              location: text.locate(hit.start, hit.end),
              key: `${job?.id ?? ''}/${stepLabel(step)}/${hit.text}`,
              ...(guard?.absent || pinned ? { severity: 'low' as const } : {}),
              ...(pinned ? { confidence: 'low' as const } : guard ? { confidence: 'medium' as const } : {}),
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

/**
 * A URL of a file at a full commit SHA of a GitHub repository (`raw.githubusercontent.com/<owner>/<repo>/<sha>/...`,
 * `github.com/<owner>/<repo>/raw/<sha>/...`), the SHA written in the command or held in a variable of an
 * `env:` the step sees (its own, its job's, its workflow's) whose value is the 40 hexadecimal digits
 * themselves; undefined otherwise (a branch, a tag, a short SHA, a value set by an expression or by
 * the script).
 */
function commitPinned(command: string, envs: readonly (LocatedMap | undefined)[]): string | undefined {
  const url = /\bhttps:\/\/[^\s'"`)]{1,500}/i.exec(command)?.[0];
  if (!url) return undefined;
  const expanded = url.replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (whole, a?: string, b?: string) => {
    const name = (a ?? b)!;
    const map = envs.find((m) => m?.entries.has(name));
    const value = map?.entries.get(name)?.value;
    return typeof value === 'string' && /^[0-9a-f]{40}$/i.test(value.trim()) ? value.trim() : whole;
  });
  const m =
    /^https:\/\/raw\.githubusercontent\.com\/([\w.-]+\/[\w.-]+)\/([0-9a-f]{40})\//i.exec(expanded) ??
    /^https:\/\/github\.com\/([\w.-]+\/[\w.-]+)\/raw\/([0-9a-f]{40})\//i.exec(expanded);
  return m ? `${m[1]} at commit ${m[2]!.slice(0, 12)}` : undefined;
}

function short(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** `if [ -f FILE ]; then`, `if [[ -e FILE ]]; then`, `if test -f FILE; then` (one test, nothing else). */
const FILE_TEST =
  /^\s*if\s+(?:\[\[?\s+-[fe]\s+(["']?)([\w./-]+)\1\s+\]\]?|test\s+-[fe]\s+(["']?)([\w./-]+)\3)\s*;\s*then\s*$/;

/**
 * The file a `then` branch of a one-test `if [ -f FILE ]` block around `at` requires (nested blocks:
 * the innermost such one); undefined when the command is not in such a branch (in its `else`, or
 * under no file test).
 */
function fileGuard(script: string, at: number): string | undefined {
  const open: { file?: string; inThen: boolean }[] = [];
  let offset = 0;
  for (const line of script.split('\n')) {
    if (offset > at) break;
    const body = line.trim();
    const test = FILE_TEST.exec(line);
    if (test) open.push({ file: test[2] ?? test[4], inThen: true });
    else if (/^if\b/.test(body)) open.push({ inThen: true });
    else if (/^(?:else|elif)\b/.test(body) && open.length > 0) open[open.length - 1]!.inThen = false;
    else if (/^fi\b/.test(body)) open.pop();
    offset += line.length + 1;
  }
  for (let i = open.length - 1; i >= 0; i--) {
    const block = open[i]!;
    if (block.file && block.inThen) return block.file;
  }
  return undefined;
}

/**
 * What a file test around the command says: in a checkout of this repository, with the file absent
 * from the tree (low severity: it does not run on this code), or of another repository, where it
 * cannot be seen (medium confidence). Undefined when the file is here, or the directory the step runs
 * in is not known (a `working-directory:`, a checkout `path:`, a path with `..` or an expression).
 */
function guarded(
  workspace: Workspace,
  job: Job | undefined,
  step: Step,
  file: string,
  /** Whether the workflow sets `defaults.run.working-directory`. */
  defaultDirectory: boolean,
): { note: string; absent: boolean } | undefined {
  if (!job || file.startsWith('/') || file.includes('..')) return undefined;
  if (step.value['working-directory'] !== undefined || job.defaults?.workingDirectory || defaultDirectory)
    return undefined;
  const checkout = [...job.steps]
    .filter((s) => s.index < step.index && actionOf(s.uses) === 'actions/checkout')
    .pop();
  if (!checkout || input(checkout, 'path') !== undefined) return undefined;
  const repository = input(checkout, 'repository')?.value;
  const other =
    typeof repository === 'string' && repository.trim() !== '' && !repository.includes('${{')
      ? repository.trim()
      : undefined;
  if (other)
    return {
      note: ` It runs only if ${other}, checked out here, has ${file}, which cannot be seen from this repository.`,
      absent: false,
    };
  const path = file.replace(/^\.\//, '');
  if (workspace.has(path)) return undefined;
  return {
    note: ` It runs only if the checkout has ${file}, which this repository does not: a fallback for a layout the code no longer has.`,
    absent: true,
  };
}
