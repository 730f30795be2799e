import { type GitHubApi, UnverifiableError } from '../../github-api.js';
import { workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';
import { type ActionApi, actionApi } from './action-api.js';
import { type ActionRef, actionRefs } from './action-refs.js';

/**
 * The frame of the online workflow audits: collect the references an audit asks about, refuse to
 * pass without an API (the rule is unverifiable, with the reason), ask within the run's shared
 * budget, and say what was not checked. A reference the audit could not check is listed in one
 * repository-level info finding, so a partial answer is never read as a clean one; when none could be
 * checked, the rule is unverifiable.
 */

/** The outcome of checking one reference. */
export type RefOutcome = { findings: RawFinding[] } | { unchecked: string };

/** Why the run had no API, as the rule's `detail` says it. */
const NO_API =
  'the GitHub API is needed to check the actions this repository uses, and this run has none (the Action needs its `token` input; the CLI reads GITHUB_TOKEN and GITHUB_REPOSITORY)';

export async function onlineAudit(
  workspace: Workspace,
  github: GitHubApi | undefined,
  what: string,
  select: (ref: ActionRef) => boolean,
  check: (ref: ActionRef, api: ActionApi) => Promise<RefOutcome>,
  /** Runs first, over every selected reference (to batch questions). */
  prepare?: (refs: ActionRef[], api: ActionApi) => Promise<void>,
): Promise<RawFinding[]> {
  const sources = workflowSources(workspace);
  // Without an API, only whether there is anything to check matters (no comments read).
  if (!github) {
    if (actionRefs(workspace, sources, false).some(select)) throw new UnverifiableError(NO_API);
    return [];
  }
  const refs = actionRefs(workspace, sources).filter(select);
  if (refs.length === 0) return [];
  const api = actionApi(github);
  await prepare?.(refs, api);
  const findings: RawFinding[] = [];
  const unchecked: { ref: ActionRef; why: string }[] = [];
  for (const ref of refs) {
    const outcome = await check(ref, api);
    if ('findings' in outcome) findings.push(...outcome.findings);
    else unchecked.push({ ref, why: api.exhausted ?? outcome.unchecked });
  }
  if (unchecked.length === refs.length && findings.length === 0) {
    const reasons = [...new Set(unchecked.map((u) => u.why))].join('; ');
    throw new UnverifiableError(`no reference could be checked (${what}): ${reasons}`);
  }
  if (unchecked.length > 0) {
    const list = unchecked
      .slice(0, 5)
      .map((u) => `${u.ref.uses.value.trim()} (${u.ref.file}:${u.ref.location.startLine}: ${u.why})`)
      .join('; ');
    findings.push({
      message:
        `${unchecked.length} of ${refs.length} action references were not checked (${what}): ${list}` +
        `${unchecked.length > 5 ? `; and ${unchecked.length - 5} more` : ''}. Their absence from the findings is not a pass.`,
      // About the run's coverage, not about a line: repository-level, listing where each one is.
      location: null,
      key: 'unchecked',
      severity: 'info',
    });
  }
  return findings;
}
