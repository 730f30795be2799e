/**
 * The engine's side of a change reviewing its own policy: which policy is in force (the base's, or the
 * change's once approved), the custom rule files the change breaks, the base tree as the change's
 * renames see it, and, after triage, the policy changes that must block until approved. Kept out of
 * engine.ts so the pipeline there stays a list of steps.
 */
import path from 'node:path';
import type { DeclarationProblem } from '../declarations/model.js';
import type { DiffIndex } from '../diff.js';
import type { GateScope } from '../pr.js';
import { loadRules, RuleLoadError } from '../rules/load.js';
import type { Confidence, Finding, RawFinding, Rule } from '../types.js';
import { formatProblem } from '../validate.js';
import { policyChanges, type Suppresses } from './changes.js';
import type { Policy, PolicySnapshot } from './load.js';
import {
  applyEscalations,
  changeFingerprints,
  type PolicyApproval,
  planEscalations,
} from './suppressions.js';
import type { TreeReader } from './tree.js';

/** What the change does to its policy, and the policy in force because of it. */
export interface PolicyReview {
  /** The policy in force: the base's, or the change's own once its changes are approved. */
  policy: Policy;
  rules: Rule[];
  /** The base commit's snapshot, when the policy came from one. */
  base?: PolicySnapshot;
  /** Policy changes of the configuration and declarations, and what each would suppress. */
  changes: DeclarationProblem[];
  effects: Map<DeclarationProblem, Suppresses>;
  /** Weakenings of the gate's own definition found by the caller. */
  gateChanges: DeclarationProblem[];
  /** Custom rule files of the change that do not load. */
  ruleFiles: DeclarationProblem[];
  approval: LazyApproval;
}

/** An approval asked for at most once, and only when needed. */
export interface LazyApproval {
  get(): Promise<PolicyApproval | undefined>;
  /** The answer if it was asked for already. */
  known(): PolicyApproval | undefined;
}

/**
 * Reads what the change does to the policy it is judged by and decides which policy is in force:
 * the base's, unless the change alters it and the caller's `approval` says someone entitled approved
 * (and the change's rule files all load).
 */
export async function reviewPolicy(
  loaded: Policy,
  options: {
    builtin: boolean;
    root: string;
    gateChanges?: readonly RawFinding[];
    approval?: () => Promise<PolicyApproval | undefined>;
  },
): Promise<PolicyReview> {
  let policy = loaded;
  const base = policy.source === 'base' ? policy.active : undefined;
  // The head's custom rules must load too (they are what will be merged); a broken one is a finding,
  // and the base's rules stay in force, so every output is still written.
  const ruleFiles = base && headRulesDiffer(policy) ? ruleFileProblems(policy.head.ruleDirs, options) : [];
  let rules = loadRules(policy.active.ruleDirs, { builtin: options.builtin });
  const effects = new Map<DeclarationProblem, Suppresses>();
  const changes = base ? policyChanges(base, policy.head, rules, effects) : [];
  const gateChanges: DeclarationProblem[] = (options.gateChanges ?? []).map((c) => ({
    ...c,
    kind: 'changes',
  }));
  const approval = lazyApproval(options.approval);
  if (base && changes.length + gateChanges.length > 0 && ruleFiles.length === 0 && (await approval.get())) {
    policy = { ...policy, active: policy.head };
    rules = loadRules(policy.active.ruleDirs, { builtin: options.builtin });
  }
  return { policy, rules, ...(base ? { base } : {}), changes, effects, gateChanges, ruleFiles, approval };
}

/**
 * After triage: raises each policy change that suppresses findings to their severity, and returns the
 * weakenings of the gate's definition that must block whatever `fail-on` says; with an approval,
 * neither, and every policy change says who approved it.
 */
export async function settlePolicyChanges(
  review: PolicyReview,
  findings: readonly Finding[],
  changeRules: ReadonlySet<string>,
  scope: GateScope,
  minConfidence: Confidence,
): Promise<{ forced: Set<Finding>; approved?: PolicyApproval }> {
  const escalations = planEscalations({
    findings,
    changeRules,
    effects: review.effects,
    scope,
    minConfidence,
  });
  const forcedPrints = changeFingerprints(review.gateChanges, changeRules);
  const approved =
    escalations.length + forcedPrints.size > 0 ? await review.approval.get() : review.approval.known();
  if (!approved) {
    applyEscalations(escalations);
    return { forced: new Set(findings.filter((f) => forcedPrints.has(f.fingerprint))) };
  }
  for (const f of findings) {
    if (changeRules.has(f.ruleId)) f.message = `${f.message} Approved: ${approved.detail}.`;
  }
  return { forced: new Set(), approved };
}

/** A base tree that reads a renamed file under its old name (its inline ignores are not new). */
export function renamedTree(
  tree: TreeReader,
  renamed: ReadonlyMap<string, string>,
  diff?: DiffIndex,
): TreeReader {
  return {
    label: tree.label,
    read: (file, maxBytes) => tree.read(renamed.get(file) ?? diff?.previousPath(file) ?? file, maxBytes),
    list: (dir) => tree.list(dir),
  };
}

function lazyApproval(ask: (() => Promise<PolicyApproval | undefined>) | undefined): LazyApproval {
  let answer: Promise<PolicyApproval | undefined> | undefined;
  let known: PolicyApproval | undefined;
  return {
    async get() {
      answer ??= ask ? ask() : Promise.resolve(undefined);
      known = await answer;
      return known;
    },
    known: () => known,
  };
}

/**
 * The problems of custom rule files that do not load, as `rule-files` findings located in each file
 * (the head's rule directories, which the change may have edited); none when they all load.
 */
function ruleFileProblems(
  dirs: PolicySnapshot['ruleDirs'],
  options: { builtin: boolean; root: string },
): DeclarationProblem[] {
  try {
    loadRules(dirs, { builtin: options.builtin });
    return [];
  } catch (err) {
    if (!(err instanceof RuleLoadError)) throw err;
    return err.problems.map(({ file, problem }) => {
      const rel = path.relative(options.root, file).split(path.sep).join('/');
      const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
      const shown = inside ? rel : file;
      return {
        kind: 'rule-files',
        message: `${formatProblem(shown, problem)} (this rule file does not load, so the base commit's rules are used: fix it before it is merged)`,
        location: inside ? { path: rel, startLine: problem.line ?? 1 } : null,
        key: `${shown}:${problem.pointer}:${problem.message}`,
      };
    });
  }
}

/** Whether the head's custom rules differ from the base's, so they must be validated separately. */
function headRulesDiffer(policy: Policy): boolean {
  const a = policy.active.ruleFiles;
  const b = policy.head.ruleFiles;
  if (a.size !== b.size || policy.active.ruleDirs.length !== policy.head.ruleDirs.length) return true;
  for (const [file, hash] of a) if (b.get(file) !== hash) return true;
  return false;
}
