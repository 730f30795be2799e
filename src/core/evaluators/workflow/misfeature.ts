import { locationFromSpan } from '../../location.js';
import type { Step, Workflow, WorkflowSource } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import { neverRuns } from '../../parsers/workflow-conditions.js';
import type { Confidence, RawFinding, Severity } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { commandsOf } from './commands.js';
import { actionPathOf, input, stepLabel } from './shared.js';

/**
 * Features that work but defeat their purpose or an audit:
 * - `continue-on-error: true` on a security check (a scanner, an audit, dependency review), on the
 *   step or on its job: the check can fail without failing anything (medium). Not when a later step
 *   of the job uploads SARIF to code scanning (github/codeql-action/upload-sarif): the scanner's
 *   documented setup, where the step must not fail so that its results reach the upload, and the
 *   findings are kept as code scanning alerts (which a ruleset can make block merges). A check whose
 *   report a later step of the job reads (the file it writes, its outputs) is low confidence, that
 *   step may be the gate; and not reported in a workflow no change waits for (only scheduled or
 *   dispatched: a benchmark or an inventory of findings, where nothing is to be stopped);
 * - `shell: cmd` (step or `defaults.run.shell`): cmd has no grammar to speak of, its quoting cannot
 *   be reasoned about, and it has not been the default on Windows runners since 2019 (low);
 * - actions/setup-python's `pip-install`: packages installed into the global interpreter, outside any
 *   manifest or lockfile (low).
 */
export const workflowMisfeature = defineEvaluator<Record<string, never>>({
  kind: 'workflow.misfeature',
  scope: 'file',
  summary: 'continue-on-error on security checks, shell: cmd, and setup-python pip-install.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const add = (
      source: WorkflowSource,
      pointer: string,
      message: string,
      key: string,
      severity?: Severity,
      confidence?: Confidence,
    ) => {
      const span = source.document.span(pointer);
      if (!span) return;
      findings.push({
        message,
        location: locationFromSpan(source.path, span),
        key,
        ...(severity ? { severity } : {}),
        ...(confidence ? { confidence } : {}),
      });
    };
    const cmd = (source: WorkflowSource, pointer: string, owner: string) => {
      add(
        source,
        pointer,
        '`shell: cmd` runs the script with Windows cmd, whose quoting and expansion rules make a script impossible to ' +
          'review with confidence (and to audit); use `pwsh` or `bash`, the defaults on Windows runners.',
        `${owner}/shell`,
        'low',
      );
    };
    walkWorkflows(workflowSources(workspace), {
      workflow(workflow) {
        if (isCmd(defaultShell(workflow.document.value))) cmd(workflow, '/defaults/run/shell', 'defaults');
      },
      job(job, workflow) {
        if (isCmd(defaultShell(job.value)))
          cmd(workflow, `${job.pointer}/defaults/run/shell`, `${job.id}/defaults`);
        // The same reading of a report a later step takes, as for a step (below).
        const check = onError(job.value)
          ? job.steps.find(
              (s) =>
                !neverRuns(workflow, job, s) &&
                securityCheck(s) &&
                !uploadsSarifAfter(job.steps, s) &&
                !(reportReadAfter(job.steps, s) && !gatesChanges(workflow)),
            )
          : undefined;
        const report = check && reportReadAfter(job.steps, check);
        if (check) {
          add(
            workflow,
            `${job.pointer}/continue-on-error`,
            `Job "${job.id}" runs a security check ("${shown(check)}") with continue-on-error: true, so its failure ` +
              'never fails the workflow. Remove continue-on-error (or make the check report without failing, on purpose).' +
              (report
                ? ` A later step reads its report (${report}): if that step fails on findings, it is the check's gate.`
                : ''),
            `${job.id}/continue-on-error`,
            undefined,
            report ? 'low' : undefined,
          );
        }
      },
      step(step, source, job) {
        const owner = `${job?.id ?? ''}/${stepLabel(step)}`;
        if (isCmd(step.shell?.value)) cmd(source, `${step.pointer}/shell`, owner);
        // A report a later step of the job reads: the workflow handles the findings itself (counts,
        // posts or judges them). Where no change waits for the run (a schedule, a dispatch: a
        // benchmark, an inventory) no gate is turned off; where one does, that step may be the gate.
        const check =
          onError(step.value) && securityCheck(step) && !(job && uploadsSarifAfter(job.steps, step));
        const report = check && job ? reportReadAfter(job.steps, step) : undefined;
        if (check && !(report && source.kind === 'workflow' && !gatesChanges(source))) {
          add(
            source,
            `${step.pointer}/continue-on-error`,
            `Step "${shown(step)}" is a security check with continue-on-error: true: when it finds something (or ` +
              'breaks), the job still succeeds and nobody is stopped. Remove continue-on-error.' +
              (report
                ? ` A later step reads its report (${report}): if that step fails on findings, it is the ` +
                  "check's gate."
                : ''),
            `${owner}/continue-on-error`,
            undefined,
            report ? 'low' : undefined,
          );
        }
        const pip =
          actionPathOf(step.uses) === 'actions/setup-python' ? input(step, 'pip-install') : undefined;
        if (pip) {
          add(
            source,
            pip.pointer,
            '`pip-install` installs packages into the global Python of the runner, by name and outside any lockfile; ' +
              'install into a virtual environment from a locked manifest in a run step instead.',
            `${owner}/pip-install`,
            'low',
          );
        }
      },
    });
    return findings;
  },
});

/** How a step is named in a message: its name, its action, or the first line of its script. */
function shown(step: Step): string {
  if (typeof step.name?.value === 'string') return step.name.value;
  if (step.uses) return step.uses.value.trim();
  return (step.run?.value.trim().split('\n')[0] ?? '').slice(0, 60);
}

/** `continue-on-error: true` (or the string "true"); an expression decides per run and is left alone. */
function onError(value: Record<string, unknown>): boolean {
  const v = value['continue-on-error'];
  return v === true || (typeof v === 'string' && v.trim().toLowerCase() === 'true');
}

function defaultShell(value: unknown): unknown {
  const defaults = (value as { defaults?: { run?: { shell?: unknown } } } | null)?.defaults;
  return defaults?.run?.shell;
}

function isCmd(value: unknown): boolean {
  return typeof value === 'string' && /^cmd(\.exe)?(\s|$)/i.test(value.trim());
}

/**
 * Whether a step after `step` in the job uploads SARIF to code scanning: the scanner's findings then
 * become code scanning alerts, whatever the scanner's exit status (Snyk's and Trivy's documented
 * setups need continue-on-error so that the upload runs).
 */
function uploadsSarifAfter(steps: readonly Step[], step: Step): boolean {
  return steps.some(
    (s) => s.index > step.index && actionPathOf(s.uses) === 'github/codeql-action/upload-sarif',
  );
}

/** Actions that check for vulnerabilities, secrets or policy violations (`owner/repo[/path]` prefixes). */
const SECURITY_ACTIONS = [
  'actions/dependency-review-action',
  'aquasecurity/trivy-action',
  'aquasecurity/tfsec-action',
  'snyk/actions',
  'gitleaks/gitleaks-action',
  'trufflesecurity/trufflehog',
  'returntocorp/semgrep-action',
  'semgrep/semgrep-action',
  'zizmorcore/zizmor-action',
  'anchore/scan-action',
  'google/osv-scanner-action',
  'bridgecrewio/checkov-action',
  'docker/scout-action',
  'securego/gosec',
  'pypa/gh-action-pip-audit',
  'rustsec/audit-check',
  'sonarsource/sonarqube-quality-gate-action',
  'step-security/secret-scanning-review-action',
  'controlgate/controlgate',
  // CodeQL's analysis: a failed one uploads no results, and code scanning keeps showing the last ones.
  'github/codeql-action/analyze',
];

/** Commands that fail on findings: dependency audits, scanners, secret detectors. */
const SECURITY_COMMAND =
  /^(?:(?:npm|yarn|pnpm|bun)\s+audit|pip-audit|safety\s+(?:check|scan)|bandit|cargo\s+(?:audit|deny)|govulncheck|gosec|trivy|grype|snyk\s+(?:test|code|container|iac)|semgrep|gitleaks|trufflehog|checkov|tfsec|zizmor|osv-scanner|brakeman|bundle(?:r)?[\s-]audit|dependency-check|controlgate)\b/;

function securityCheck(step: Step): boolean {
  const action = actionPathOf(step.uses);
  if (action) return SECURITY_ACTIONS.some((a) => action === a || action.startsWith(`${a}/`));
  if (!step.run) return false;
  return commandsOf(step.run.value).some((c) =>
    SECURITY_COMMAND.test(c.program.map((w) => w.text).join(' ')),
  );
}

/** Events on which a run checks a change before or as it lands: a failed check there stops someone. */
const GATING_EVENTS = new Set([
  'push',
  'pull_request',
  'pull_request_target',
  'merge_group',
  'workflow_call',
]);

/** Whether the workflow runs on a change (a push, a pull request, the merge queue, a caller's run). */
function gatesChanges(workflow: Workflow): boolean {
  const events = workflow.on?.events ?? [];
  return events.length === 0 || events.some((t) => GATING_EVENTS.has(t.event));
}

/** Flags that name the file a scanner writes its report to (`--report-path`, `-o`, `--sarif-file-output`). */
const OUTPUT_FLAG =
  /^--?(?:o|out|output|output-file|output-path|report|report-path|report-file|json-file|sarif-file-output|sarif)$/;
/** Inputs of an action that name the file it writes its report to. */
const OUTPUT_INPUT =
  /^(?:output|output-file|output-path|report|report-path|report-file|sarif-file|sarif_file|json-file)$/i;

/**
 * What a later step of the job reads of the check's results: the file its command or action writes
 * the report to (`--report-path x.json`, `-o x`, `> x.json`, an `output:` input), named in a later
 * step's script or inputs, or its outputs or outcome (`steps.<id>.outputs`, `steps.<id>.outcome` or
 * `.conclusion`, also in the later step's `if:`); undefined when no later step does.
 */
function reportReadAfter(steps: readonly Step[], step: Step): string | undefined {
  const files = new Set<string>();
  for (const [name, node] of step.with?.entries ?? [])
    if (OUTPUT_INPUT.test(name) && typeof node.value === 'string' && node.value.trim() !== '')
      files.add(node.value.trim());
  for (const c of step.run ? commandsOf(step.run.value) : []) {
    const words = c.words.map((w) => w.text);
    words.forEach((w, i) => {
      const [flag, inline] = w.split('=', 2) as [string, string | undefined];
      const target = OUTPUT_FLAG.test(flag)
        ? (inline ?? words[i + 1])
        : /^>>?$/.test(w)
          ? words[i + 1]
          : /^>>?[^>&]/.test(w)
            ? w.replace(/^>>?/, '')
            : undefined;
      if (target && !target.startsWith('-') && target !== '/dev/null') files.add(target);
    });
  }
  const id = typeof step.id?.value === 'string' ? step.id.value.trim() : undefined;
  for (const later of steps) {
    if (later.index <= step.index) continue;
    const texts = [
      typeof later.run?.value === 'string' ? later.run.value : '',
      ...[...(later.with?.entries.values() ?? [])].map((n) => String(n.value ?? '')),
      ...[...(later.env?.entries.values() ?? [])].map((n) => String(n.value ?? '')),
      // Its condition: a step that runs on the check's outcome (`steps.<id>.outcome == 'failure'`).
      typeof later.if?.value === 'string' ? later.if.value : '',
    ];
    for (const file of files) {
      const name = file.replace(/^.*\//, '');
      if (name.length > 2 && texts.some((t) => t.includes(name))) return file;
    }
    const read = id
      ? texts
          .map(
            (t) =>
              new RegExp(
                `steps\\.${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(outputs|outcome|conclusion)\\b`,
              ).exec(t)?.[1],
          )
          .find(Boolean)
      : undefined;
    if (read) return `steps.${id}.${read}`;
  }
  return undefined;
}
