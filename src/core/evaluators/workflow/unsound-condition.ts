// biome-ignore-all lint/suspicious/noTemplateCurlyInString: messages quote GitHub expressions (${{ }}).
import { locationFromSpan } from '../../location.js';
import { findExpressions } from '../../parsers/expression.js';
import type { Job, Step, WorkflowSource } from '../../parsers/workflow.js';
import { walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { outsideText } from './condition-parts.js';
import { stepLabel } from './shared.js';

/**
 * An `if:` that holds `${{ }}` is evaluated as a template: only a value that is exactly one
 * `${{ ... }}` is a condition. Anything around it — the line break a `|` block keeps, text, a second
 * expression (`${{ a }} && ${{ b }}`) — makes the result a non-empty string, which is true, so the
 * step or job always runs whatever the expressions say. Reported at the `if:` value.
 */
export const workflowUnsoundCondition = defineEvaluator<Record<string, never>>({
  kind: 'workflow.unsound-condition',
  scope: 'file',
  summary:
    'if: values with ${{ }} and anything else around it, which the runner reads as an always-true string.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const check = (source: WorkflowSource, holder: Job | Step, owner: string) => {
      const node = holder.if;
      if (!node || typeof node.value !== 'string' || !node.value.includes('${{')) return;
      const found = findExpressions(node.value);
      if (found.length === 0) return;
      const outside = outsideText(node.value);
      if (found.length === 1 && outside === '') return;
      const why =
        outside.trim() === ''
          ? found.length > 1
            ? 'two or more ${{ }} expressions are joined into one string'
            : `the ${/\n/.test(outside) ? 'line break' : 'white space'} around the \${{ }} is kept, so the value is a string`
          : `the text "${outside.trim().slice(0, 40)}" outside the \${{ }} makes the value a string`;
      findings.push({
        message:
          `This condition is always true: ${why}, and a non-empty string is true. ` +
          'Write the whole condition as one expression (`if: a && b`, or one `${{ a && b }}` with no text around it; use `|-` or `>-` for block scalars).',
        location: locationFromSpan(source.path, node.span, true),
        key: `${owner}/if/${node.value.trim()}`,
      });
    };
    walkWorkflows(workflowSources(workspace), {
      job(job, workflow) {
        check(workflow, job, job.id);
      },
      step(step, source, job) {
        check(source, step, `${job?.id ?? ''}/${stepLabel(step)}`);
      },
    });
    return findings;
  },
});
