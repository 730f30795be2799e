import { locationFromSpan } from '../../location.js';
import type { Step, WorkflowSource } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding, Severity } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { commandsOf } from './commands.js';
import { actionPathOf, input, stepLabel } from './shared.js';

/**
 * Features that work but defeat their purpose or an audit:
 * - `continue-on-error: true` on a security check (a scanner, an audit, dependency review), on the
 *   step or on its job: the check can fail without failing anything (medium). Not when a later step
 *   of the job uploads SARIF to code scanning (github/codeql-action/upload-sarif): the scanner's
 *   documented setup, where the step must not fail so that its results reach the upload, and the
 *   findings are kept as code scanning alerts (which a ruleset can make block merges);
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
    ) => {
      const span = source.document.span(pointer);
      if (!span) return;
      findings.push({
        message,
        location: locationFromSpan(source.path, span),
        key,
        ...(severity ? { severity } : {}),
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
        const check = onError(job.value)
          ? job.steps.find((s) => securityCheck(s) && !uploadsSarifAfter(job.steps, s))
          : undefined;
        if (check) {
          add(
            workflow,
            `${job.pointer}/continue-on-error`,
            `Job "${job.id}" runs a security check ("${shown(check)}") with continue-on-error: true, so its failure ` +
              'never fails the workflow. Remove continue-on-error (or make the check report without failing, on purpose).',
            `${job.id}/continue-on-error`,
          );
        }
      },
      step(step, source, job) {
        const owner = `${job?.id ?? ''}/${stepLabel(step)}`;
        if (isCmd(step.shell?.value)) cmd(source, `${step.pointer}/shell`, owner);
        if (onError(step.value) && securityCheck(step) && !(job && uploadsSarifAfter(job.steps, step))) {
          add(
            source,
            `${step.pointer}/continue-on-error`,
            `Step "${shown(step)}" is a security check with continue-on-error: true: when it finds something (or ` +
              'breaks), the job still succeeds and nobody is stopped. Remove continue-on-error.',
            `${owner}/continue-on-error`,
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
