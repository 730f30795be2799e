/**
 * The gate's own definition is the workflow step that runs controlgate: on a pull request the runner
 * takes it from the change under review, so the change could lower `fail-on`, turn `fail-on-gap` off,
 * point `config` or `controls` elsewhere, or let the step fail without failing the job. This module
 * finds the running step in the head's workflow (from the runner's GITHUB_WORKFLOW_REF, GITHUB_JOB
 * and GITHUB_ACTION), finds the same step in the base commit's version of the workflow, and reports
 * every difference that may weaken the gate as a policy change, which fails the gate until approved.
 *
 * What it cannot see, a change can still do: delete the step or the workflow, or run another action
 * under the same check name. Running the gate from a definition the change cannot edit (a required
 * workflow in a repository ruleset) closes that; see the README.
 */
import type { Config } from '../core/config.js';
import { locationFromSpan } from '../core/location.js';
import { isRelative, type TreeReader } from '../core/policy/tree.js';
import type { RawFinding } from '../core/types.js';
import { parseYaml, pointer, type YamlDocument } from '../core/workspace/yaml.js';
import { record } from './event.js';

/** The step this run is, as the runner names it. */
export interface RunningStep {
  /** The workflow file, from the top of the repository (`.github/workflows/controlgate.yml`). */
  workflow: string;
  /** The job id (`GITHUB_JOB`). */
  job: string;
  /** `GITHUB_ACTION`: the step's id, or `__owner_repo` (`_2`, `_3` for later uses) without one. */
  action: string;
  /** `GITHUB_ACTION_REPOSITORY` (`controlgate/controlgate`); empty for a local action (`uses: ./`). */
  actionRepository: string;
}

/** The running step from the runner's environment; undefined outside a workflow of this repository. */
export function runningStep(env: NodeJS.ProcessEnv): RunningStep | undefined {
  const ref = env.GITHUB_WORKFLOW_REF ?? '';
  const repo = env.GITHUB_REPOSITORY ?? '';
  const job = env.GITHUB_JOB ?? '';
  if (!ref || !repo || !job || !ref.toLowerCase().startsWith(`${repo.toLowerCase()}/`)) return undefined;
  const at = ref.indexOf('@', repo.length + 1);
  const workflow = ref.slice(repo.length + 1, at < 0 ? undefined : at);
  if (!isRelative(workflow) || !/\.ya?ml$/.test(workflow)) return undefined;
  return {
    workflow,
    job,
    action: env.GITHUB_ACTION ?? '',
    actionRepository: env.GITHUB_ACTION_REPOSITORY ?? '',
  };
}

/** What the comparison needs besides the two workflow files. */
export interface GateInputContext {
  step: RunningStep;
  /** The head's workflow text (the working tree). */
  head: string | undefined;
  /** The base commit, from the top of the repository. */
  base: TreeReader;
  /** The base commit's configuration: what an empty input falls back to. */
  baseConfig: Config | undefined;
  /** The checked root's path from the top (`services/api/`), to locate findings in its terms. */
  prefix: string;
}

interface StepRef {
  doc: YamlDocument;
  /** JSON pointer of the step. */
  at: string;
  step: Record<string, unknown>;
  job: Record<string, unknown>;
}

/**
 * action.yml's defaults that are not empty and decide something: without the token the settings
 * rules are unverifiable and approvals cannot be read.
 */
const NON_EMPTY_DEFAULTS: Readonly<Record<string, string>> = { token: ['$', '{{ github.token }}'].join('') };

const FAIL_ON_RANK: Record<string, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4, never: 5 };

/**
 * The weakenings of the running step (and its job) against the base commit's workflow, as policy
 * changes located on the head's lines. None when the base has no controlgate step at all (the change
 * adopts it) or the running step cannot be found.
 */
export function gateInputChanges(ctx: GateInputContext): { changes: RawFinding[]; note?: string } {
  const { step } = ctx;
  const head = ctx.head === undefined ? undefined : findStep(ctx.head, step, step.job);
  if (!head)
    return {
      changes: [],
      note: `the step that runs controlgate was not found in ${step.workflow} (job ${step.job})`,
    };
  const baseFile = ctx.base.read(step.workflow);
  const base = baseFile.kind === 'text' ? findCounterpart(baseFile.text, step, head) : undefined;
  const file = step.workflow;
  // Located in the checked root's terms; a workflow above a checked folder is named in the message.
  const where = (ptr: string) => {
    const span = head.doc.nearestSpan(ptr);
    if (!span || !file.startsWith(ctx.prefix)) return null;
    return locationFromSpan(file.slice(ctx.prefix.length), span, true);
  };
  const out: RawFinding[] = [];
  const add = (what: string, ptr: string, key: string) =>
    out.push({
      message: `Policy change: ${what} in ${file} (job ${step.job}), the step that runs controlgate: it may weaken the gate this change is judged by, so the gate fails until someone with write access approves the head commit.`,
      location: where(ptr),
      key: `gate-input:${file}:${step.job}:${key}`,
    });

  if (!base) {
    const elsewhere = baseRunsGate(ctx.base, step);
    if (elsewhere) {
      add(
        `the step is new (the base commit runs controlgate from ${elsewhere})`,
        head.at,
        `new-step:${JSON.stringify(head.step.with ?? {})}`,
      );
    }
    return { changes: out };
  }

  const withOf = (s: StepRef) => record(s.step.with);
  const h = withOf(head);
  const b = withOf(base);
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());
  // An input left out takes action.yml's default; written empty, it is empty (`token: ""`: no API).
  const inputValue = (inputs: Record<string, unknown>, name: string) =>
    Object.hasOwn(inputs, name) ? text(inputs[name]) : (NON_EMPTY_DEFAULTS[name] ?? '');
  const dynamic = (v: string) => v.includes('${{');
  const inputs = new Set([...Object.keys(h), ...Object.keys(b)]);
  for (const name of [...inputs].sort()) {
    const now = inputValue(h, name);
    const was = inputValue(b, name);
    if (now === was) continue;
    const ptr = `${head.at}/with/${name}`;
    const change = `input ${name} changes from ${quote(was, 'unset')} to ${quote(now, 'unset')}`;
    const key = `${name}:${now}`;
    if (dynamic(now) || dynamic(was)) {
      add(change, ptr, key);
      continue;
    }
    switch (name) {
      case 'fail-on': {
        const rank = (v: string) => FAIL_ON_RANK[v.toLowerCase() || (ctx.baseConfig?.failOn ?? 'high')] ?? 5;
        if (rank(now) > rank(was)) add(change, ptr, key);
        break;
      }
      case 'fail-on-confidence': {
        const order = ['low', 'medium', 'high'];
        const rank = (v: string) =>
          order.indexOf(v.toLowerCase() || (ctx.baseConfig?.failOnConfidence ?? 'medium'));
        if (rank(now) > rank(was)) add(change, ptr, key);
        break;
      }
      case 'fail-on-gap': {
        const on = (v: string) => (v === '' ? (ctx.baseConfig?.failOnGap ?? true) : !/^false$/i.test(v));
        if (on(was) && !on(now)) add(change, ptr, key);
        break;
      }
      case 'require-declarations': {
        const level = (v: string) => v.toLowerCase() || (ctx.baseConfig?.requireDeclarations ?? 'none');
        if (level(was) === 'technological' && level(now) !== 'technological') add(change, ptr, key);
        break;
      }
      case 'gate': {
        const scope = (v: string) => v.toLowerCase() || 'new';
        if (scope(was) === 'all' && scope(now) !== 'all') add(change, ptr, key);
        break;
      }
      // Reading fewer files on a pull request drops the gaps that findings in untouched files make.
      case 'scan': {
        const gateOf = (inputs: Record<string, unknown>) => inputValue(inputs, 'gate').toLowerCase() || 'new';
        const scan = (v: string, gate: string) => v.toLowerCase() || (gate === 'all' ? 'all' : 'changed');
        if (scan(was, gateOf(b)) === 'all' && scan(now, gateOf(h)) !== 'all') add(change, ptr, key);
        break;
      }
      // Extra rule directories only add rules: dropping one is what weakens the gate.
      case 'rules': {
        const list = (v: string) =>
          v
            .split(/[\n,]/)
            .map((d) => d.trim().replace(/\/+$/, ''))
            .filter(Boolean);
        const kept = new Set(list(now));
        if (list(was).some((d) => !kept.has(d))) add(change, ptr, key);
        break;
      }
      // Where the gate looks, and with what settings: any change may drop something.
      case 'path':
      case 'config':
      case 'controls':
        add(change, ptr, key);
        break;
      default:
        // Reporting inputs (annotations, comments, files) do not decide the gate; a token that was
        // an expression (the default, `${{ github.token }}`) is caught above.
        break;
    }
  }
  for (const [level, now, was, ptr] of [
    ['step', head.step, base.step, head.at],
    ['job', head.job, base.job, pointer('jobs', step.job)],
  ] as const) {
    const cont = (v: Record<string, unknown>) => text(v['continue-on-error']);
    if (cont(now) !== cont(was) && cont(now) !== '' && !/^false$/i.test(cont(now))) {
      add(
        `the ${level} now continues on error (${quote(cont(now), '')}), so a failed gate would not fail the job`,
        `${ptr}/continue-on-error`,
        `${level}-continue:${cont(now)}`,
      );
    }
    if (text(now.if) !== text(was.if)) {
      add(
        `the ${level}'s condition changes from ${quote(text(was.if), 'none')} to ${quote(text(now.if), 'none')}`,
        `${ptr}/if`,
        `${level}-if:${text(now.if)}`,
      );
    }
  }
  return { changes: out };
}

/** The steps of `job` in `text` that run this action, with their places; undefined when unreadable. */
function stepsOf(text: string, step: RunningStep, job: string) {
  const parsed = parseYaml(text);
  const doc = parsed.ok ? parsed.documents[0] : undefined;
  const jobValue = record(record(record(doc?.value).jobs)[job]);
  const steps = Array.isArray(jobValue.steps) ? jobValue.steps.map(record) : [];
  if (!doc) return undefined;
  const ours = steps.map((s, i) => ({ s, i })).filter(({ s }) => usesThisAction(s.uses, step));
  const ref = (i: number): StepRef => ({
    doc,
    at: pointer('jobs', job, 'steps', i),
    step: steps[i]!,
    job: jobValue,
  });
  return { ours, ref };
}

/**
 * The running step in the head's workflow: the step whose id is GITHUB_ACTION, else the n-th of this
 * action's steps without an id (the runner names them `__owner_repo`, `__owner_repo_2`, ...).
 */
function findStep(text: string, step: RunningStep, job: string): StepRef | undefined {
  const found = stepsOf(text, step, job);
  if (!found) return undefined;
  const byId = step.action ? found.ours.find(({ s }) => s.id === step.action) : undefined;
  if (byId) return found.ref(byId.i);
  const ordinal = Number(/_(\d+)$/.exec(step.action)?.[1] ?? 1) - 1;
  const match = found.ours.filter(({ s }) => !s.id)[ordinal];
  return match ? found.ref(match.i) : undefined;
}

/** The base's counterpart of a head step: the same id, else the same place among id-less steps. */
function findCounterpart(text: string, step: RunningStep, head: StepRef): StepRef | undefined {
  const found = stepsOf(text, step, step.job);
  if (!found) return undefined;
  const id = head.step.id;
  if (typeof id === 'string' && id) {
    const byId = found.ours.find(({ s }) => s.id === id);
    return byId ? found.ref(byId.i) : undefined;
  }
  const headSteps = Array.isArray(head.job.steps) ? head.job.steps.map(record) : [];
  const ordinal = headSteps.filter((s) => !s.id && usesThisAction(s.uses, step)).indexOf(head.step);
  const match = found.ours.filter(({ s }) => !s.id)[ordinal];
  return match ? found.ref(match.i) : undefined;
}

function usesThisAction(uses: unknown, step: RunningStep): boolean {
  if (typeof uses !== 'string') return false;
  const u = uses.trim().toLowerCase();
  if (!step.actionRepository) return u.startsWith('./');
  const repo = step.actionRepository.toLowerCase();
  return u.startsWith(`${repo}@`) || u.startsWith(`${repo}/`);
}

/** A workflow of the base commit that runs this action, if any: the change would replace it. */
function baseRunsGate(base: TreeReader, step: RunningStep): string | undefined {
  const dir = step.workflow.includes('/') ? step.workflow.slice(0, step.workflow.lastIndexOf('/')) : '';
  for (const file of base.list(dir)) {
    if (!/\.ya?ml$/.test(file) || file.slice(dir.length + 1).includes('/')) continue;
    const read = base.read(file);
    if (read.kind !== 'text') continue;
    const parsed = parseYaml(read.text);
    const jobs = record(record(parsed.ok ? parsed.documents[0]?.value : undefined).jobs);
    for (const job of Object.values(jobs)) {
      const steps = record(job).steps;
      if (Array.isArray(steps) && steps.some((s) => usesThisAction(record(s).uses, step))) return file;
    }
  }
  return undefined;
}

/** A value from a workflow, quoted and cut short: it is the change's text, shown in every report. */
function quote(value: string, empty: string): string {
  if (value === '') return empty;
  return `"${value.length > 120 ? `${value.slice(0, 117)}...` : value}"`;
}
