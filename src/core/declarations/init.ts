/**
 * `controlgate init`: a draft declarations file for a repository that has none. Every one of the 34
 * controls gets an entry. Evidence comes from the rules themselves, so the draft follows the rule set
 * rather than a second list: a passing rule that looks for something (a `file.exists` rule such as
 * CODEOWNERS or Dependabot, a `workflow.pr-evidence` rule such as SAST on pull requests) cites what it
 * found as evidence for its controls. A control with evidence and no failing rule is drafted as
 * implemented; everything else as planned with a TODO, because only a person can decide it.
 */
import path from 'node:path';
import { controlsOfTheme } from '../catalog.js';
import { loadConfig } from '../config.js';
import { runCheck } from '../engine.js';
import { parseUses } from '../parsers/uses.js';
import { readWorkflowSource, WORKFLOW_GLOBS } from '../parsers/workflow.js';
import type { Job, Step, Workflow } from '../parsers/workflow-model.js';
import { loadRules } from '../rules/load.js';
import type { Report, Rule } from '../types.js';
import { Workspace } from '../workspace/workspace.js';
import { addDays, utcDay } from './check.js';
import { runsOnChanges } from './evidence.js';
import { DEFAULT_CONTROLS_FILE } from './model.js';

/** The schema line editors read (yaml-language-server, and the YAML extensions built on it). */
export const SCHEMA_COMMENT =
  '# yaml-language-server: $schema=https://raw.githubusercontent.com/controlgate/controlgate/main/schemas/controls.schema.json';

const MAX_EVIDENCE = 4;

export interface InitOptions {
  root: string;
  /** Where to write, relative to the root; default the config's `controls`, else `.github/controls.yml`. */
  controlsPath?: string;
  ruleDirs?: string[];
  now?: Date;
}

export interface Draft {
  /** The file to write, relative to the root. */
  file: string;
  text: string;
  /** Controls drafted as implemented (the rest are planned). */
  implemented: string[];
}

interface Found {
  evidence: string[];
  because: string[];
}

/** Drafts the declarations file of the repository at `root` (nothing is written). */
export async function draftDeclarations(options: InitOptions): Promise<Draft> {
  const config = loadConfig(options.root);
  const file = (options.controlsPath ?? config.controls ?? DEFAULT_CONTROLS_FILE).replace(/^\.\//, '');
  const report = await runCheck({
    root: options.root,
    controlsPath: file,
    controlsMayBeMissing: true,
    failOn: 'never',
    failOnGap: false,
    ...(options.ruleDirs ? { ruleDirs: options.ruleDirs } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const rules = loadRules([
    ...config.ruleDirs.map((d) => path.resolve(options.root, d)),
    ...(options.ruleDirs ?? []),
  ]);
  const workspace = new Workspace(options.root, { include: config.include, exclude: config.exclude });
  const found = collectEvidence(report, rules, workspace);
  const today = utcDay(options.now ?? new Date());
  const implemented: string[] = [];

  const lines = [
    SCHEMA_COMMENT,
    `# Statement of Applicability for the ISO/IEC 27002:2022 technological controls (8.1-8.34), drafted`,
    `# by \`controlgate init\` on ${today}. Review every entry before committing it: statuses were inferred`,
    '# from what controlgate found in the repository. Replace each TODO with a decision and its reason.',
    'version: 1',
    `scope: ${q(`${baseName(options.root)} repository`)}`,
    `owner: ${q(codeOwner(workspace) ?? 'TODO: the team accountable for these declarations')}`,
    `approved-by: ${q('TODO: who approves this Statement of Applicability')}`,
    `# reviewed: ${today}   # set when the declarations are approved`,
    'controls:',
  ];
  for (const c of controlsOfTheme('Technological')) {
    const control = report.controls.find((x) => x.id === c.id)!;
    const evidence = found.get(c.id);
    const failing = control.rules.filter((r) => r.result === 'fail').map((r) => r.id);
    lines.push(`  ${q(c.id)}: # ${c.title}`);
    if (evidence && failing.length === 0) {
      implemented.push(c.id);
      lines.push('    status: implemented');
      lines.push(`    justification: ${q(`controlgate found: ${evidence.because.join('; ')}.`)}`);
      lines.push(`    evidence: [${evidence.evidence.slice(0, MAX_EVIDENCE).map(q).join(', ')}]`);
      continue;
    }
    lines.push('    status: planned');
    const checks = control.rules.length
      ? ` controlgate checks it with ${control.rules.length === 1 ? 'one rule' : `${control.rules.length} rules`}; ${failing.length ? `failing: ${failing.join(', ')}` : 'none fails'}.`
      : ' No controlgate rule checks it: cite your evidence (documents, workflows, URLs).';
    const why = evidence
      ? `TODO: evidence found (${evidence.evidence.slice(0, MAX_EVIDENCE).join(', ')}), but ${failing.join(', ')} ${failing.length === 1 ? 'fails' : 'fail'}; fix, then declare implemented.`
      : `TODO: decide implemented, partial, planned or not-applicable, and say why.${checks}`;
    lines.push(`    justification: ${q(why)}`);
    lines.push(`    # due: ${addDays(today, 90)}`);
  }
  lines.push(
    '# Approved risk acceptances, e.g.:',
    '#  - id: EXC-0001',
    '#    rules: [dockerfile-root-user]',
    '#    paths: ["legacy/**"]',
    '#    reason: Legacy image, removal tracked in TICKET-123',
    '#    approved-by: "@org/security"',
    `#    expires: ${addDays(today, 90)}`,
    'exceptions: []',
    '',
  );
  return { file, text: lines.join('\n'), implemented };
}

/** Evidence per control from passing rules that look for something. */
function collectEvidence(report: Report, rules: readonly Rule[], workspace: Workspace): Map<string, Found> {
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
    .filter((w): w is Workflow => w?.kind === 'workflow' && runsOnChanges(w, ['main', 'master']));
  for (const rule of rules) {
    if (!passed.has(rule.id)) continue;
    const options = (rule.check.with ?? {}) as Record<string, unknown>;
    if (rule.check.kind === 'file.exists' && Array.isArray(options.paths)) {
      add(rule.controls, workspace.glob(options.paths as string[]), rule.title);
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

function baseName(root: string): string {
  return path.basename(path.resolve(root)) || 'this';
}

/** A YAML double-quoted scalar: JSON string syntax is valid YAML and escapes everything. */
function q(s: string): string {
  return JSON.stringify(s);
}
