// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions (${{ }}) are the subject of these tests.
import { afterAll, describe, expect, it } from 'vitest';
import { workflowPermissions } from '../../src/core/evaluators/workflow/permissions.js';
import { at, evaluate, removeTrees } from '../parsers/tree.js';

afterAll(removeTrees);

const run = (text: string) => evaluate(workflowPermissions, { '.github/workflows/w.yml': text }, {});

describe('workflow.permissions', () => {
  it('reports missing permissions at the jobs key, naming the jobs without any', async () => {
    const findings = await run(`name: t
on: push
jobs:
  a:
    permissions:
      contents: read
    steps: [{run: x}]
  b:
    steps: [{run: x}]
  c:
    uses: o/r/.github/workflows/w.yml@${'a'.repeat(40)}
`);
    expect(findings.map(at)).toEqual(['.github/workflows/w.yml:3:1']);
    expect(findings[0]!.message).toContain('jobs "b", "c" declare none');
    expect(findings[0]!.key).toBe('missing-permissions');
    expect(findings[0]!.confidence).toBe('medium');
  });

  // A called workflow can only narrow the token its caller passes (a called job asking for more fails
  // to start), so a call of a workflow of this repository whose jobs all get a block hands no step the
  // default token. A workflow of another repository, or one not found, is not seen: the caller counts.
  const caller = `on: push
jobs:
  build:
    uses: ./.github/workflows/called.yml
  upload:
    permissions: { actions: write }
    steps: [{run: gh cache delete x}]
`;
  const called = (top: string, jobs: string) => `on: workflow_call\n${top}jobs:\n${jobs}`;
  const declared = '  release:\n    permissions: { contents: write }\n    steps: [{run: goreleaser}]\n';
  const undeclared = '  notify:\n    steps: [{run: gh issue create}]\n';
  it.each([
    ['every called job declares its own', called('', declared), undefined],
    ['the called workflow has a top-level block', called('permissions: {}\n', undeclared), undefined],
    [
      'a called job through a nested call whose jobs declare',
      called('', `${declared}  nested:\n    uses: ./.github/workflows/inner.yml\n`),
      undefined,
    ],
    ['a called job declares none', called('', declared + undeclared), 'job "build" declares none'],
    ['the called workflow is not found', undefined, 'job "build" declares none'],
  ])('counts a call of a local reusable workflow by its jobs: %s', async (_name, text, message) => {
    const files: Record<string, string> = {
      '.github/workflows/w.yml': caller,
      '.github/workflows/inner.yml': called('', declared),
    };
    if (text) files['.github/workflows/called.yml'] = text;
    const findings = (await evaluate(workflowPermissions, files, {})).filter(
      (f) => f.location?.path === '.github/workflows/w.yml',
    );
    if (!message) return expect(findings).toEqual([]);
    expect(findings.map((f) => [at(f), f.severity, f.confidence])).toEqual([
      ['.github/workflows/w.yml:2:1', 'medium', 'medium'],
    ]);
    expect(findings[0]!.message).toContain(message);
  });

  it('names only the jobs that run with the default token, and leaves a local call to the fix', async () => {
    const files = {
      '.github/workflows/w.yml': `on: push
jobs:
  build:
    uses: ./.github/workflows/called.yml
  test:
    steps: [{run: make test}]
`,
      '.github/workflows/called.yml':
        'on: workflow_call\njobs:\n  release:\n    permissions: { contents: write }\n    steps: [{run: goreleaser}]\n',
    };
    const findings = await evaluate(workflowPermissions, files, {});
    expect(findings.map((f) => [at(f), f.severity])).toEqual([['.github/workflows/w.yml:2:1', 'medium']]);
    expect(findings[0]!.message).toContain('job "test" declares none');
    // A top-level "contents: read" would cap the called job's "contents: write": no fix is offered.
    expect(findings[0]!.unfixable).toContain('job "build"');
  });

  it('reports write-all and read-all at the value, at job level and at a workflow level some job inherits', async () => {
    const findings = await run(`on: push
permissions: write-all
jobs:
  a:
    permissions: write-all
    steps: [{run: x}]
  b:
    permissions: read-all
    steps: [{uses: acme/lint@v1}]
  c:
    steps: [{run: git push}]
`);
    expect(findings.map(at)).toEqual([
      '.github/workflows/w.yml:2:14',
      '.github/workflows/w.yml:5:18',
      '.github/workflows/w.yml:8:18',
    ]);
    expect(findings[0]!.location).toMatchObject({ endLine: 2, endColumn: 22 });
    expect(findings.map((f) => [f.key, f.severity])).toEqual([
      ['write-all:', 'high'],
      ['write-all:a', 'high'],
      ['read-all:b', 'medium'],
    ]);
    expect(findings[1]!.message).toContain('job "a"');
  });

  // A shorthand that reaches only jobs that cannot use the token (a placeholder for a required check)
  // is graded like a missing block over such jobs: low.
  it.each([
    [
      'read-all inherited only by a placeholder',
      `permissions: read-all\njobs:\n  scan:\n    permissions: { contents: read, security-events: write }\n    steps: [{uses: github/codeql-action/analyze@v3}]\n  check:\n    needs: scan\n    env: { RESULT: "\${{ needs.scan.result }}" }\n    steps:\n      - run: '[ "\${RESULT}" == "success" ]'\n`,
      [['.github/workflows/w.yml:2:14', 'low']],
    ],
    [
      'read-all inherited by a build after a checkout that keeps the token',
      'permissions: read-all\njobs:\n  check:\n    steps: [{uses: actions/checkout@v4}, {run: make test}]\n',
      [['.github/workflows/w.yml:2:14', 'medium']],
    ],
    [
      'write-all on a job that only checks out and prints',
      'permissions: {}\njobs:\n  a:\n    permissions: write-all\n    steps: [{uses: actions/checkout@v4}, {run: echo done}]\n',
      [['.github/workflows/w.yml:5:18', 'low']],
    ],
    [
      'write-all on a job that runs an action',
      'permissions: {}\njobs:\n  a:\n    permissions: write-all\n    steps: [{uses: actions/checkout@v4}, {uses: acme/lint@v1}]\n',
      [['.github/workflows/w.yml:5:18', 'high']],
    ],
  ])('grades write-all and read-all by the jobs they reach: %s', async (_name, rest, expected) => {
    const findings = (await run(`on: push\n${rest}`)).filter((f) => /^(?:read|write)-all:/.test(f.key ?? ''));
    expect(findings.map((f) => [at(f), f.severity])).toEqual(expected);
    for (const f of findings)
      expect(/so nothing there can use it(?: but the checkout's fetch)? today/.test(f.message)).toBe(
        f.severity === 'low',
      );
  });

  // read-all can only read: on jobs that run only maintainers' code and hand the token to no step
  // (no step takes one, no checkout leaves it on disk), it reaches nothing an outsider wrote. Low.
  const NO_HAND =
    "no other step takes a token, no checkout leaves it on disk, and no pull request or outsider's event runs the job";
  const BENCH =
    'steps:\n      - uses: actions/checkout@v4\n        with: { persist-credentials: false }\n      - uses: actions/setup-go@v5\n        with: { go-version: stable, cache: false }\n      - uses: actions/cache@v4\n        with: { path: ~/go, key: go }\n      - run: make bench';
  it.each([
    ['a build on push', 'push', 'read-all', BENCH, 'low', NO_HAND],
    ['a build on a schedule, read-all on the job', 'schedule', 'job', BENCH, 'low', NO_HAND],
    [
      'a build on pull requests, whose code can read the token',
      'pull_request',
      'read-all',
      BENCH,
      'medium',
      undefined,
    ],
    ['a build on issue comments', 'issue_comment', 'read-all', BENCH, 'medium', undefined],
    [
      'a build after a checkout that keeps the token',
      'push',
      'read-all',
      BENCH.replace('\n        with: { persist-credentials: false }', ''),
      'medium',
      undefined,
    ],
    [
      "a setup action with a cache, which runs the project's package manager",
      'push',
      'read-all',
      BENCH.replace('cache: false', 'cache: true'),
      'medium',
      undefined,
    ],
    [
      'an action that may take the token',
      'push',
      'read-all',
      `${BENCH}\n      - uses: acme/report@v1`,
      'medium',
      undefined,
    ],
    // Missing permissions may leave a writable token: a build that could read it is not graded down.
    ['a build on push, without permissions', 'push', 'none', BENCH, 'medium', undefined],
    // GitHub's own App token action, given the App's key, takes no token of the job's.
    [
      'a build on push, without permissions, after an App token is made',
      'push',
      'none',
      `${BENCH}\n      - uses: actions/create-github-app-token@v2\n        with: { app-id: "1", private-key: "\${{ secrets.APP_KEY }}" }`,
      'low',
      'actions/create-github-app-token is given a secret of its own as a token instead',
    ],
  ])(
    'grades read-all on jobs that hand the token to no step: %s',
    async (_name, on, perms, job, severity, note) => {
      const top = perms === 'read-all' ? 'permissions: read-all\n' : '';
      const own = perms === 'job' ? '    permissions: read-all\n' : '';
      const findings = await run(`on: ${on}\n${top}jobs:\n  a:\n${own}    ${job}\n`);
      expect(findings.map((f) => f.severity)).toEqual([severity]);
      if (note) expect(findings[0]!.message).toContain(note);
      else expect(findings[0]!.message).not.toContain('is handed its token');
    },
  );

  // A workflow-level write scope that only jobs limited to pull requests by their own if: leave unused:
  // a fork's run of those gets it as a read scope, as on a workflow of pull requests only.
  it.each([
    ["github.event_name == 'pull_request'", 'low'],
    ["github.repository == 'o/r' && github.event_name == 'pull_request'", 'low'],
    ["github.event_name != 'push'", 'low'],
    ["github.event_name == 'pull_request' || github.ref == 'refs/heads/main'", 'medium'],
    ["github.event_name != 'pull_request'", 'medium'],
    ["github.ref == 'refs/heads/main'", 'medium'],
  ])(
    'grades a workflow-level write scope by the if: of the jobs that leave it unused: %s',
    async (cond, severity) => {
      const findings = await run(`on: [push, pull_request]
permissions:
  contents: read
  pages: write
jobs:
  test:
    if: ${cond}
    steps: [{run: make docs}]
  deploy:
    if: github.event_name == 'push'
    steps: [{uses: actions/deploy-pages@v4}]
`);
      expect(findings.map((f) => [f.key, f.severity ?? 'medium'])).toEqual([
        ['workflow-write:pages', severity],
      ]);
      expect(findings[0]!.message.includes('Job "test" runs on pull requests only')).toBe(severity === 'low');
    },
  );

  // A workflow-level write scope that only jobs running GitHub's own fixed actions leave unused: no
  // code but GitHub's holds the extra scope there.
  it.each([
    ['steps: [{uses: actions/stale@v10}]', 'low'],
    ['steps: [{uses: actions/checkout@v4}, {uses: actions/labeler@v5}]', 'low'],
    ['steps: [{uses: actions/stale@v10}, {run: make report}]', 'medium'],
    ['steps: [{uses: actions/github-script@v7, with: {script: "core.info(1)"}}]', 'medium'],
    ['steps: [{uses: acme/stale@v1}]', 'medium'],
  ])('grades a workflow-level write scope by the jobs that leave it unused: %s', async (steps, severity) => {
    const findings = await run(`on: workflow_dispatch
permissions:
  issues: write
  discussions: write
jobs:
  tidy:
    ${steps}
  close:
    steps:
      - uses: actions/github-script@v7
        with:
          script: |
            await github.graphql('mutation($d:ID!) { closeDiscussion(input:{discussionId:$d}) { clientMutationId } }', { d: 'x' })
`);
    const found = findings.filter((f) => f.key === 'workflow-write:discussions');
    expect(found.map((f) => f.severity ?? 'medium')).toEqual([severity]);
    expect(found[0]!.message.includes("runs only GitHub's own")).toBe(severity === 'low');
  });

  // No block at all, where the jobs run only GitHub's own fixed actions and no outsider's event
  // reaches them: nothing but GitHub's code holds the default scopes.
  it.each([
    [
      'schedule',
      'steps: [{uses: actions/stale@v10, with: {repo-token: "${{ secrets.GITHUB_TOKEN }}"}}]',
      'low',
    ],
    [
      '[schedule, workflow_dispatch]',
      'steps: [{uses: actions/checkout@v4}, {uses: actions/labeler@v5}]',
      'low',
    ],
    ['schedule', 'steps: [{uses: actions/stale@v10}, {run: make report}]', 'medium'],
    ['schedule', 'steps: [{uses: acme/stale@v1}]', 'medium'],
    ['issue_comment', 'steps: [{uses: actions/stale@v10}]', 'medium'],
  ])('grades missing permissions by the jobs: on %s, %s', async (on, steps, severity) => {
    const found = (await run(`on: ${on}\njobs:\n  tidy:\n    ${steps}\n`)).filter(
      (f) => f.key === 'missing-permissions',
    );
    expect(found.map((f) => f.severity)).toEqual([severity]);
    expect(found[0]!.message.includes("nothing but GitHub's code holds the default scopes")).toBe(
      severity === 'low',
    );
  });

  // On an event outsiders cause, jobs that treat its data as data only (GitHub's own actions with
  // fixed scripts, scripts of fixed commands and gh, the event's text only in variables): medium.
  it.each([
    [
      'github-script with a fixed script',
      '{uses: actions/github-script@v7, with: {script: "await github.rest.issues.lock(context.issue)"}}',
      'medium',
    ],
    [
      'gh with the event in a variable',
      '{env: {GH_TOKEN: "${{ github.token }}", TITLE: "${{ github.event.issue.title }}"}, run: "gh issue edit 1 --repo ${{ github.repository }} --title \\"$TITLE\\" && echo done"}',
      'medium',
    ],
    // The event's text in the script, a program of another party, a checkout: high as before.
    [
      'the event in the script',
      '{uses: actions/github-script@v7, with: {script: "core.info(`${{ github.event.issue.title }}`)"}}',
      'high',
    ],
    ['the event in a run', '{run: "echo ${{ github.event.issue.title }}"}', 'high'],
    ['a build', '{run: "make triage"}', 'high'],
    ['an action of another owner', '{uses: acme/triage@v1}', 'high'],
    [
      'a checkout',
      '{uses: actions/checkout@v4}, {uses: actions/github-script@v7, with: {script: "core.info(1)"}}',
      'high',
    ],
  ])("grades missing permissions on an outsider's event by its jobs: %s", async (_name, steps, severity) => {
    const found = (await run(`on: issues\njobs:\n  triage:\n    steps: [${steps}]\n`)).filter(
      (f) => f.key === 'missing-permissions',
    );
    expect(found.map((f) => f.severity)).toEqual([severity]);
    expect(found[0]!.message.includes('their input reaches no code that could use the token')).toBe(
      severity === 'medium',
    );
  });

  // The secret a checkout is given in the token's place may come through the job's env or from an
  // App token an earlier step made.
  it.each([
    [
      'a secret through the job env',
      '    env: { BOT: "${{ secrets.BOT_PAT }}" }\n',
      '${{ env.BOT }}',
      '',
      'low',
    ],
    [
      'an App token of an earlier step',
      '',
      '${{ steps.app.outputs.token }}',
      '      - id: app\n        uses: actions/create-github-app-token@v2\n        with: { app-id: "1", private-key: "${{ secrets.APP_KEY }}" }\n',
      'low',
    ],
    ['a variable that holds no secret', '    env: { BOT: plain }\n', '${{ env.BOT }}', '', 'medium'],
    [
      'the output of a step that makes no App token',
      '',
      '${{ steps.app.outputs.token }}',
      '      - id: app\n        run: echo "token=x" >> "$GITHUB_OUTPUT"\n',
      'medium',
    ],
  ])(
    'takes a checkout token given as %s for a secret of its own',
    async (_name, env, token, before, severity) => {
      const found = (
        await run(
          `on: push\njobs:\n  a:\n    runs-on: x\n${env}    steps:\n${before}      - uses: actions/checkout@v4\n        with: { token: "${token}" }\n      - run: ./release.sh\n`,
        )
      ).filter((f) => f.key === 'missing-permissions');
      expect(found.map((f) => f.severity)).toEqual([severity]);
    },
  );

  it('grades missing permissions by trigger', async () => {
    const severity = async (on: string) =>
      (await run(`on: ${on}\njobs:\n  a:\n    steps: [{run: x}]\n`)).map((f) => f.severity);
    expect(await severity('pull_request')).toEqual(['low']);
    expect(await severity('[pull_request, pull_request_review]')).toEqual(['low']);
    expect(await severity('[push, pull_request]')).toEqual(['medium']);
    expect(await severity('schedule')).toEqual(['medium']);
    expect(await severity('issue_comment')).toEqual(['high']);
    expect(await severity('[pull_request_target]')).toEqual(['high']);
    const [high] = await run('on: [issues, push]\njobs:\n  a:\n    steps: [{run: x}]\n');
    expect(high!.message).toContain('It runs on issues, which outsiders can cause');
  });

  // A reusable workflow is graded by the events that run it here: its own and its callers' in this
  // repository (a caller elsewhere runs it with its own token).
  const callerOf = (on: string) => `on: ${on}\njobs:\n  call:\n    uses: ./.github/workflows/w.yml\n`;
  it.each([
    [
      'workflow_call and pull_request, called on pull_request',
      '[workflow_call, pull_request]',
      ['pull_request'],
      'low',
    ],
    ['workflow_call and pull_request, no caller here', '[workflow_call, pull_request]', [], 'low'],
    ['workflow_call and pull_request, called on push', '[workflow_call, pull_request]', ['push'], 'medium'],
    ['workflow_call and push, called on pull_request', '[workflow_call, push]', ['pull_request'], 'medium'],
  ])(
    'grades missing permissions of a reusable workflow by its callers: %s',
    async (_name, on, callers, severity) => {
      const files: Record<string, string> = {
        '.github/workflows/w.yml': `on: ${on}\njobs:\n  a:\n    steps: [{run: make}]\n`,
      };
      callers.forEach((c, i) => {
        files[`.github/workflows/c${i}.yml`] = callerOf(c);
      });
      const found = (await evaluate(workflowPermissions, files, {})).filter(
        (f) => f.location!.path === '.github/workflows/w.yml' && f.key === 'missing-permissions',
      );
      expect(found.map((f) => f.severity)).toEqual([severity]);
    },
  );

  // Jobs that only print or test (placeholders that satisfy a required check), check out, or fetch and
  // compare text run nothing that could use the token: the block is missing, but low on any trigger.
  // Anything that runs other code keeps the grade of the trigger.
  const note = (does: string) =>
    ` Its steps only ${does}, and are given no token or secret, so nothing there can use it${does.includes('actions/checkout') ? " but the checkout's fetch" : ''} today; a step added later would.`;
  const COMMANDS =
    'run shell commands that print, test, or fetch and edit text, and no other program (echo, test, curl, sed, ...)';
  const CHECKOUT = 'check out the repository with actions/checkout';
  const watch = (line: string) =>
    `steps:\n      - run: |\n          set -euo pipefail\n          page="$(curl -fsSL https://example.com/README.md)"\n          ${line}`;
  it.each([
    ['an echo on push', 'push', `steps:\n      - run: 'echo "No test required"'`, 'low', note(COMMANDS)],
    ['an echo on an event outsiders cause', 'issues', 'steps: [{run: echo hi}]', 'low', note(COMMANDS)],
    [
      'tests, exits and a pwsh echo',
      'merge_group',
      'steps:\n      - run: |\n          if [[ -z "$X" ]]; then exit 1; fi\n          printf "%s\\n" ok\n      - {run: Write-Host ok, shell: pwsh}',
      'low',
      note(COMMANDS),
    ],
    // actions/checkout is GitHub's own: it fetches with the token and runs nothing of the repository's.
    ['a checkout alone', 'schedule', 'steps: [{uses: actions/checkout@v4}]', 'low', note(CHECKOUT)],
    [
      'a checkout before the echo',
      'push',
      'steps: [{uses: actions/checkout@v4}, {run: echo hi}]',
      'low',
      note(`${CHECKOUT} and ${COMMANDS}`),
    ],
    // A page fetched and compared with a baseline: curl, awk, sed and diff run no other program.
    [
      'a page fetched and compared, through substitutions and a function',
      'schedule',
      `${watch(`table="$(printf '%s\\n' "$page" | awk '\n            /^Versions/ { on=1; next }\n            on { if (index($0, "|") > 0) print }\n          ' | sed -E 's/[[:space:]]+/ /g')"`)}\n          expected() {\n            cat <<'EOF'\n          v1 | stable\n          EOF\n          }\n          if diff <(expected) <(printf '%s\\n' "$table"); then echo ok; fi`,
      'low',
      note(COMMANDS),
    ],
    [
      'a message that names a script of the repository',
      'schedule',
      watch('echo "Changed: update tests/mock.mjs to match"'),
      'low',
      note(COMMANDS),
    ],
    [
      'an OIDC token asked for with curl',
      'schedule',
      'steps: [{run: \'curl -sH "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL"\'}]',
      'medium',
      undefined,
    ],
    ['a page fetched and run', 'schedule', watch('printf "%s" "$page" | sh'), 'medium', undefined],
    [
      'an awk program that runs a command',
      'schedule',
      watch(`printf '%s' "$page" | awk '{ system($0) }'`),
      'medium',
      undefined,
    ],
    [
      'an awk program read from a file',
      'schedule',
      watch('awk -f filter.awk README.md'),
      'medium',
      undefined,
    ],
    ["sed's e flag", 'schedule', watch(`printf '%s' "$page" | sed 's/^/echo /e'`), 'medium', undefined],
    ['a command named by path', 'schedule', 'steps: [{run: bin/echo hi}]', 'medium', undefined],
    [
      'a heredoc that substitutes a command',
      'schedule',
      'steps:\n      - run: |\n          cat <<EOF\n          $(curl -s x | sh)\n          EOF',
      'medium',
      undefined,
    ],
    [
      'a write to GITHUB_ENV',
      'schedule',
      watch('echo "BASH_ENV=/tmp/x" >> "$GITHUB_ENV"'),
      'medium',
      undefined,
    ],
    [
      'a secret in the step',
      'schedule',
      `steps: [{run: 'curl -fsS "$URL"', env: {URL: "\${{ secrets.HOOK }}"}}]`,
      'medium',
      undefined,
    ],
    ['a command substitution', 'push', "steps: [{run: 'echo $(curl -s x | sh)'}]", 'medium', undefined],
    [
      'a value of the run in the script',
      'push',
      `steps: [{run: 'echo \${{ github.event.head_commit.message }}'}]`,
      'medium',
      undefined,
    ],
    [
      'a checkout before a build',
      'push',
      'steps: [{uses: actions/checkout@v4}, {run: make test}]',
      'medium',
      undefined,
    ],
    ['another action', 'push', 'steps: [{uses: actions/setup-node@v4}, {run: echo hi}]', 'medium', undefined],
    ['a build', 'push', 'steps: [{run: make test}]', 'medium', undefined],
    [
      'a token in the step',
      'push',
      `steps: [{run: echo hi, env: {T: "\${{ github.token }}"}}]`,
      'medium',
      undefined,
    ],
    ['another shell', 'push', 'steps: [{run: echo hi, shell: python}]', 'medium', undefined],
    [
      'a BASH_ENV that sources a file of the repository',
      'push',
      'env: { BASH_ENV: ./ci/env.sh }\n    steps: [{uses: actions/checkout@v4}, {run: echo hi}]',
      'medium',
      undefined,
    ],
    ['a container', 'push', 'container: node:20\n    steps: [{run: echo hi}]', 'medium', undefined],
    [
      'an echo on an event outsiders cause, beside a build',
      'issues',
      'steps: [{run: echo hi}]\n  b:\n    steps: [{run: make}]',
      'high',
      undefined,
    ],
  ])('grades missing permissions by what the jobs run: %s', async (_name, on, job, severity, inert) => {
    const findings = await run(`on: ${on}\njobs:\n  a:\n    ${job}\n`);
    expect(findings.map((f) => [at(f), f.severity, f.confidence])).toEqual([
      ['.github/workflows/w.yml:2:1', severity, 'medium'],
    ]);
    if (inert) expect(findings[0]!.message).toContain(inert);
    else expect(findings[0]!.message).not.toContain('so nothing there can use it today');
  });

  // An image build runs the Dockerfile's commands in containers that see only its context: when the
  // context leaves out .git, where the checkout keeps the token, nothing there can use it.
  const IMAGE =
    'build a container image from a context that leaves out .git, where the checkout keeps the token';
  const build = (script: string) => `steps:\n      - uses: actions/checkout@v4\n      - run: ${script}`;
  it.each([
    [
      'a .dockerignore that keeps only what it names',
      '*\n!src/\n!package.json\n**/node_modules\n',
      build('docker build -t app .'),
      'low',
    ],
    [
      'a .dockerignore that names .git',
      '# vcs\n/.git/\nnode_modules\n',
      build('docker buildx build --platform linux/amd64 -t app --load .'),
      'low',
    ],
    ['a subfolder as the context', undefined, build('docker build -t web -f web/Dockerfile ./web'), 'low'],
    ['no .dockerignore', undefined, build('docker build -t app .'), 'medium'],
    ['an exception inside .git', '*\n!.git/config\n', build('docker build -t app .'), 'medium'],
    [
      'an exception that may match inside .git',
      '*\n!**/package.json\n',
      build('docker build -t app .'),
      'medium',
    ],
    [
      "the Dockerfile's own ignore file, which keeps .git",
      '.git\n',
      build('docker build -f app.Dockerfile .'),
      'medium',
    ],
    [
      'a build argument read from a file',
      '.git\n',
      build('docker build --build-arg T="$(cat .git/config)" .'),
      'medium',
    ],
    [
      'a secret handed to the build',
      '.git\n',
      build('docker build --secret id=t,src=.git/config .'),
      'medium',
    ],
    ['a change of directory first', '.git\n', build('cd web && docker build ..'), 'medium'],
    ['the image run afterwards', '.git\n', build('docker build -t app . && docker run app'), 'medium'],
    ['a docker of the repository', '.git\n', build('./docker build -t app .'), 'medium'],
    [
      'a checkout into a folder',
      '.git\n',
      'steps:\n      - uses: actions/checkout@v4\n        with: { path: app }\n      - run: docker build -t app .',
      'medium',
    ],
  ])(
    'grades missing permissions of an image build by its context: %s',
    async (_name, ignore, job, severity) => {
      const files: Record<string, string> = {
        '.github/workflows/w.yml': `on: push\njobs:\n  a:\n    ${job}\n`,
      };
      if (ignore !== undefined) files['.dockerignore'] = ignore;
      if (_name.includes('own ignore file')) files['app.Dockerfile.dockerignore'] = 'node_modules\n';
      const findings = await evaluate(workflowPermissions, files, {});
      expect(findings.map((f) => [at(f), f.severity])).toEqual([['.github/workflows/w.yml:2:1', severity]]);
      if (severity === 'low') expect(findings[0]!.message).toContain(IMAGE);
      else expect(findings[0]!.message).not.toContain('today;');
    },
  );

  // Every step that takes a token is given a secret of its own: the job's token reaches no step (but
  // GitHub's own setup actions, which download a toolchain with it). Low, with what stays said.
  const pat = '"${{ secrets.BOT_PAT }}"';
  it.each([
    [
      'an action given a secret as its token',
      'pull_request_target',
      `steps:\n      - uses: acme/assign-reviewers@v1\n        with: { config: .github/reviewers.yml, token: ${pat} }`,
      'low',
      'No step of the job is handed its token: acme/assign-reviewers is given a secret of its own as a token instead, so the default permissions reach nothing that could write with them today; a step added later would get them.',
    ],
    [
      'a checkout and an action given secrets, a setup action and a build',
      'push',
      `steps:\n      - uses: actions/checkout@v4\n        with: { token: ${pat} }\n      - uses: actions/setup-node@v4\n        with: { node-version: 20 }\n      - run: yarn coverage && git push\n      - uses: acme/describe-pr@v1\n        with: { pr_body: report, github_token: ${pat} }`,
      'low',
      "No step of the job is handed its token but GitHub's own actions/setup-node, which only downloads a toolchain with it: actions/checkout, acme/describe-pr are given a secret of their own as a token instead, so the default permissions reach nothing that could write with them today, though a program the job runs could still read the token from the runner's memory",
    ],
    [
      'a script calling the API with a secret written into it',
      'release',
      'steps:\n      - run: |\n          curl -X POST -H "Authorization: Bearer ${{ secrets.BOT_PAT }}" https://api.github.com/repos/o/r/dispatches -d "{}"',
      'low',
      'No step of the job is handed its token: the script of step #1 is given a secret of its own as a token instead',
    ],
    [
      'a script given a secret through its env',
      'push',
      `steps:\n      - run: gh workflow run x.yml -R o/r\n        env: { GH_TOKEN: ${pat} }`,
      'low',
      'the script of step #1 is given a secret of its own',
    ],
    [
      "a script given a secret and the job's token",
      'push',
      'steps:\n      - run: |\n          curl -H "Authorization: Bearer ${{ secrets.BOT_PAT }}" -H "X-Job ${{ github.token }}" https://api.github.com/x',
      'medium',
      undefined,
    ],
    [
      'a script given a secret for another service',
      'push',
      'steps:\n      - run: curl -fsS "$HOOK" -d done\n        env: { HOOK: "${{ secrets.HOOK }}" }',
      'medium',
      undefined,
    ],
    [
      "a script given a secret after a checkout that keeps the job's token",
      'push',
      'steps:\n      - uses: actions/checkout@v4\n      - run: ./notify.sh "${{ secrets.BOT_PAT }}"',
      'medium',
      undefined,
    ],
    [
      "an action given the job's token",
      'pull_request_target',
      'steps:\n      - uses: acme/assign-reviewers@v1\n        with: { token: "${{ secrets.GITHUB_TOKEN }}" }',
      'high',
      undefined,
    ],
    [
      "an action given a secret after a checkout that keeps the job's token",
      'push',
      `steps:\n      - uses: actions/checkout@v4\n      - uses: acme/describe-pr@v1\n        with: { github-token: ${pat} }`,
      'medium',
      undefined,
    ],
    [
      "a build after a checkout that keeps the job's token",
      'push',
      `steps:\n      - uses: actions/checkout@v4\n      - run: make\n      - uses: acme/describe-pr@v1\n        with: { github-token: ${pat} }`,
      'medium',
      undefined,
    ],
    [
      'another action with no token of its own',
      'push',
      `steps:\n      - uses: acme/describe-pr@v1\n        with: { github-token: ${pat} }\n      - uses: acme/notify@v1`,
      'medium',
      undefined,
    ],
    [
      "a setup action with a cache, which runs the project's package manager",
      'push',
      `steps:\n      - uses: actions/checkout@v4\n        with: { token: ${pat} }\n      - uses: actions/setup-node@v4\n        with: { cache: yarn }\n      - run: yarn build`,
      'medium',
      undefined,
    ],
    [
      'a build, with no step given a token of its own',
      'push',
      'steps:\n      - uses: actions/checkout@v4\n        with: { persist-credentials: false }\n      - run: make',
      'medium',
      undefined,
    ],
    [
      'the job token in the job env',
      'push',
      `env: { GH_TOKEN: "\${{ github.token }}" }\n    steps:\n      - uses: acme/describe-pr@v1\n        with: { github-token: ${pat} }`,
      'medium',
      undefined,
    ],
  ])(
    'grades missing permissions low when no step is handed the token: %s',
    async (_name, on, job, severity, note) => {
      const findings = await run(`on: ${on}\njobs:\n  a:\n    ${job}\n`);
      expect(findings.map((f) => [at(f), f.severity])).toEqual([['.github/workflows/w.yml:2:1', severity]]);
      if (note) expect(findings[0]!.message).toContain(note);
      else expect(findings[0]!.message).not.toContain('is handed its token');
    },
  );

  it('counts a job that asks for an OIDC token as using a workflow-level id-token: write', async () => {
    const findings = await run(`on: push
permissions:
  id-token: write
jobs:
  test:
    steps: [{run: pnpm test}]
  release:
    env: { NPM_CONFIG_PROVENANCE: true }
    steps: [{run: pnpm release}]
`);
    expect(findings.map((f) => f.message.split(', including ')[1]?.split(',')[0] ?? f.message)).toEqual([
      '"test"',
    ]);
  });

  it('grades a workflow_run by the workflows it follows, found by name or file name', async () => {
    const downstream = (names: string) =>
      `on:\n  workflow_run:\n    workflows: [${names}]\n    types: [completed]\njobs:\n  a:\n    steps: [{run: x}]\n`;
    const files = {
      '.github/workflows/update.yml':
        'name: Update\non: { push: { branches: [main] }, schedule: [{ cron: "0 4 * * *" }] }\njobs:\n  u:\n    permissions: { contents: write }\n    steps: [{run: x}]\n',
      '.github/workflows/ci.yml':
        'on: [push, pull_request]\njobs:\n  t:\n    permissions: { contents: read }\n    steps: [{run: x}]\n',
      '.github/workflows/triage.yml':
        'on: issue_comment\njobs:\n  t:\n    permissions: { issues: write }\n    steps: [{run: x}]\n',
    };
    const severity = async (names: string) =>
      (await evaluate(workflowPermissions, { ...files, '.github/workflows/w.yml': downstream(names) }, {}))
        .filter((f) => f.location?.path === '.github/workflows/w.yml')
        .map((f) => f.severity);
    // A run of maintainers' pushes and schedules hands on nothing of outsiders'.
    expect(await severity('Update')).toEqual(['medium']);
    // A pull request's run, a comment's run, or a workflow not found here: outsiders can cause it.
    expect(await severity('ci.yml')).toEqual(['high']);
    expect(await severity('Update, triage.yml')).toEqual(['high']);
    expect(await severity('Nightly')).toEqual(['high']);
  });

  // Who can cause the run, by the trigger's activity types (activity.ts): a label, an assignment or a
  // milestone is a triager's act; opening, editing or closing one's own issue or pull request is not.
  const outsiders = (events: string) =>
    ` It runs on ${events}, which outsiders can cause, so a writable token is exposed to their input.`;
  it.each([
    ['issues: types: [labeled]', 'issues:\n    types: [labeled]', 'medium', ''],
    ['issues: types: labeled (one name)', 'issues:\n    types: labeled', 'medium', ''],
    [
      'issues: types: [opened, labeled]',
      'issues:\n    types: [opened, labeled]',
      'high',
      outsiders('issues'),
    ],
    ['issues with no types', 'issues:', 'high', outsiders('issues')],
    ['issues: types: []', 'issues:\n    types: []', 'high', outsiders('issues')],
    ['issues: types: [assigned, milestoned]', 'issues:\n    types: [assigned, milestoned]', 'medium', ''],
    [
      'issues: types: [closed] (the author closes their own)',
      'issues:\n    types: [closed]',
      'high',
      outsiders('issues'),
    ],
    ['issues: a type GitHub may add later', 'issues:\n    types: [renamed]', 'high', outsiders('issues')],
    ['pull_request_target: types: [labeled]', 'pull_request_target:\n    types: [labeled]', 'medium', ''],
    [
      'pull_request_target: types: [labeled, synchronize]',
      'pull_request_target:\n    types: [labeled, synchronize]',
      'high',
      outsiders('pull_request_target'),
    ],
    ['pull_request_target with no types', 'pull_request_target:', 'high', outsiders('pull_request_target')],
    [
      'pull_request_target: types: [closed] (the author closes their own)',
      'pull_request_target:\n    types: [closed]',
      'high',
      outsiders('pull_request_target'),
    ],
    ['discussion: types: [labeled, pinned]', 'discussion:\n    types: [labeled, pinned]', 'medium', ''],
    [
      'issue_comment: types: [created]',
      'issue_comment:\n    types: [created]',
      'high',
      outsiders('issue_comment'),
    ],
    [
      'issues by a triager, comments by anyone',
      'issues:\n    types: [labeled]\n  issue_comment:',
      'high',
      outsiders('issue_comment'),
    ],
  ])('grades missing permissions by activity type: %s', async (_name, on, severity, grade) => {
    const findings = await run(`on:\n  ${on}\njobs:\n  a:\n    steps: [{run: x}]\n`);
    expect(findings.map((f) => [f.severity, f.message])).toEqual([
      [
        severity,
        'No top-level "permissions:" and no job declares any, so it runs with the repository\'s default ' +
          `GITHUB_TOKEN permissions, which can include write access to every scope.${grade} ` +
          'Add "permissions: { contents: read }" above "jobs:" and grant more per job where needed.',
      ],
    ]);
  });

  // A job that runs only on merged pull requests runs after a maintainer's merge, not on an
  // outsider's act (event-guards.ts); edits of a merged pull request's title are still the author's.
  const merged = 'github.event.pull_request.merged == true';
  it.each([
    ['closed, merged == true', 'pull_request_target:\n    types: [closed]', [merged], 'medium', ''],
    [
      'closed, bare merged',
      'pull_request_target:\n    types: [closed]',
      ['github.event.pull_request.merged'],
      'medium',
      '',
    ],
    [
      'closed, merged in a fenced expression',
      'pull_request_target:\n    types: [closed]',
      [`\${{ ${merged} }}`],
      'medium',
      '',
    ],
    [
      'closed, merged && another check',
      'pull_request_target:\n    types: [closed]',
      [`${merged} && github.repository == 'o/r'`],
      'medium',
      '',
    ],
    [
      'closed, no condition',
      'pull_request_target:\n    types: [closed]',
      [''],
      'high',
      outsiders('pull_request_target'),
    ],
    [
      'closed, merged || another check',
      'pull_request_target:\n    types: [closed]',
      [`${merged} || github.actor == 'x'`],
      'high',
      outsiders('pull_request_target'),
    ],
    [
      "closed, merged == 'true' (never equal)",
      'pull_request_target:\n    types: [closed]',
      ["github.event.pull_request.merged == 'true'"],
      'high',
      outsiders('pull_request_target'),
    ],
    [
      'closed, not merged',
      'pull_request_target:\n    types: [closed]',
      ['!github.event.pull_request.merged'],
      'high',
      outsiders('pull_request_target'),
    ],
    [
      'closed and edited, merged (the author edits a merged pull request)',
      'pull_request_target:\n    types: [closed, edited]',
      [merged],
      'high',
      outsiders('pull_request_target'),
    ],
    [
      'default types and closed, merged (no push or reopening after a merge)',
      'pull_request_target:\n    types: [opened, synchronize, reopened, closed]',
      [merged],
      'medium',
      '',
    ],
    [
      "closed and edited, merged and action == 'closed'",
      'pull_request_target:\n    types: [closed, edited]',
      [`${merged} && github.event.action == 'closed'`],
      'medium',
      '',
    ],
    [
      'merged, and comments (no pull_request in their payload)',
      'pull_request_target:\n    types: [closed]\n  issue_comment:',
      [merged],
      'medium',
      '',
    ],
    [
      'one job merged only, another not',
      'pull_request_target:\n    types: [closed]',
      [merged, ''],
      'high',
      outsiders('pull_request_target'),
    ],
    [
      'merged on a job that the other needs',
      'pull_request_target:\n    types: [closed]',
      [merged, 'needs: a'],
      'medium',
      '',
    ],
    [
      "issues: types: [opened, labeled], action == 'labeled'",
      'issues:\n    types: [opened, labeled]',
      ["github.event.action == 'labeled'"],
      'medium',
      '',
    ],
    [
      "issues: types: [opened, labeled], action == 'opened'",
      'issues:\n    types: [opened, labeled]',
      ["github.event.action == 'opened'"],
      'high',
      outsiders('issues'),
    ],
  ])("grades missing permissions by the jobs' guards: %s", async (_name, on, conditions, severity, grade) => {
    const jobs = conditions.map((c, i) => {
      const head = `  ${'ab'[i]}:\n`;
      if (c.startsWith('needs:')) return `${head}    ${c}\n    steps: [{run: x}]\n`;
      return `${head}${c ? `    if: ${JSON.stringify(c)}\n` : ''}    steps: [{run: x}]\n`;
    });
    const findings = await run(`on:\n  ${on}\njobs:\n${jobs.join('')}`);
    const which = conditions.length > 1 ? 'they run' : 'it runs';
    expect(findings.map((f) => [f.severity, f.message])).toEqual([
      [
        severity,
        `No top-level "permissions:" and no job declares any, so ${which} with the repository's default ` +
          `GITHUB_TOKEN permissions, which can include write access to every scope.${grade} ` +
          'Add "permissions: { contents: read }" above "jobs:" and grant more per job where needed.',
      ],
    ]);
  });

  it('reports workflow-level write scopes that several jobs, or a job that only reads, inherit', async () => {
    const findings = await run(`on: push
permissions:
  contents: write
  packages: read
jobs:
  test:
    steps: [{run: make test}]
  push:
    steps: [{run: git push}]
  own:
    permissions: {}
    steps: [{run: x}]
`);
    expect(findings.map(at)).toEqual(['.github/workflows/w.yml:3:13']);
    // "push" may need the write scope; "test" surely does not, and the message names it.
    expect(findings[0]!.message).toBe(
      '"contents: write" at the top of the workflow is inherited by every job without permissions of its own ' +
        '("test", "push"), including "test", whose steps cannot use the token for more than reading. ' +
        'Set "permissions: {}" (or read scopes) at the top and grant the write scope on the job that needs it.',
    );
    const readers = await run(
      'on: push\npermissions:\n  contents: write\njobs:\n  a:\n    steps: [{run: make}]\n  b:\n    steps: [{run: make test}]\n',
    );
    expect(readers.map((f) => f.message)).toEqual([
      expect.stringContaining('("a", "b"), none of whose steps can use the token for more than reading.'),
    ]);
    const writers = await run(
      'on: push\npermissions:\n  contents: write\njobs:\n  a:\n    steps: [{run: git push}]\n  b:\n    steps: [{run: gh release create v1}]\n',
    );
    expect(writers.map((f) => f.message)).toEqual([
      expect.stringContaining('("a", "b"), whether it needs it or not.'),
    ]);
    const one = await run(`on: push
permissions:
  contents: write
jobs:
  test:
    steps: [{run: make test}]
`);
    expect(one.map((f) => f.message)).toEqual([
      expect.stringContaining('inherited by job "test", none of whose steps can use the token'),
    ]);
    const writer = await run(
      'on: push\npermissions:\n  contents: write\njobs:\n  a:\n    steps: [{run: git push}]\n',
    );
    expect(writer).toEqual([]);
  });

  // Steps that write with the token: a comment on the pull request, a login to publish a package.
  const comment =
    '      - uses: actions/github-script@v7\n        with:\n          script: |\n            github.rest.issues.createComment({ body: "x" })\n';
  const ghComment = `      - run: gh pr comment 1 --body x\n        env: { GH_TOKEN: "\${{ github.token }}" }\n`;
  const login = `      - uses: docker/login-action@v3\n        with: { registry: ghcr.io, password: "\${{ github.token }}" }\n`;
  it.each([
    // Each job comments with the token: granted per job, both would get the scope all the same.
    [
      'every inheriting job uses the scope',
      'push',
      '  pull-requests: write\n  issues: write\n',
      [`  a:\n    steps:\n${comment}`, `  b:\n    steps:\n${ghComment}`],
      [],
    ],
    // "b" comments but never publishes a package: only "a" needs "packages: write".
    [
      'a job that uses the token for another scope',
      'push',
      '  packages: write\n  pull-requests: write\n',
      [`  a:\n    steps:\n${login}${comment}`, `  b:\n    steps:\n${comment}`],
      [['.github/workflows/w.yml:3:13', 'medium', 'whether it needs it or not. Set']],
    ],
    // "b" runs an action whose token use is not known: it may write, or not; a guess (low).
    [
      'a job that may use the scope through an unknown action',
      'push',
      '  contents: write\n',
      [
        `  a:\n    steps:\n      - run: gh release upload v1 x.tgz\n        env: { GH_TOKEN: "\${{ github.token }}" }\n`,
        '  b:\n    steps:\n      - uses: acme/build-tool@v2\n',
      ],
      [
        [
          '.github/workflows/w.yml:3:13',
          'medium',
          'whether it needs it or not; "b" may use it (step "acme/build-tool@v2" uses acme/build-tool, whose token needs are not known). Set',
          'low',
        ],
      ],
    ],
    // The same on pull requests only: a fork's run gets the scope as a read scope.
    [
      'pull requests only',
      'pull_request',
      '  packages: write\n  pull-requests: write\n',
      [`  a:\n    steps:\n${login}${ghComment}`, `  b:\n    steps:\n${comment}`],
      [
        [
          '.github/workflows/w.yml:3:13',
          'low',
          'whether it needs it or not. It runs on pull requests only, where a fork gets a read-only token, but branches of this repository do not. Set',
        ],
      ],
    ],
    // Reading security events shows a fork's run the open code scanning alerts: not lowered.
    [
      'security-events on pull requests only',
      'pull_request',
      '  security-events: write\n',
      ['  a:\n    steps: [{run: make}]\n', '  b:\n    steps: [{run: make test}]\n'],
      [
        [
          '.github/workflows/w.yml:3:20',
          'medium',
          'none of whose steps can use the token for more than reading. Set',
        ],
      ],
    ],
  ] as [string, string, string, string[], [string, string, string, string?][]][])(
    'reports a workflow-level write scope by the jobs that use it: %s',
    async (_name, on, scopes, jobs, expected) => {
      const findings = await run(`on: ${on}\npermissions:\n${scopes}jobs:\n${jobs.join('')}`);
      expect(findings.map((f) => [at(f), f.severity ?? 'medium', f.message, f.confidence ?? 'high'])).toEqual(
        expected.map(([where, severity, text, confidence]) => [
          where,
          severity,
          expect.stringContaining(text),
          confidence ?? 'high',
        ]),
      );
    },
  );

  // An action known to only read reads with the token it is handed, too: download-artifact given the
  // job's token to fetch a triggering run's artifacts writes nothing with it.
  it.each([
    [
      'download-artifact given the token for another run',
      '      - uses: actions/download-artifact@v4\n        with: { name: site, run-id: "${{ github.event.workflow_run.id }}", github-token: "${{ github.token }}" }\n',
      true,
    ],
    [
      'checkout given the token',
      '      - uses: actions/checkout@v4\n        with: { token: "${{ secrets.GITHUB_TOKEN }}", persist-credentials: false }\n',
      true,
    ],
    [
      'a setup action given the token in its env',
      '      - uses: actions/setup-go@v5\n        env: { GITHUB_TOKEN: "${{ github.token }}" }\n',
      true,
    ],
    [
      'an unknown action given the token',
      '      - uses: acme/deploy@v1\n        with: { github-token: "${{ github.token }}" }\n',
      false,
    ],
  ])(
    'reports a workflow-level write scope of one job whose read-only actions are handed the token: %s',
    async (_name, step, reported) => {
      const findings = await run(
        `on:\n  workflow_run:\n    workflows: [Build]\n    types: [completed]\npermissions:\n  contents: read\n  deployments: write\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n${step}      - run: npx wrangler@3 pages deploy site\n`,
      );
      expect(findings.map((f) => [at(f), f.message])).toEqual(
        reported
          ? [
              [
                '.github/workflows/w.yml:7:16',
                expect.stringContaining(
                  '"deployments: write" at the top of the workflow is inherited by job "deploy", none of whose steps can use the token for more than reading.',
                ),
              ],
            ]
          : [],
      );
    },
  );

  it('grades a job-level write scope the job cannot use low on pull requests only', async () => {
    const findings = await run(`on: pull_request
permissions: {}
jobs:
  test:
    permissions:
      contents: write
      security-events: write
    steps: [{uses: actions/checkout@v4}, {run: make test}]
`);
    expect(findings.map((f) => [at(f), f.severity ?? 'medium'])).toEqual([
      ['.github/workflows/w.yml:6:17', 'low'],
      ['.github/workflows/w.yml:7:24', 'medium'],
    ]);
    expect(findings[0]!.message).toContain(
      'It runs on pull requests only, where a fork gets a read-only token',
    );
    const push = await run(
      'on: push\npermissions: {}\njobs:\n  test:\n    permissions:\n      contents: write\n    steps: [{run: make test}]\n',
    );
    expect(push.map((f) => f.severity ?? 'medium')).toEqual(['medium']);
  });

  it('reports job-level write scopes the job cannot use, on any trigger', async () => {
    const findings = await run(`on: schedule
permissions: {}
jobs:
  test:
    permissions:
      contents: write
      issues: read
    steps: [{uses: actions/checkout@v4}, {run: make test}]
  report:
    permissions:
      issues: write
    steps: [{run: gh issue create --title x}]
`);
    expect(findings.map(at)).toEqual(['.github/workflows/w.yml:6:17']);
    expect(findings[0]!.key).toBe('unneeded-write:test:contents');
  });

  // A job whose steps may run anything still leaves a write scope unused when no step is handed its
  // token: every step that acts on GitHub is given a token of its own (a secret, an App's token).
  const app =
    '{uses: actions/create-github-app-token@v2, id: app, with: {app-id: "1", private-key: "${{ secrets.KEY }}"}}';
  const granted = (scope: string, steps: string, top = '') =>
    `on: workflow_dispatch\n${top}jobs:\n  j:\n    permissions:\n      ${scope}: write\n    steps: [${steps}]\n`;
  it.each([
    [
      'an action of the table given a secret, scripts given one',
      granted(
        'pull-requests',
        '{uses: actions/checkout@v4, with: {persist-credentials: false}}, {run: make}, {uses: peter-evans/create-pull-request@v7, with: {token: "${{ secrets.BOT }}"}}, {run: gh pr merge 1, env: {GH_TOKEN: "${{ secrets.BOT }}"}}',
      ),
      'high',
    ],
    [
      "an unknown action given an App's token",
      granted(
        'contents',
        `${app}, {uses: o/combine@v1, with: {github_token: "\${{ steps.app.outputs.token }}"}}`,
      ),
      'low',
    ],
    [
      'a test run after a checkout that keeps the token (checks)',
      granted('checks', '{uses: actions/checkout@v4}, {uses: actions/setup-java@v4}, {run: ./mvnw test}'),
      'high',
    ],
    [
      'a workflow-level scope its one job leaves to a token of the env',
      'on: issue_comment\npermissions:\n  issues: write\nenv:\n  GH_TOKEN: ${{ secrets.BOT }}\njobs:\n  j:\n    steps: [{uses: o/react@v1, with: {repo-token: "${{ env.GH_TOKEN }}"}}, {run: cargo bench}, {run: gh pr comment 1 -b x}]\n',
      'low',
    ],
    ['a script writing to a registry (packages)', granted('packages', '{run: docker push img}'), 'low'],
    [
      'a step handed the job token',
      granted('contents', `${app}, {run: make, env: {T: "\${{ github.token }}"}}`),
      undefined,
    ],
    ['an unknown action given no token', granted('issues', '{uses: o/labeler@v1}, {run: make}'), undefined],
    [
      'a table action using the job token',
      granted('issues', '{uses: actions/stale@v9}, {run: make}'),
      undefined,
    ],
    [
      'a push after a checkout that keeps the token (contents)',
      granted(
        'contents',
        '{uses: actions/checkout@v4}, {run: make release}, {uses: o/x@v1, with: {token: "${{ secrets.BOT }}"}}',
      ),
      undefined,
    ],
    [
      'a local action',
      granted('issues', '{uses: ./act}, {uses: o/x@v1, with: {token: "${{ secrets.BOT }}"}}'),
      undefined,
    ],
    [
      'a script seen asking for an OIDC token',
      granted('id-token', '{run: npm publish --provenance}'),
      undefined,
    ],
    [
      "ko's setup, which logs in to GitHub's registry with the job token (packages)",
      granted('packages', '{uses: ko-build/setup-ko@v0.9}, {run: ko build ./cmd/app}'),
      undefined,
    ],
    [
      "crane's setup, which logs in to GitHub's registry with the job token (packages)",
      granted('packages', '{uses: imjasonh/setup-crane@v0.4}, {run: crane cp a b}'),
      undefined,
    ],
    [
      "a reusable workflow's declared secret, which callers elsewhere may fill with their token",
      'on:\n  workflow_call:\n    secrets:\n      token:\njobs:\n  j:\n    permissions:\n      contents: write\n    steps: [{uses: actions/checkout@v4, with: {token: "${{ secrets.token }}"}}, {run: git push}]\n',
      undefined,
    ],
  ])('reports a write scope no step uses the job token for: %s', async (_name, text, confidence) => {
    const findings = (await run(text)).filter((f) => /write" (?:is granted|at the top)/.test(f.message));
    expect(findings.map((f) => f.confidence ?? 'high')).toEqual(confidence ? [confidence] : []);
  });

  it.each([
    ['a called job given a secret of its own', '"${{ secrets.BOT }}"', ['.github/workflows/w.yml:6:17']],
    ["a called job given the caller's token", '"${{ secrets.token }}"', []],
  ])('reports a write scope a call grants to jobs that do not use it: %s', async (_name, token, where) => {
    const files = {
      '.github/workflows/w.yml': `on: push\npermissions: {}\njobs:\n  call:\n    permissions:\n      contents: write\n    uses: ./.github/workflows/called.yml\n    secrets:\n      token: \${{ secrets.GITHUB_TOKEN }}\n`,
      '.github/workflows/called.yml': `on:\n  workflow_call:\n    secrets:\n      token:\njobs:\n  push:\n    steps: [{uses: actions/checkout@v4, with: {token: ${token}}}, {run: git push}]\n`,
    };
    const findings = (await evaluate(workflowPermissions, files, {})).filter((f) =>
      f.key?.startsWith('unneeded-write'),
    );
    expect(findings.map(at)).toEqual(where);
  });

  it.each([
    ['permissions: {}', 'on: push\npermissions: {}\njobs:\n  a:\n    steps: [{run: x}]\n'],
    [
      'read-all that every job overrides',
      'on: push\npermissions: read-all\njobs:\n  a:\n    permissions: {}\n    steps: [{run: x}]\n',
    ],
    [
      'a write scope its one job uses',
      'on: push\npermissions:\n  contents: write\njobs:\n  a:\n    steps: [{run: git push}]\n',
    ],
    ['every job declares', 'on: push\njobs:\n  a:\n    permissions: {}\n    steps: [{run: x}]\n'],
    ['workflow_call only', 'on:\n  workflow_call:\njobs:\n  a:\n    steps: [{run: x}]\n'],
    ['workflow_call as a string', 'on: workflow_call\njobs:\n  a:\n    steps: [{run: x}]\n'],
    ['no jobs', 'on: push\njobs: {}\n'],
    ['not a workflow', 'name: x\n'],
  ])('passes: %s', async (_name, text) => {
    expect(await run(text)).toEqual([]);
  });

  it('still checks a workflow that is also triggered by other events', async () => {
    const findings = await run('on: [workflow_call, push]\njobs:\n  a:\n    steps: [{run: x}]\n');
    expect(findings.map(at)).toEqual(['.github/workflows/w.yml:2:1']);
  });

  it('does not judge composite actions', async () => {
    const findings = await evaluate(
      workflowPermissions,
      { 'action.yml': 'runs:\n  using: composite\n  steps: [{run: x, shell: bash}]\n' },
      {},
    );
    expect(findings).toEqual([]);
  });
});
