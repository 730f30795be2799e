/**
 * Why a control could not be assessed, in words a reader can act on: which of its rules examined
 * nothing and what they look for ("no Terraform files in this repository"), and what to do about it
 * (declare it not applicable with a reason, or cite evidence).
 */
import type { LeftOut, RuleSummary } from '../types.js';
import { UNREADABLE_INPUT } from '../workspace/scope.js';

/** What the rules of a check-kind family read, by the kind's prefix (`terraform.attribute` -> terraform). */
const INPUTS: Record<string, string> = {
  terraform: 'Terraform resources of the types the rule checks (*.tf, *.tofu and their JSON forms)',
  k8s: 'Kubernetes workloads with pod specs (Pods, Deployments, Jobs, other pod templates)',
  dockerfile: 'Dockerfiles with instructions',
  compose: 'Docker Compose files',
  workflow: 'GitHub Actions workflows',
  deps: 'dependency manifests or update configurations',
  secrets: 'readable text files',
  content: 'files matching its paths',
  file: 'files matching its paths',
  structured: 'files matching its paths',
  files: 'binary files',
  gitignore: '.gitignore files',
  github: 'repository settings',
  core: 'files',
  evidence: 'documents of the kind it looks for',
  data: 'files of the kind it scans for personal data',
  repo: 'files of the kind it checks',
};

/** Kinds that read something narrower than their family. */
const KIND_INPUTS: Record<string, string> = {
  'repo.vendored-ownership': 'vendored directories or submodules',
  'deps.license': 'lockfiles that record licences',
  'deps.sbom-coverage': 'dependency lockfiles',
  'deps.lockfile': 'dependency manifests',
  'terraform.provider-credentials':
    'Terraform provider or backend blocks (*.tf, *.tofu and their JSON forms)',
  'k8s.rbac':
    'Kubernetes RBAC objects the rule audits (Roles and ClusterRoles for wildcards, bindings for cluster-admin)',
  'k8s.single-replica': 'Kubernetes Deployments, StatefulSets or ReplicaSets',
  'workflow.container-credentials': 'workflow jobs with a container or services',
  'workflow.unpinned-images': 'container images pulled by workflow jobs or Docker actions',
  'workflow.secrets-inherit': 'workflow jobs that call a reusable workflow',
  'workflow.deploy-environment': 'workflow jobs that deploy or use an environment',
  'workflow.use-trusted-publishing': 'workflow steps that publish to npm, PyPI, RubyGems, crates.io or NuGet',
  'workflow.cache-poisoning': 'release or publishing workflows',
  'workflow.self-hosted-runner': 'workflows triggered by pull requests',
  'workflow.secrets-outside-env': 'workflow jobs that read deployment or publishing secrets',
};

/** What a rule of this check kind reads, as a noun phrase ("Dockerfiles"). */
export function inputsOf(kind: string): string {
  return KIND_INPUTS[kind] ?? INPUTS[kind.split('.')[0] ?? ''] ?? 'files of the kind it checks';
}

/** Whether a rule looked at anything: a file or a repository setting. */
export function examinedAnything(rule: Pick<RuleSummary, 'scope'>): boolean {
  return (rule.scope?.files ?? 0) > 0 || (rule.scope?.settings.length ?? 0) > 0;
}

/** How many inputs a rule examined (files and settings). */
export function examinedCount(rule: Pick<RuleSummary, 'scope'>): number {
  return (rule.scope?.files ?? 0) + (rule.scope?.settings.length ?? 0);
}

/** Where a run looked, for the reasons: the whole tree, or the changed files of a pull request. */
export interface RunScope {
  /** Set on a pull request whose per-file rules looked at the changed files only. */
  changedFiles?: number;
  /** The configuration narrowed the tree (`include`/`exclude`). */
  narrowed: boolean;
}

/**
 * Files of one kind a rule left out, in words: `3 Helm chart template files (rendered at install
 * time: check the output of helm template)`.
 */
export function leftOutPhrase(l: LeftOut): string {
  return `${l.files} ${l.kind} file${l.files === 1 ? '' : 's'} (${l.reason})`;
}

/**
 * `rule X could not read 2 files it checks: a.tf, b.tf (it does not parse, …)`, when the rule met
 * input files it could not check (see `UNREADABLE_INPUT`); undefined when it read all of them.
 */
export function unreadableOf(rule: Pick<RuleSummary, 'id' | 'scope'>): string | undefined {
  const l = rule.scope?.leftOut?.find((x) => x.kind === UNREADABLE_INPUT.kind);
  if (!l) return undefined;
  const more = l.files > l.examples.length ? `, and ${l.files - l.examples.length} more` : '';
  return `rule ${rule.id} could not read ${l.files === 1 ? 'a file' : `${l.files} files`} it checks: ${l.examples.join(', ')}${more} (${l.reason})`;
}

/** Everything a rule left out, in words (see {@link leftOutPhrase}); undefined when nothing. */
export function leftOutOf(rule: Pick<RuleSummary, 'scope'>): string | undefined {
  const leftOut = rule.scope?.leftOut;
  return leftOut?.length ? leftOut.map(leftOutPhrase).join(', ') : undefined;
}

/**
 * "rule X examined nothing: no Dockerfiles with instructions in this repository", and what it left out (Helm chart
 * templates), so that the reason never says the repository has none of what the rule looks for.
 */
export function examinedNothing(rule: RuleSummary, kind: string, run: RunScope): string {
  const left = leftOutOf(rule);
  const said = examinedNothingIn(rule, kind, run);
  if (!left) return said;
  return rule.scope?.basis === 'change' && run.changedFiles !== undefined
    ? `${said}; it left out ${left}`
    : `${said} besides what it left out: ${left}`;
}

function examinedNothingIn(rule: RuleSummary, kind: string, run: RunScope): string {
  const inputs = inputsOf(kind);
  if (rule.scope?.basis === 'change' && run.changedFiles !== undefined) {
    const n = run.changedFiles;
    const which =
      n === 0
        ? 'the change touches no file'
        : n === 1
          ? 'the one changed file is none'
          : `none of the ${n} changed files is one`;
    return `rule ${rule.id} examined nothing: it looks at ${inputs}, and ${which}`;
  }
  return `rule ${rule.id} examined nothing: no ${inputs} in ${run.narrowed ? 'the checked paths (include/exclude)' : 'this repository'}`;
}

/** What to do about a declaration nothing assessed. */
export function notAssessedHint(id: string, file: string): string {
  return `If ${id} does not apply to what this repository holds, declare it not-applicable with a justification; otherwise cite evidence (a file, a workflow or a URL with an owner and a review date) under its "evidence" in ${file}.`;
}
