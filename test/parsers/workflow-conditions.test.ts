// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions (${{ }}) are the subject of these tests.
import { describe, expect, it } from 'vitest';
import { runEvents } from '../../src/core/evaluators/workflow/event-guards.js';
import { buildWorkflow, type Workflow, walkWorkflows } from '../../src/core/parsers/workflow.js';
import { neverRuns } from '../../src/core/parsers/workflow-conditions.js';
import { parseYaml } from '../../src/core/workspace/yaml.js';

function workflow(text: string): Workflow {
  const parsed = parseYaml(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const wf = buildWorkflow('.github/workflows/ci.yml', parsed.documents[0]!);
  if (!wf) throw new Error('not a workflow');
  return wf;
}

/** A workflow on `on` whose one job (its `if:` when given) has one step under `condition`. */
const stepUnder = (on: string, condition: string, jobIf?: string) =>
  workflow(
    `${on ? `on: ${on}\n` : ''}jobs:\n  a:\n    runs-on: ubuntu-latest\n${jobIf ? `    if: ${JSON.stringify(jobIf)}\n` : ''}    steps:\n      - if: ${JSON.stringify(condition)}\n        run: make\n`,
  );

describe('neverRuns: a step whose if: needs an event the workflow is not triggered by', () => {
  it.each([
    ['== another event', '[workflow_dispatch]', "github.event_name == 'pull_request'"],
    ['inside ${{ }}', '[workflow_dispatch]', "${{ github.event_name == 'pull_request' }}"],
    ['contains of the name', '[workflow_dispatch]', "contains(github.event_name, 'pull_request')"],
    ['startsWith of the name', '[push, schedule]', "startsWith(github.event_name, 'pull_request')"],
    ['endsWith of the name', '[pull_request]', "endsWith(github.event_name, '_target')"],
    ['!= its only event', 'push', "github.event_name != 'push'"],
    ['! of ==', 'push', "!(github.event_name == 'push')"],
    ['! of contains', 'push', "!contains(github.event_name, 'push')"],
    [
      '|| of events none of which it has',
      '[push, workflow_dispatch]',
      "github.event_name == 'pull_request' || github.event_name == 'pull_request_target'",
    ],
    ['&& with a status function', 'push', "always() && github.event_name == 'pull_request'"],
    [
      '&& with a test not read',
      '[pull_request]',
      "(github.event_name == 'schedule' || github.event_name == 'workflow_dispatch') && github.ref == 'refs/heads/main'",
    ],
    [
      'contains of a literal list',
      'push',
      'contains(fromJSON(\'["pull_request", "pull_request_target"]\'), github.event_name)',
    ],
    [
      'contains of a literal string',
      'push',
      "contains('pull_request pull_request_target', github.event_name)",
    ],
    ['an index by name', 'push', "github['event_name'] == 'pull_request'"],
    ['the event name on the left', 'push', "'pull_request' == github.event_name"],
    [
      'a test of each event that fails on the other',
      '[push, pull_request]',
      "github.event_name == 'push' && github.event_name == 'pull_request'",
    ],
    ['!= its only event, in another case', 'push', "github.event_name != 'PUSH'"],
    ['|| with a literal false', 'push', "github.event_name == 'pull_request' || false"],
  ])('never runs: %s', (_name, on, condition) => {
    const wf = stepUnder(on, condition);
    expect(neverRuns(wf, wf.jobs[0]!, wf.jobs[0]!.steps[0]!)).toBe(true);
    expect(neverRuns(wf, wf.jobs[0]!)).toBe(false);
  });

  it.each([
    ['the event it tests is a trigger', '[pull_request, push]', "github.event_name == 'pull_request'"],
    ['the name in another case', 'push', "github.event_name == 'PUSH'"],
    ['contains that holds', 'pull_request_target', "contains(github.event_name, 'pull')"],
    ['startsWith that holds', 'pull_request_review', "startsWith(github.event_name, 'pull_request')"],
    ['!= that holds on another trigger', '[push, schedule]', "github.event_name != 'push'"],
    [
      '|| with a test not read',
      'push',
      "github.event_name == 'pull_request' || github.ref == 'refs/heads/main'",
    ],
    [
      '! of && with a test not read',
      'pull_request',
      "!(github.event_name == 'pull_request' && github.actor == 'x')",
    ],
    [
      'a tautology over two events',
      '[push, pull_request]',
      "github.event_name != 'pull_request' || github.event_name != 'push'",
    ],
    ['a name with a space, compared as written', 'push', "github.event_name != ' push'"],
    [
      "a reusable workflow, run on its caller's event",
      '[workflow_call]',
      "github.event_name == 'pull_request'",
    ],
    [
      'a reusable workflow also dispatched',
      '[workflow_call, workflow_dispatch]',
      "github.event_name == 'pull_request'",
    ],
    ['no triggers read', '', "github.event_name == 'pull_request'"],
    [
      'text around ${{ }}, always true',
      '[workflow_dispatch]',
      "x ${{ github.event_name == 'pull_request' }}",
    ],
    [
      'two expressions joined as text',
      '[workflow_dispatch]',
      "${{ github.event_name == 'x' }} && ${{ github.event_name == 'y' }}",
    ],
    ['a context another event leaves unset, not read', 'push', "github.base_ref == 'main'"],
    ['a list that is not literal', 'push', 'contains(fromJSON(inputs.events), github.event_name)'],
    [
      'a list that is not only strings',
      'pull_request',
      'contains(fromJSON(\'["push", 1]\'), github.event_name)',
    ],
    ['a comparison with a value not written out', 'push', 'github.event_name == env.EVENT'],
    ['an ordering', 'push', "github.event_name < 'x'"],
    ['the bare name', '[workflow_dispatch]', 'github.event_name'],
    [
      'a line break after ${{ }}, always true',
      '[workflow_dispatch]',
      "${{ github.event_name == 'pull_request' }}\n",
    ],
  ])('may run: %s', (_name, on, condition) => {
    const wf = stepUnder(on, condition);
    expect(neverRuns(wf, wf.jobs[0]!, wf.jobs[0]!.steps[0]!)).toBe(false);
  });

  it.each([
    ["the job's if: rules out every trigger", 'push', 'true', "github.event_name == 'release'", true],
    [
      "the job's rules out one trigger, the step's the other",
      '[push, pull_request]',
      "github.event_name != 'pull_request'",
      "github.event_name != 'push'",
      true,
    ],
    [
      'neither rules out the schedule',
      '[push, schedule]',
      "github.event_name != 'pull_request'",
      "github.event_name != 'push'",
      false,
    ],
  ])("joins the job's if: and the step's: %s", (_name, on, stepIf, jobIf, never) => {
    const wf = stepUnder(on, stepIf, jobIf);
    expect(neverRuns(wf, wf.jobs[0]!, wf.jobs[0]!.steps[0]!)).toBe(never);
  });

  // GitHub evaluates `if:` as an expression, `${{ }}` around it or not, and coerces the value:
  // false, 0, -0, '', null fail, anything else holds (the string 'false' too). `if` is written raw here.
  it.each([
    ['a YAML false', 'push', 'false', true],
    ['a YAML 0', 'push', '0', true],
    ['false in quotes: the expression false', 'push', '"false"', true],
    ['${{ false }}', 'push', '${{ false }}', true],
    ['${{ 0 }}', 'push', '"${{ 0 }}"', true],
    ['null', 'push', '"null"', true],
    ['the empty string', 'push', `"''"`, true],
    ['false && anything', 'push', "false && github.ref == 'refs/heads/main'", true],
    ['! of true', 'push', '${{ !true }}', true],
    ['! of always()', 'push', '${{ !always() }}', true],
    ['a status function && false', 'push', 'failure() && false', true],
    ['false in a reusable workflow', '[workflow_call]', 'false', true],
    ['false with no triggers read', '', 'false', true],
    ['the string false', 'push', `"'false'"`, false],
    ['the string false in ${{ }}', 'push', "${{ 'false' }}", false],
    ["the string '0'", 'push', `"'0'"`, false],
    ['a YAML true', 'push', 'true', false],
    ['a YAML 1', 'push', '1', false],
    ['a YAML null: no condition', 'push', '~', false],
    ['false || a test not read', 'push', "false || github.ref == 'refs/heads/main'", false],
    ['! of false', 'push', '${{ !false }}', false],
    ['! of cancelled()', 'push', '${{ !cancelled() }}', false],
    ['text around ${{ false }}', 'push', '"x ${{ false }}"', false],
    ['a space after ${{ false }}', 'push', '"${{ false }} "', false],
    ['the line break of a block after ${{ false }}', 'push', '"${{ false }}\\n"', false],
  ])('a literal condition: %s', (_name, on, condition, never) => {
    const wf = workflow(
      `${on ? `on: ${on}\n` : ''}jobs:\n  a:\n    runs-on: x\n    steps:\n      - if: ${condition}\n        run: make\n`,
    );
    expect(neverRuns(wf, wf.jobs[0]!, wf.jobs[0]!.steps[0]!)).toBe(never);
    // The same condition on the job.
    const job = workflow(
      `${on ? `on: ${on}\n` : ''}jobs:\n  a:\n    runs-on: x\n    if: ${condition}\n    steps: [{ run: make }]\n`,
    );
    expect(neverRuns(job, job.jobs[0]!)).toBe(never);
  });

  // A job that needs a skipped job is skipped, and so is every job after it in the chain of needs:,
  // unless its if: lets it run past the skip (always(), failure(), cancelled(), success() not required).
  it.each([
    ['the first job never runs', 'push', 'false', '', [true, true]],
    [
      'a job it needs never runs on that event',
      '[push, pull_request]',
      "github.event_name == 'pull_request'",
      "github.event_name == 'push'",
      [true, true],
    ],
    ['success() required', 'push', 'false', "success() && github.ref == 'refs/heads/main'", [true, true]],
    ['the need named in another case', 'push', 'false', '', [true, true], 'A'],
    ['always()', 'push', 'false', 'always()', [false, false]],
    ['!cancelled()', 'push', 'false', '${{ !cancelled() }}', [false, false]],
    ['failure()', 'push', 'false', 'failure()', [false, false]],
    [
      'success() || another test',
      'push',
      'false',
      "success() || github.ref == 'refs/heads/main'",
      [false, false],
    ],
    [
      'a job it needs runs on the other event',
      '[push, pull_request]',
      "github.event_name == 'pull_request'",
      '',
      [false, false],
    ],
    ['a job it needs may run', 'push', "github.ref == 'refs/heads/main'", '', [false, false]],
    ['a reusable workflow, the first job false', '[workflow_call]', 'false', '', [true, true]],
  ])('the jobs after a skipped one: %s', (_name, on, aIf, bIf, never, need = 'a') => {
    const wf = workflow(`on: ${on}
jobs:
  a:
    runs-on: x
    if: ${aIf}
    steps: [{ run: a }]
  b:
    needs: ${need}
    runs-on: x
${bIf ? `    if: ${bIf}\n` : ''}    steps: [{ run: b }]
  c:
    needs: [b]
    runs-on: x
    steps: [{ run: c }]
`);
    const [, b, c] = wf.jobs;
    expect([neverRuns(wf, b!), neverRuns(wf, c!)]).toEqual(never);
    expect(neverRuns(wf, c!, c!.steps[0]!)).toBe(never[1]);
  });

  it('reads a cycle of needs: as running', () => {
    const wf = workflow(
      'on: push\njobs:\n  a:\n    needs: b\n    runs-on: x\n    steps: [{ run: a }]\n  b:\n    needs: a\n    runs-on: x\n    steps: [{ run: b }]\n',
    );
    expect(wf.jobs.map((j) => neverRuns(wf, j))).toEqual([false, false]);
  });

  it('leaves out of the walk the jobs and steps that never run, unless every step is asked for', () => {
    const wf = workflow(`on: workflow_dispatch
jobs:
  pr:
    if: github.event_name == 'pull_request'
    runs-on: x
    steps: [{ run: a }]
  main:
    runs-on: x
    steps:
      - if: contains(github.event_name, 'pull_request')
        run: b
      - run: "c \${{ github.sha }}"
`);
    const seen = (everyStep: boolean) => {
      const out: string[] = [];
      walkWorkflows([wf], {
        ...(everyStep ? { everyStep } : {}),
        job: (job) => out.push(job.id),
        step: (step, _s, job) => out.push(`${job?.id}/${String(step.run?.value)}`),
      });
      return out;
    };
    expect(seen(false)).toEqual(['main', 'main/c ${{ github.sha }}']);
    expect(seen(true)).toEqual(['pr', 'pr/a', 'main', 'main/b', 'main/c ${{ github.sha }}']);
  });

  // The events the dataflow and template-injection rules judge a step on read the same tests of the
  // event's name (and contexts an event leaves unset, which they read besides).
  it.each([
    ["contains(github.event_name, 'pull_request')", '[push, pull_request_target]', ['pull_request_target']],
    ["startsWith(github.event_name, 'pull')", '[push, workflow_dispatch]', []],
    ['contains(fromJSON(\'["push"]\'), github.event_name)', '[push, schedule]', ['push']],
    ["github.base_ref == 'main'", '[push, pull_request]', ['pull_request']],
  ])('runEvents reads %s', (condition, on, events) => {
    const wf = stepUnder(on, condition);
    expect(runEvents(wf, wf.jobs[0]!, wf.jobs[0]!.steps[0]!)).toEqual(events);
  });
});
