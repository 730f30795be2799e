import { locationFromSpan } from '../../location.js';
import type { Located } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { actionPathOf } from './shared.js';

export interface SuperfluousActionsOptions {
  /** Extra actions (globs on `owner/repo[/path]`) and what replaces them. */
  actions: { uses: string; replacement: string }[];
}

/**
 * Actions that wrap a tool GitHub's runner images already have (`gh`, `git`, `rustup`, `jq`,
 * `docker`): each one is third-party code, with its own dependencies and maintainers, running with
 * the job's token, for what one line of script does. A code smell, not a vulnerability: info, for
 * the pedantic. Reported at the `uses:`; extend the list with `actions`.
 */
export const workflowSuperfluousActions = defineEvaluator<SuperfluousActionsOptions>({
  kind: 'workflow.superfluous-actions',
  scope: 'file',
  summary:
    'Third-party actions that do what a preinstalled tool does in one command (gh, git, rustup, jq, docker).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      actions: {
        type: 'array',
        default: [],
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['uses', 'replacement'],
          properties: {
            uses: { type: 'string', minLength: 1 },
            replacement: { type: 'string', minLength: 1 },
          },
        },
      },
    },
  },
  evaluate({ options, workspace }) {
    const table = [
      ...(options.actions ?? []).map((a) => [a.uses.toLowerCase(), a.replacement] as const),
      ...BUILT_IN,
    ];
    const findings: RawFinding[] = [];
    const check = (path: string, uses: Located<string> | undefined) => {
      const action = actionPathOf(uses);
      if (!action || !uses) return;
      const hit = table.find(
        ([a]) => action === a || (a.endsWith('/*') && action.startsWith(a.slice(0, -1))),
      );
      if (!hit) return;
      findings.push({
        message: `"${uses.value.trim()}" does what \`${hit[1]}\` does with a tool already on the runner; one fewer third-party action is one fewer party to trust.`,
        location: locationFromSpan(path, uses.span),
        key: `uses/${action}`,
      });
    };
    walkWorkflows(workflowSources(workspace), {
      step(step, source) {
        check(source.path, step.uses);
      },
    });
    return findings;
  },
});

/** `owner/repo[/path]` (lower case) and the preinstalled command that replaces it. */
const BUILT_IN: readonly (readonly [string, string])[] = [
  ['softprops/action-gh-release', 'gh release create'],
  ['ncipollo/release-action', 'gh release create'],
  ['svenstaro/upload-release-action', 'gh release upload'],
  ['elgohr/github-release-action', 'gh release create'],
  ['marvinpinto/action-automatic-releases', 'gh release create'],
  ['actions/create-release', 'gh release create'],
  ['actions/upload-release-asset', 'gh release upload'],
  ['peter-evans/create-pull-request', 'git push and gh pr create'],
  ['peter-evans/create-or-update-comment', 'gh pr comment / gh issue comment'],
  ['thollander/actions-comment-pull-request', 'gh pr comment'],
  ['dacbd/create-issue-action', 'gh issue create'],
  ['actions-ecosystem/action-add-labels', 'gh issue edit --add-label'],
  ['actions-ecosystem/action-remove-labels', 'gh issue edit --remove-label'],
  ['andymckay/labeler', 'gh issue edit --add-label'],
  ['stefanzweifel/git-auto-commit-action', 'git add, git commit and git push'],
  ['endbug/add-and-commit', 'git add, git commit and git push'],
  ['ad-m/github-push-action', 'git push'],
  ['dtolnay/rust-toolchain', 'rustup toolchain install'],
  ['actions-rs/toolchain', 'rustup toolchain install'],
  ['actions-rs/cargo', 'cargo'],
  ['sergeysova/jq-action', 'jq'],
  ['addnab/docker-run-action', 'docker run'],
  ['andstor/file-existence-action', 'test -e'],
  ['juliangruber/read-file-action', 'cat'],
];
