import { locationFromSpan } from '../../location.js';
import { type Located, type LocatedMap, walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import { locatedText } from '../../parsers/workflow-expressions.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { actionOf, input, stepLabel } from './shared.js';
import { shellWrites } from './shell.js';

const NAME = 'ACTIONS_ALLOW_UNSECURE_COMMANDS';

/**
 * `ACTIONS_ALLOW_UNSECURE_COMMANDS` re-enables the `set-env` and `add-path` workflow commands, which
 * let anything a step prints (a test name, a log line from a dependency) set environment variables
 * such as `NODE_OPTIONS` or `LD_PRELOAD` for later steps. Reported where it is set to anything but
 * false: in an `env:` (workflow, job, step), written to `$GITHUB_ENV` by a script, or exported by a
 * github-script (`core.exportVariable('ACTIONS_ALLOW_UNSECURE_COMMANDS', 'true')`, which writes it
 * to `$GITHUB_ENV`).
 */

/** `core.exportVariable('ACTIONS_ALLOW_UNSECURE_COMMANDS', <value>)`, the value up to `)` on its line. */
const EXPORTED = new RegExp(String.raw`\bcore\.exportVariable\(\s*(['"\`])${NAME}\1\s*,([^)\n]*)`, 'g');
export const workflowInsecureCommands = defineEvaluator<Record<string, never>>({
  kind: 'workflow.insecure-commands',
  scope: 'file',
  summary: 'ACTIONS_ALLOW_UNSECURE_COMMANDS re-enabling the set-env and add-path workflow commands.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace }) {
    const findings: RawFinding[] = [];
    const check = (path: string, env: LocatedMap | undefined, where: string, key = where) => {
      for (const [name, node] of env?.entries ?? []) {
        if (name.toUpperCase() !== NAME) continue;
        const v = node.value;
        // The runner enables them only for "true" (any case); still, anything but an explicit off is
        // reported, since the value may change and only false/0/empty say "off".
        if (v === false || v === null || v === 0 || (typeof v === 'string' && /^\s*(false|0|)\s*$/i.test(v)))
          continue;
        findings.push({
          message: `${where} sets ${NAME}, which re-enables the deprecated set-env and add-path commands; any output of a step can then change the environment of later steps. Remove it and use $GITHUB_ENV / $GITHUB_PATH.`,
          location: locationFromSpan(path, { ...node.span, start: node.span.key ?? node.span.start }),
          key,
        });
      }
    };
    walkWorkflows(workflowSources(workspace), {
      workflow: (w) => check(w.path, w.env, 'The workflow env'),
      job: (j, w) => check(w.path, j.env, `Job "${j.id}"`),
      step(step, source, job) {
        const where = `Step ${step.index + 1}${job ? ` of job "${job.id}"` : ''}`;
        const key = `${job?.id ?? ''}/${stepLabel(step)}`;
        check(source.path, step.env, where, key);
        const script = actionOf(step.uses) === 'actions/github-script' ? input(step, 'script') : undefined;
        if (typeof script?.value === 'string' && script.value.includes(NAME)) {
          const text = locatedText(workspace, source.path, script as Located<string>);
          for (const m of script.value.matchAll(EXPORTED)) {
            if (/^\s*(?:false|0|(['"`])\s*(?:false|0)?\s*\1)\s*$/i.test(m[2]!)) continue;
            const at = m.index + m[0].indexOf(NAME);
            findings.push({
              message: `${where} exports ${NAME} (core.exportVariable), which writes it to $GITHUB_ENV and re-enables the deprecated set-env and add-path commands for the rest of the job. Remove it.`,
              location: text.locate(at, at + NAME.length),
              key: `${key}/exportVariable`,
            });
          }
        }
        if (!step.run?.value.includes(NAME)) return;
        for (const w of shellWrites(step.run.value)) {
          if (w.file !== 'env' || w.name !== NAME) continue;
          const [from, to] = w.ranges[0]!;
          const at = step.run.value.indexOf(NAME, from);
          findings.push({
            message: `${where} writes ${NAME} to $GITHUB_ENV, which re-enables the deprecated set-env and add-path commands for the rest of the job. Remove it.`,
            location: locatedText(workspace, source.path, step.run).locate(
              at === -1 || at >= to ? from : at,
              at === -1 || at >= to ? to : at + NAME.length,
            ),
            key: `${key}/GITHUB_ENV`,
          });
        }
      },
    });
    return findings;
  },
});
