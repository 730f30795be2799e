import { parseExpression } from '../../parsers/expression.js';
import { walkWorkflows, workflowFiles, workflowSources } from '../../parsers/workflow.js';
import { expressionsAt, locatedText } from '../../parsers/workflow-expressions.js';
import type { Confidence, RawFinding, Severity } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { classifyContext } from './contexts.js';
import { COMMIT_TEXT, Dataflow, type Origin, type Scope } from './dataflow.js';
import { type EnvWrite, envWrites } from './env-writes.js';
import { artifactPaths, readsArtifact, stepLabel } from './shared.js';

/**
 * `$GITHUB_ENV` is a file of `NAME=value` lines (or `NAME<<DELIMITER` blocks) that the runner reads
 * after the step: a value with a line break in it defines further variables for every later step of
 * the job, and `LD_PRELOAD`, `NODE_OPTIONS`, `BASH_ENV` or `PATH` turn that into code execution.
 * Reported at the writing line when the value can carry a line break chosen by someone else:
 * - text from the event (bodies, comments, commit messages, `client_payload`; through `env:`, outputs,
 *   shell variables, or the event file itself): high; titles, inputs and action outputs, which are
 *   usually one line: medium;
 * - in pull_request_target and workflow_run workflows, the content of a file from a downloaded
 *   artifact (`$(cat pr.txt)`): high;
 * - text a command substitution in the value reads when the step runs: a commit message read with git
 *   (`$(git log -1 --pretty=%B)`), a body or comments read from the API (`$(gh pr view N --json body
 *   -q .body)`, `gh api ... --jq .body`): high; a title read that way: medium.
 * Branch names, labels and other values that cannot hold a line break are not reported, and neither is
 * a `NAME<<$DELIMITER` block whose delimiter the script makes at random. A write of variables the
 * script first checks against an anchored pattern that admits no line break, exiting otherwise, or
 * sets from a command substitution whose last command strips every line feed (`| tr '\n' ' '`,
 * `| tr -d '\n'`), is low confidence.
 */
export const workflowGithubEnv = defineEvaluator<Record<string, never>>({
  kind: 'workflow.github-env',
  summary:
    'Attacker-chosen text written to $GITHUB_ENV or $GITHUB_PATH, where a line break defines more variables.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  subjects: workflowFiles,
  evaluate({ workspace, subjects }) {
    const findings: RawFinding[] = [];
    const flow = new Dataflow(workspace, classifyContext);
    walkWorkflows(workflowSources(workspace, subjects), {
      step(step, source, job) {
        if (!step.run || !/GITHUB_(ENV|PATH)/i.test(step.run.value)) return;
        const writes = envWrites(step.run.value);
        if (writes.length === 0) return;
        const scope: Scope = { source, ...(job ? { job } : {}), stepIndex: step.index, level: 'step' };
        const text = locatedText(workspace, source.path, step.run);
        const exprs = expressionsAt(workspace, source, step.run.pointer);
        const paths = source.kind === 'workflow' && job ? artifactPaths(source, job, step) : undefined;
        for (const w of writes) {
          if (w.file === 'env' && w.randomDelimiter) continue;
          const origins: Origin[] = [];
          for (const e of exprs) {
            const end = e.start + e.raw.length;
            if (!e.parsed.ok || !w.ranges.some(([s, t]) => e.start < t && s < end)) continue;
            origins.push(
              ...flow
                .flows(e.parsed.node, e.inner, scope)
                .filter((f) => !f.collection)
                .map((f) => f.origin),
            );
          }
          for (const name of new Set(w.envVars)) {
            const ref = `env.${name}`;
            const parsed = parseExpression(ref);
            if (parsed.ok) origins.push(...flow.flows(parsed.node, ref, scope).map((f) => f.origin));
          }
          const texts = w.ranges.map(([s, t]) => step.run!.value.slice(s, t)).join('\n');
          const found = judge(w, origins, texts, readsArtifact(texts, paths) || readsLines(texts, paths));
          if (!found) continue;
          // Every variable the line writes is checked against an anchored pattern that admits no
          // line break, and the script exits, or skips the write, otherwise: low, shown to auditors,
          // as the check is read
          // from the script's text.
          const patterns = w.checked?.filter((n) => !w.stripped?.includes(n)) ?? [];
          const checked = w.checked
            ? [
                patterns.length > 0
                  ? ` The script checks ${patterns.map((n) => `$${n}`).join(', ')} against an anchored pattern that admits no line break before it writes the line, and exits or skips the write otherwise.`
                  : '',
                w.stripped
                  ? ` The script sets ${w.stripped.map((n) => `$${n}`).join(', ')} through tr, which deletes or replaces every line feed (the runner ends a line at a line feed only).`
                  : '',
              ].join('')
            : '';
          findings.push({
            message: message(w, found.what) + checked,
            location: text.locate(w.start + leadingSpace(step.run.value, w.start), w.end),
            key: `${job?.id ?? ''}/${stepLabel(step)}/${w.file}/${w.text}`,
            ...(found.severity === 'high' ? {} : { severity: found.severity }),
            ...(checked
              ? { confidence: 'low' as const }
              : found.confidence
                ? { confidence: found.confidence }
                : {}),
          });
        }
      },
    });
    return findings;
  },
});

/** White space at `from` (the write's line is reported from its first character). */
function leadingSpace(text: string, from: number): number {
  let i = from;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i - from;
}

/** How bad a write is, from what its value is made of; undefined when it cannot carry a line break. */
function judge(
  w: EnvWrite,
  origins: Origin[],
  texts: string,
  artifacts: boolean,
): { severity: Severity; what: string; confidence?: Confidence } | undefined {
  const graded = origins.map((o) => ({ o, risk: newlineRisk(o.text) })).filter((g) => g.risk !== undefined);
  const high = graded.find((g) => g.risk === 'high');
  if (high) return { severity: 'high', what: describe(high.o) };
  if (/\$\{?GITHUB_EVENT_PATH/.test(texts))
    return {
      severity: /\.(body|message|comment)\b/.test(texts) ? 'high' : 'medium',
      what: 'a field of the event payload ($GITHUB_EVENT_PATH)',
      confidence: 'medium',
    };
  // Free text read at run time by a command substitution in the written value: a commit message
  // read with git, or a body, comment or title read from GitHub's API.
  const read = readText(texts);
  if (read) return { severity: read.risk, what: read.what, confidence: 'medium' };
  if (artifacts)
    return { severity: 'high', what: 'a file of an artifact from the triggering run', confidence: 'medium' };
  // Titles, inputs and action outputs are usually one line: the write is risky, not proven.
  const medium = graded[0];
  if (medium) return { severity: 'medium', what: describe(medium.o), confidence: 'medium' };
  return w.file === 'path' && origins.length > 0
    ? { severity: 'medium', what: describe(origins[0]!), confidence: 'medium' }
    : undefined;
}

/** `gh pr view`/`gh issue view` printing a body, comments or a title (`--json body -q .body`). */
const GH_VIEW_TEXT = /\bgh\s+(?:pr|issue)\s+view\b[^\n]*?--json[\s=]+["']?[\w,]*?\b(body|comments|title)\b/;
/** `gh api` filtering a body, message or title out of an answer (`--jq '.body'`). */
const GH_API_TEXT = /\bgh\s+api\b[^\n]*?(?:--jq|-q)[\s=]+["']?[^"'\s]*?\.(body|message|title)\b/;

/**
 * Text someone else wrote that the written value reads when the step runs, through a command
 * substitution: a commit message (`$(git log -1 --pretty=%B)`), or a pull request's or issue's body,
 * comments or title read from the API (`$(gh pr view N --json body -q .body)`).
 */
function readText(texts: string): { risk: 'high' | 'medium'; what: string } | undefined {
  if (!/\$\(|`/.test(texts)) return undefined;
  if (COMMIT_TEXT.test(texts)) return { risk: 'high', what: 'a commit message read with git' };
  const m = GH_VIEW_TEXT.exec(texts) ?? GH_API_TEXT.exec(texts);
  if (!m) return undefined;
  return {
    risk: m[1] === 'title' ? 'medium' : 'high',
    what: `the ${m[1] === 'comments' ? 'comments' : m[1]} of a pull request or issue read from the API`,
  };
}

/** Whether a source's text can hold a line break: surely (bodies, messages), or usually not (titles, inputs). */
function newlineRisk(text: string): 'high' | 'medium' | undefined {
  if (/\b(body|message|diff_hunk|client_payload|changes|description)\b/i.test(text)) return 'high';
  if (/\btitle\b|^(github\.event\.)?inputs\.|^steps\.|\(/.test(text)) return 'medium';
  return undefined;
}

function describe(o: Origin): string {
  return o.via.length === 0 ? o.text : `${o.text} (via ${o.via.map((h) => h.text).join(' <- ')})`;
}

function message(w: EnvWrite, what: string): string {
  const file = w.file === 'env' ? '$GITHUB_ENV' : '$GITHUB_PATH';
  const effect =
    w.file === 'env'
      ? 'a line break in it defines more variables for every later step of the job (LD_PRELOAD, NODE_OPTIONS or BASH_ENV run code)'
      : 'it decides which directories later steps search for programs';
  return (
    `"${w.text.slice(0, 100)}" writes ${what} to ${file}: ${effect}. ` +
    'Pass the value as a step output ($GITHUB_OUTPUT) instead, or write it as NAME<<$DELIMITER with a random delimiter.'
  );
}

/**
 * A line of a block written to the file that prints a file of the downloaded artifacts itself
 * (`{ echo "N<<EOF"; cat pr.txt; echo EOF; } >> "$GITHUB_ENV"`).
 */
function readsLines(texts: string, paths: string[] | 'anywhere' | undefined): boolean {
  if (paths === undefined || !/^\s*(?:cat|jq|head|tail)\s/.test(texts)) return false;
  return paths === 'anywhere' || paths.some((p) => texts.includes(p));
}
