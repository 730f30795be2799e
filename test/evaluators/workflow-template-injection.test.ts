// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions (${{ }}) are the subject of these tests.
import { afterAll, describe, expect, it } from 'vitest';
import { classifyContext } from '../../src/core/evaluators/workflow/contexts.js';
import { workflowTemplateInjection } from '../../src/core/evaluators/workflow/template-injection.js';
import { loadRules } from '../../src/core/rules/load.js';
import { at, evaluate, removeTrees } from '../parsers/tree.js';
import { cleanup, runBuiltin } from './kit.js';

afterAll(removeTrees);
afterAll(cleanup);

const W = '.github/workflows/w.yml';
type Sinks = { uses: string; inputs: string[] }[];
/** The code inputs the built-in rule lists (its `check.with.sinks`). */
const BUILTIN = (
  loadRules().find((r) => r.id === 'workflow-template-injection')!.check.with as { sinks: Sinks }
).sinks;
const run = (files: Record<string, string>, sinks: Sinks = BUILTIN) =>
  evaluate(workflowTemplateInjection, files, { sinks });
const job = (steps: string, extra = '') =>
  `on: pull_request_target\njobs:\n  j:\n    runs-on: ubuntu-latest\n${extra}    steps:\n${steps}`;

/** {@link job} on other events: a context is a source on the events whose payload sets it. */
const onEvent =
  (on: string) =>
  (steps: string, extra = '') =>
    job(steps, extra).replace('on: pull_request_target', `on: ${on}`);

describe('workflow.template-injection', () => {
  it('reports the reference at its exact line and column, graded by capability', async () => {
    const findings = await run({
      [W]: job(`      - run: |
          echo ok
          echo "\${{ github.event.pull_request.title }}" "\${{ github.event.pusher.email }}"
`),
    });
    expect(findings.map((f) => [at(f), f.severity, f.location?.endColumn])).toEqual([
      [`${W}:8:21`, 'high', 51],
      [`${W}:8:62`, 'medium', 86],
    ]);
    expect(findings[0]!.message).toContain('"github.event.pull_request.title" in run:');
    expect(findings[0]!.key).toBe('j/run/run:/github.event.pull_request.title');
  });

  it('does not report conditions, safe contexts, literal ternaries or arrays without toJSON', async () => {
    const findings = await run({
      [W]: job(`      - if: \${{ contains(github.event.pull_request.title, 'x') }}
        run: |
          echo \${{ github.event.pull_request.number }} \${{ github.event.pull_request.head.sha }}
          echo \${{ github.event.pull_request.title == 'a' && 'yes' || 'no' }}
          echo \${{ github.event.pull_request.labels.*.name }} \${{ toJSON(github.event.pull_request.head.sha) }}
          echo \${{ secrets.TOKEN }} \${{ vars.NAME }} \${{ github.actor }} \${{ runner.os }}
`),
    });
    expect(findings).toEqual([]);
  });

  describe("follows a composite action's env to the steps of this repository that run it", () => {
    const A = '.github/actions/a/action.yml';
    /** A composite action expanding env.T at line 6 (`own` adds an `env:` to that step). */
    const action = (own = '') =>
      `name: a\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo "\${{ env.T }}"\n${own}`;
    /** An issues workflow whose job runs the action; `wf`, `job`, `step` are env blocks, `before` steps. */
    const caller = (o: { wf?: string; job?: string; step?: string; before?: string }) =>
      `on: issues\n${o.wf ?? ''}jobs:\n  j:\n    runs-on: ubuntu-latest\n${o.job ?? ''}    steps:\n${o.before ?? ''}      - uses: ./.github/actions/a\n${o.step ?? ''}`;
    it.each([
      [
        "the caller's job env",
        { [A]: action(), [W]: caller({ job: '    env:\n      T: ${{ github.event.issue.title }}\n' }) },
        [`${A}:6:22`],
        `github.event.issue.title via env.T (${W}:6)`,
      ],
      [
        "the calling step's env",
        {
          [A]: action(),
          [W]: caller({ step: '        env:\n          T: ${{ github.event.issue.body }}\n' }),
        },
        [`${A}:6:22`],
        `github.event.issue.body via env.T (${W}:8)`,
      ],
      [
        "the caller's workflow env",
        { [A]: action(), [W]: caller({ wf: 'env:\n  T: ${{ github.event.issue.title }}\n' }) },
        [`${A}:6:22`],
        `github.event.issue.title via env.T (${W}:3)`,
      ],
      [
        'an earlier step of the calling job writing $GITHUB_ENV',
        {
          [A]: action(),
          [W]: caller({ before: '      - run: echo "T=${{ github.event.issue.body }}" >> "$GITHUB_ENV"\n' }),
        },
        [`${W}:6:26`, `${A}:6:22`],
        `github.event.issue.body via env.T (${W}:6)`,
      ],
      [
        'a fixed value in the caller',
        { [A]: action(), [W]: caller({ job: '    env:\n      T: fixed\n' }) },
        [],
        '',
      ],
      [
        "the action step's own env, which shadows the caller's",
        {
          [A]: action('      env:\n        T: fixed\n'),
          [W]: caller({ job: '    env:\n      T: ${{ github.event.issue.title }}\n' }),
        },
        [],
        '',
      ],
    ])('%s', async (_, files, where, via) => {
      const findings = await run(files);
      expect(findings.map(at)).toEqual(where);
      if (via) expect(findings.at(-1)!.message).toContain(via);
    });
  });

  describe('follows what a github-script step sets as an output from the event payload', () => {
    /** A github-script step (id s) running `script`, then a run: expanding steps.s.outputs.<out> (line 12). */
    const scripted = (script: string, out: string) =>
      job(`      - id: s
        uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea
        with:
          script: |
${script
  .split('\n')
  .map((l) => `            ${l}`)
  .join('\n')}
      - run: echo "\${{ steps.s.outputs.${out} }}"
`);
    it.each([
      [
        'a title given to core.setOutput',
        "core.setOutput('t', context.payload.pull_request.title);",
        't',
        'context.payload.pull_request.title',
      ],
      [
        'a variable assigned a title',
        "const t = context.payload.pull_request.title\ncore.setOutput('t', t)",
        't',
        'context.payload.pull_request.title',
      ],
      [
        'a variable assigned a title, given with a literal fallback',
        "const t = context.payload.pull_request.title.replace('WIP', '').trim()\ncore.setOutput('t', t || '-')",
        't',
        'context.payload.pull_request.title',
      ],
      [
        'a variable assigned a title, given with a fallback of another value',
        "const t = context.payload.pull_request.title\ncore.setOutput('t', t || other)",
        't',
        undefined,
      ],
      [
        'a trimmed body',
        "core.setOutput('t', context.payload.pull_request.body.trim())",
        't',
        'context.payload.pull_request.body',
      ],
      [
        'a body returned as the result',
        'return context.payload.pull_request.body',
        'result',
        'context.payload.pull_request.body',
      ],
      ['a number', "core.setOutput('t', context.payload.pull_request.number)", 't', undefined],
      [
        'a fixed word chosen by size',
        "core.setOutput('t', context.payload.pull_request.additions > 9 ? 'L' : 'S')",
        't',
        undefined,
      ],
      [
        'a title returned by a nested function',
        'const f = () => {\n  return context.payload.pull_request.title\n}\nreturn 1',
        'result',
        undefined,
      ],
      [
        'another output than the one set',
        "core.setOutput('t', context.payload.pull_request.title)",
        'u',
        undefined,
      ],
    ])('%s', async (_, script, out, via) => {
      const workflow = scripted(script, out);
      const line = workflow.split('\n').findIndex((l) => l.includes('- run:')) + 1;
      const findings = await run({ [W]: workflow });
      expect(findings.map(at)).toEqual(via ? [`${W}:${line}:24`] : []);
      if (via) expect(findings[0]!.message).toContain(`(${via} in actions/github-script)`);
    });
  });

  describe('reports payload text a github-script passes to a shell, eval or new Function', () => {
    /** A github-script step whose script is `lines` (the first on line 11); then a harmless step. */
    const scripted = (...lines: string[]) =>
      onEvent('issue_comment')(`      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea
        env:
          BODY: \${{ github.event.comment.body }}
        with:
          script: |
${lines.map((l) => `            ${l}`).join('\n')}
      - run: echo done
`);
    const B = 'context.payload.comment.body';
    it.each([
      [
        'exec.exec of bash -c',
        [`await exec.exec('bash', ['-c', 'echo ' + ${B}]);`],
        ['11:54', 'bash -c (exec.exec)'],
      ],
      [
        'exec.getExecOutput of sh -c, through a variable',
        [`const b = ${B}.trim();`, "await exec.getExecOutput('sh', ['-c', `echo ${b}`]);"],
        ['12:59', 'sh -c (exec.exec)'],
      ],
      [
        'child_process.execSync, a field taken out of the payload',
        [
          "const cp = require('child_process');",
          'const { body } = context.payload.comment;',
          'cp.execSync(`echo "${body}"`);',
        ],
        ['13:34', 'a shell (child_process)'],
      ],
      [
        'execSync taken out of child_process, an object of the payload',
        [
          "const { execSync } = require('node:child_process');",
          'const issue = context.payload.issue;',
          'execSync(`echo ${issue.title} ${issue.number}`);',
        ],
        ['13:30', 'a shell (child_process)'],
      ],
      [
        'spawn with shell: true',
        [`require('child_process').spawnSync('echo ' + ${B}, { shell: true });`],
        ['11:58', 'a shell (child_process)'],
      ],
      ['eval', [`eval(${B});`], ['11:18', 'eval']],
      ['new Function', [`new Function(${B})();`], ['11:26', 'new Function']],
      [
        'an environment variable set to the body',
        ["require('child_process').execSync(`echo ${process.env.BODY}`);"],
        ['11:55', 'a shell (child_process)'],
      ],
      [
        'a command line built from the title in another variable',
        [
          'const t = context.payload.issue.title.trim();',
          'const cmd = `echo ${t}`;',
          "require('child_process').execSync(cmd);",
        ],
        ['13:47', 'a shell (child_process)'],
      ],
      [
        'an object destructured out of the payload, then its field',
        [
          "const { execSync } = require('child_process');",
          'const { comment } = context.payload;',
          "execSync('echo ' + comment.body);",
        ],
        ['13:32', 'a shell (child_process)'],
      ],
      [
        'a test of the title, not its text',
        [
          'const t = context.payload.issue.title;',
          "const bug = t.includes('bug');",
          "require('child_process').execSync(`echo ${bug}`);",
        ],
        undefined,
      ],
      // Data: no shell between the value and the program, a value that is not the payload's text, a
      // regular expression's exec, a name inside a string.
      [
        'exec.exec of git with an argument list',
        [`await exec.exec('git', ['commit', '-m', ${B}]);`],
        undefined,
      ],
      [
        'exec.exec of a command line (split, not run by a shell)',
        [`await exec.exec(\`echo \${${B}}\`);`],
        undefined,
      ],
      [
        'spawn without a shell',
        [`require('child_process').spawnSync('git', ['commit', '-m', ${B}]);`],
        undefined,
      ],
      [
        'a number',
        ["require('child_process').execSync(`gh issue view ${context.payload.issue.number}`);"],
        undefined,
      ],
      [
        'a regular expression',
        ["const cp = require('child_process');", `const m = /x/.exec(${B});`],
        undefined,
      ],
      [
        'the name inside a string',
        [
          'const body = context.payload.comment.body;',
          "require('child_process').execSync('gh pr comment 1 --body-file body.md');",
        ],
        undefined,
      ],
    ])('%s', async (_, lines, expected) => {
      const findings = await run({ [W]: scripted(...lines) });
      expect(findings.map((f) => `${f.location?.startLine}:${f.location?.startColumn}`)).toEqual(
        expected ? [expected[0]] : [],
      );
      if (expected) {
        expect(findings[0]!.severity).toBe('high');
        expect(findings[0]!.message).toContain(`is passed to ${expected[1]}, which parses it as code`);
      }
    });
  });

  describe('follows what a github-script step exports to the environment from the event payload', () => {
    /** A github-script step running `script`, then a run: expanding `expr` (line 11). */
    const exported = (script: string, expr: string) =>
      job(`      - id: s
        uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea
        with:
          script: |
            ${script}
      - run: echo "\${{ ${expr} }}"
`);
    it.each([
      [
        'a body exported',
        "core.exportVariable('BODY', context.payload.pull_request.body);",
        'env.BODY',
        true,
      ],
      [
        'a variable assigned a title, exported',
        "const t = context.payload.pull_request.title; core.exportVariable('T', t)",
        'env.T',
        true,
      ],
      ['a number exported', "core.exportVariable('N', context.payload.pull_request.number)", 'env.N', false],
      [
        'another variable read',
        "core.exportVariable('BODY', context.payload.pull_request.body)",
        'env.B',
        false,
      ],
      // Only `${{ }}` splices the value into code: the shell's `$BODY` is a variable's value.
      [
        'an output of the same name',
        "core.exportVariable('t', context.payload.pull_request.body)",
        'steps.s.outputs.t',
        false,
      ],
    ])('%s', async (_, script, expr, found) => {
      const findings = await run({ [W]: exported(script, expr) });
      expect(findings.map(at)).toEqual(found ? [`${W}:11:24`] : []);
      if (found)
        expect(findings[0]!.message).toContain(
          'core.exportVariable in step "s" (actions/github-script): context.payload.pull_request.',
        );
    });
  });

  it("follows a reusable workflow's output to what its jobs set", async () => {
    const R = '.github/workflows/r.yml';
    const reusable = (value: string) =>
      `on:\n  workflow_call:\n    outputs:\n      b:\n        value: \${{ jobs.read.outputs.b }}\njobs:\n  read:\n    runs-on: x\n    outputs:\n      b: ${value}\n    steps:\n      - run: echo\n`;
    const caller = `on: pull_request_target\njobs:\n  m:\n    uses: ./.github/workflows/r.yml\n  use:\n    needs: m\n    runs-on: x\n    steps:\n      - run: echo "\${{ needs.m.outputs.b }}"\n`;
    const tainted = await run({ [R]: reusable('${{ github.head_ref }}'), [W]: caller });
    expect(tainted.map(at)).toEqual([`${W}:9:24`]);
    expect(tainted[0]!.message).toContain(`github.head_ref via needs.m.outputs.b (${R}:5)`);
    expect(await run({ [R]: reusable('${{ github.sha }}'), [W]: caller })).toEqual([]);
  });

  describe("follows a file of the triggering run's artifact read into a step output", () => {
    /** A job on `on` that downloads an artifact (unless `download` is empty) and writes `read` as an output. */
    const artifactJob = (
      on: string,
      read: string,
      download = '      - uses: actions/download-artifact@v4\n        with: { name: pr }\n',
    ) =>
      `on: ${on}\njobs:\n  j:\n    runs-on: x\n    steps:\n${download}      - id: pr\n        run: echo "number=${read}" >> "$GITHUB_OUTPUT"\n      - run: gh pr comment "\${{ steps.pr.outputs.number }}" --body ok\n`;
    it.each([
      ['workflow_run, read with cat', artifactJob('workflow_run', '$(cat pr-number.txt)'), [`${W}:10:33`]],
      [
        'pull_request_target, read with jq',
        artifactJob('pull_request_target', '$(jq -r .number pr.json)'),
        [`${W}:10:33`],
      ],
      ['workflow_run, no artifact downloaded', artifactJob('workflow_run', '$(cat VERSION)', ''), []],
      ["push: the artifact is this run's own", artifactJob('push', '$(cat pr-number.txt)'), []],
      ['workflow_run, a value not read from a file', artifactJob('workflow_run', '$GITHUB_RUN_ID'), []],
      [
        'workflow_run, a file of the folder the artifact is put in',
        artifactJob(
          'workflow_run',
          '$(cat results/pr-number)',
          '      - uses: actions/download-artifact@v4\n        with: { name: pr, path: results/ }\n',
        ),
        [`${W}:10:33`],
      ],
      [
        "workflow_run, a repository file beside the artifact's folder",
        artifactJob(
          'workflow_run',
          '$(jq -r .version package.json)',
          '      - uses: actions/download-artifact@v4\n        with: { name: pr, path: results/ }\n',
        ),
        [],
      ],
    ])('%s', async (_, workflow, where) => {
      const findings = await run({ [W]: workflow });
      expect(findings.map(at)).toEqual(where);
      if (where.length > 0)
        expect(findings[0]!.message).toContain('a file of an artifact from the triggering run');
    });
  });

  it('follows values through env levels, with shadowing, and through $GITHUB_ENV', async () => {
    const findings = await run({
      [W]: `on: issues
env:
  T: \${{ github.event.issue.title }}
  SAFE: \${{ github.event.issue.title }}
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - run: echo "B=\${{ github.event.issue.body }}" >> $GITHUB_ENV
      - run: echo \${{ env.T }} \${{ env.SAFE }} \${{ env.B }}
        env:
          SAFE: fixed
`,
    });
    expect(findings.map(at)).toEqual([`${W}:9:26`, `${W}:10:23`, `${W}:10:52`]);
    expect(findings[0]!.message).toContain('The line writes it to $GITHUB_ENV');
    expect(findings[1]!.message).not.toContain('$GITHUB_ENV');
    expect(findings[1]!.message).toContain('github.event.issue.title via env.T (line 3)');
    expect(findings[2]!.message).toContain('github.event.issue.body via env.B (line 9)');
  });

  it('follows step outputs written by scripts, including through shell variables and heredocs', async () => {
    const findings = await run({
      [W]: onEvent('issue_comment')(`      - id: a
        env:
          BODY: \${{ github.event.comment.body }}
        run: |
          text="$BODY"
          echo "quoted=$text" >> "$GITHUB_OUTPUT"
          echo "notes<<EOF" >> "$GITHUB_OUTPUT"
          echo "\${{ github.event.issue.title }}" >> "$GITHUB_OUTPUT"
          echo "EOF" >> "$GITHUB_OUTPUT"
          echo "n=\${{ github.event.issue.number }}" >> "$GITHUB_OUTPUT"
      - run: echo \${{ steps.a.outputs.quoted }} \${{ steps.a.outputs.notes }} \${{ steps.a.outputs.n }}
`),
    });
    // The heredoc line itself is also an injection into the writing script.
    expect(findings.map(at)).toEqual([`${W}:13:21`, `${W}:16:23`, `${W}:16:53`]);
    expect(findings[1]!.message).toContain('github.event.comment.body via steps.a.outputs.quoted');
  });

  it('follows outputs written inside a { ... } >> "$GITHUB_OUTPUT" group, several per line', async () => {
    const findings = await run({
      [W]: job(`      - id: g
        env:
          HEAD: \${{ github.head_ref }}
        run: |
          {
            echo "a=$HEAD"; echo "b=fixed"
          } >> "$GITHUB_OUTPUT"
      - run: echo \${{ steps.g.outputs.a }} \${{ steps.g.outputs.b }}
`),
    });
    expect(findings.map(at)).toEqual([`${W}:13:23`]);
  });

  it('treats free-text inputs as sources and follows them to local callers too', async () => {
    const findings = await run({
      [W]: `on: pull_request_target
jobs:
  call:
    uses: ./.github/workflows/r.yml
    with: { t: "\${{ github.head_ref }}", n: "\${{ github.event.number }}" }
  use:
    runs-on: ubuntu-latest
    steps:
      - uses: ./actions/a/
        with:
          msg: \${{ github.event.pull_request.body }}
`,
      '.github/workflows/r.yml':
        'on:\n  workflow_call:\n    inputs:\n      t: { type: string }\n      n: { type: string }\n      b: { type: boolean }\njobs:\n  r:\n    runs-on: x\n    steps:\n      - run: echo ${{ inputs.t }} ${{ inputs.n }} ${{ inputs.b }}\n',
      'actions/a/action.yml':
        'name: a\ninputs:\n  msg: {}\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo "${{ inputs.msg }}"\n',
    });
    // t: a caller passes the head branch; n: a string input, chosen by any caller; b: a boolean.
    expect(findings.map(at)).toEqual([
      '.github/workflows/r.yml:11:23',
      '.github/workflows/r.yml:11:39',
      'actions/a/action.yml:8:22',
    ]);
    expect(findings[0]!.message).toContain(`github.head_ref via inputs.t (${W}:5)`);
    expect(findings[1]!.message).toContain('inputs.n (free text passed by any workflow that calls this one)');
    expect(findings.map((f) => f.severity)).toEqual(['high', 'high', 'high']);
    // A caller here passes pull request text: sure. The one caller passes a number for n: only a
    // caller elsewhere could pass text (low, out of the regular view).
    expect(findings.map((f) => f.confidence)).toEqual([undefined, 'low', undefined]);
    expect(findings[1]!.message).toContain(
      `Every job or step of this repository that calls it, followed through chains of calls (${W}:4), passes a fixed or trusted value; the risk is a caller elsewhere passing untrusted text, which runs it in its own context, with its own token and secrets.`,
    );
  });

  describe('grades an input of a reusable workflow by what the callers in this repository pass', () => {
    const R = '.github/workflows/r.yml';
    const M = '.github/workflows/m.yml';
    /** A reusable workflow whose input t is expanded at line 9; `more` adds jobs, `on` other triggers. */
    const reusable = (more = '', on = '') =>
      `on:\n  workflow_call:\n    inputs:\n      t: { type: string }\n${on}jobs:\n  r:\n    runs-on: x\n    steps:\n      - run: echo \${{ inputs.t }}\n${more}`;
    /** A job of another workflow that calls `file` (its `uses:` at line 4), passing `value` as `input`. */
    const caller = (on: string, value: string, file = R, input = 't', extra = '') =>
      `on: ${on}\njobs:\n  c:\n    uses: ./${file}\n    with: { ${input}: "${value}" }\n${extra}`;
    /** A reusable workflow that passes its own input u on to r.yml (its `uses:` at line 7). */
    const middle =
      'on:\n  workflow_call:\n    inputs:\n      u: { type: string }\njobs:\n  m:\n    uses: ./.github/workflows/r.yml\n    with: { t: "${{ inputs.u }}" }\n';
    const dispatched = 'workflow_dispatch:\n    inputs:\n      v: { type: string }';
    const A = 'actions/a/action.yml';
    const action =
      'name: a\ninputs:\n  msg: {}\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo "${{ inputs.msg }}"\n';
    it.each([
      [
        'a caller passes what a manual run types: as a manual run',
        { [R]: reusable(), [W]: caller(`\n  ${dispatched}`, '${{ inputs.v }}') },
        [`${R}:9:23`, 'high', 'low'],
        [
          `inputs.v (free text typed by whoever runs the workflow) via inputs.t (${W}:8)`,
          `calls it, followed through chains of calls (${W}:7), passes a fixed or trusted value, or text typed into a manual run`,
        ],
      ],
      [
        'a caller passes a static matrix value: low, the caller named',
        {
          [R]: reusable(),
          [W]: caller('push', '${{ matrix.v }}', R, 't', '    strategy: { matrix: { v: [a, b] } }\n'),
        },
        [`${R}:9:23`, 'high', 'low'],
        [`calls it, followed through chains of calls (${W}:4), passes a fixed or trusted value;`],
      ],
      [
        "a caller passes the pull request's title: sure, the caller named",
        { [R]: reusable(), [W]: caller('pull_request_target', '${{ github.event.pull_request.title }}') },
        [`${R}:9:23`, 'high', undefined],
        [`github.event.pull_request.title via inputs.t (${W}:5)`],
      ],
      [
        'a chain of two reusable workflows ending in a fixed value: low, every caller named',
        { [R]: reusable(), [M]: middle, [W]: caller('push', 'fixed', M, 'u') },
        [`${R}:9:23`, 'high', 'low'],
        [
          `inputs.u (free text passed by any workflow that calls this one) via inputs.t (${M}:8)`,
          `(${M}:7, ${W}:4)`,
        ],
      ],
      [
        "a chain of two reusable workflows ending in the pull request's title: sure",
        {
          [R]: reusable(),
          [M]: middle,
          [W]: caller('pull_request_target', '${{ github.event.pull_request.title }}', M, 'u'),
        },
        [`${R}:9:23`, 'high', undefined],
        [`github.event.pull_request.title via inputs.t (${M}:8) <- inputs.u (${W}:5)`],
      ],
      [
        'a chain that nothing here starts (a caller that is itself only called from elsewhere): as no caller',
        { [R]: reusable(), [M]: middle },
        [`${R}:9:23`, 'high', 'medium'],
        [],
      ],
      [
        'a cycle of workflows that only call each other: nothing here runs them, as no caller',
        {
          [R]: reusable('  back:\n    uses: ./.github/workflows/m.yml\n    with: { u: "${{ inputs.t }}" }\n'),
          [M]: middle,
        },
        [`${R}:9:23`, 'high', 'medium'],
        [],
      ],
      [
        'a cycle that a workflow here starts with a fixed value: low',
        {
          [R]: reusable('  back:\n    uses: ./.github/workflows/m.yml\n    with: { u: "${{ inputs.t }}" }\n'),
          [M]: middle,
          [W]: caller('push', 'fixed', M, 'u'),
        },
        [`${R}:9:23`, 'high', 'low'],
        [`${M}:7`, `${W}:4`],
      ],
      [
        'a local action whose only caller, run by hand or called from elsewhere, passes its own input',
        {
          [A]: action,
          [R]: reusable('', `  ${dispatched.replace('v:', 't:')}\n`).replace(
            'run: echo ${{ inputs.t }}',
            'uses: ./actions/a\n        with: { msg: "${{ inputs.t }}" }',
          ),
        },
        [`${A}:8:22`, 'high', 'low'],
        [
          `inputs.t (free text typed by whoever runs the workflow, or passed by any workflow that calls it) via inputs.msg (${R}:13)`,
          `(${R}:12), passes a fixed or trusted value, or text typed into a manual run`,
        ],
      ],
      [
        'a local action used only by a reusable workflow that nothing here runs: as no caller',
        {
          [A]: action,
          [R]: reusable().replace(
            'run: echo ${{ inputs.t }}',
            'uses: ./actions/a\n        with: { msg: fixed }',
          ),
        },
        [`${A}:8:22`, 'high', 'medium'],
        ['inputs.msg (free text passed by any workflow that uses this action).'],
      ],
      [
        'no caller in this repository: as before, any caller elsewhere chooses the text',
        { [R]: reusable() },
        [`${R}:9:23`, 'high', 'medium'],
        ['inputs.t (free text passed by any workflow that calls this one).'],
      ],
      [
        'no caller, but also run by hand with the input: as a manual run',
        { [R]: reusable('', `  ${dispatched.replace('v:', 't:')}\n`) },
        [`${R}:12:23`, 'high', 'low'],
        [
          'inputs.t (free text typed by whoever runs the workflow, or passed by any workflow that calls it)',
          'No job or step of this repository calls it, and here it runs only by hand (workflow_dispatch)',
        ],
      ],
    ])('%s', async (_what, files, expected, messages) => {
      const findings = await run(files as Record<string, string>);
      expect(findings.map((f) => [at(f), f.severity, f.confidence])).toEqual([expected]);
      for (const m of messages) expect(findings[0]!.message).toContain(m);
      if (expected[2] !== 'low')
        expect(findings[0]!.message).not.toContain('Every job or step of this repository');
    });

    it('keeps the sources of the other triggers of a reusable workflow (each reference its own finding)', async () => {
      const findings = await run({
        [R]: reusable('', '  issues:\n').replace('inputs.t }}', 'inputs.t || github.event.issue.title }}'),
        [W]: caller('push', 'fixed'),
      });
      expect(findings.map((f) => [at(f), f.severity, f.confidence])).toEqual([
        [`${R}:10:23`, 'high', 'low'],
        [`${R}:10:35`, 'high', undefined],
      ]);
    });
  });

  it('keeps an input no caller here passes at medium confidence, and one a caller fills with pull request text sure', async () => {
    const reusable =
      'on:\n  workflow_call:\n    inputs:\n      t: { type: string }\njobs:\n  r:\n    runs-on: x\n    steps:\n      - run: echo ${{ inputs.t }}\n';
    // No caller in the repository: any caller elsewhere chooses the text.
    const alone = await run({ '.github/workflows/r.yml': reusable });
    expect(alone.map((f) => [at(f), f.confidence])).toEqual([['.github/workflows/r.yml:9:23', 'medium']]);
    expect(alone[0]!.message).not.toContain('Every job or step of this repository');
    // Two callers, one passing a constant, one the pull request's title: the title is what is reported.
    const called = await run({
      '.github/workflows/r.yml': reusable,
      [W]: `on: pull_request_target
jobs:
  a:
    uses: ./.github/workflows/r.yml
    with: { t: fixed }
  b:
    uses: $/.github/workflows/r.yml
    with: { t: "\${{ github.event.pull_request.title }}" }
`,
    });
    expect(called.map((f) => [at(f), f.severity, f.confidence])).toEqual([
      ['.github/workflows/r.yml:9:23', 'high', undefined],
    ]);
    expect(called[0]!.message).toContain('github.event.pull_request.title via inputs.t');
  });

  // Every way an input reaches code is graded alike by who passes it: a reusable workflow that the
  // callers here give only fixed values (a static matrix) is a risk to callers elsewhere (low, with
  // the callers named); with no caller here, medium.
  it.each([
    [
      'a variable a shell expands into perl -e',
      `      - run: perl -pi -e "s/x/$V/" f\n        env: { V: "\${{ inputs.t }}" }\n`,
    ],
    [
      'a value a github-script gives to a shell',
      "      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea\n        env: { V: \"${{ inputs.t }}\" }\n        with:\n          script: await exec.exec('bash', ['-c', 'echo ' + process.env.V]);\n",
    ],
  ])('grades %s by the callers of its reusable workflow', async (_name, step) => {
    const reusable = `on:\n  workflow_call:\n    inputs:\n      t: { type: string }\njobs:\n  r:\n    runs-on: x\n    steps:\n${step}`;
    const caller = `on: push\njobs:\n  b:\n    strategy: { matrix: { v: ["3.12", "3.13"] } }\n    uses: ./.github/workflows/r.yml\n    with: { t: "\${{ matrix.v }}" }\n`;
    const alone = await run({ '.github/workflows/r.yml': reusable });
    expect(alone.map((f) => [f.severity, f.confidence])).toEqual([['high', 'medium']]);
    const called = await run({ '.github/workflows/r.yml': reusable, [W]: caller });
    expect(called.map((f) => [f.severity, f.confidence])).toEqual([['high', 'low']]);
    expect(called[0]!.message).toContain(
      `Every job or step of this repository that calls it, followed through chains of calls (${W}:5), passes a fixed or trusted value`,
    );
  });

  // A caller here that passes text only its pull_request runs carry (github.head_ref in a workflow on
  // pull_request and schedule): the called workflow runs in the caller's run, a fork's read-only one.
  const callerNote = 'The value is set only on the pull_request runs of the workflow that passes it';
  it.each([
    ['[pull_request, schedule]', 'github.head_ref', 'low'],
    ['[pull_request, push]', 'github.event.pull_request.title', 'low'],
    ['[pull_request, pull_request_target]', 'github.head_ref', 'high'],
    ['[pull_request, issue_comment]', 'github.event.comment.body', 'high'],
  ])('grades a called workflow by what its caller on %s passes from %s', async (on, context, severity) => {
    const reusable =
      'on:\n  workflow_call:\n    inputs:\n      t: { type: string }\njobs:\n  r:\n    runs-on: x\n    steps:\n      - run: echo ${{ inputs.t }}\n';
    const findings = await run({
      '.github/workflows/r.yml': reusable,
      [W]: `on: ${on}\nenv:\n  T: "x/\${{ ${context} }}"\njobs:\n  b:\n    uses: ./.github/workflows/r.yml\n    with: { t: "\${{ env.T }}" }\n`,
    });
    expect(findings.map((f) => [at(f), f.severity])).toEqual([['.github/workflows/r.yml:9:23', severity]]);
    expect(findings[0]!.message.includes(callerNote)).toBe(severity === 'low');
  });

  it('grades manual-workflow inputs by their declared type', async () => {
    const findings = await run({
      [W]: `on:
  workflow_dispatch:
    inputs:
      version: { required: true }
      notes: { type: string }
      level: { type: choice, options: [a, b] }
      force: { type: boolean }
      count: { type: number }
      env: { type: environment }
jobs:
  r:
    runs-on: x
    steps:
      - run: echo \${{ inputs.version }} \${{ github.event.inputs.notes }} \${{ inputs.level }} \${{ inputs.force }} \${{ inputs.count }} \${{ inputs.env }} \${{ inputs.undeclared }}
`,
    });
    expect(findings.map(at)).toEqual([`${W}:14:23`, `${W}:14:45`]);
    expect(findings[0]!.message).toContain('inputs.version (free text typed by whoever runs the workflow)');
    // Only someone with write access types them: out of the regular view.
    expect(findings.map((f) => f.confidence)).toEqual(['low', 'low']);
  });

  it('treats shell: values as code and words the fix for the script’s shell', async () => {
    const findings = await run({
      [W]: `on: issues
defaults:
  run:
    shell: \${{ github.event.issue.title }}
jobs:
  j:
    runs-on: x
    defaults:
      run:
        shell: pwsh
    steps:
      - run: Write-Output "\${{ github.event.issue.title }}"
      - shell: python
        run: print("\${{ github.event.issue.body }}")
      - shell: \${{ github.event.issue.body }} {0}
        run: echo hi
`,
    });
    expect(findings.map(at)).toEqual([`${W}:4:16`, `${W}:12:32`, `${W}:14:25`, `${W}:15:20`]);
    expect(findings.map((f) => f.message.replace(/^.*\. /, ''))).toEqual([
      'Choose the shell from a fixed list (a matrix or a condition), never from an input or event text.',
      "Bind the expression to a variable in the step's env: and read the variable as $env:NAME.",
      'Bind the expression to a variable in the step\'s env: and read the variable as os.environ["NAME"].',
      'Choose the shell from a fixed list (a matrix or a condition), never from an input or event text.',
    ]);
  });

  it('reports an expansion through a YAML alias where it is used, saying where it is written', async () => {
    const findings = await run({
      [W]: `on: issues
jobs:
  a:
    runs-on: x
    steps: &s
      - run: echo "\${{ github.event.issue.title }}"
  b:
    runs-on: x
    steps: *s
`,
    });
    expect(findings.map(at)).toEqual([`${W}:6:24`, `${W}:9:12`]);
    expect(findings[1]!.message).toContain('(written at line 6 and expanded here through a YAML alias)');
    expect(findings[0]!.key).not.toBe(findings[1]!.key);
  });

  it('is least sure in jobs only insiders can start (their condition, or that of a job they need)', async () => {
    const findings = await run({
      [W]: `on: pull_request
jobs:
  meta:
    if: github.event.pull_request.user.login == 'dependabot[bot]'
    runs-on: x
    steps: [{run: echo ok}]
  bump:
    needs: meta
    runs-on: x
    steps:
      - run: git push origin "HEAD:\${{ github.head_ref }}"
  open:
    runs-on: x
    steps:
      - run: echo "\${{ github.head_ref }}"
`,
    });
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([
      [`${W}:11:40`, 'low'],
      [`${W}:15:24`, undefined],
    ]);
    expect(findings[0]!.message).toContain('so only they could exploit it');
  });

  // A repository_dispatch event is sent with a token that can write to the repository: its payload
  // is an insider's text, like a manual run's input, unless a workflow here relays outsiders' events
  // into such dispatches.
  describe('the payload of a repository_dispatch event', () => {
    const dispatched = `on:
  repository_dispatch:
    types: [create-pr]
jobs:
  a:
    runs-on: x
    env:
      BASE: \${{ github.event.client_payload.base }}
    steps:
      - run: git checkout \${{ github.event.client_payload.branch }} "\${{ env.BASE }}"
`;
    const relay = (on: string) => `on: ${on}
jobs:
  dispatch:
    runs-on: x
    steps:
      - uses: peter-evans/slash-command-dispatch@v4
        with: { token: "\${{ secrets.PAT }}", commands: ok-to-test }
`;
    const SENT =
      'the payload of a repository_dispatch event, chosen by whoever sends it with a token that can write to this repository';
    it.each([
      ['no workflow here sends one', {}, 'low', SENT],
      [
        'a workflow here sends one on pushes only',
        { '.github/workflows/relay.yml': relay('push') },
        'low',
        SENT,
      ],
      [
        "a workflow here sends one from outsiders' comments",
        { '.github/workflows/relay.yml': relay('issue_comment') },
        'high',
        'the payload of a repository_dispatch event, which .github/workflows/relay.yml sends from events outsiders cause',
      ],
      [
        "a script here calls the dispatches API on outsiders' issues",
        {
          '.github/workflows/relay.yml':
            'on: issues\njobs:\n  d:\n    runs-on: x\n    steps:\n      - run: gh api repos/o/r/dispatches -f event_type=x\n',
        },
        'high',
        'which .github/workflows/relay.yml sends from events outsiders cause',
      ],
    ] as [string, Record<string, string>, string, string][])('%s', async (_name, files, confidence, why) => {
      const findings = await run({ [W]: dispatched, ...files });
      expect(findings.map((f) => [at(f), f.severity, f.confidence ?? 'high'])).toEqual([
        [`${W}:10:31`, 'high', confidence],
        [`${W}:10:74`, 'high', confidence],
      ]);
      for (const f of findings) expect(f.message).toContain(why);
    });
  });

  // On pull_request, a fork's run has a read-only token and no secrets and runs the workflow as the
  // pull request has it: the text gains its author nothing. The same text on an event that runs with
  // this repository's token, or text others write (a review comment), keeps its grade.
  // A value only a pull_request run carries (the pull request's title, github.head_ref) in a workflow
  // whose other triggers set no such value is the same case.
  const onlyNote =
    "The workflow runs on pull_request only: a fork's run gets a read-only token and no secrets";
  const carriedNote =
    "The value is set only on the workflow's pull_request runs (its other triggers do not carry it)";
  it.each([
    ['pull_request', 'github.event.pull_request.title', 'low', onlyNote],
    ['[pull_request, push]', 'github.event.pull_request.title', 'low', carriedNote],
    ['[pull_request, schedule]', 'github.head_ref', 'low', carriedNote],
    ['[pull_request, push]', 'github.event.head_commit.message', 'high', undefined],
    ['[pull_request, pull_request_target]', 'github.head_ref', 'high', undefined],
    ['[pull_request, workflow_call]', 'github.head_ref', 'high', undefined],
    ['pull_request_target', 'github.event.pull_request.title', 'high', undefined],
    ['pull_request_review_comment', 'github.event.comment.body', 'high', undefined],
  ])('grades an injection on %s of %s by what its author gains', async (on, context, severity, note) => {
    const findings = await run({
      [W]: `on: ${on}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo "\${{ ${context} }}"\n`,
    });
    expect(findings.map((f) => [at(f), f.severity, f.confidence])).toEqual([
      [`${W}:6:24`, severity, undefined],
    ]);
    for (const n of [onlyNote, carriedNote]) {
      if (n === note) expect(findings[0]!.message).toContain(n);
      else expect(findings[0]!.message).not.toContain(n);
    }
  });

  // A step whose if: requires an event the workflow is not triggered by never runs: it sets no output,
  // and a script in it is dead code. The same steps in a workflow that runs on the event are reported.
  it.each([
    ['[pull_request, schedule]', 'steps.branch.outputs.head_ref', []],
    ['[pull_request, issue_comment]', 'steps.branch.outputs.head_ref', [`${W}:12:24`]],
    ['[pull_request, schedule]', 'steps.out.outputs.text', []],
    ['issue_comment', 'steps.out.outputs.text', [`${W}:12:24`]],
    ['workflow_call', 'steps.out.outputs.text', [`${W}:12:24`]],
  ])('on %s, follows %s only from a step that can run', async (on, ref, expected) => {
    const findings = await run({
      [W]: `on: ${on}
jobs:
  a:
    runs-on: x
    steps:
      - id: branch
        uses: xt0rted/pull-request-comment-branch@v3
        if: github.event_name == 'issue_comment'
      - id: out
        run: echo "text=\${{ github.event.comment.body }}" >> "$GITHUB_OUTPUT"
        if: \${{ github.event_name == 'issue_comment' && github.event.action == 'created' }}
      - run: echo "\${{ ${ref} }}"
`,
    });
    // Line 10 is the writing script's own injection, reported where the step can run.
    expect(findings.filter((f) => f.location?.startLine !== 10).map(at)).toEqual(expected);
  });

  // A step that never runs on any event (`if: false`, or in a job after a skipped one) sets no output.
  it.each([
    ['if: false', '        if: false\n', '', []],
    ['a job it needs never runs', '', '    needs: off\n', []],
    ['if: true', '        if: true\n', '', [`${W}:12:29`, `${W}:13:24`]],
  ])('follows an output only from a step that can run: %s', async (_name, stepIf, needs, expected) => {
    const findings = await run({
      [W]: `on: issue_comment
jobs:
  off:
    if: false
    runs-on: x
    steps: [{ run: make }]
  a:
${needs}    runs-on: x
    steps:
      - id: out
${stepIf}        run: echo "text=\${{ github.event.comment.body }}" >> "$GITHUB_OUTPUT"
      - run: echo "\${{ steps.out.outputs.text }}"
`,
    });
    expect(findings.map(at)).toEqual(expected);
  });

  // A commit's message read with git and handed on through an output is text its author wrote, as
  // github.event.head_commit.message is; its hash or date is not.
  it.each([
    ['git log -1 --pretty=format:"%B"', [`${W}:10:24`]],
    ["git log -1 --format='%s'", [`${W}:10:24`]],
    ['git show -s --format=%b HEAD', [`${W}:10:24`]],
    ['git log --oneline -5', [`${W}:10:24`]],
    ['git log -1 --pretty=format:"%H"', []],
    ['git rev-parse HEAD', []],
  ])('follows an output written from %s', async (command, expected) => {
    const findings = await run({
      [W]: `on: push
jobs:
  a:
    runs-on: x
    steps:
      - id: msg
        run: |
          TEXT=$(${command})
          echo "text=$TEXT" >> "$GITHUB_OUTPUT"
      - run: echo "\${{ steps.msg.outputs.text }}"
`,
    });
    expect(findings.map(at)).toEqual(expected);
    if (expected.length > 0) expect(findings[0]!.message).toContain('a commit message read with git');
  });

  it('does not report a script in a step that runs on no event of the workflow', async () => {
    const dead = await run({
      [W]: `on: [pull_request, schedule]
jobs:
  a:
    runs-on: x
    steps:
      - if: github.event_name == 'issue_comment'
        run: echo "\${{ github.event.comment.body }}"
`,
    });
    expect(dead.map(at)).toEqual([]);
    const live = await run({
      [W]: `on: [schedule, issue_comment]
jobs:
  a:
    runs-on: x
    steps:
      - if: github.event_name == 'issue_comment'
        run: echo "\${{ github.event.comment.body }}"
`,
    });
    expect(live.map(at)).toEqual([`${W}:7:24`]);
  });

  // A whole object (`toJSON(github.event)`) holds outsider text only on the events whose payload
  // holds a source: a release's payload holds none, an issue comment's holds the comment.
  it.each([
    ['release', 'toJSON(github.event)', []],
    ['{ release: { types: [published] } }', 'toJSON(github.event)', []],
    ['[release, workflow_dispatch]', 'toJSON(github)', []],
    ['release', 'toJSON(github.event.changes)', []],
    ['issue_comment', 'toJSON(github.event)', [`${W}:6:31`]],
    ['[release, issues]', 'toJSON(github.event)', [`${W}:6:31`]],
    ['push', 'toJSON(github.event)', [`${W}:6:31`]],
    ['discussion', 'toJSON(github.event.changes)', [`${W}:6:31`]],
    ['workflow_call', 'toJSON(github.event)', [`${W}:6:31`]],
  ])('on %s, reports %s in a script only where it can hold outsider text', async (on, expr, expected) => {
    const findings = await run({
      [W]: `on: ${on}
jobs:
  a:
    runs-on: x
    steps:
      - run: echo '\${{ ${expr} }}'
`,
    });
    expect(findings.map(at)).toEqual(expected);
  });

  // JSON text is a JavaScript literal: a toJSON(...) that github-script reads as a value cannot be
  // ended early by what it holds. Inside a string, a template literal, or a shell script, it can.
  const BODY = 'github.event.comment.body';
  it.each([
    ['const e = ${{ toJSON(github.event) }};', []],
    [`const body = \${{ toJSON(${BODY}) }};`, []],
    [`// it's "fine"\n/* don't */ const s = 'a' + \${{ toJSON(${BODY}) }};`, []],
    [`const url = "https://x/y"; const e = \${{ toJSON(${BODY}) }}.trim();`, []],
    [`const e = '\${{ toJSON(${BODY}) }}';`, [BODY]],
    [`const e = \`\${{ toJSON(${BODY}) }}\`;`, [BODY]],
    [`const e = JSON.parse('\${{ toJSON(${BODY}) }}');`, [BODY]],
    [`const r = /x/; const e = \${{ toJSON(${BODY}) }};`, [BODY]],
    [`const e = \${{ ${BODY} }};`, [BODY]],
    [
      `const t = \${{ github.event.issue.title }}; const e = \${{ toJSON(${BODY}) }};`,
      ['github.event.issue.title', BODY],
    ],
  ])('in github-script, %s reports %j', async (script, refs) => {
    const lines = script.split('\n');
    const findings = await run({
      [W]: `on: issue_comment
jobs:
  a:
    runs-on: x
    steps:
      - uses: actions/github-script@v7
        with:
          script: |
${lines.map((l) => `            ${l}`).join('\n')}
`,
    });
    const expected = refs.map((ref) => {
      const line = lines.findIndex((l) => l.includes(ref));
      return `${W}:${9 + line}:${13 + lines[line]!.lastIndexOf(ref)}`;
    });
    expect(findings.map(at)).toEqual(expected);
  });

  it('reports a toJSON(...) value in a run: script, which a shell reads as code', async () => {
    const findings = await run({
      [W]: onEvent('issue_comment')(`      - run: echo \${{ toJSON(github.event.comment.body) }}
`),
    });
    expect(findings.map(at)).toEqual([`${W}:6:30`]);
  });

  it('knows which outputs of known actions carry text', async () => {
    const findings = await run({
      [W]: job(`      - id: files
        uses: tj-actions/changed-files@v46
      - id: mine
        uses: peter-evans/find-comment@v3
        with: { comment-author: 'github-actions[bot]' }
      - id: any
        uses: peter-evans/find-comment@v3
      - run: |
          echo \${{ steps.files.outputs.all_changed_files }} \${{ steps.files.outputs.all_changed_files_count }} \${{ steps.files.outputs.any_changed }}
          echo \${{ steps.mine.outputs.comment-body }} \${{ steps.any.outputs.comment-body }}
`),
    });
    expect(findings.map(at)).toEqual([`${W}:14:20`, `${W}:15:59`]);
  });

  it('follows job outputs and computed matrices, not static ones', async () => {
    const findings = await run({
      [W]: `on: issue_comment
jobs:
  a:
    runs-on: x
    outputs:
      o: \${{ steps.s.outputs.v }}
    steps:
      - id: s
        run: echo "v=\${{ github.event.comment.body }}" >> $GITHUB_OUTPUT
  b:
    needs: a
    runs-on: x
    strategy:
      matrix:
        v: [1, 2]
        w: \${{ fromJSON(needs.a.outputs.o) }}
    steps:
      - run: echo \${{ needs.a.outputs.o }} \${{ matrix.v }} \${{ matrix.w }}
`,
    });
    expect(findings.map(at)).toEqual([`${W}:9:26`, `${W}:18:23`, `${W}:18:64`]);
  });

  it('treats github-script and configured inputs as code sinks, other inputs not', async () => {
    const files = {
      [W]: job(`      - uses: actions/github-script@v7
        with:
          script: console.log("\${{ github.head_ref }}")
          github-token: \${{ github.head_ref }}
      - uses: acme/exec@v1
        with:
          cmd: \${{ github.head_ref }}
`),
    };
    expect((await run(files)).map(at)).toEqual([`${W}:8:36`]);
    expect((await run(files, [{ uses: 'acme/exec', inputs: ['cmd'] }])).map(at)).toEqual([`${W}:12:20`]);
    expect((await run(files, [])).map(at)).toEqual([]);
  });

  it('reports toJSON and join of objects and arrays that hold attacker text', async () => {
    const findings = await run({
      [W]: onEvent(
        '[pull_request_target, push]',
      )(`      - run: echo '\${{ toJSON(github.event) }}' "\${{ join(github.event.commits.*.message) }}"
      - run: echo '\${{ toJSON(github.event.*.body) }}' "\${{ github.event.*.body }}" '\${{ toJSON(github.event.*.id) }}'
`),
    });
    expect(findings.map(at)).toEqual([`${W}:6:31`, `${W}:6:59`, `${W}:7:31`]);
  });

  describe("an env value the script splices into another program's code", () => {
    /** An issue_comment job whose step binds the comment to BODY and runs `lines` (from line 9). */
    const step = (...lines: string[]) =>
      onEvent('issue_comment')(
        `      - env:\n          BODY: \${{ github.event.comment.body }}\n        run: |\n${lines.map((l) => `          ${l}\n`).join('')}`,
      );
    it.each([
      ['eval', ['eval "echo $BODY"'], [`${W}:9:22 eval`]],
      ['bash -c', ['bash -c "echo ${BODY}"'], [`${W}:9:25 bash -c`]],
      ['sh -ec, quoted inside', ['sh -ec "printf %s \\"$BODY\\""'], [`${W}:9:31 sh -ec`]],
      ['python3 -c', [`python3 -c "print('''$BODY''')"`], [`${W}:9:32 python3 -c`]],
      ['node -e, between single-quoted parts', [`node -e 'console.log("'"$BODY"'")'`], [`${W}:9:35 node -e`]],
      [
        'an unquoted here-document read by python3 -',
        ['python3 - <<EOF', 'print("""$BODY""")', 'EOF'],
        [`${W}:10:20 python3 (here-document)`],
      ],
      ['a here-string read by bash', ['bash <<< "echo $BODY"'], [`${W}:9:26 bash (here-string)`]],
      ['a shell a container runs', ['docker run --rm alpine sh -c "echo $BODY"'], [`${W}:9:46 sh -c`]],
      ['sudo bash -c', ['sudo bash -c "echo $BODY >> /etc/motd"'], [`${W}:9:30 bash -c`]],
    ])('%s: reported at the variable, high', async (_name, lines, expected) => {
      const findings = await run({ [W]: step(...lines) });
      expect(findings.map((f) => `${at(f)} ${/the code that (.+?) runs/.exec(f.message)?.[1]}`)).toEqual(
        expected,
      );
      expect(findings.map((f) => f.severity)).toEqual(['high']);
      expect(findings[0]!.message).toContain('github.event.comment.body via env.BODY');
    });
    it.each([
      ['in single quotes, the inner shell reads the variable', [`bash -c 'echo "$BODY"'`]],
      ['escaped for eval', ['eval echo \\"\\$BODY\\"']],
      ['read from the environment by python', [`python3 -c 'import os; print(os.environ["BODY"])'`]],
      ['a quoted here-document delimiter', ["python3 - <<'EOF'", 'print(1)  # $BODY', 'EOF']],
      ['a here-document read by cat, not run', ['cat <<EOF > body.txt', '$BODY', 'EOF']],
      ['a script file given the value as an argument', ['python3 tools/reply.py "$BODY"']],
      ['the variable set by the script first', ['BODY=fixed', 'bash -c "echo $BODY"']],
      [
        'a container given the variable, its shell reading it',
        [`docker run -e BODY alpine sh -c 'echo "$BODY"'`],
      ],
      ['printed by echo, not run', ['echo bash -c "$BODY"']],
    ])('%s: not reported', async (_name, lines) => {
      expect(await run({ [W]: step(...lines) })).toEqual([]);
    });
    it.each([
      ['entrypoint /bin/sh, args -c', 'entrypoint: /bin/sh\n          args: -c "echo X"', [`${W}:9:30`]],
      ['args starting with sh -c', `args: sh -c "echo 'X' | wc -c"`, [`${W}:8:34`]],
      ['args of an image whose program is not named here', 'args: --title "X"', []],
    ])('the args of a docker:// step, %s', async (_name, withLines, expected) => {
      const docker = `      - uses: docker://alpine@sha256:${'a'.repeat(64)}\n        with:\n          ${withLines.replace('X', '${{ github.event.issue.title }}')}\n`;
      expect((await run({ [W]: onEvent('issues')(docker) })).map(at)).toEqual(expected);
    });
    it.each([
      ['sh', ['.github/actions/d/action.yml:10:17']],
      ['/entrypoint.sh', []],
    ])('the args of a local Docker action whose entrypoint is %s', async (entrypoint, expected) => {
      const files = {
        '.github/actions/d/action.yml': `name: d\ninputs:\n  title: {description: t}\nruns:\n  using: docker\n  image: Dockerfile\n  entrypoint: ${entrypoint}\n  args:\n    - -c\n    - echo "\${{ inputs.title }}"\n`,
        [W]: onEvent('issues')(
          '      - uses: ./.github/actions/d\n        with:\n          title: ${{ github.event.issue.title }}\n',
        ),
      };
      expect((await run(files)).map(at)).toEqual(expected);
    });
    it('not for a value no outsider writes', async () => {
      const files = {
        [W]: onEvent('issue_comment')(
          '      - env:\n          N: ${{ github.event.issue.number }}\n        run: bash -c "echo $N"\n',
        ),
      };
      expect(await run(files)).toEqual([]);
    });
  });
});

describe('a local action that a workflow runs is no test material, wherever it lies', () => {
  /** A composite action that expands its input `title` into its script (line 8). */
  const action =
    'name: setup\ninputs:\n  title: { required: true }\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo "Title ${{ inputs.title }}"\n';
  /** A workflow on pull_request_target that passes the pull request's title to the action in `dir`. */
  const workflow = (dir: string) =>
    `on: pull_request_target\njobs:\n  label:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./${dir}\n        with:\n          title: \${{ github.event.pull_request.title }}\n`;
  /** A composite action that passes its own input on to the action in `dir`. */
  const outer = (dir: string) =>
    `name: outer\ninputs:\n  title: {}\nruns:\n  using: composite\n  steps:\n    - uses: ./${dir}\n      with: { title: "\${{ inputs.title }}" }\n`;
  const CI = '.github/workflows/ci.yml';
  it.each([
    [
      'tools/setup, run by a workflow',
      { 'tools/setup/action.yml': action, [CI]: workflow('tools/setup') },
      'high',
    ],
    [
      'examples/setup, run by a workflow',
      { 'examples/setup/action.yml': action, [CI]: workflow('examples/setup') },
      'high',
    ],
    [
      'test/setup, run by a workflow',
      { 'test/setup/action.yml': action, [CI]: workflow('test/setup') },
      'high',
    ],
    [
      'test/setup, run by a workflow through another local action',
      {
        'test/setup/action.yml': action,
        '.github/actions/outer/action.yml': outer('test/setup'),
        [CI]: workflow('.github/actions/outer'),
      },
      'high',
    ],
    // What no workflow here runs is an example's or a test's, run by callers elsewhere.
    ['examples/setup, run by no workflow', { 'examples/setup/action.yml': action }, 'low'],
    [
      'examples/setup, run by another example only',
      { 'examples/setup/action.yml': action, 'examples/outer/action.yml': outer('examples/setup') },
      'low',
    ],
    // A configured glob that names the folder still does, as for the workflows themselves.
    [
      'examples/setup, run by a workflow, in a configured test path that names it',
      {
        'examples/setup/action.yml': action,
        [CI]: workflow('examples/setup'),
        '.controlgate.yml': 'version: 1\ntest-paths: ["examples/setup/**"]\n',
      },
      'low',
    ],
  ])('%s: the injection in its script is graded $2', async (_, files, confidence) => {
    const findings = await runBuiltin('workflow-template-injection', files, { persona: 'auditor' });
    const inAction = findings.filter((f) => f.location?.path.endsWith('setup/action.yml'));
    expect(inAction.map((f) => [f.location?.startLine, f.confidence])).toEqual([[8, confidence]]);
  });
});

describe('context capabilities', () => {
  it.each([
    ['github.event.pull_request.title', 'arbitrary', false],
    ['github.head_ref', 'arbitrary', false],
    ['github.event.commits.*.author.email', 'arbitrary', true],
    ['github.event.commits.#.message', 'arbitrary', false],
    ['github.event.client_payload.anything.deep', 'arbitrary', false],
    ['github.event.pull_request', 'arbitrary', true],
    ['github.event.pusher.email', 'structured', false],
  ])('%s is %s', (path, capability, collection) => {
    expect(classifyContext(path.split('.'))).toEqual({ capability, collection });
  });

  it.each([
    'github.event.pull_request.number',
    'github.event.pull_request.head.sha',
    'github.event.pull_request.base.ref',
    'github.event.pull_request.user.login',
    'github.sha',
    'github.ref_name',
  ])('%s is not a source', (path) => {
    expect(classifyContext(path.split('.'))).toBeUndefined();
  });
});
