/**
 * `controlgate init`: a draft declarations file for a repository that has none, one a user keeps.
 * Every one of the 93 controls gets an entry, and every entry is what the next `check` will confirm:
 *
 * - implemented, with the evidence a passing rule found (a `file.exists` rule such as CODEOWNERS, a
 *   `workflow.pr-evidence` rule such as SAST on pull requests, the update tools of `deps.update-tool`),
 *   so the draft follows the rule set rather than a second list of detectors;
 * - not-applicable, proposed where the control has rules and none of them found anything to examine
 *   (no Terraform, no Kubernetes manifests), with a justification that says only that (the rules
 *   see part of what a control covers): the user confirms or changes it;
 * - planned with a TODO everywhere else, because only a person can decide it.
 *
 * The draft is then checked as it stands (written to a temporary file outside the repository): an
 * implemented entry the check would not call satisfied (a gap, unverifiable without the API, not
 * assessed) becomes planned, saying why. So init never drafts a claim the next check contradicts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { runCheck } from '../engine.js';
import { readScriptedUpdates, readUpdateWorkflows } from '../evaluators/deps/update-workflows.js';
import { GitRepository } from '../git.js';
import type { GitHubApi } from '../github-api.js';
import { parseUses } from '../parsers/uses.js';
import { readWorkflowSource, WORKFLOW_GLOBS } from '../parsers/workflow.js';
import type { Job, Step, Workflow } from '../parsers/workflow-model.js';
import { loadRules } from '../rules/load.js';
import type { ControlResult, Report, Rule } from '../types.js';
import { Workspace } from '../workspace/workspace.js';
import { utcDay } from './check.js';
import { runsOnChanges } from './evidence.js';
import { DEFAULT_CONTROLS_FILE } from './model.js';
import { inputsOf } from './not-assessed.js';
import { renderDraft } from './render-draft.js';

export interface InitOptions {
  root: string;
  /** Where to write, relative to the root; default the config's `controls`, else `.github/controls.yml`. */
  controlsPath?: string;
  ruleDirs?: string[];
  now?: Date;
  /** The default branch; default: git's `origin/HEAD`, else main or master (as `check` takes it). */
  defaultBranch?: string;
  /** Read access to repository settings, so that controls resting on them can be verified. */
  github?: GitHubApi;
}

/** One control's draft entry. */
export type Entry =
  | { status: 'implemented'; evidence: string[]; because: string[] }
  | { status: 'not-applicable'; justification: string }
  | { status: 'planned'; todo: string };

export interface Draft {
  /** The file to write, relative to the root. */
  file: string;
  text: string;
  /**
   * The default branch the draft assumed and where it came from; `assumed`: main or master, as
   * `check` assumes without `origin/HEAD` (`checkedOut` then names the branch checked out).
   */
  defaultBranch: { name: string | null; source: 'option' | 'origin/HEAD' | 'assumed'; checkedOut?: string };
  /** By control id, in catalog order. */
  entries: Map<string, Entry>;
}

interface Found {
  evidence: string[];
  because: string[];
}

/** Drafts the declarations file of the repository at `root` (nothing is written in it). */
export async function draftDeclarations(options: InitOptions): Promise<Draft> {
  const config = loadConfig(options.root);
  const file = (options.controlsPath ?? config.controls ?? DEFAULT_CONTROLS_FILE).replace(/^\.\//, '');
  const branch = defaultBranchOf(options);
  const today = utcDay(options.now ?? new Date());
  const check = (controlsPath: string) =>
    runCheck({
      root: options.root,
      controlsPath,
      controlsMayBeMissing: true,
      failOn: 'never',
      failOnGap: false,
      ...(branch.name ? { defaultBranch: branch.name } : {}),
      ...(options.ruleDirs ? { ruleDirs: options.ruleDirs } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.github ? { github: options.github } : {}),
    });
  const report = await check(file);
  const rules = loadRules([
    ...config.ruleDirs.map((d) => path.resolve(options.root, d)),
    ...(options.ruleDirs ?? []),
  ]);
  const workspace = new Workspace(options.root, { include: config.include, exclude: config.exclude });
  const found = collectEvidence(report, rules, workspace, branch.name ? [branch.name] : ['main', 'master']);
  const kinds = new Map(rules.map((r) => [r.id, r.check.kind]));

  const entries = new Map<string, Entry>();
  for (const c of report.controls) entries.set(c.id, propose(c, found.get(c.id), kinds));
  const header = { root: options.root, today, owner: codeOwner(workspace) };
  let text = renderDraft(entries, header);

  // The draft as the next check will see it: what it would not confirm is not claimed.
  const dir = mkdtempSync(path.join(tmpdir(), 'controlgate-init-'));
  try {
    const trial = path.join(dir, path.basename(file));
    writeFileSync(trial, text);
    const checked = await check(trial);
    let changed = false;
    for (const c of checked.controls) {
      const entry = entries.get(c.id);
      const expected = entry?.status === 'implemented' ? 'satisfied' : entry?.status;
      if (!entry || entry.status === 'planned' || c.verdict === expected) continue;
      changed = true;
      const why = c.reasons[0] ?? c.verdict;
      entries.set(c.id, {
        status: 'planned',
        todo:
          entry.status === 'implemented'
            ? `TODO: evidence found (${entry.evidence.join(', ')}), but the check calls it ${c.verdict}: ${why}. Resolve that, then declare it implemented.`
            : `TODO: decide implemented, partial, planned or not-applicable, and say why. The check would not accept it as not applicable: ${why}.`,
      });
    }
    if (changed) text = renderDraft(entries, header);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { file, text, defaultBranch: branch, entries };
}

/** What to draft for one control, from the check of the repository without declarations. */
function propose(c: ControlResult, found: Found | undefined, kinds: ReadonlyMap<string, string>): Entry {
  const rules = c.rules.filter((r) => !kinds.get(r.id)?.startsWith('policy.'));
  const failing = rules.filter((r) => r.result === 'fail').map((r) => r.id);
  if (found && failing.length === 0) {
    return { status: 'implemented', evidence: found.evidence, because: found.because };
  }
  // Rules exist and every one passed without finding anything to look at: nothing here to control.
  const idle = rules.length > 0 && rules.every((r) => r.result === 'pass' && (r.examined ?? 0) === 0);
  if (idle && !found) {
    const inputs = [...new Set(rules.map((r) => inputsOf(kinds.get(r.id) ?? '')))];
    // What was examined, not more: the rules see part of what a control covers, so the draft says
    // what this repository lacks of that part, and the person who confirms it answers for the rest.
    const checked = rules.length === 1 ? 'the rule that checks' : `the ${rules.length} rules that check`;
    return {
      status: 'not-applicable',
      justification: `This repository holds no ${inputs.join(', no ')}: nothing for ${checked} ${c.id} here. Proposed by controlgate init from that alone; not applicable only if nothing else ${c.id} covers is kept here.`,
    };
  }
  if (found) {
    return {
      status: 'planned',
      todo: `TODO: evidence found (${found.evidence.join(', ')}), but ${failing.join(', ')} ${failing.length === 1 ? 'fails' : 'fail'}; fix, then declare implemented.`,
    };
  }
  const checks = rules.length
    ? ` controlgate checks it with ${rules.length === 1 ? 'one rule' : `${rules.length} rules`}; ${failing.length ? `failing: ${failing.join(', ')}` : 'none fails'}.`
    : c.theme === 'Technological'
      ? ' No controlgate rule checks it: cite your evidence (documents, workflows, URLs).'
      : ' Cite its evidence: a document in the repository, or a URL with an owner and a review date.';
  return {
    status: 'planned',
    todo: `TODO: decide implemented, partial, planned or not-applicable, and say why.${checks}`,
  };
}

/**
 * The default branch as `check` will take it: the option, else git's `origin/HEAD`, else main or
 * master. The branch checked out is only reported: taking it would draft evidence (a workflow that
 * runs on pull requests to it) that a `check` without the same option would call missing.
 */
function defaultBranchOf(options: InitOptions): Draft['defaultBranch'] {
  if (options.defaultBranch) return { name: options.defaultBranch, source: 'option' };
  const repo = GitRepository.open(options.root);
  const remote = repo?.defaultBranch();
  if (remote) return { name: remote, source: 'origin/HEAD' };
  const head = repo?.symbolicHead()?.replace(/^refs\/heads\//, '');
  return {
    name: null,
    source: 'assumed',
    ...(head && !head.startsWith('refs/') ? { checkedOut: head } : {}),
  };
}

/** Evidence per control from passing rules that look for something. */
function collectEvidence(
  report: Report,
  rules: readonly Rule[],
  workspace: Workspace,
  branches: readonly string[],
): Map<string, Found> {
  const out = new Map<string, Found>();
  const add = (controls: readonly string[], evidence: string[], because: string) => {
    if (evidence.length === 0) return;
    for (const id of controls) {
      const f = out.get(id) ?? { evidence: [], because: [] };
      for (const e of evidence) if (!f.evidence.includes(e)) f.evidence.push(e);
      if (!f.because.includes(because)) f.because.push(because);
      out.set(id, f);
    }
  };
  const passed = new Set(report.rules.filter((r) => r.result === 'pass').map((r) => r.id));
  const workflows = workspace
    .glob(WORKFLOW_GLOBS)
    .map((f) => readWorkflowSource(workspace, f))
    .filter((w): w is Workflow => w?.kind === 'workflow' && runsOnChanges(w, branches));
  for (const rule of rules) {
    if (!passed.has(rule.id)) continue;
    const options = (rule.check.with ?? {}) as Record<string, unknown>;
    if (rule.check.kind === 'file.exists' && Array.isArray(options.paths)) {
      add(rule.controls, workspace.glob(options.paths as string[]), rule.title);
    } else if (rule.check.kind === 'deps.update-tool' && Array.isArray(options.paths)) {
      const files = workspace.glob(options.paths as string[]);
      const updaters =
        readUpdateWorkflows(workspace)?.files ?? readScriptedUpdates(workspace).map((u) => u.workflow);
      add(rule.controls, [...files, ...updaters], rule.title);
    } else if (rule.check.kind === 'workflow.pr-evidence') {
      const doing = workflows.filter((w) => w.jobs.some((j) => performs(j, options)));
      add(
        rule.controls,
        doing.map((w) => w.path),
        rule.title,
      );
    }
  }
  const deploying = workflows.filter((w) => w.jobs.some((j) => j.environment !== undefined));
  add(
    ['8.31'],
    deploying.map((w) => w.path),
    'deployments run through GitHub environments',
  );
  return out;
}

/** Whether a job runs the activity a `workflow.pr-evidence` rule describes (its actions or commands). */
function performs(job: Job, options: Record<string, unknown>): boolean {
  const actions = Array.isArray(options.actions)
    ? (options.actions as string[]).map((a) => a.toLowerCase())
    : [];
  const commands = Array.isArray(options.commands)
    ? (options.commands as string[]).map((c) => new RegExp(c, 'i'))
    : [];
  return job.steps.some((s: Step) => {
    const ref = s.uses ? parseUses(s.uses.value) : undefined;
    if (ref?.kind === 'repository') {
      const name = [ref.owner, ref.repo, ...(ref.path ? [ref.path] : [])].join('/').toLowerCase();
      if (actions.some((a) => name === a || name.startsWith(`${a}/`))) return true;
    }
    return typeof s.run?.value === 'string' && commands.some((c) => c.test(s.run!.value));
  });
}

/** The first owner of the catch-all `*` rule in CODEOWNERS, as a sensible default owner. */
function codeOwner(workspace: Workspace): string | undefined {
  for (const f of ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS']) {
    const text = workspace.has(f) ? workspace.text(f) : undefined;
    const m = text ? /^\*\s+(@[\w.-]+(?:\/[\w.-]+)?)/m.exec(text) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** The controls a draft leaves to the user: planned ones, and proposals to confirm. */
export function decisions(draft: Draft): {
  implemented: string[];
  notApplicable: string[];
  planned: string[];
} {
  const ids = (status: Entry['status']) =>
    [...draft.entries].filter(([, e]) => e.status === status).map(([id]) => id);
  return { implemented: ids('implemented'), notApplicable: ids('not-applicable'), planned: ids('planned') };
}
