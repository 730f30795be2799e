/**
 * Mergify (a GitHub App that merges pull requests through its merge queue): whether its configuration
 * makes every merge it performs wait for the approval of named users or teams, the owners' review
 * that a CODEOWNERS file with "Require review from Code Owners" enforces.
 *
 * Mergify merges through its queues (`queue_rules`, entered by a `queue` action of a
 * `pull_request_rules` entry or by a `@mergifyio queue` command) and through the legacy `merge`
 * action of a `pull_request_rules` entry; its merge protections (`merge_protections`) post a check
 * that branch protection can require. The configuration is an owner-approval gate when:
 *
 * - an unconditional merge protection (no `if`) has `success_conditions` that require the approval;
 * - or every queue requires it in its `queue_conditions`, `merge_conditions` or (older) `conditions`,
 *   every `merge` action rule in its own `conditions`, and there is at least one of them.
 *
 * Only approval conditions count: `approved-reviews-by=<user or @team>`, not negated (`-`), not a count
 * (`#approved-reviews-by>=2` names no one). A list of conditions holds them all (one that requires the
 * approval is enough); an `and` likewise; an `or` requires it when every branch does, or is a branch
 * for a bot's pull requests (an `author` condition naming a `[bot]` account, a dependency bot's bumps
 * merged on their checks); a `not` never does.
 */

/** The files Mergify reads its configuration from, in its order. */
export const MERGIFY_CONFIGS = ['.mergify.yml', '.mergify/config.yml', '.github/mergify.yml'];

/** An approval by a named user or team: `approved-reviews-by=@org/team`, `approved-reviews-by = alice`. */
const APPROVAL = /^approved-reviews-by\s*=\s*@?[A-Za-z0-9][\w.-]*(?:\/[\w.-]+)?$/;

/** An author condition that names a bot account: `author=dependabot[bot]`, `author~=^renovate\[bot\]$`. */
const BOT_AUTHOR = /^author\s*~?=\s*.*\[bot\\?\]/;

/** Whether a Mergify configuration (the parsed YAML document) requires owners' approval to merge. */
export function mergifyRequiresApproval(config: unknown): boolean {
  const doc = record(config);
  if (!doc) return false;
  const protections = list(doc.merge_protections).map(record);
  if (protections.some((p) => p && p.if === undefined && requires(p.success_conditions))) return true;
  const queues = list(doc.queue_rules).map(record);
  const merging = list(doc.pull_request_rules)
    .map(record)
    .filter((r) => r !== undefined && record(r.actions)?.merge !== undefined);
  if (queues.length === 0 && merging.length === 0) return false;
  return (
    queues.every(
      (q) => q !== undefined && [q.queue_conditions, q.merge_conditions, q.conditions].some(requires),
    ) && merging.every((r) => requires(r!.conditions))
  );
}

/** Whether a condition (a string, a list of them, an `and`/`or`/`not` block) requires an approval. */
function requires(condition: unknown): boolean {
  if (Array.isArray(condition)) return condition.some(requires);
  if (typeof condition === 'string') return APPROVAL.test(condition.trim());
  const block = record(condition);
  if (!block) return false;
  if (block.and !== undefined) return requires(block.and);
  if (Array.isArray(block.or) && block.or.length > 0)
    return block.or.every((branch) => requires(branch) || botBranch(branch));
  return false;
}

/** A branch of an `or` that only lets a bot's pull requests through (`author=dependabot[bot]`). */
function botBranch(branch: unknown): boolean {
  if (typeof branch === 'string') return BOT_AUTHOR.test(branch.trim());
  const and = record(branch)?.and;
  return Array.isArray(and) && and.some((c) => typeof c === 'string' && BOT_AUTHOR.test(c.trim()));
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
