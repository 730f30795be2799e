// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions (${{ }}) are the subject of these tests.
import { afterAll, describe, expect, it } from 'vitest';
import { leaks } from '../../src/core/evaluators/secrets/evaluator.js';
import { workflowCheckoutCredentials } from '../../src/core/evaluators/workflow/checkout-credentials.js';
import { workflowContainerCredentials } from '../../src/core/evaluators/workflow/container-credentials.js';
import { workflowDangerousTriggers } from '../../src/core/evaluators/workflow/dangerous-triggers.js';
import { workflowDeployEnvironment } from '../../src/core/evaluators/workflow/deploy-environment.js';
import { workflowInsecureCommands } from '../../src/core/evaluators/workflow/insecure-commands.js';
import { workflowOverprovisionedSecrets } from '../../src/core/evaluators/workflow/overprovisioned-secrets.js';
import { workflowPermissions } from '../../src/core/evaluators/workflow/permissions.js';
import { workflowPrEvidence } from '../../src/core/evaluators/workflow/pr-evidence.js';
import { workflowRemoteScript } from '../../src/core/evaluators/workflow/remote-script.js';
import { workflowSecretsInherit } from '../../src/core/evaluators/workflow/secrets-inherit.js';
import { workflowSelfHostedRunner } from '../../src/core/evaluators/workflow/self-hosted-runner.js';
import { workflowUnpinnedImages } from '../../src/core/evaluators/workflow/unpinned-images.js';
import { workflowUnpinnedUses } from '../../src/core/evaluators/workflow/unpinned-uses.js';
import { at, evaluate, removeTrees } from '../parsers/tree.js';

afterAll(removeTrees);

const W = '.github/workflows/w.yml';
const one = (text: string) => ({ [W]: text });

describe('workflow.dangerous-triggers', () => {
  it('reports the head ref of a checkout, through env, at its column; the trigger alone as medium', async () => {
    const findings = await evaluate(
      workflowDangerousTriggers,
      one(`on: [pull_request_target]
jobs:
  a:
    runs-on: x
    env:
      SHA: \${{ github.event.pull_request.head.sha }}
    steps:
      - uses: actions/checkout@v4
        with:
          ref: \${{ github.event_name == 'x' && env.SHA || github.sha }}
      - run: make
`),
      {},
    );
    expect(findings.map((f) => [at(f), f.severity])).toEqual([[`${W}:10:48`, undefined]]);
    const info = await evaluate(
      workflowDangerousTriggers,
      one('on: workflow_run\njobs:\n  a:\n    steps: [{run: ./report $GITHUB_EVENT_PATH}]\n'),
      {},
    );
    expect(info.map((f) => [at(f), f.severity, f.key])).toEqual([
      [`${W}:1:5`, 'medium', 'trigger:workflow_run'],
    ]);
  });

  // A git command that fetches or checks out a shell variable set from the head in an `env:` (the
  // step's, the job's, the workflow's), the runner's GITHUB_HEAD_REF, or a variable assigned from one:
  // a head checkout like the inline expression. Commands are parsed: a comment checks out nothing.
  const byVariable = (run: string[], stepEnv = '', jobEnv = '', top = '') =>
    `on: pull_request_target\n${top}jobs:\n  a:\n    runs-on: x\n${jobEnv}    steps:\n      - uses: actions/checkout@v4\n      - ${stepEnv}run: |\n${run.map((l) => `          ${l}\n`).join('')}`;
  const HEAD_SHA = 'SHA: "${{ github.event.pull_request.head.sha }}"';
  const build = ['git checkout FETCH_HEAD', 'npm install'];
  it.each([
    [
      "the step's env",
      byVariable(['git fetch origin "$SHA"', ...build], `env: { ${HEAD_SHA} }\n        `),
      9,
    ],
    [
      "the job's env, the branch",
      byVariable(
        ['git fetch origin "${BRANCH}"', ...build],
        '',
        '    env:\n      BRANCH: ${{ github.head_ref }}\n',
      ),
      10,
    ],
    [
      "the workflow's env, the fork's clone URL",
      byVariable(
        ['git clone "$FORK" pr', 'make -C pr'],
        '',
        '',
        'env:\n  FORK: ${{ github.event.pull_request.head.repo.clone_url }}\n',
      ),
      10,
    ],
    ["the runner's GITHUB_HEAD_REF", byVariable(['git checkout "$GITHUB_HEAD_REF"', 'make']), 8],
    [
      'a variable assigned from one',
      byVariable(
        ['REF="$SHA"', 'git -c advice.detachedHead=false checkout "$REF"', 'make'],
        `env: { ${HEAD_SHA} }\n        `,
      ),
      10,
    ],
    [
      'a fetch whose commits are only read',
      byVariable(['git fetch origin "$SHA"', 'git log -1 "$SHA"'], `env: { ${HEAD_SHA} }\n        `),
      undefined,
    ],
    [
      'the base commit',
      byVariable(
        ['git fetch origin "$SHA"', ...build],
        'env: { SHA: "${{ github.event.pull_request.base.sha }}" }\n        ',
      ),
      undefined,
    ],
    [
      'a variable the script sets first',
      byVariable(['SHA=main', 'git fetch origin "$SHA"', ...build], `env: { ${HEAD_SHA} }\n        `),
      undefined,
    ],
    [
      'a comment',
      byVariable(['# git fetch origin "$SHA"', 'npm install'], `env: { ${HEAD_SHA} }\n        `),
      undefined,
    ],
    [
      "a new branch named after the head's",
      byVariable(
        ['git checkout -b "$BR"', 'make'],
        'env: { BR: "${{ github.event.pull_request.head.ref }}" }\n        ',
      ),
      undefined,
    ],
  ])('reads a head checkout through a shell variable: %s', async (_name, text, line) => {
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    const critical = findings.filter((f) => f.severity === undefined);
    expect(critical.map((f) => f.location?.startLine)).toEqual(line === undefined ? [] : [line]);
  });

  // The head looked up through the API at run time (gh api, gh pr view, curl piped to jq, the event
  // file) names it as surely as `github.event.pull_request.head.sha`: in the git command's word, in a
  // variable assigned from it, or written to $GITHUB_ENV/$GITHUB_OUTPUT by an earlier step. The base
  // (`.base.sha`, `baseRefOid`) is not the head; a fetched head only read (git log) runs nothing.
  const PULL = 'gh api "repos/$GITHUB_REPOSITORY/pulls/$NUM"';
  const twoSteps = (first: string[], second: string[], secondEnv = '') =>
    `on: pull_request_target\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - id: pr\n        run: |\n${first.map((l) => `          ${l}\n`).join('')}      - ${secondEnv}run: |\n${second.map((l) => `          ${l}\n`).join('')}`;
  it.each([
    [
      'gh api --jq .head.sha into a variable',
      byVariable([`SHA=$(${PULL} --jq .head.sha)`, 'git fetch origin "$SHA"', ...build]),
      9,
    ],
    [
      'gh pr view headRefOid in the git command',
      byVariable(['git fetch origin "$(gh pr view "$NUM" --json headRefOid -q .headRefOid)"', ...build]),
      8,
    ],
    [
      'curl piped to jq, the branch',
      byVariable([
        'REF=`curl -fsS "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/pulls/$NUM" | jq -r ".head.ref"`',
        'git checkout "$REF"',
        'make',
      ]),
      9,
    ],
    [
      "the fork's clone URL, exported",
      byVariable([
        `export URL="$(${PULL} --jq '.head.repo.clone_url')"`,
        'git clone "$URL" pr',
        'make -C pr',
      ]),
      9,
    ],
    [
      'gh pr view headRefName with --jq=',
      byVariable([
        'BRANCH=$(gh pr view "$NUM" --json headRefName --jq=.headRefName)',
        'git fetch origin "$BRANCH"',
        ...build,
      ]),
      9,
    ],
    [
      '$GITHUB_ENV of an earlier step',
      twoSteps(
        [`echo "SHA=$(${PULL} --jq .head.sha)" >> "$GITHUB_ENV"`],
        ['git fetch origin "$SHA"', ...build],
      ),
      11,
    ],
    [
      '$GITHUB_OUTPUT of an earlier step, in the git command',
      twoSteps(
        ['sha=$(gh pr view "$NUM" --json headRefOid -q .headRefOid)', 'echo "sha=$sha" >> "$GITHUB_OUTPUT"'],
        ['git fetch origin ${{ steps.pr.outputs.sha }}', ...build],
      ),
      12,
    ],
    [
      '$GITHUB_OUTPUT of an earlier step, through env',
      twoSteps(
        [`${PULL} --jq '"sha=" + .head.sha' >> "$GITHUB_OUTPUT"`],
        ['git fetch origin "$SHA"', ...build],
        'env: { SHA: "${{ steps.pr.outputs.sha }}" }\n        ',
      ),
      12,
    ],
    [
      'the base commit from gh api',
      byVariable([`SHA=$(${PULL} --jq .base.sha)`, 'git fetch origin "$SHA"', ...build]),
      undefined,
    ],
    [
      'the base commit from gh pr view, the head only listed',
      byVariable([
        'git fetch origin "$(gh pr view "$NUM" --json headRefOid,baseRefOid -q .baseRefOid)"',
        ...build,
      ]),
      undefined,
    ],
    [
      'the base commit through $GITHUB_ENV',
      twoSteps(
        [`echo "SHA=$(${PULL} --jq .base.sha)" >> "$GITHUB_ENV"`],
        ['git fetch origin "$SHA"', ...build],
      ),
      undefined,
    ],
    [
      'a looked-up head only read',
      byVariable([`SHA=$(${PULL} --jq .head.sha)`, 'git fetch origin "$SHA"', 'git log -1 "$SHA"']),
      undefined,
    ],
    [
      'a lookup in single quotes',
      byVariable(["git fetch origin '$(gh api x --jq .head.sha)'", ...build]),
      undefined,
    ],
  ])('reads a head looked up at run time: %s', async (_name, text, line) => {
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    const critical = findings.filter((f) => f.severity === undefined);
    expect(critical.map((f) => f.location?.startLine)).toEqual(line === undefined ? [] : [line]);
  });

  // A run only on merged pull requests is a maintainer's doing: the trigger alone is low, not medium.
  const merged = 'github.event.pull_request.merged == true';
  const mergedMessage = (checked: string) =>
    '"pull_request_target" runs with the base repository\'s secrets and a writable token on events that ' +
    `${checked}No job here checks out pull request code, but every value from the event (titles, branch names, ` +
    'artifacts of the triggering run) is untrusted and must be read as data. Prefer "pull_request" ' +
    '(read-only token, no secrets for forks), or keep this workflow to labelling and commenting.';
  const byMaintainer = mergedMessage(
    'a maintainer causes: every job here runs only on pull requests that were merged. ',
  );
  const byOutsiders = mergedMessage('outsiders can cause. ');

  // The secrets are there whatever the token can do; the token is only writable when a job can get one.
  it.each([
    ['permissions: {} at the top', 'permissions: {}\n', '', false],
    ['read scopes on the job', '', '    permissions: { contents: read, pull-requests: read }\n', false],
    ['read-all at the top', 'permissions: read-all\n', '', false],
    ['a write scope on the job', 'permissions: {}\n', '    permissions: { issues: write }\n', true],
    ['no permissions anywhere', '', '', true],
  ])('pull_request_target with %s: the token is writable: %s', async (_name, top, job, writable) => {
    const text = `on:\n  pull_request_target:\n    types: [opened]\n${top}jobs:\n  triage:\n${job}    steps:\n      - run: ./triage $GITHUB_EVENT_PATH\n`;
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    const token = writable
      ? 'and a writable token'
      : '(its token here can only read: no job is granted a write scope)';
    expect(findings.map((f) => [f.severity, f.message])).toEqual([
      ['medium', byOutsiders.replace('and a writable token', token)],
    ]);
  });
  const byTriage = mergedMessage(
    'a maintainer causes: every job here runs only on activity that needs triage or write access (labels, assignees, milestones, locks, the merge queue). ',
  );
  const byInsiders = mergedMessage(
    'a maintainer causes: every job here runs only on activity that needs triage or write access, or for pull requests whose author is an owner, member or collaborator (author_association). ',
  );
  it.each([
    // Only someone with triage access labels or assigns a pull request: the trigger alone is low.
    ['types: [labeled, assigned]', '[labeled, assigned]', { a: 'true' }, [['low', byTriage]]],
    ['types: [labeled, opened]', '[labeled, opened]', { a: 'true' }, [['medium', byOutsiders]]],
    [
      'every job checks the action is labeled',
      '[labeled, opened]',
      { a: "github.event.action == 'labeled'", b: "github.event.action == 'labeled'" },
      [['low', byTriage]],
    ],
    [
      'one job on the opened action',
      '[labeled, opened]',
      { a: "github.event.action == 'labeled'", b: 'true' },
      [['medium', byOutsiders]],
    ],
    ['every job on merged, types: [closed]', '[closed]', { a: merged, b: merged }, [['low', byMaintainer]]],
    ['merged through a needed job', '[closed]', { a: merged, b: 'needs:a' }, [['low', byMaintainer]]],
    [
      'merged && another condition',
      '[closed]',
      { a: `${merged} && github.base_ref == 'main'` },
      [['low', byMaintainer]],
    ],
    ['one job not guarded', '[closed]', { a: merged, b: 'true' }, [['medium', byOutsiders]]],
    [
      'merged || another condition',
      '[closed]',
      { a: `${merged} || github.base_ref == 'main'` },
      [['medium', byOutsiders]],
    ],
    [
      "merged == 'true' (never equal)",
      '[closed]',
      { a: "github.event.pull_request.merged == 'true'" },
      [['medium', byOutsiders]],
    ],
    // The author can still edit a merged pull request's title: that run is theirs.
    ['merged, types: [closed, edited]', '[closed, edited]', { a: merged }, [['medium', byOutsiders]]],
    // Only owners', members' and collaborators' pull requests run it, or a maintainer's dispatch.
    [
      "every job checks the pull request author's association",
      '[opened, synchronize]',
      {
        a: `github.event_name == 'workflow_dispatch' || contains(fromJSON('["OWNER","MEMBER","COLLABORATOR"]'), github.event.pull_request.author_association)`,
        b: 'needs:a',
      },
      [['low', byInsiders]],
    ],
    [
      'an association check || another condition',
      '[opened]',
      { a: `github.base_ref == 'main' || github.event.pull_request.author_association == 'MEMBER'` },
      [['medium', byOutsiders]],
    ],
  ])('grades the trigger by who causes the runs: %s', async (_name, types, jobs, expected) => {
    const text = [
      'on:',
      '  pull_request_target:',
      `    types: ${types}`,
      'jobs:',
      ...Object.entries(jobs).flatMap(([id, cond]) =>
        cond.startsWith('needs:')
          ? [`  ${id}:`, `    needs: ${cond.slice(6)}`, '    steps: [{run: ./x $GITHUB_EVENT_PATH}]']
          : [`  ${id}:`, `    if: ${JSON.stringify(cond)}`, '    steps: [{run: ./x $GITHUB_EVENT_PATH}]'],
      ),
      '',
    ].join('\n');
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    expect(findings.map((f) => [f.severity, f.message])).toEqual(expected);
  });

  // What the pull request's author can make the jobs do, once none checks out their code: nothing but
  // what the workflow's own steps do with the event as data is the shape the rule asks for (low).
  const script = (...lines: string[]) =>
    `      - uses: actions/github-script@v7\n        with:\n          script: |\n${lines.map((l) => `            ${l}\n`).join('')}`;
  const target = (steps: string, on = 'pull_request_target') =>
    `on: ${on}\njobs:\n  a:\n    runs-on: x\n    permissions: { pull-requests: write }\n    steps:\n${steps}`;
  it.each([
    [
      'labelling actions only',
      target('      - uses: actions/labeler@v5\n      - uses: acme/size-label@v1\n'),
      'low',
    ],
    [
      'a github-script that reads the event as data',
      target(
        '      - uses: actions/github-script@v7\n        with:\n          script: |\n            if (!context.payload.pull_request.merged) return;\n            await github.rest.issues.removeLabel({ ...context.repo, issue_number: context.payload.number, name: "lgtm" });\n',
      ),
      'low',
    ],
    [
      'a script given the event through env',
      target(
        '      - env:\n          TITLE: ${{ github.event.pull_request.title }}\n          SHA: ${{ github.event.pull_request.head.sha }}\n        run: gh pr edit "$NUMBER" --add-label "$(./classify "$TITLE")" && echo "$SHA"\n',
      ),
      'low',
    ],
    [
      "a workflow_run that posts the run's artifact with an action",
      target(
        '      - uses: actions/download-artifact@v4\n        id: get\n        with: { name: report, run-id: "${{ github.event.workflow_run.id }}" }\n      - uses: acme/comment@v1\n        with: { file-path: "${{ steps.get.outputs.download-path }}/report.md" }\n',
        'workflow_run',
      ),
      'low',
    ],
    [
      'a github-script that looks runs and checks up by the head commit',
      target(
        script(
          '// the runs of the head commit (head_sha)',
          'const { data } = await github.rest.actions.listWorkflowRunsForRepo({ ...context.repo, head_sha: context.payload.pull_request.head.sha });',
          `core.info(\`runs of \${context.payload.pull_request.head.sha}: \${data.total_count} (see "pr.head.sha")\`);`,
          'const checks = await github.paginate(github.rest.checks.listForRef, { ...context.repo, ref: context.payload.pull_request.head.sha });',
        ),
      ),
      'low',
    ],
    [
      'a github-script that sets the head commit as an output',
      target(script('core.setOutput("sha", context.payload.pull_request.head.sha);')),
      'medium',
    ],
    [
      'a github-script that reads a file at the head commit',
      target(
        script(
          'await github.rest.repos.getContent({ ...context.repo, path: "x.js", ref: context.payload.pull_request.head.sha });',
        ),
      ),
      'medium',
    ],
    [
      'a github-script that keeps the head commit in a variable',
      target(
        script(
          'const sha = context.payload.pull_request.head.sha;',
          'await github.rest.actions.listWorkflowRunsForRepo({ ...context.repo, head_sha: sha });',
        ),
      ),
      'medium',
    ],
    [
      'a github-script that tests the head branch and writes it into a comment through a variable',
      target(
        script(
          'const pr = context.payload.pull_request;',
          'if ((pr?.head?.ref || "").startsWith("release-") || pr.head.repo.full_name === "a/b") return;',
          'const text = `Try it: \\`npx try ${pr.user.login}:${pr?.head?.ref}\\``;',
          'await github.rest.issues.createComment({ ...context.repo, issue_number: pr.number, body: text });',
        ),
      ),
      'low',
    ],
    [
      'a github-script that keeps the head branch, optionally chained, in a variable',
      target(script('const ref = context.payload.pull_request?.head?.ref;', 'await run(ref);')),
      'medium',
    ],
    [
      'a github-script that writes the head branch into a text set as an output',
      target(
        script(
          'const text = `branch ${context.payload.pull_request.head.ref}`;',
          'core.setOutput("text", text);',
          'await github.rest.issues.createComment({ ...context.repo, issue_number: 1, body: text });',
        ),
      ),
      'medium',
    ],
    [
      'a github-script that fetches the head commit',
      target(script('await exec.exec("git", ["fetch", "origin", context.payload.pull_request.head.sha]);')),
      'medium',
    ],
    [
      'an event value written into a script',
      target('      - run: echo "${{ github.event.pull_request.title }}" | ./classify\n'),
      'medium',
    ],
    [
      'an event value written into a github-script',
      target(
        '      - uses: actions/github-script@v7\n        with:\n          script: console.log("${{ github.event.pull_request.title }}")\n',
      ),
      'medium',
    ],
    [
      // (Running a script of the artifact is critical: see the table of the triggering run's artifact.)
      "a workflow_run that reads the run's artifact after downloading it",
      target(
        '      - uses: actions/download-artifact@v4\n        with: { name: report, run-id: "${{ github.event.workflow_run.id }}" }\n      - run: jq . report/results.json\n',
        'workflow_run',
      ),
      'medium',
    ],
    [
      'an action given the head to fetch',
      target(
        '      - uses: acme/build@v1\n        with: { ref: "${{ github.event.pull_request.head.sha }}" }\n',
      ),
      'medium',
    ],
    [
      'an action that posts a check run on the head commit',
      target(
        '      - uses: LouisBrunner/checks-action@v2\n        with: { token: "${{ github.token }}", sha: "${{ github.event.pull_request.head.sha }}", name: e2e, status: queued }\n',
      ),
      'low',
    ],
    [
      'an unknown action given the head commit',
      target(
        '      - uses: acme/checks@v2\n        with: { token: "${{ github.token }}", sha: "${{ github.event.pull_request.head.sha }}", name: e2e }\n',
      ),
      'medium',
    ],
    ['a composite action of the repository', target('      - uses: ./.github/actions/triage\n'), 'medium'],
    ['a script that reads the raw event', target('      - run: ./triage "$GITHUB_EVENT_PATH"\n'), 'medium'],
  ])('grades the trigger by what the jobs do with the event: %s', async (_name, text, severity) => {
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    expect(findings.map((f) => [at(f), f.severity])).toEqual([[`${W}:1:5`, severity]]);
    if (severity === 'low')
      expect(findings[0]!.message).toContain('the event reaches scripts and actions only as data');
  });

  // Keeping to the event as data with no secret and a read-only token leaves nothing privileged: info.
  const titleCheck = (permissions: string, env = '') =>
    `on:\n  pull_request_target:\n    types: [opened, edited]\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    permissions: ${permissions}\n${env}    steps:\n${script(
      'const title = context.payload.pull_request.title || "";',
      'if (!/^[A-Z][^:]*: .+/.test(title)) core.setFailed("Title must be Component: Description");',
    )}`;
  it.each([
    ['read scopes and no secret', titleCheck('{ contents: read, pull-requests: read }'), 'info'],
    ['no scope and no secret', titleCheck('{}'), 'info'],
    [
      'read scopes and a secret',
      titleCheck('{ contents: read }', '    env: { HOOK: "${{ secrets.HOOK }}" }\n'),
      'low',
    ],
    ['a write scope', titleCheck('{ pull-requests: write }'), 'low'],
    [
      'read scopes, but a title written into a script',
      titleCheck('{ contents: read }').replace(
        'context.payload.pull_request.title || ""',
        '"${{ github.event.pull_request.title }}"',
      ),
      'medium',
    ],
  ])('grades a trigger whose jobs hold nothing privileged as info: %s', async (_name, text, severity) => {
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    expect(findings.map((f) => [at(f), f.severity])).toEqual([[`${W}:2:3`, severity]]);
    if (severity === 'info') expect(findings[0]!.message).toContain('nothing privileged is left');
  });

  // A checkout of the head whose tree nothing runs afterwards (only its commit is read) runs no code
  // of the pull request; anything that may run the tree keeps it critical.
  const commentJob = (job: string, steps: string) =>
    `on:\n  issue_comment:\n    types: [created]\njobs:\n  triage:\n    runs-on: x\n${job}    steps:\n${steps}`;
  const parse = (...lines: string[]) =>
    `      - id: parse\n        env: { GH_TOKEN: "\${{ github.token }}", URL: "\${{ github.event.issue.pull_request.url }}" }\n        run: |\n${lines.map((l) => `          ${l}\n`).join('')}`;
  const readSha = [
    'git config --global --add safe.directory "$GITHUB_WORKSPACE"',
    'gh pr checkout "${URL##*/}"',
    'SHA=$(git log -n 1 --pretty=format:"%H")',
    'echo "sha=$SHA" >> "$GITHUB_OUTPUT"',
  ];
  it.each([
    ['only its commit read', commentJob('', parse(...readSha)), []],
    [
      'its commit read with an actions/checkout, then printed in a later step',
      commentJob(
        '',
        '      - uses: actions/checkout@v4\n        with: { ref: "refs/pull/${{ github.event.issue.number }}/head" }\n      - run: git rev-parse HEAD\n      - run: echo done\n',
      ),
      [],
    ],
    ['a build after it in the script', commentJob('', parse(...readSha, 'make build')), [`${W}:12:11`]],
    [
      'a build in a later step',
      commentJob('', `${parse(...readSha)}      - run: make build\n`),
      [`${W}:12:11`],
    ],
    [
      'an action after it',
      commentJob('', `${parse(...readSha)}      - uses: acme/lint@v1\n`),
      [`${W}:12:11`],
    ],
    [
      'a value of the run written into the script after it',
      commentJob('', parse(...readSha, 'echo "${{ github.event.comment.body }}"')),
      [`${W}:12:11`],
    ],
    ['a trap set before it', commentJob('', parse("trap './cleanup.sh' EXIT", ...readSha)), [`${W}:13:11`]],
    [
      'a cache action before it, which saves when the job ends',
      commentJob(
        '',
        `      - uses: actions/cache@v4\n        with: { path: node_modules, key: x }\n${parse(...readSha)}`,
      ),
      [`${W}:14:11`],
    ],
    [
      'BASH_ENV in the job',
      commentJob('    env: { BASH_ENV: ./env.sh }\n', parse(...readSha)),
      [`${W}:13:11`],
    ],
    [
      'a git command that does not only read',
      commentJob('', parse(...readSha, 'git submodule update --init')),
      [`${W}:12:11`],
    ],
    [
      'values the run fixes written into a later step (a number, a path of the runner)',
      commentJob(
        '',
        `${parse(...readSha)}      - run: git diff --stat "\${{ github.event.issue.number }}" > "\${{ runner.temp }}/stat.txt"\n`,
      ),
      [],
    ],
    [
      'an env value written into a later step',
      commentJob('', `${parse(...readSha)}      - run: git diff --stat "\${{ env.BASE }}"\n`),
      [`${W}:12:11`],
    ],
    [
      'an upload of the tree as an artifact after it',
      commentJob(
        '',
        `${parse(...readSha)}      - uses: actions/upload-artifact@v4\n        with: { name: src, path: . }\n`,
      ),
      [],
    ],
    [
      'another action after the upload',
      commentJob(
        '',
        `${parse(...readSha)}      - uses: actions/upload-artifact@v4\n        with: { name: src, path: . }\n      - uses: acme/lint@v1\n`,
      ),
      [`${W}:12:11`],
    ],
  ])('drops a head checkout whose tree nothing runs: %s', async (_name, text, expected) => {
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    expect(findings.map((f) => at(f))).toEqual(expected);
    for (const f of findings) expect(f.message).toContain('checks out the pull request');
  });

  // A function the script defines (parsed) is no program: calling it runs its body, read as commands.
  // A comment, a string or a definition after the call defines nothing, and a name that differs in
  // case or a wrapper (`sudo`, `command`) runs the program of that name.
  it.each([
    ['a function defined, then called', ['report() { echo "$1"; }', 'report done'], []],
    ['the function keyword', ['function report { echo "$1"; }', 'report done'], []],
    ['a function whose body builds', ['report() { make build; }', 'report done'], [`${W}:12:11`]],
    ['a comment that names a function', ['# runs npm() as usual', 'npm install'], [`${W}:12:11`]],
    ['a string that names one', ['echo "then npm() runs"', 'npm install'], [`${W}:12:11`]],
    ['a heredoc that names one', ['cat <<EOF', 'npm() { :; }', 'EOF', 'npm install'], [`${W}:12:11`]],
    ['a definition after the call', ['npm install', 'npm() { :; }'], [`${W}:12:11`]],
    ['another case of the name', ['NPM() { :; }', 'npm install'], [`${W}:12:11`]],
    ['a wrapper that runs the program', ['npm() { :; }', 'sudo npm install'], [`${W}:12:11`]],
    // Only a definition certainly in force when the program is called shadows it.
    [
      'a definition in a branch not taken',
      ['if false; then npm() { :; }; fi', 'npm install'],
      [`${W}:12:11`],
    ],
    ['a definition in a subshell', ['( npm() { :; } )', 'npm install'], [`${W}:12:11`]],
    ['a definition after false &&', ['false && npm() { :; }', 'npm install'], [`${W}:12:11`]],
    ['a definition removed by unset -f', ['npm() { :; }; unset -f npm', 'npm install'], [`${W}:12:11`]],
    ['a definition removed by unset', ['npm() { :; }', 'unset npm', 'npm install'], [`${W}:12:11`]],
    ['a definition in a pipeline', ['npm() { :; } | cat', 'npm install'], [`${W}:12:11`]],
    ['a definition at the top level, over lines', ['npm() {', '  echo "$@"', '}', 'npm install'], []],
  ])('reads the functions a script defines after a head checkout: %s', async (_name, lines, expected) => {
    const text = commentJob(
      '',
      `${parse(...readSha)}      - run: |\n${lines.map((l) => `          ${l}\n`).join('')}`,
    );
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    expect(findings.map((f) => at(f))).toEqual(expected);
  });

  // A fetch of the head leaves the base's tree in place: later steps that only read the fetched
  // commits (git log, git rev-list, fed to a loop by process substitution), comment through the
  // GitHub CLI or run the base's own programs run none of them. A checkout of the fetched ref keeps
  // it critical.
  const fetched = (...later: string[]) =>
    commentJob(
      '',
      `      - uses: actions/checkout@v4\n      - run: git fetch origin "pull/\${{ github.event.issue.number }}/head:pr-head"\n${later.map((l) => `      - run: |\n          ${l.replaceAll('\n', '\n          ')}\n`).join('')}`,
    );
  const readCommits =
    'while read -r c; do\n  git log -1 --pretty=%B "$c" | grep -q "^Signed-off-by:" || missing="$missing $c"\ndone < <(git rev-list --no-merges "origin/main..pr-head")';
  it.each([
    ['its commits read, then a comment', fetched(readCommits, 'gh pr comment 1 --body "$missing"'), false],
    [
      'its commits read through the API',
      fetched(readCommits, 'gh api repos/x/y/issues/1/comments -f body=x'),
      false,
    ],
    ['then a checkout of the fetched ref', fetched(readCommits, 'git checkout pr-head'), true],
    ['then gh pr checkout', fetched('gh pr checkout 1'), true],
    [
      "a loop fed by a script of the base's tree",
      fetched(readCommits.replace('git rev-list --no-merges', './list.sh')),
      false,
    ],
    ["then a build of the base's tree", fetched(readCommits, 'make test'), false],
    ['then a checkout of the fetched ref and a build', fetched('git checkout pr-head', 'make test'), true],
  ])('a fetch of the head whose commits are only read: %s', async (_name, text, critical) => {
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    expect(findings.some((f) => f.message.includes("fetches the pull request's code"))).toBe(critical);
  });

  // The same shape on pull_request_target: with no critical finding, the trigger is judged as a workflow
  // that keeps to the event as data (low), unless the fetched commits are run.
  const targetFetch = (...later: string[]) =>
    `on: pull_request_target\npermissions:\n  pull-requests: write\njobs:\n  signoffs:\n    runs-on: ubuntu-latest\n    env:\n      GH_TOKEN: \${{ github.token }}\n      PR: \${{ github.event.pull_request.number }}\n    steps:\n      - uses: actions/checkout@v4\n      - run: git fetch origin "pull/\${PR}/head:pr-head"\n${later.map((l) => `      - run: |\n          ${l.replaceAll('\n', '\n          ')}\n`).join('')}`;
  it.each([
    [
      'its commits read, then a comment',
      targetFetch(readCommits, 'gh pr comment "$PR" --body "$missing"'),
      ['low/high'],
    ],
    ["then a build of the base's tree", targetFetch(readCommits, 'make test'), ['low/high']],
    ['then a merge and a build', targetFetch('git merge --no-edit pr-head', 'make test'), ['critical/high']],
  ])('pull_request_target fetching the head whose commits are only read: %s', async (_name, text, grades) => {
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    // A finding without its own grade takes the rule's (critical, high confidence).
    expect(findings.map((f) => `${f.severity ?? 'critical'}/${f.confidence ?? 'high'}`)).toEqual(grades);
  });

  // After a fetch of the head the work tree is still the base's: the base's programs, actions and
  // scripts run, given the fetched commits' diff or SHA as data, and run none of the pull request's
  // code. Every way of putting the fetched commits into files, or of running what they hold, in the
  // rest of the fetch's script or a later step, keeps the fetch critical.
  const FETCH_LINE = 14;
  const fetchThen = (rest: string, ...later: string[]) =>
    `on: pull_request_target\npermissions: { contents: read, pull-requests: write }\njobs:\n  review:\n    runs-on: ubuntu-latest\n    env:\n      PR: \${{ github.event.pull_request.number }}\n      BASE: \${{ github.event.pull_request.base.sha }}\n      HEAD: \${{ github.event.pull_request.head.sha }}\n    steps:\n      - uses: actions/checkout@v4\n        with: { persist-credentials: false }\n      - run: |\n          git fetch origin "pull/\${PR}/head:pr-head"\n${rest ? `          ${rest.replaceAll('\n', '\n          ')}\n` : ''}${later.join('')}`;
  const run = (...lines: string[]) => `      - run: |\n${lines.map((l) => `          ${l}\n`).join('')}`;
  const diffTo = 'git diff "$BASE...$HEAD" > pr.diff';
  const COMPOSITE = '.github/actions/prepare/action.yml';
  const composite = (script: string) => ({
    [COMPOSITE]: `runs:\n  using: composite\n  steps:\n    - shell: bash\n      run: ${script}\n`,
  });
  it.each<[string, string, Record<string, string>?]>([
    // The base's tree runs.
    [
      "the diff handed to a script of the base's tree",
      fetchThen(diffTo, run('python3 scripts/summarise.py pr.diff > out.md')),
    ],
    [
      "the head's SHA handed to a script of the base's tree",
      fetchThen('', run('python3 tools/review.py --base-sha "$BASE" --head-sha "$HEAD" > review.md')),
    ],
    [
      'actions that post the result',
      fetchThen(
        diffTo,
        '      - uses: actions/setup-python@v5\n        with: { python-version: "3.12" }\n',
        run('pip install -r requirements.txt', 'make lint'),
        "      - uses: actions/github-script@v7\n        with:\n          script: |\n            const body = require('fs').readFileSync('pr.diff', 'utf8');\n            await github.rest.issues.createComment({ ...context.repo, issue_number: context.issue.number, body });\n",
      ),
    ],
    [
      'the diff piped into a script file',
      fetchThen('git diff "$BASE...$HEAD" | python3 scripts/summarise.py'),
    ],
    [
      'a file of the head printed through text tools',
      fetchThen('git show pr-head:CHANGELOG.md | grep -c "^- " | tee count.txt'),
    ],
    [
      'patches written, read by a script',
      fetchThen('git format-patch -o patches "$BASE..pr-head"', run('./scripts/check-patches.sh patches')),
    ],
    ['a branch made from the fetched ref', fetchThen('git branch pr-copy pr-head', run('make report'))],
    [
      'a composite action of this repository that runs no git',
      fetchThen(diffTo, '      - uses: ./.github/actions/prepare\n'),
      composite('make setup'),
    ],
    [
      'a program named by a path in a variable',
      fetchThen(diffTo, run('"$GITHUB_WORKSPACE/scripts/report.sh" pr.diff')),
    ],
  ])(
    'a fetch of the head whose commits only the base reads stays off critical: %s',
    async (_name, text, extra) => {
      const findings = await evaluate(workflowDangerousTriggers, { ...one(text), ...extra }, {});
      expect(findings.filter((f) => f.severity === undefined).map(at)).toEqual([]);
    },
  );

  it.each<[string, string, Record<string, string>?]>([
    // Checked out, merged or otherwise moved into the work tree, in the fetch's own script or later.
    ['git checkout of the fetched ref in the same script', fetchThen('git checkout pr-head', run('make'))],
    [
      'git checkout FETCH_HEAD, then the build in the same script',
      fetchThen('git checkout FETCH_HEAD && npm ci'),
    ],
    ['git switch', fetchThen('', run('git switch --detach pr-head', 'npm test'))],
    ['git merge', fetchThen('', run('git merge --no-edit pr-head', 'make'))],
    ['git rebase', fetchThen('', run('git rebase pr-head', 'make'))],
    ['git reset --hard', fetchThen('', run('git reset --hard FETCH_HEAD', 'make'))],
    ['git worktree add', fetchThen('', run('git worktree add ../pr pr-head', 'make -C ../pr'))],
    ['git cherry-pick', fetchThen('', run('git cherry-pick "$BASE..pr-head"', 'make'))],
    ['git pull of the fetched ref', fetchThen('', run('git pull --no-rebase . pr-head', 'make'))],
    ['git restore from the fetched ref', fetchThen('', run('git restore --source=pr-head -- .', 'make'))],
    ['git read-tree into the work tree', fetchThen('', run('git read-tree -u --reset pr-head', 'make'))],
    [
      'a checkout into another work tree',
      fetchThen('', run('git --work-tree=pr checkout pr-head -- .', 'make -C pr')),
    ],
    ['a checkout through xargs', fetchThen('', run('echo pr-head | xargs git checkout', 'make'))],
    ['gh pr checkout', fetchThen('', run('gh pr checkout "$PR"', 'make'))],
    // The fetched commits installed (the package's build hooks run) by another program.
    ['pip install of the fetched ref', fetchThen('', run('pip install "git+file://$PWD@pr-head"'))],
    ['npm install of FETCH_HEAD', fetchThen('', run('npm install "git+file://$PWD#FETCH_HEAD"'))],
    // A patch of the pull request applied to the base's tree.
    ['git apply of a diff written first', fetchThen(diffTo, run('git apply pr.diff', 'make'))],
    ['git diff piped into git apply', fetchThen('git diff "$BASE" pr-head | git apply', run('make'))],
    ['patch of a diff written first', fetchThen(diffTo, run('patch -p1 < pr.diff', 'make'))],
    [
      'git am of patches written first',
      fetchThen('git format-patch -o p "$BASE..pr-head"', run('git am p/*.patch', 'make')),
    ],
    // The head's files written out, unpacked, or run from what git prints.
    ['git archive unpacked by tar', fetchThen('git archive pr-head | tar -x -C pr', run('make -C pr'))],
    [
      'git archive to a file',
      fetchThen('git archive -o pr.tar pr-head', run('tar xf pr.tar -C pr', 'make -C pr')),
    ],
    [
      'a file of the head written over the base',
      fetchThen('git show pr-head:Makefile > Makefile', run('make')),
    ],
    [
      'a file of the head written with --output',
      fetchThen('git show --output=build.sh pr-head:build.sh', run('bash build.sh')),
    ],
    [
      'a blob of the head written by cat-file',
      fetchThen('git cat-file -p pr-head:build.sh > build.sh', run('bash build.sh')),
    ],
    ['a file of the head piped into a shell', fetchThen('git show pr-head:build.sh | bash')],
    [
      'a file of the head piped through sed into a shell',
      fetchThen('git show pr-head:build.sh | sed "s/a/b/" | sh -s'),
    ],
    ['a file of the head run by process substitution', fetchThen('bash <(git show pr-head:build.sh)')],
    ['a file of the head fed to a shell on stdin', fetchThen('bash < <(git show pr-head:build.sh)')],
    ['a file of the head sourced', fetchThen('source <(git show pr-head:env.sh)')],
    ['a file of the head evaluated', fetchThen('eval "$(git show pr-head:env.sh)"')],
    ['a file of the head run by python -c', fetchThen('python3 -c "$(git show pr-head:setup.py)"')],
    [
      'a file of the head kept in a variable, then run',
      fetchThen('S=$(git show pr-head:build.sh)\necho ok\nbash -c "$S"'),
    ],
    [
      'a file of the head kept in a variable, then written out',
      fetchThen('export S="$(git show pr-head:build.sh)"\nprintf "%s" "$S" > build.sh', run('sh build.sh')),
    ],
    [
      'a file of the head piped into a program that stores it',
      fetchThen('git show pr-head:build.sh | sponge build.sh', run('sh build.sh')),
    ],
    // What this cannot read: a program named by a variable, a shell other than bash, git through a variable.
    ['a program named by a variable', fetchThen('', run('$RUNNER'))],
    ['a git subcommand named by a variable', fetchThen('', run('git "$HOW" pr-head', 'make'))],
    [
      'a python step that checks out',
      fetchThen(
        '',
        "      - shell: python\n        run: |\n          import subprocess\n          subprocess.run(['git', 'checkout', 'pr-head'])\n",
        run('make'),
      ),
    ],
    // Actions given the fetched commits.
    [
      'an action given the head SHA',
      fetchThen(
        '',
        '      - uses: acme/build-at@v1\n        with: { sha: "${{ github.event.pull_request.head.sha }}" }\n',
      ),
    ],
    [
      'an action given the fetched ref',
      fetchThen('', '      - uses: acme/build-at@v1\n        with: { ref: pr-head }\n'),
    ],
    [
      'an action given FETCH_HEAD',
      fetchThen('', '      - uses: acme/build-at@v1\n        with: { ref: FETCH_HEAD }\n'),
    ],
    [
      'a github-script that runs git',
      fetchThen(
        '',
        "      - uses: actions/github-script@v7\n        with:\n          script: await exec.exec('git', ['checkout', 'pr-head'])\n",
        run('make'),
      ),
    ],
    [
      'a composite action of this repository that checks out',
      fetchThen('', '      - uses: ./.github/actions/prepare\n', run('make')),
      composite('git checkout pr-head'),
    ],
    [
      'a local action not in the tree',
      fetchThen('', '      - uses: ./.github/actions/missing\n', run('make')),
    ],
  ])(
    'a fetch of the head whose commits reach the work tree stays critical: %s',
    async (_name, text, extra) => {
      const findings = await evaluate(workflowDangerousTriggers, { ...one(text), ...extra }, {});
      expect(
        findings.filter((f) => f.severity === undefined && f.location?.startLine === FETCH_LINE).map(at),
      ).toEqual([`${W}:${FETCH_LINE}:11`]);
    },
  );

  // A head put into the tree before the fetch (a checkout of it, `gh pr checkout`, an earlier fetch
  // checked out) is what the programs after the fetch run: the fetch is judged as before.
  const afterEarlier = (earlier: string) =>
    `on: pull_request_target\njobs:\n  a:\n    runs-on: x\n    env:\n      PR: \${{ github.event.pull_request.number }}\n    steps:\n${earlier}      - run: |\n          echo ready\n          git fetch origin "pull/\${PR}/head:pr-head"\n          make\n`;
  it.each([
    ['only the base checked out', '      - uses: actions/checkout@v4\n', false],
    [
      'gh pr checkout in an earlier step',
      '      - uses: actions/checkout@v4\n      - run: gh pr checkout "$PR"\n',
      true,
    ],
    [
      'a checkout of the head SHA',
      '      - uses: actions/checkout@v4\n        with: { ref: "${{ github.event.pull_request.head.sha }}" }\n',
      true,
    ],
    [
      'an earlier fetch checked out',
      '      - uses: actions/checkout@v4\n      - run: git fetch origin "pull/$PR/merge" && git checkout FETCH_HEAD\n',
      true,
    ],
  ])('a fetch of the head after a head may be in the tree: %s', async (_name, earlier, critical) => {
    const findings = await evaluate(workflowDangerousTriggers, one(afterEarlier(earlier)), {});
    expect(
      findings.some(
        (f) =>
          f.severity === undefined &&
          f.message.includes('fetches the pull request\'s code (git fetch origin "pull/${PR}/head'),
      ),
    ).toBe(critical);
  });

  // The shape the rule's documentation describes for a fetch: the diff read as data by the base's
  // script, under pull_request_target. The trigger alone is reported, low: the event kept as data.
  it('reports a fetch of the head whose diff the base summarises as the trigger only, low', async () => {
    const findings = await evaluate(
      workflowDangerousTriggers,
      one(`on:
  pull_request_target:
    types: [opened, synchronize]
permissions: { contents: read, pull-requests: write }
jobs:
  review:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with: { persist-credentials: false }
      - env:
          N: \${{ github.event.pull_request.number }}
          B: \${{ github.event.pull_request.base.sha }}
          H: \${{ github.event.pull_request.head.sha }}
        run: |
          git fetch origin pull/$N/head
          git diff "$B...$H" > change.diff
      - run: python3 scripts/summarise.py change.diff > out.md
`),
      {},
    );
    expect(findings.map((f) => [at(f), f.severity ?? 'critical', f.confidence ?? 'high'])).toEqual([
      [`${W}:2:3`, 'low', 'high'],
    ]);
  });

  // A job that checks the head out only for the bot's branches of this repository: the trigger's message
  // says so instead of denying the checkout.
  it.each([
    [
      'gated to a bot of this repository',
      "    if: github.event.pull_request.head.repo.full_name == github.repository && github.actor == 'renovate[bot]'\n",
      'No job outsiders can start checks out or hands on pull request code (job "tidy" checks it out only under a condition that keeps outsiders out), and',
    ],
    ['with no checkout of the head', null, 'No job here checks out or hands on pull request code, and'],
  ])("says what the trigger's jobs check out: %s", async (_name, gate, said) => {
    const checkout =
      gate === null
        ? '      - uses: actions/checkout@v4\n'
        : '      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: go mod tidy\n';
    const text = `on: pull_request_target\npermissions:\n  contents: read\njobs:\n  tidy:\n    runs-on: ubuntu-latest\n${gate ?? ''}    steps:\n${checkout}`;
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining(said)]);
  });

  // A github-script step that looks the pull request up and hands its head to a later checkout through
  // an output: the checkout is of the head. Other outputs of the same script are not.
  const lookedUp = (value: string, output = 'head') =>
    commentJob(
      '',
      `      - id: pr\n        uses: actions/github-script@v7\n        with:\n          script: |\n            const pr = await github.rest.pulls.get({ owner: context.repo.owner, repo: context.repo.repo, pull_number: context.issue.number });\n            core.setOutput('${output}', ${value});\n            core.setOutput('base', pr.data.base.sha);\n      - uses: actions/checkout@v4\n        with:\n          ref: \${{ steps.pr.outputs.head }}\n      - run: make test\n`,
    );
  it.each([
    ['the head commit', lookedUp('pr.data.head.sha'), [`${W}:17:20`]],
    ['the head branch', lookedUp('pr.data.head.ref'), [`${W}:17:20`]],
    ['the base commit', lookedUp('pr.data.base.sha'), []],
    ['another output named head elsewhere', lookedUp('pr.data.head.sha', 'sha'), []],
    [
      'a variable holding the head commit',
      lookedUp('sha').replace("core.setOutput('base', pr.data.base.sha);", 'const sha = pr.data.head.sha;'),
      [`${W}:17:20`],
    ],
    [
      'the head commit returned as the result',
      lookedUp('pr.data.base.sha', 'base')
        .replace("core.setOutput('base', pr.data.base.sha);", 'return pr.data.head.sha;')
        .replace('steps.pr.outputs.head', 'steps.pr.outputs.result'),
      [`${W}:17:20`],
    ],
    [
      'the head commit exported to the environment',
      lookedUp('pr.data.base.sha', 'base')
        .replace(
          "core.setOutput('base', pr.data.base.sha);",
          "core.exportVariable('HEAD_SHA', pr.data.head.sha);",
        )
        .replace('steps.pr.outputs.head', 'env.HEAD_SHA'),
      [`${W}:17:20`],
    ],
  ])('follows a github-script output to a head checkout: %s', async (_name, text, expected) => {
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    expect(findings.filter((f) => f.message.includes('checks out the pull request')).map(at)).toEqual(
      expected,
    );
  });

  // An earlier step that fails the job unless the commenter's author_association is allowed is a gate
  // too (critical, medium confidence); one that only reads it, or a later step run whatever happened, not.
  const associationChecked = (check: string, after = '') =>
    commentJob(
      '',
      `${check}      - uses: actions/checkout@v4\n        with:\n          ref: refs/pull/\${{ github.event.issue.number }}/head\n${after}      - run: make test\n`,
    );
  const scriptCheck = (body: string) =>
    `      - uses: actions/github-script@v7\n        with:\n          script: |\n            const allowed = ['OWNER', 'MEMBER'];\n            if (!allowed.includes(context.payload.comment.author_association)) {\n              ${body}\n            }\n`;
  it.each([
    [
      'a github-script that fails the job',
      associationChecked(scriptCheck("core.setFailed('no'); return;")),
      'medium',
    ],
    ['a github-script that throws', associationChecked(scriptCheck("throw new Error('no');")), 'medium'],
    [
      'a run: script that exits with an error',
      associationChecked(
        '      - env: { ASSOC: "${{ github.event.comment.author_association }}" }\n        run: |\n          case "$ASSOC" in OWNER|MEMBER) ;; *) exit 1 ;; esac\n',
      ),
      'medium',
    ],
    [
      'a run: script whose exit is only in a comment',
      associationChecked(
        '      - env: { ASSOC: "${{ github.event.comment.author_association }}" }\n        run: |\n          # exit 1 unless OWNER or MEMBER\n          echo "$ASSOC"\n',
      ),
      undefined,
    ],
    [
      'a github-script that only logs it',
      associationChecked(scriptCheck("core.info('outsider');")),
      undefined,
    ],
    [
      'a check that runs only under a condition',
      associationChecked(
        scriptCheck("core.setFailed('no');").replace(
          '      - uses:',
          '      - if: github.event.issue.pull_request\n        uses:',
        ),
      ),
      undefined,
    ],
  ])('an association check before a head checkout: %s', async (_name, text, confidence) => {
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    const checkout = findings.filter((f) => f.message.includes('checks out the pull request'));
    expect(checkout.map((f) => [f.severity, f.confidence])).toEqual([[undefined, confidence]]);
  });

  // An earlier github-script step that asks Octokit for the commenter's permission and fails the job
  // otherwise (GitHub's own guidance for comment commands) is such a gate: medium.
  const octokitCheck = (lines: string[], condition = '') =>
    `      - uses: actions/github-script@v7\n${condition}        with:\n          script: |\n${lines.map((l) => `            ${l}`).join('\n')}\n`;
  const asked = [
    'const user = context.payload.comment.user.login;',
    'const { data } = await github.rest.repos.getCollaboratorPermissionLevel({ ...context.repo, username: user });',
    "if (!['admin', 'write'].includes(data.permission)) {",
    '  core.setFailed(`${user} may not run this`);',
    '}',
  ];
  it.each([
    ['the commenter asked, failing otherwise', octokitCheck(asked), 'medium'],
    ['the same, on success()', octokitCheck(asked, '        if: success()\n'), 'medium'],
    [
      'a step that may not run',
      octokitCheck(asked, '        if: github.event.issue.pull_request\n'),
      undefined,
    ],
    ['no failure', octokitCheck(asked.map((l) => l.replace('core.setFailed', 'core.warning'))), undefined],
    [
      'the call only in a comment',
      octokitCheck(asked.map((l) => (l.includes('getCollaborator') ? `// ${l}` : l))),
      undefined,
    ],
    [
      'someone else asked',
      octokitCheck(asked.map((l) => l.replace('context.payload.comment.user.login', "'bot'"))),
      undefined,
    ],
  ])('a permission check through Octokit before a head checkout: %s', async (_name, check, confidence) => {
    const findings = await evaluate(workflowDangerousTriggers, one(associationChecked(check)), {});
    const checkout = findings.filter((f) => f.message.includes('checks out the pull request'));
    expect(checkout.map((f) => [f.severity, f.confidence])).toEqual([[undefined, confidence]]);
  });

  // An earlier run: step that asks the API for permissions and exits otherwise: read in full when it
  // checks the commenter, the pull request's author and that the head is in this repository (low);
  // the commenter alone is a gate (medium); no exit, or a check of someone else, is none.
  const permission = (who: string[], head: boolean, exit = 'exit 1') => {
    const env = who.map((w, i) => `          U${i}: \${{ ${w} }}`).join('\n');
    const calls = who
      .map(
        (_w, i) =>
          `          if ! gh api "/repos/$GITHUB_REPOSITORY/collaborators/$U${i}/permission" --jq .user.permissions.push | grep -q true; then ${exit}; fi`,
      )
      .join('\n');
    const repo = head
      ? `\n          HEAD_REPO=$(gh api "/repos/$GITHUB_REPOSITORY/pulls/$PR" --jq .head.repo.full_name)\n          [ "$HEAD_REPO" = "$GITHUB_REPOSITORY" ] || ${exit}`
      : '';
    return associationChecked(
      `      - env:\n${env}\n          PR: \${{ github.event.issue.number }}\n        run: |\n${calls}${repo}\n`,
    );
  };
  const COMMENTER = 'github.event.comment.user.login';
  const AUTHOR = 'github.event.issue.user.login';
  it.each([
    ['commenter, author and head repository', permission([COMMENTER, AUTHOR], true), 'low'],
    ['the actor, author and head repository', permission(['github.actor', AUTHOR], true), 'low'],
    ['commenter and author, head anywhere', permission([COMMENTER, AUTHOR], false), 'medium'],
    ['the commenter alone', permission([COMMENTER], false), 'medium'],
    ['the author alone', permission([AUTHOR], true), undefined],
    ['no exit', permission([COMMENTER, AUTHOR], true, 'echo denied'), undefined],
    // The script is read as commands: what a comment, a printed string or a heredoc says checks nothing.
    [
      'the whole check in comments',
      permission([COMMENTER, AUTHOR], true).replace(/^( {10})(?=if|HEAD_REPO|\[)/gm, '$1# '),
      undefined,
    ],
    [
      'the check printed',
      permission([COMMENTER, AUTHOR], true, 'echo denied')
        .replace(/^( {10})(if .*)$/gm, (_m, indent: string, line: string) => `${indent}echo '${line}'`)
        .replace('|| echo denied', '|| exit 1'),
      undefined,
    ],
    [
      'the head repository only in a comment',
      permission([COMMENTER, AUTHOR], false).replace(
        'run: |\n',
        'run: |\n          # head.repo.full_name is checked below\n',
      ),
      'medium',
    ],
    // Only an exit the check's answer leads to fails the step: one never reached, or reached on nothing
    // the check answers, is none. A function that exits counts where it is called.
    ...(
      [
        ['an exit in a branch never taken', 'if false; then exit 1; fi', undefined],
        ['an exit in a branch always taken', 'if true; then exit 1; fi', undefined],
        ['an exit after false &&', 'false && exit 1', undefined],
        ['an exit in a function never called', 'die() { exit 1; }', undefined],
        ['an exit in the background', 'exit 1 &', undefined],
        ['an exit in a subshell', '( exit 1 )', undefined],
        ['an exit in a pipeline', 'exit 1 | cat', undefined],
        ['an exit in a loop', 'while false; do exit 1; done', undefined],
        ['an exit group in the background', '{ exit 1; } &', undefined],
        [
          'a dying function called on the answer',
          'die() { echo "$1"; exit 1; }\n          [ "$OK" = true ] || die no',
          'low',
        ],
        ['an exit group on the answer', '[ "$OK" = true ] || { echo no; exit 1; }', 'low'],
        ['an exit in a branch on the answer', 'if [ "$OK" != true ]; then exit 1; fi', 'low'],
      ] as const
    ).map(
      ([name, exit, confidence]) =>
        [
          name,
          permission([COMMENTER, AUTHOR], true, 'echo denied').replace(
            '] || echo denied\n',
            `] || echo denied\n          OK=$(gh api "/repos/$GITHUB_REPOSITORY/collaborators/$U1/permission" --jq .user.permissions.push)\n          ${exit}\n`,
          ),
          confidence,
        ] as [string, string, string | undefined],
    ),
    [
      'an exit only before the calls',
      permission([COMMENTER, AUTHOR], true, 'echo denied').replace(
        'run: |\n',
        'run: |\n          [ -n "$GITHUB_REPOSITORY" ] || exit 1\n',
      ),
      undefined,
    ],
  ])('a permission check through the API before a head checkout: %s', async (_name, text, confidence) => {
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    const checkout = findings.filter((f) => f.message.includes('checks out the pull request'));
    expect(checkout.map((f) => [f.severity, f.confidence])).toEqual([[undefined, confidence]]);
  });

  // A check of the commenter's team membership whose output the job's condition requires is a gate
  // like a check job: critical still, at medium confidence. Only a condition that cannot pass without
  // it counts.
  const gated = (
    output: string,
    condition: string,
    action = 'acme/get-user-teams-membership@v1',
    extra = '',
  ) =>
    `on:\n  issue_comment:\n    types: [created]\njobs:\n  triage:\n    runs-on: x\n    outputs:\n      ok: \${{ ${output} }}\n    steps:\n      - id: member\n        uses: ${action}\n        with: { username: "\${{ github.actor }}", team: testers, GITHUB_TOKEN: "\${{ secrets.ORG_READ }}" }\n${extra}  e2e:\n    needs: triage\n    if: ${condition}\n    runs-on: x\n    steps:\n      - run: |\n          gh pr checkout \${{ github.event.issue.number }}\n          make e2e\n`;
  const isMember = "steps.member.outputs.isTeamMember == 'true'";
  const wanted = "needs.triage.outputs.ok == 'true'";
  /** The gated job becomes `build`, and the job that checks out needs it (with `guard`, its own `if:`). */
  const throughGatedJob = (guard: string) =>
    gated(
      isMember,
      wanted,
      undefined,
      `  build:\n    needs: triage\n    if: ${wanted}\n    runs-on: x\n    steps: [{ run: echo }]\n`,
    ).replace(
      `needs: triage\n    if: ${wanted}\n    runs-on: x\n    steps:\n      - run: |`,
      `needs: build\n${guard}    runs-on: x\n    steps:\n      - run: |`,
    );
  it.each([
    [
      'a job output that requires the membership',
      gated(`startsWith(github.event.comment.body, '/e2e') && ${isMember}`, wanted),
      'medium',
    ],
    ['the membership output itself', gated('steps.member.outputs.isTeamMember', wanted), 'medium'],
    [
      'a list of teams the output must contain',
      gated("contains(steps.member.outputs.teams, 'testers')", wanted),
      'medium',
    ],
    ['a job that needs a gated job', throughGatedJob(''), 'medium'],
    [
      'a condition with another way in',
      gated(isMember, `${wanted} || github.event.comment.body == '/force'`),
      'high',
    ],
    [
      'a job output that either part decides',
      gated(`${isMember} || startsWith(github.event.comment.body, '/e2e')`, wanted),
      'high',
    ],
    [
      "an output read as text (the string 'false' is true)",
      gated(isMember, 'needs.triage.outputs.ok'),
      'high',
    ],
    [
      'an action that checks nothing of who runs it',
      gated(isMember, wanted, 'acme/parse-command@v1'),
      'high',
    ],
    ['a job that needs a gated job, but runs always', throughGatedJob('    if: always()\n'), 'high'],
    ['a job that needs a gated job, but runs Always()', throughGatedJob('    if: Always()\n'), 'high'],
  ])(
    'is less sure of a checkout gated on a membership check of who started the run: %s',
    async (_name, text, confidence) => {
      const findings = await evaluate(workflowDangerousTriggers, one(text), {});
      expect(findings.map((f) => [f.severity, f.confidence ?? 'high'])).toEqual([[undefined, confidence]]);
      if (confidence === 'medium')
        expect(findings[0]!.message).toContain(
          'It runs only when step "member" of job "triage" (acme/get-user-teams-membership)',
        );
    },
  );

  // A run: script that asks the API for the membership or permission of who acted before it writes
  // the output the job's condition requires is such a check too; words in a comment or an echo are not.
  const scripted = (script: string) =>
    `on:\n  pull_request_target:\n    types: [opened]\njobs:\n  triage:\n    runs-on: x\n    outputs:\n      ok: \${{ steps.decide.outputs.ok }}\n    steps:\n      - id: decide\n        env: { GH_TOKEN: "\${{ secrets.ORG_READ }}", AUTHOR: "\${{ github.event.pull_request.user.login }}" }\n        run: |\n${script
      .split('\n')
      .map((l) => `          ${l}`)
      .join(
        '\n',
      )}\n  review:\n    needs: triage\n    if: needs.triage.outputs.ok == 'true'\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n        with: { ref: "\${{ github.event.pull_request.head.sha }}" }\n      - run: make test\n`;
  it.each([
    [
      'an organisation membership',
      'if gh api "/orgs/acme/memberships/$AUTHOR" --jq .state | grep -q active; then\n  echo "ok=true" >> "$GITHUB_OUTPUT"\nelse\n  echo "ok=false" >> "$GITHUB_OUTPUT"\nfi',
      'medium',
    ],
    [
      'a permission, in a function',
      'check() { gh api "/repos/$R/collaborators/$1/permission" --jq .permission; }\n[ "$(check "$AUTHOR")" = write ] && echo "ok=true" >> "$GITHUB_OUTPUT"',
      'medium',
    ],
    [
      'the call only in a comment',
      '# gh api /orgs/acme/memberships/$AUTHOR\necho "ok=true" >> "$GITHUB_OUTPUT"',
      'high',
    ],
    [
      'another output than the one required',
      'gh api "/orgs/acme/memberships/$AUTHOR"\necho "member=true" >> "$GITHUB_OUTPUT"\necho "ok=true" >> "$GITHUB_OUTPUT"',
      'medium',
    ],
    ['an output written without the call', 'echo "ok=true" >> "$GITHUB_OUTPUT"', 'high'],
  ])('is less sure of a checkout gated on a script asking the API: %s', async (_name, script, confidence) => {
    const findings = await evaluate(workflowDangerousTriggers, one(scripted(script)), {});
    const checkout = findings.filter((f) => f.message.includes('checks out the pull request'));
    expect(checkout.map((f) => f.confidence ?? 'high')).toEqual([confidence]);
    if (confidence === 'medium')
      expect(checkout[0]!.message).toContain(
        'It runs only when step "decide" of job "triage" (a run: script), which asks GitHub\'s API',
      );
  });

  it('is less sure of a step gated on an earlier membership step of its own job', async () => {
    const text = `on: issue_comment\njobs:\n  a:\n    runs-on: x\n    steps:\n      - id: member\n        uses: acme/check-user-permission@v2\n        with: { require: write }\n      - if: \${{ ${"steps.member.outputs.require-result == 'true'"} && github.event.issue.pull_request }}\n        run: gh pr checkout \${{ github.event.issue.number }} && make\n      - if: \${{ ${"steps.member.outputs.require-result == 'true'"} || github.event.issue.pull_request }}\n        run: gh pr checkout \${{ github.event.issue.number }} && make\n`;
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    expect(findings.map((f) => [at(f), f.confidence ?? 'high'])).toEqual([
      [`${W}:10:14`, 'medium'],
      [`${W}:12:14`, 'high'],
    ]);
  });

  it('follows a local reusable workflow for the shape, and a checkout there keeps the trigger medium', async () => {
    const caller = (called: string) => ({
      '.github/workflows/caller.yml':
        'on: pull_request_target\njobs:\n  c:\n    uses: ./.github/workflows/called.yml\n',
      '.github/workflows/called.yml': `on: workflow_call\njobs:\n  b:\n    steps:\n${called}`,
    });
    const label = await evaluate(workflowDangerousTriggers, caller('      - uses: actions/labeler@v5\n'), {});
    expect(label.map((f) => [at(f), f.severity])).toEqual([['.github/workflows/caller.yml:1:5', 'low']]);
    const checkout = await evaluate(
      workflowDangerousTriggers,
      caller(
        '      - if: github.event.pull_request.head.repo.full_name == github.repository\n        uses: actions/checkout@v4\n        with: { ref: "${{ github.event.pull_request.head.sha }}" }\n',
      ),
      {},
    );
    expect(checkout.map((f) => [at(f), f.severity])).toEqual([
      ['.github/workflows/caller.yml:1:5', 'medium'],
    ]);
  });

  it("reports a hand-off of the head's repository and commit to another system, with a secret, whatever the label", async () => {
    const handOff = (env: string, script: string) => ({
      '.github/workflows/ci.yml': `on:
  pull_request_target:
    types: [labeled]
jobs:
  c:
    if: github.event.label.name == 'CI'
    uses: ./.github/workflows/trigger.yml
    secrets: inherit
`,
      '.github/workflows/trigger.yml': `on: workflow_call
jobs:
  trigger:
    runs-on: x
    env:
${env}    steps:
      - uses: actions/checkout@v4
      - run: |
${script}`,
    });
    const dispatch =
      '          ./dispatch "${{ github.event.pull_request.head.repo.full_name }}" "${{ github.event.pull_request.head.sha }}"\n';
    const findings = await evaluate(
      workflowDangerousTriggers,
      handOff('      CI_TOKEN: ${{ secrets.CI_TOKEN }}\n', dispatch),
      {},
    );
    expect(findings.map((f) => [at(f), f.severity, f.confidence])).toEqual([
      ['.github/workflows/ci.yml:2:3', 'low', undefined],
      ['.github/workflows/trigger.yml:10:27', undefined, 'medium'],
    ]);
    expect(findings[1]!.message).toContain(
      "hands the pull request's code to another system: a step is given where to fetch it (github.event.pull_request.head.repo.full_name, github.event.pull_request.head.sha) and secrets.CI_TOKEN.",
    );
    // The commit alone (a status to set, a pull request to look up), or no credential: no hand-off.
    const sha = '          ./set-status "${{ github.event.pull_request.head.sha }}"\n';
    for (const [env, script] of [
      ['      CI_TOKEN: ${{ secrets.CI_TOKEN }}\n', sha],
      ['      GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n', dispatch],
    ] as const) {
      const none = await evaluate(workflowDangerousTriggers, handOff(env, script), {});
      expect(none.map((f) => [at(f), f.severity])).toEqual([['.github/workflows/ci.yml:2:3', 'low']]);
    }
  });

  it('keeps a checkout of the head critical in a job that runs only on labeled pull requests', async () => {
    const text = `on:
  pull_request_target:
    types: [labeled]
jobs:
  a:
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ github.event.pull_request.head.sha }}" }
      - run: make
`;
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    expect(findings.map((f) => [at(f), f.severity])).toEqual([[`${W}:8:27`, undefined]]);
  });

  it('keeps a checkout of the head critical in a job that runs on merged pull requests', async () => {
    const text = `on:
  pull_request_target:
    types: [closed]
jobs:
  a:
    if: ${merged}
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ github.event.pull_request.head.ref }}" }
      - run: make
`;
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    expect(findings.map((f) => [at(f), f.severity])).toEqual([[`${W}:9:27`, undefined]]);
  });

  it('accepts only conditions that exclude outsiders, read from the parsed condition', async () => {
    const checkout = (cond: string) => `on: pull_request_target
jobs:
  a:
    if: ${cond}
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ github.event.pull_request.head.sha }}" }
      - run: make
`;
    const critical = async (cond: string) =>
      (await evaluate(workflowDangerousTriggers, one(checkout(cond)), {})).some(
        (f) => f.severity === undefined,
      );
    expect(await critical('github.event.pull_request.head.repo.full_name == github.repository')).toBe(false);
    expect(
      (
        await evaluate(
          workflowDangerousTriggers,
          one(checkout("success() && github.event.pull_request.head.repo.full_name == 'acme/app'")),
          {},
          { repository: 'acme/app' },
        )
      ).some((f) => f.severity === undefined),
    ).toBe(false);
    expect(await critical('${{ !github.event.pull_request.head.repo.fork }}')).toBe(false);
    expect(
      await critical(
        'contains(fromJSON(\'["OWNER","MEMBER"]\'), github.event.pull_request.author_association)',
      ),
    ).toBe(false);
    expect(await critical("github.event.pull_request.author_association == 'COLLABORATOR'")).toBe(false);
    expect(await critical("github.event.pull_request.author_association != 'NONE'")).toBe(true);
    expect(
      await critical(
        "github.event_name == 'workflow_dispatch' || github.event.pull_request.author_association == 'MEMBER'",
      ),
    ).toBe(false);
    expect(
      await critical(
        "github.event_name == 'pull_request_target' || github.event.pull_request.author_association == 'MEMBER'",
      ),
    ).toBe(true);
    expect(
      await critical(
        'contains(fromJSON(\'["OWNER","CONTRIBUTOR"]\'), github.event.pull_request.author_association)',
      ),
    ).toBe(true);
    expect(
      await critical(
        "github.event.pull_request.head.repo.full_name == github.repository || contains(github.event.pull_request.labels.*.name, 'ok')",
      ),
    ).toBe(true);
    expect(await critical("github.actor == 'dependabot[bot]'")).toBe(true);
    expect(await critical("github.event.pull_request.user.login == 'dependabot[bot]'")).toBe(false);
    expect(await critical("github.repository == 'acme/app'")).toBe(true);
    expect(
      await critical('github.event.pull_request.head.repo.full_name == github.repository ${{ true }}'),
    ).toBe(true);
  });

  // A repository named literally is this repository only when it is the run's own (GITHUB_REPOSITORY,
  // compared without case): any other name may be a fork its owner opens pull requests from, and
  // without the run's repository a name proves nothing. A login guards only as a bot's (name[bot]).
  const guardedCheckout = (cond: string) => `on: pull_request_target
jobs:
  a:
    if: ${cond}
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ github.event.pull_request.head.sha }}" }
      - run: npm install
`;
  const HEAD = 'github.event.pull_request.head.repo.full_name';
  const AUTHOR_LOGIN = 'github.event.pull_request.user.login';
  it.each([
    ['another repository named literally', `${HEAD} == 'evil-user/project'`, 'acme/app', true],
    ['a literal first', `\${{ 'evil-user/project' == ${HEAD} }}`, 'acme/app', true],
    [
      "the triggering run's head repository, another one",
      "github.event.workflow_run.head_repository.full_name == 'evil-user/project'",
      'acme/app',
      true,
    ],
    ['this repository named literally', `${HEAD} == 'acme/app'`, 'acme/app', false],
    ['this repository in another case', `${HEAD} == 'Acme/App'`, 'acme/app', false],
    ['a repository named literally, the run not knowing its own', `${HEAD} == 'acme/app'`, undefined, true],
    ['github.repository, the run not knowing its own', `${HEAD} == github.repository`, undefined, false],
    ["a person's login", `${AUTHOR_LOGIN} == 'evil-user'`, 'acme/app', true],
    [
      "a person's login, or this repository",
      `${AUTHOR_LOGIN} == 'evil-user' || ${HEAD} == github.repository`,
      'acme/app',
      true,
    ],
    ["a bot's login", `${AUTHOR_LOGIN} == 'dependabot[bot]'`, 'acme/app', false],
    [
      "a bot's login, or this repository",
      `${AUTHOR_LOGIN} == 'Renovate[bot]' || ${HEAD} == github.repository`,
      undefined,
      false,
    ],
  ])(
    'keeps a checkout of the head critical unless the condition names this repository or a bot: %s',
    async (_name, cond, repository, critical) => {
      const findings = await evaluate(
        workflowDangerousTriggers,
        one(guardedCheckout(cond)),
        {},
        repository ? { repository } : {},
      );
      expect(findings.some((f) => f.severity === undefined)).toBe(critical);
    },
  );

  // A job that needs a job keeping outsiders out is skipped with it, unless its own condition asks
  // for a status function: in any case (GitHub's function names ignore case), and success() anywhere
  // but as a part the whole condition requires.
  const afterGuard = (cond: string) => `on: pull_request_target
jobs:
  guard:
    if: github.event.pull_request.head.repo.full_name == github.repository
    runs-on: x
    steps: [{ run: echo ok }]
  build:
    needs: guard
${cond === '' ? '' : `    if: ${cond}\n`}    runs-on: x
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ github.event.pull_request.head.sha }}" }
      - run: npm install
`;
  it.each([
    ['always()', true],
    ['Always()', true],
    ['${{ ALWAYS() }}', true],
    ['Failure()', true],
    ['${{ !Cancelled() }}', true],
    ['${{ !success() }}', true],
    ["success() || github.event.action == 'labeled'", true],
    ["contains(github.event.pull_request.labels.*.name, 'ok') && !CANCELLED()", true],
    ["Success() && github.event.action != 'closed'", false],
    ["github.event.action != 'closed'", false],
    ['', false],
  ])('a job that needs a guarded job, with if: %s, is critical: %s', async (cond, critical) => {
    const findings = await evaluate(workflowDangerousTriggers, one(afterGuard(cond)), {});
    expect(findings.some((f) => f.severity === undefined)).toBe(critical);
  });

  it.each([
    ['./', 'workspace-relative'],
    ['$/', 'self-repository'],
  ])(
    'follows a reusable workflow to the privileged workflows that call it (%s, %s), and step conditions',
    async (prefix) => {
      const findings = await evaluate(
        workflowDangerousTriggers,
        {
          '.github/workflows/caller.yml': `on: pull_request_target\njobs:\n  c:\n    uses: ${prefix}.github/workflows/build.yml\n`,
          '.github/workflows/build.yml': `on: workflow_call
jobs:
  b:
    steps:
      - if: github.event.pull_request.head.repo.fork == false
        uses: actions/checkout@v4
        with: { ref: "\${{ github.event.pull_request.head.sha }}" }
      - run: git fetch origin "pull/\${{ github.event.number }}/head" && git checkout FETCH_HEAD && make
`,
        },
        {},
      );
      expect(findings.map((f) => [at(f), f.severity])).toEqual([
        ['.github/workflows/caller.yml:1:5', 'medium'],
        ['.github/workflows/build.yml:8:14', undefined],
      ]);
      expect(findings[1]!.message).toContain(
        'runs on pull_request_target (through the workflows that call it)',
      );
    },
  );

  // A reusable workflow runs on the events of the jobs that call it: a calling job whose condition, or
  // that of a job it needs, keeps outsiders out does not bring its privileged event in.
  const calledFrom = (caller: string) => ({
    '.github/workflows/caller.yml': `on:\n  pull_request_target:\n  schedule: [{ cron: '0 0 * * *' }]\njobs:\n${caller}`,
    '.github/workflows/build.yml': `on: workflow_call
jobs:
  b:
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ github.event.pull_request.head.sha }}" }
      - run: make
`,
  });
  const SAME = 'github.event.pull_request.head.repo.full_name == github.repository';
  const call = '    uses: ./.github/workflows/build.yml\n';
  it.each([
    ['an unguarded calling job', `  c:\n${call}`, true],
    ["a calling job for this repository's branches", `  c:\n    if: ${SAME}\n${call}`, false],
    [
      'a calling job that needs a job for them',
      `  meta:\n    if: ${SAME}\n    steps: [{ run: echo }]\n  c:\n    needs: [meta]\n${call}`,
      false,
    ],
    [
      'a calling job that needs such a job, but runs Always()',
      `  meta:\n    if: ${SAME}\n    steps: [{ run: echo }]\n  c:\n    needs: [meta]\n    if: Always()\n${call}`,
      true,
    ],
    [
      'a calling job that names another repository',
      `  c:\n    if: github.event.pull_request.head.repo.full_name == 'evil-user/app'\n${call}`,
      true,
    ],
    ['one guarded calling job and one unguarded', `  c:\n    if: ${SAME}\n${call}  d:\n${call}`, true],
  ])(
    'carries the condition of the calling job into a called workflow: %s',
    async (_name, caller, critical) => {
      const findings = await evaluate(
        workflowDangerousTriggers,
        calledFrom(caller),
        {},
        { repository: 'acme/app' },
      );
      expect(
        findings.some((f) => f.location?.path === '.github/workflows/build.yml' && f.severity === undefined),
      ).toBe(critical);
    },
  );

  it('says that a fetch of the head fetches it, and that a checkout checks it out', async () => {
    const findings = await evaluate(
      workflowDangerousTriggers,
      one(`on:
  issue_comment:
    types: [created]
jobs:
  cherry-pick:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: git fetch origin "pull/\${{ github.event.issue.number }}/head:pr"
      - run: gh pr checkout "\${{ github.event.issue.number }}" && make test
`),
      {},
    );
    expect(
      findings.map((f) => [at(f), f.severity, f.message.replace(/^.*writable token, and /, '')]),
    ).toEqual([
      [
        `${W}:9:14`,
        undefined,
        'fetches the pull request\'s code (git fetch origin "pull/${{ github.event.issue.number }}/head); whatever then checks it out, merges or runs it (a build script, a test, an action) runs with those privileges.',
      ],
      [
        `${W}:10:14`,
        undefined,
        "checks out the pull request's code (gh pr checkout); any build script, test or action in that code runs with those privileges.",
      ],
    ]);
  });

  // The pull request's diff applied to the work tree puts its changes in the files later steps run.
  it.each([
    ['gh pr diff piped to git apply', 'gh pr diff "$PR" | git apply', [`${W}:7:20`]],
    ['gh pr diff piped to patch', 'gh pr diff "$PR" --patch | patch -p1', [`${W}:7:20`]],
    ['gh pr diff piped to git am', 'gh pr diff "$PR" --patch | git am', [`${W}:7:20`]],
    ['the names of the changed files only', 'gh pr diff "$PR" --name-only | grep -c docs/', [`${W}:1:5`]],
  ])('reports the pull request diff applied to the work tree: %s', async (_name, command, where) => {
    const findings = await evaluate(
      workflowDangerousTriggers,
      one(
        `on: pull_request_target\njobs:\n  docs:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${command}\n        env: { PR: "\${{ github.event.pull_request.number }}", GH_TOKEN: "\${{ github.token }}" }\n      - run: make docs\n`,
      ),
      {},
    );
    expect(findings.map(at)).toEqual(where);
    // The rule's own severity (critical) for a head checkout; the trigger alone is graded lower.
    if (where[0] !== `${W}:1:5`) expect(findings[0]!.severity).toBeUndefined();
  });

  // A workflow_run job that runs a file of the triggering run's artifact runs what that run built
  // from the pull request.
  const DOWNLOAD = (path = '') =>
    `      - uses: actions/download-artifact@v4\n        with:\n          name: pr\n          run-id: \${{ github.event.workflow_run.id }}\n${path ? `          path: ${path}\n` : ''}`;
  const SCRIPTED =
    '      - uses: actions/github-script@v7\n        with:\n          script: |\n            const all = await github.rest.actions.listWorkflowRunArtifacts({ ...context.repo, run_id: context.payload.workflow_run.id });\n            const zip = await github.rest.actions.downloadArtifact({ ...context.repo, artifact_id: all.data.artifacts[0].id, archive_format: "zip" });\n            require("fs").writeFileSync("pr.zip", Buffer.from(zip.data));\n';
  it.each([
    [
      'a script of the artifact, unpacked at the root',
      `${DOWNLOAD()}      - run: bash ./build.sh\n`,
      'critical',
    ],
    ['a program of the artifact named by its path', `${DOWNLOAD('pr')}      - run: ./pr/run\n`, 'critical'],
    [
      'gh run download, then its script',
      '      - run: gh run download ${{ github.event.workflow_run.id }} -n pr -D out && node out/index.js\n',
      'critical',
    ],
    [
      'an install of the project it unpacked, with nothing checked out',
      `${DOWNLOAD()}      - run: npm ci\n`,
      'critical',
    ],
    // Unpacked over the checkout, the artifact's files replace the repository's.
    [
      'an install of the project, the artifact unpacked over the checkout',
      `      - uses: actions/checkout@v4\n${DOWNLOAD()}      - run: npm ci && npm run deploy\n`,
      'critical',
    ],
    [
      "the repository's own script, the artifact unpacked over the checkout",
      `      - uses: actions/checkout@v4\n${DOWNLOAD('.')}      - run: bash scripts/comment.sh\n`,
      'critical',
    ],
    [
      'an install in the folder the artifact was unpacked in, after a checkout',
      `      - uses: actions/checkout@v4\n${DOWNLOAD('site')}      - run: npm ci\n        working-directory: site\n`,
      'critical',
    ],
    [
      'an artifact downloaded by github-script and unzipped over the checkout',
      `      - uses: actions/checkout@v4\n${SCRIPTED}      - run: unzip -o pr.zip && make publish\n`,
      'critical',
    ],
    [
      'the artifact unpacked in the workspace named by the run, over the checkout',
      `      - uses: actions/checkout@v4\n${DOWNLOAD('${{ github.workspace }}')}      - run: bash scripts/comment.sh\n`,
      'critical',
    ],
    [
      "an action of the repository's tree, the artifact unpacked over the checkout",
      `      - uses: actions/checkout@v4\n${DOWNLOAD()}      - uses: ./.github/actions/post\n`,
      'critical',
    ],
    ["an action in the artifact's own folder", `${DOWNLOAD('pr')}      - uses: ./pr/action\n`, 'critical'],
    // Controls: the artifact read as data, and the repository's own script in a job that checks it out.
    [
      "an action of the repository's tree, the artifact in a folder of its own",
      `      - uses: actions/checkout@v4\n${DOWNLOAD('pr')}      - uses: ./.github/actions/post\n`,
      'medium',
    ],
    ['its files read as data', `${DOWNLOAD('pr')}      - run: echo "N=$(cat pr/number)"\n`, 'medium'],
    [
      'the artifact unpacked at the root before the checkout, which empties the folder',
      `${DOWNLOAD()}      - uses: actions/checkout@v4\n      - run: bash scripts/comment.sh\n`,
      'medium',
    ],
    [
      'an artifact downloaded by github-script and unzipped into a folder of its own',
      `      - uses: actions/checkout@v4\n${SCRIPTED}      - run: unzip -o pr.zip -d pr && make publish\n`,
      'medium',
    ],
    [
      "the repository's own script after a checkout",
      `      - uses: actions/checkout@v4\n${DOWNLOAD('pr')}      - run: bash scripts/comment.sh\n`,
      'medium',
    ],
  ])(
    'grades a workflow_run job that runs a file of the triggering run’s artifact: %s',
    async (_name, steps, severity) => {
      const findings = await evaluate(
        workflowDangerousTriggers,
        {
          ...one(
            `on:\n  workflow_run:\n    workflows: [ci]\n    types: [completed]\npermissions:\n  contents: write\njobs:\n  post:\n    runs-on: x\n    steps:\n${steps}`,
          ),
          'scripts/comment.sh': 'echo hi\n',
        },
        {},
      );
      expect(findings.map((f) => f.severity ?? 'critical')).toEqual([severity]);
    },
  );

  it('says that a reusable workflow of another repository was not examined, instead of that no job checks out', async () => {
    const wf = (jobs: string) => ({ [W]: `on: pull_request_target\njobs:\n${jobs}` });
    const [called] = await evaluate(
      workflowDangerousTriggers,
      wf('  backport:\n    uses: acme/shared/.github/workflows/backport.yml@v1\n'),
      {},
    );
    expect(called!.message).toContain(
      'No job in this file checks out pull request code; the reusable workflow it calls from another repository (acme/shared/.github/workflows/backport.yml@v1) is not examined here and may. Every value from the event',
    );
    const [plain] = await evaluate(
      workflowDangerousTriggers,
      wf('  label:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./label $GITHUB_EVENT_PATH\n'),
      {},
    );
    expect(plain!.message).toContain(
      'No job here checks out pull request code, but every value from the event',
    );
  });

  it('is less sure of a checkout that waits for an environment (which may require a reviewer)', async () => {
    const findings = await evaluate(
      workflowDangerousTriggers,
      one(`on: pull_request_target
jobs:
  approve:
    environment: external
    steps: [{run: echo ok}]
  test:
    needs: [approve]
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ github.event.pull_request.head.sha }}" }
      - run: make
`),
      {},
    );
    expect(findings.map((f) => [at(f), f.severity, f.confidence])).toEqual([
      [`${W}:10:27`, undefined, 'medium'],
    ]);
    expect(findings[0]!.message).toContain('It waits for the "external" environment');
  });

  // A job output is read after all its steps ran: `env.NAME` there holds what a step wrote to
  // $GITHUB_ENV, so a head written there and handed on through the output is still the head.
  it.each([
    ['a head written to $GITHUB_ENV', 'IN: ${{ github.event.pull_request.head.sha }}', 1],
    ['the base written to $GITHUB_ENV', 'IN: ${{ github.event.pull_request.base.sha }}', 0],
  ])('follows a job output read from env: %s', async (_, env, count) => {
    const text = `on: pull_request_target
jobs:
  refs:
    outputs:
      ref: \${{ env.REF }}
    steps:
      - env:
          ${env}
        run: |
          if [[ -n "$IN" ]]; then
            echo "REF=$IN" >> "$GITHUB_ENV"
          fi
  build:
    needs: refs
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ needs.refs.outputs.ref }}" }
      - run: make
`;
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    expect(findings.filter((f) => f.severity === undefined).map(at)).toEqual(count ? [`${W}:17:27`] : []);
  });

  // A branch named after the head, switched to in a clone of another, fixed repository, is a name
  // there: none of the pull request's code is in that clone, unless something fetched it in.
  it.each([
    [
      'a clone of another repository at the root',
      '',
      'git checkout "$BRANCH" || git checkout -b "$BRANCH"',
      0,
    ],
    ['a side clone the script cd-s into', 'path: store, ', 'cd store\n          git switch "$BRANCH"', 0],
    ['a side clone the script does not enter', 'path: store, ', 'git checkout "$BRANCH"', 1],
    ['a clone of this repository', 'SAME', 'git checkout "$BRANCH"', 1],
    [
      'a clone that fetched the head first',
      '',
      'git fetch "https://github.com/$HEAD_REPO" "$BRANCH"\n          git checkout FETCH_HEAD\n          git checkout "$BRANCH"',
      1,
    ],
  ])('a head branch switched to in: %s', async (_, path, script, count) => {
    const repo = path === 'SAME' ? 'acme/app' : 'acme/store';
    const text = `on: pull_request_target
jobs:
  publish:
    env:
      BRANCH: \${{ github.event.pull_request.head.ref }}
      HEAD_REPO: \${{ github.event.pull_request.head.repo.full_name }}
    steps:
      - uses: actions/checkout@v4
        with: { ${path === 'SAME' ? '' : path}repository: ${repo}, token: "\${{ secrets.PAT }}" }
      - run: |
          ${script}
      - run: make
`;
    const findings = await evaluate(workflowDangerousTriggers, one(text), {}, { repository: 'acme/app' });
    expect(findings.filter((f) => f.severity === undefined).length > 0 ? 1 : 0).toBe(count);
  });

  // A comment command action that fails its job unless the commenter may write: the jobs that must
  // see that job succeed (even beside always(), or beside jobs that never run on the event) wait for
  // a check of who started the run: critical at medium confidence.
  it.each([
    ['a permission check a required job passed', '', "always() && needs.check.result == 'success'", 'medium'],
    [
      'the default permission level (write)',
      'DEFAULT',
      "always() && needs.check.result == 'success'",
      'medium',
    ],
    [
      'or a job that never runs on comments',
      '',
      "!cancelled() && (needs.check.result == 'success' || needs.manual.result == 'success')",
      'medium',
    ],
    [
      'or a job that runs on comments unchecked',
      '',
      "!cancelled() && (needs.check.result == 'success' || needs.other.result == 'success')",
      undefined,
    ],
    ['a read permission level', 'read', "always() && needs.check.result == 'success'", undefined],
    ['a check that may fail softly', 'SOFT', "always() && needs.check.result == 'success'", undefined],
    ['always() alone', '', 'always()', undefined],
  ])('a comment-triggered head checkout behind %s', async (_, level, condition, confidence) => {
    const withs =
      level === 'DEFAULT'
        ? '{ command: test }'
        : `{ command: test, permission-level: ${level === 'SOFT' || !level ? 'write' : level} }`;
    const text = `on: [issue_comment, workflow_dispatch]
jobs:
  check:
    outputs:
      sha: \${{ steps.refs.outputs.head_sha }}
    steps:
      - uses: xt0rted/slash-command-action@v2
${level === 'SOFT' ? '        continue-on-error: true\n' : ''}        with: ${withs}
      - uses: xt0rted/pull-request-comment-branch@v3
        id: refs
  manual:
    if: github.event_name == 'workflow_dispatch'
    steps: [{ run: echo ok }]
  other:
    steps: [{ run: echo ok }]
  build:
    needs: [check, manual, other]
    if: \${{ ${condition} }}
    steps:
      - uses: actions/checkout@v4
        with: { ref: "\${{ needs.check.outputs.sha }}" }
      - run: make
`;
    const findings = (await evaluate(workflowDangerousTriggers, one(text), {})).filter(
      (f) => f.severity === undefined,
    );
    expect(findings.map((f) => [at(f).replace(/:\d+:/, ':'), f.confidence])).toEqual([
      [`${W}:27`, confidence],
    ]);
  });

  // A reusable workflow runs once its calling job starts: a caller that waits for an environment
  // (its own or a job it needs) gates every job of it, as long as every privileged caller does.
  it.each([
    [
      'the caller needs an environment job',
      '  approve:\n    environment: external\n    steps: [{run: echo ok}]\n',
      '    needs: approve\n',
      '',
      'medium',
    ],
    ['the caller has its own environment', '', '    environment: external\n', '', 'medium'],
    [
      'a needed job without an environment',
      '  setup:\n    steps: [{run: echo ok}]\n',
      '    needs: setup\n',
      '',
      undefined,
    ],
    ['a second privileged caller not gated', '', '    environment: external\n', 'other', undefined],
  ])(
    "grades a called head checkout by its callers' environment: %s",
    async (_, before, call, other, confidence) => {
      const files: Record<string, string> = {
        '.github/workflows/target.yml': `on: pull_request_target\njobs:\n${before}  scan:\n${call}    uses: ./.github/workflows/scan.yml\n    secrets: inherit\n`,
        '.github/workflows/scan.yml':
          'on: workflow_call\njobs:\n  scan:\n    steps:\n      - uses: actions/checkout@v4\n        with: { ref: "${{ github.event.pull_request.head.sha }}" }\n      - run: make\n',
      };
      if (other)
        files['.github/workflows/other.yml'] =
          'on: issue_comment\njobs:\n  scan:\n    uses: ./.github/workflows/scan.yml\n';
      const findings = (await evaluate(workflowDangerousTriggers, files, {})).filter((f) =>
        at(f).startsWith('.github/workflows/scan.yml'),
      );
      expect(findings.map((f) => [at(f), f.severity, f.confidence])).toEqual([
        ['.github/workflows/scan.yml:6:27', undefined, confidence],
      ]);
      if (confidence)
        expect(findings[0]!.message).toContain('It waits for the "external" environment (its caller does)');
    },
  );

  it("says what the job's own token can do, and is less sure of a job a check job gates (here or in its caller)", async () => {
    const head =
      '      - uses: actions/checkout@v4\n        with: { ref: "${{ github.event.pull_request.head.sha }}" }\n      - run: make\n';
    const findings = await evaluate(
      workflowDangerousTriggers,
      {
        '.github/workflows/target.yml': `on: pull_request_target
jobs:
  check-run:
    uses: acme/shared/.github/workflows/check-run.yml@main
  run-build:
    needs: check-run
    uses: ./.github/workflows/build.yml
    secrets: inherit
`,
        '.github/workflows/build.yml': `on: workflow_call
permissions:
  contents: read
jobs:
  lint:
    steps:
${head}`,
        [W]: `on: pull_request_target
jobs:
  lint:
    permissions: { contents: read }
    steps:
${head}  publish:
    needs: [lint, check-format]
    permissions: { packages: write }
    steps:
${head}  check-format:
    permissions: { contents: read }
    steps: [{ run: make fmt-check }]
`,
      },
      {},
    );
    const [, called, lint, publish] = findings;
    expect(findings.map((f) => [at(f), f.severity, f.confidence])).toEqual([
      // The trigger itself, in the calling workflow.
      ['.github/workflows/target.yml:1:5', 'medium', undefined],
      ['.github/workflows/build.yml:8:27', undefined, 'medium'],
      [`${W}:7:27`, undefined, undefined],
      [`${W}:14:27`, undefined, undefined],
    ]);
    expect(called!.message).toContain(
      "with the base repository's secrets (its token here can only read, but the cache and anything the job is given are within reach), and checks out",
    );
    expect(called!.message).toContain(
      'It waits for job "check-run" of .github/workflows/target.yml, which by its name checks who may run it; it calls acme/shared/.github/workflows/check-run.yml@main, which is not examined here: if it lets only maintainers\' pull requests through, outsiders cannot run their code here.',
    );
    // A job it needs that checks nothing of who runs it ("lint", "check-format") is no gate.
    expect(lint!.message).toContain('(its token here can only read');
    expect(lint!.message).not.toContain('It waits for job');
    expect(publish!.message).not.toContain('It waits for job');
    expect(publish!.message).toContain(
      "with the base repository's secrets and a writable token, and checks out",
    );
  });

  it('grades a workflow_run of push-only workflows low', async () => {
    const findings = await evaluate(
      workflowDangerousTriggers,
      {
        '.github/workflows/build.yml': 'name: Build\non: push\njobs:\n  b:\n    steps: [{run: make}]\n',
        '.github/workflows/deploy.yml':
          'on:\n  workflow_run:\n    workflows: [Build]\njobs:\n  d:\n    steps:\n      - uses: actions/checkout@v4\n        with: { ref: "${{ github.event.workflow_run.head_sha }}" }\n',
      },
      {},
    );
    expect(findings.map((f) => [at(f), f.severity])).toEqual([['.github/workflows/deploy.yml:2:3', 'low']]);
  });
});

describe('workflow.dangerous-triggers: the trigger alone, graded by what the jobs can reach', () => {
  const PIN = 'a'.repeat(40);
  const grade = async (files: Record<string, string>) =>
    (await evaluate(workflowDangerousTriggers, files, {})).map(
      (f) => `${f.severity}/${f.confidence ?? 'high'}`,
    );
  const prt = (jobs: string, top = 'permissions: { pull-requests: write }\n') =>
    `on:\n  pull_request_target:\n    types: [opened]\n${top}jobs:\n${jobs}`;
  const upstream = (on: string) => ({
    '.github/workflows/scan.yml': `name: Scan\non: ${on}\njobs:\n  s:\n    runs-on: x\n    steps: [{run: make scan}]\n`,
  });
  const follower = `on:\n  workflow_run:\n    workflows: [Scan]\n    types: [completed]\npermissions: { issues: write }\njobs:\n  sync:\n    runs-on: x\n    steps:\n      - uses: actions/github-script@v7\n        with: { script: "await github.rest.issues.list({owner: 'o', repo: 'r'})" }\n`;
  const composite = (step: string) => ({
    '.github/actions/tool/action.yml': `name: tool\nruns:\n  using: composite\n  steps:\n${step}`,
  });
  const usesTool =
    '  label:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/tool\n      - uses: actions/labeler@v5\n';
  const download = (after: string) =>
    `on:\n  workflow_run:\n    workflows: [CI]\n    types: [completed]\npermissions: { statuses: write }\njobs:\n  up:\n    runs-on: x\n    steps:\n      - run: pip install uploader\n      - uses: dawidd6/action-download-artifact@v6\n        with: { workflow: ci.yml, commit: "\${{ github.event.workflow_run.head_sha }}" }\n      - run: ${after}\n        env: { AUTH: "\${{ secrets.AUTH }}" }\n`;
  const ci = {
    '.github/workflows/ci.yml':
      'name: CI\non: pull_request\njobs:\n  t:\n    runs-on: x\n    steps: [{run: make}]\n',
  };
  it.each([
    // A workflow_run whose upstream no outsider runs: low, and not shown by default.
    ['workflow_run after pushes only', { [W]: follower, ...upstream('push') }, ['low/low']],
    // After pull requests, the same job keeps to the event as data: low, and shown.
    ['workflow_run after pull requests', { [W]: follower, ...upstream('pull_request') }, ['low/high']],
    // Nothing privileged to expose: a note, hidden.
    [
      'no secret, no write scope',
      {
        [W]: prt(
          '  a:\n    runs-on: x\n    steps: [{run: echo "$T", env: {T: "${{ github.event.pull_request.title }}"}}]\n',
          'permissions: {}\n',
        ),
      },
      ['info/low'],
    ],
    // The job's own token is no secret (its permissions say what it can do), and a comment names none.
    ...[
      ['the job token', 'env: { GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}" }', 'info/low'],
      ['the job token by index', 'env: { GITHUB_TOKEN: "${{ secrets[\'github_token\'] }}" }', 'info/low'],
      ['a secret named in a comment', 'env: { A: b } # was ${{ secrets.NPM_TOKEN }}', 'info/low'],
      ['a secret', 'env: { NPM_TOKEN: "${{ secrets.NPM_TOKEN }}" }', 'low/high'],
      ['every secret', 'env: { ALL: "${{ toJSON(secrets) }}" }', 'low/high'],
    ].map(([name, env, grade]): [string, Record<string, string>, string[]] => [
      name!,
      {
        [W]: prt(
          `  a:\n    runs-on: x\n    permissions: { pull-requests: read }\n    steps:\n      - uses: amannn/action-semantic-pull-request@v5\n        ${env}\n`,
          'permissions: {}\n',
        ),
      },
      [grade!],
    ]),
    // A reusable workflow of another repository by a commit: what it does is not read here.
    [
      'only a call pinned to a commit',
      { [W]: prt(`  s:\n    uses: o/shared/.github/workflows/survey.yml@${PIN}\n`, 'permissions: {}\n') },
      ['medium/low'],
    ],
    [
      'a call by a tag',
      { [W]: prt('  s:\n    uses: o/shared/.github/workflows/survey.yml@v1\n', 'permissions: {}\n') },
      ['medium/high'],
    ],
    // A composite action of the repository is read: given no event value, it keeps the event as data.
    [
      'a composite action that installs a tool',
      { [W]: prt(usesTool), ...composite('    - uses: tools/setup-yq@v1\n') },
      ['low/high'],
    ],
    [
      'a composite action that reads the event',
      {
        [W]: prt(usesTool),
        ...composite('    - run: echo "${{ github.event.pull_request.title }}"\n      shell: bash\n'),
      },
      ['medium/high'],
    ],
    [
      'a composite action that checks out',
      { [W]: prt(usesTool), ...composite('    - uses: actions/checkout@v4\n') },
      ['medium/high'],
    ],
    [
      'a local action that is not composite',
      {
        [W]: prt(usesTool),
        '.github/actions/tool/action.yml': 'name: tool\nruns:\n  using: node20\n  main: index.js\n',
      },
      ['medium/high'],
    ],
    // After the triggering run's artifacts are downloaded, an uploader takes them as files.
    [
      'an uploader after the download',
      { [W]: download('smokeshow upload coverage-html'), ...ci },
      ['low/high'],
    ],
    ['a script after the download', { [W]: download('./coverage-html/report.sh'), ...ci }, ['medium/high']],
    [
      'an uploader behind another command',
      { [W]: download('cd coverage-html && smokeshow upload .'), ...ci },
      ['medium/high'],
    ],
  ])('%s', async (_name, files, expected) => {
    expect(await grade(files)).toEqual(expected);
  });
});

describe('workflow.dangerous-triggers: the head brought in by a download, a clone or an install', () => {
  const HEAD = {
    SHA: '${{ github.event.pull_request.head.sha }}',
    REPO: '${{ github.event.pull_request.head.repo.full_name }}',
    BR: '${{ github.event.pull_request.head.ref }}',
  };
  // A job with a writable token whose one script is `run`, with `env` (NAME: value) on the step.
  const prt = (run: string, env: Record<string, string> = {}, on = 'pull_request_target', extra = '') =>
    `on: ${on}\npermissions: { contents: write }\njobs:\n  build:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n${run
      .split('\n')
      .map((l) => `          ${l}\n`)
      .join('')}${
      Object.keys(env).length > 0
        ? `        env:\n${Object.entries(env)
            .map(([k, v]) => `          ${k}: "${v}"\n`)
            .join('')}`
        : ''
    }${extra}`;
  const judged = async (text: string) =>
    (await evaluate(workflowDangerousTriggers, one(text), {})).map(
      (f) => `${at(f)} ${f.severity ?? 'critical'}/${f.confidence ?? 'high'} ${f.key}`,
    );
  const PWN = (line: number, column: number, what: string) => [
    `${W}:${line}:${column} critical/high build/run/${what}`,
  ];
  it.each([
    [
      'a tarball downloaded through an env URL, unpacked and built',
      prt('curl -sL "$URL" | tar xz --strip-components=1\n./build.sh', {
        URL: `https://api.github.com/repos/\${{ github.repository }}/tarball/${HEAD.SHA}`,
      }),
      PWN(9, 20, 'curl -sL "$URL"'),
    ],
    [
      'a tarball through gh api, then its script run',
      prt(
        'gh api "repos/${{ github.repository }}/tarball/$SHA" > src.tgz && tar xzf src.tgz && bash */build.sh',
        {
          SHA: HEAD.SHA,
        },
      ),
      PWN(9, 18, 'gh api "repos/${{ github.repository }}/tarball/$SHA" > src.tgz'),
    ],
    [
      "gh repo clone of the head's repository and branch, then npm ci",
      prt('gh repo clone "$REPO" src -- --branch "$BR" && cd src && npm ci && npm test', {
        REPO: HEAD.REPO,
        BR: HEAD.BR,
      }),
      PWN(9, 25, 'gh repo clone "$REPO" src -- --branch "$BR"'),
    ],
    [
      'pip install of git+ the head',
      prt('pip install "git+https://github.com/$REPO@$SHA" && mytool', { REPO: HEAD.REPO, SHA: HEAD.SHA }),
      PWN(9, 23, 'pip install "git+https://github.com/$REPO@$SHA"'),
    ],
    // An install runs the package's build hooks itself: nothing need follow it.
    [
      'pip install of the head, expressions written in, nothing after',
      prt(`python -m pip install "git+https://github.com/${HEAD.REPO}@${HEAD.SHA}"`),
      PWN(9, 33, `python -m pip install "git+https://github.com/${HEAD.REPO}@${HEAD.SHA}"`),
    ],
    [
      'npm install of the repository at the head',
      prt(`npm install "${HEAD.REPO}#${HEAD.SHA}"`),
      PWN(9, 23, `npm install "${HEAD.REPO}#${HEAD.SHA}"`),
    ],
    [
      'cargo install --git --rev the head',
      prt('cargo install --git "https://github.com/$REPO" --rev "$SHA" mytool', {
        REPO: HEAD.REPO,
        SHA: HEAD.SHA,
      }),
      PWN(9, 31, 'cargo install --git "https://github.com/$REPO" --rev "$SHA" mytool'),
    ],
    [
      'go run of the module at the head',
      prt('go run "github.com/$REPO/cmd/gen@$SHA"', { REPO: HEAD.REPO, SHA: HEAD.SHA }),
      PWN(9, 18, 'go run "github.com/$REPO/cmd/gen@$SHA"'),
    ],
    [
      'go install of the head, then the tool run',
      prt('go install "github.com/$REPO/cmd/gen@$SHA"\ngen ./...', { REPO: HEAD.REPO, SHA: HEAD.SHA }),
      PWN(9, 22, 'go install "github.com/$REPO/cmd/gen@$SHA"'),
    ],
    [
      "docker build of the head's git URL",
      prt('docker build -t pr "https://github.com/$REPO.git#$SHA"', { REPO: HEAD.REPO, SHA: HEAD.SHA }),
      PWN(9, 30, 'docker build -t pr "https://github.com/$REPO.git#$SHA"'),
    ],
    [
      'an archive by wget, unpacked and made',
      prt(
        `wget -q "https://github.com/\${{ github.repository }}/archive/${HEAD.SHA}.tar.gz"\ntar xzf *.tar.gz\nmake -C src`,
      ),
      PWN(9, 19, `wget -q "https://github.com/\${{ github.repository }}/archive/${HEAD.SHA}.tar.gz"`),
    ],
    [
      'a script from raw.githubusercontent.com at the head, piped into bash',
      prt('curl -fsSL "https://raw.githubusercontent.com/$REPO/$SHA/ci/setup.sh" | bash', {
        REPO: HEAD.REPO,
        SHA: HEAD.SHA,
      }),
      PWN(9, 22, 'curl -fsSL "https://raw.githubusercontent.com/$REPO/$SHA/ci/setup.sh"'),
    ],
    [
      'Invoke-WebRequest of a zipball by $env:, in PowerShell',
      prt(
        'Invoke-WebRequest -Uri "https://api.github.com/repos/o/r/zipball/$env:SHA" -OutFile src.zip\nExpand-Archive src.zip\n./src/build.ps1',
        { SHA: HEAD.SHA },
        'pull_request_target',
        '        shell: pwsh\n',
      ),
      PWN(
        9,
        34,
        'Invoke-WebRequest -Uri "https://api.github.com/repos/o/r/zipball/$env:SHA" -OutFile src.zip',
      ),
    ],
    [
      "a workflow_run's head downloaded as a zipball and run",
      prt(
        'curl -sLo src.zip "https://api.github.com/repos/o/r/zipball/${{ github.event.workflow_run.head_sha }}"\nunzip src.zip && ./run.sh',
        {},
        'workflow_run',
      ),
      [
        `${W}:9:29 critical/high build/run/curl -sLo src.zip "https://api.github.com/repos/o/r/zipball/\${{ github.event.workflow_run.head_sha }}"`,
      ],
    ],
    [
      "an issue_comment's pull/N/head archive, unpacked and made",
      prt(
        'curl -sL "https://github.com/o/r/archive/refs/pull/${{ github.event.issue.number }}/head.tar.gz" | tar xz && make',
        {},
        'issue_comment',
      ),
      PWN(
        9,
        20,
        'curl -sL "https://github.com/o/r/archive/refs/pull/${{ github.event.issue.number }}/head.tar.gz"',
      ),
    ],
    [
      'a head SHA assigned in the script, then downloaded and run',
      prt(`SHA=${HEAD.SHA}\ncurl -sL "https://github.com/o/r/archive/$SHA.tar.gz" | tar xz\n./r-*/build.sh`),
      PWN(10, 20, 'curl -sL "https://github.com/o/r/archive/$SHA.tar.gz"'),
    ],
    // A download of the head that nothing runs runs none of its code, but the trigger is not lowered
    // to "keeps the event as data": the pull request's code is in the job.
    [
      'a tarball downloaded and kept, nothing run',
      prt('curl -sL -o src.tgz "https://api.github.com/repos/o/r/tarball/$SHA"\necho "kept src.tgz"', {
        SHA: HEAD.SHA,
      }),
      [`${W}:1:5 medium/high trigger:pull_request_target`],
    ],
    // The API's metadata, the head in a header or a build argument: no code is fetched.
    [
      "the pull request's files listed through the API",
      prt(
        'gh api "repos/${{ github.repository }}/pulls/${{ github.event.pull_request.number }}/files" --jq ".[].filename"',
      ),
      [`${W}:1:5 low/high trigger:pull_request_target`],
    ],
    [
      "a status posted on the head's commit with curl",
      prt(
        'curl -sS -X POST -H "Authorization: Bearer $T" -d \'{"state":"pending"}\' "$GITHUB_API_URL/repos/o/r/statuses/$SHA"',
        { SHA: HEAD.SHA, T: '${{ github.token }}' },
      ),
      [`${W}:1:5 low/high trigger:pull_request_target`],
    ],
    [
      "the head's check runs read through gh api",
      prt('gh api "repos/o/r/commits/$SHA/check-runs" --jq ".total_count"', { SHA: HEAD.SHA }),
      [`${W}:1:5 low/high trigger:pull_request_target`],
    ],
    [
      'the head SHA in a header of a webhook call',
      prt('curl -sS -H "X-Commit: $SHA" https://hooks.example.com/notify', { SHA: HEAD.SHA }),
      [`${W}:1:5 low/high trigger:pull_request_target`],
    ],
    // A package run with the head as its argument is the package's code, not the head's.
    [
      'npx of a published tool given the head SHA',
      prt('npx @acme/pr-bot@1.2.3 comment --sha "$SHA"', { SHA: HEAD.SHA }),
      [`${W}:1:5 low/high trigger:pull_request_target`],
    ],
    [
      'npx of the head',
      prt('npx --yes "github:$REPO#$SHA" lint', { REPO: HEAD.REPO, SHA: HEAD.SHA }),
      PWN(9, 21, 'npx --yes "github:$REPO#$SHA" lint'),
    ],
    [
      'uvx given the head as --from',
      prt('uvx --from "git+https://github.com/$REPO@$SHA" tool', { REPO: HEAD.REPO, SHA: HEAD.SHA }),
      PWN(9, 22, 'uvx --from "git+https://github.com/$REPO@$SHA" tool'),
    ],
    // A request that posts to a service, or names the head in its query, fetches no code.
    [
      'the head posted to a deploy service',
      prt('curl -fsS -X POST "https://deploy.example.com/hooks/$SHA"\nmake notify', { SHA: HEAD.SHA }),
      [`${W}:1:5 low/high trigger:pull_request_target`],
    ],
    [
      'the head in the query of a download',
      prt('curl -fsSL -o report.json "https://ci.example.com/report?sha=$SHA"\nmake summary', {
        SHA: HEAD.SHA,
      }),
      [`${W}:1:5 low/high trigger:pull_request_target`],
    ],
    [
      "the base's Dockerfile given the head SHA as a build argument",
      prt('docker build --build-arg "SHA=$SHA" -t "app:$SHA" .', { SHA: HEAD.SHA }),
      [`${W}:1:5 low/high trigger:pull_request_target`],
    ],
  ])('%s', async (_name, text, expected) => {
    expect(await judged(text)).toEqual(expected);
  });
});

describe('workflow.dangerous-triggers: a head checked out into a side folder read as data', () => {
  const job = (run: string, path = '          path: pr\n', extra = '') =>
    `on: pull_request_target\npermissions: { contents: read }\njobs:\n  gen:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/setup-go@v5\n        with: { cache: false, cache-dependency-path: "**/*.sum" }\n      - uses: actions/checkout@v4\n        with:\n          ref: \${{ github.event.pull_request.head.sha }}\n${path}      - run: ${run}\n${extra}`;
  it.each([
    // Handed to the base's tools as an argument, or read by git: medium, what the tools do unseen.
    ['an argument of a base tool through make', job('ARGS="-folder=pr" make generate'), 'medium/medium'],
    [
      'a base script given the folder, then git reading it',
      job('./tools/render --local ./pr && git -C pr diff --exit-code'),
      'medium/medium',
    ],
    [
      'a base script run by an interpreter',
      job('poetry run python bin/site build --local ./pr/docs'),
      'medium/medium',
    ],
    [
      'the workspace-qualified folder',
      job('./tools/render ${GITHUB_WORKSPACE}/pr', '          path: ${{ github.workspace }}/pr\n'),
      'medium/medium',
    ],
    // Anything that may run the folder's code keeps the pwn request.
    ['cd into it', job('cd pr && make'), 'critical/high'],
    ['make -C', job('make -C pr test'), 'critical/high'],
    ['a script of the folder', job('./pr/build.sh'), 'critical/high'],
    ['an interpreter given its script', job('python pr/setup.py build'), 'critical/high'],
    ['an install of it', job('pip install ./pr'), 'critical/high'],
    ['a variable that loads code', job('PYTHONPATH=pr python tool.py'), 'critical/high'],
    ['a file copied out of it', job('cp pr/Makefile . && make'), 'critical/high'],
    ['git running more than reads', job('git -C pr submodule update --init'), 'critical/high'],
    [
      'a step run in it',
      job('./configure', '          path: pr\n', '        working-directory: pr\n'),
      'critical/high',
    ],
    ['a checkout at the root', job('./tools/render --local .', ''), 'critical/high'],
    // Every spelling of the folder a shell or the runner resolves to it names it.
    [
      'a step run in it, named from the workspace expression',
      job('./configure', '          path: pr\n', '        working-directory: ${{ github.workspace }}/pr\n'),
      'critical/high',
    ],
    [
      'cd into it through the workspace expression',
      job('cd ${{ github.workspace }}/pr && npm install'),
      'critical/high',
    ],
    ['cd into it through $GITHUB_WORKSPACE', job('cd $GITHUB_WORKSPACE/pr && npm install'), 'critical/high'],
    ['cd into it through $PWD', job('cd "$PWD/pr" && npm install'), 'critical/high'],
    ['cd into it through $(pwd)', job('cd "$(pwd)/pr" && npm install'), 'critical/high'],
    ['cd into it through a glob', job('cd pr* && npm install'), 'critical/high'],
    ['cd into it through a bracket glob', job('cd [p]r && npm install'), 'critical/high'],
    ['cd into it with a trailing slash', job('cd ./pr/ && npm install'), 'critical/high'],
    ['cd into it through ..', job('cd .github/../pr && npm install'), 'critical/high'],
    ['cd into a directory not known here', job('cd "$TARGET" && npm install'), 'critical/high'],
    ['pushd into it', job('pushd ./pr/ && npm install'), 'critical/high'],
    [
      'a relative path after a cd elsewhere',
      job('cd .github && npm --prefix ../pr install'),
      'critical/high',
    ],
    ['an install of it, spelt from $PWD', job('pip install "$PWD/pr"'), 'critical/high'],
    [
      'a step run in it through ..',
      job('./configure', '          path: pr\n', '        working-directory: .github/../pr\n'),
      'critical/high',
    ],
    [
      'a step run in a directory not known here',
      job('./configure', '          path: pr\n', '        working-directory: ${{ env.DIR }}\n'),
      'critical/high',
    ],
    [
      'an action of the folder named through ..',
      `${job('true')}      - uses: ./.github/../pr/.github/actions/build\n`,
      'critical/high',
    ],
    // The workspace's own spellings of a base tool given the folder stay data.
    [
      'a base tool from the workspace expression',
      job('${{ github.workspace }}/tools/render ./pr/'),
      'medium/medium',
    ],
    ['a base tool given $PWD/pr', job('./tools/render "$PWD/pr"'), 'medium/medium'],
    [
      'cd to the workspace, then a base tool',
      job('cd "$GITHUB_WORKSPACE" && ./tools/render pr'),
      'medium/medium',
    ],
    // Only programs known to read files take the folder as data; test runners, linters, formatters,
    // bundlers and other tools load its configuration and code.
    [
      'read by programs that only read files',
      job('du -sh pr && rg -c TODO pr && stat pr/go.mod && jq -r .version pr/package.json'),
      'medium/medium',
    ],
    ['jest given it as its root', job('jest --rootDir pr'), 'critical/high'],
    ['vitest given it as its root', job('vitest run --root pr'), 'critical/high'],
    ['eslint given it', job('eslint pr'), 'critical/high'],
    ['prettier given it', job('prettier --check pr'), 'critical/high'],
    ['webpack given its config', job('webpack --config pr/webpack.config.js'), 'critical/high'],
    ['pytest given it', job('pytest pr/tests'), 'critical/high'],
    ['an unknown program given it', job('mdbook build pr/docs'), 'critical/high'],
    ['an installed tool named by its path', job('node_modules/.bin/jest --rootDir pr'), 'critical/high'],
    [
      'an installed tool run by node',
      job('node node_modules/jest/bin/jest.js --rootDir pr'),
      'critical/high',
    ],
  ])('%s', async (_name, text, grade) => {
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    expect(findings.map((f) => `${f.severity ?? 'critical'}/${f.confidence ?? 'high'}`)).toEqual([grade]);
  });
});

describe('workflow.dangerous-triggers: a pull ref computed by an expression', () => {
  // The ref the runner computes (`format()` with its arguments put in, `join()` of a literal list),
  // written into a checkout or a git fetch, or stored in an `env:` or an output first, names the head.
  const prt = (ref: string, top = '', after = '      - run: npm ci && npm test\n') =>
    `on: pull_request_target\npermissions: { contents: write }\n${top}jobs:\n  build:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${ref}\n${after}`;
  const judged = async (text: string) =>
    (await evaluate(workflowDangerousTriggers, one(text), {})).map(
      (f) => `${at(f)} ${f.severity ?? 'critical'}/${f.confidence ?? 'high'} ${f.key}`,
    );
  const PWN = (line: number, column: number, ref: string) => [
    `${W}:${line}:${column} critical/high build/actions/checkout@v4/ref: ${ref}`,
  ];
  const FORMAT_MERGE = "${{ format('refs/pull/{0}/merge', github.event.pull_request.number) }}";
  it.each([
    ['format() of the merge ref', prt(FORMAT_MERGE), PWN(9, 20, FORMAT_MERGE)],
    [
      'format() of the head ref by github.event.number',
      prt("${{ format('refs/pull/{0}/head', github.event.number) }}"),
      PWN(9, 20, "${{ format('refs/pull/{0}/head', github.event.number) }}"),
    ],
    [
      'format() with the number and the ref kind as arguments',
      prt("${{ format('refs/pull/{0}/{1}', github.event.number, 'head') }}"),
      PWN(9, 20, "${{ format('refs/pull/{0}/{1}', github.event.number, 'head') }}"),
    ],
    [
      'join() of a list format() writes',
      prt(`\${{ join(fromJSON(format('["refs/pull", "{0}", "merge"]', github.event.number)), '/') }}`),
      PWN(9, 20, `\${{ join(fromJSON(format('["refs/pull", "{0}", "merge"]', github.event.number)), '/') }}`),
    ],
    [
      'the ref written with the number in an env, then read',
      prt('${{ env.REF }}', 'env:\n  REF: refs/pull/${{ github.event.number }}/merge\n'),
      PWN(11, 20, '${{ env.REF }}'),
    ],
    [
      'format() of a number routed through an env',
      prt("${{ format('refs/pull/{0}/merge', env.PR) }}", 'env:\n  PR: ${{ github.event.number }}\n'),
      PWN(11, 20, "${{ format('refs/pull/{0}/merge', env.PR) }}"),
    ],
    [
      'the ref written to a step output',
      `on: pull_request_target\npermissions: { contents: write }\njobs:\n  build:\n    runs-on: x\n    steps:\n      - id: pr\n        run: echo "ref=refs/pull/\${{ github.event.number }}/merge" >> "$GITHUB_OUTPUT"\n      - uses: actions/checkout@v4\n        with:\n          ref: \${{ steps.pr.outputs.ref }}\n      - run: npm ci\n`,
      [`${W}:11:20 critical/high build/actions/checkout@v4/ref: \${{ steps.pr.outputs.ref }}`],
    ],
    [
      'git fetch of a head ref format() writes into an env',
      `on: pull_request_target\npermissions: { contents: write }\njobs:\n  build:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - run: git fetch origin "$REF" && git checkout FETCH_HEAD && npm ci\n        env:\n          REF: \${{ format('pull/{0}/head', github.event.number) }}\n`,
      [`${W}:8:31 critical/high build/run/git fetch origin "$REF"`],
    ],
    // Controls: a ref of the base, and a head ref whose tree nothing runs.
    [
      "format() of the base's branch",
      prt("${{ format('refs/heads/{0}', github.base_ref) }}"),
      [`${W}:1:5 low/high trigger:pull_request_target`],
    ],
    [
      'format() of a pull ref whose tree nothing runs',
      prt(FORMAT_MERGE, '', '      - run: git log -1\n'),
      [`${W}:1:5 medium/high trigger:pull_request_target`],
    ],
  ])('%s', async (_name, text, expected) => {
    expect(await judged(text)).toEqual(expected);
  });
});

describe('workflow.dangerous-triggers: a composite action of the repository run by the privileged job', () => {
  // The action's steps are steps of the calling job: `inputs.*` are what that step passes, and what
  // runs after a checkout is the rest of the action, then the rest of the job.
  const A = '.github/actions/build/action.yml';
  const action = (ref: string, after = '    - run: npm ci && npm test\n      shell: bash\n', ifs = '') =>
    `name: build\ninputs:\n  sha:\n    required: false\nruns:\n  using: composite\n  steps:\n    - uses: actions/checkout@v4\n${ifs}      with:\n        ref: ${ref}\n${after}`;
  const caller = (sha?: string, after = '', on = 'pull_request_target') =>
    `on: ${on}\npermissions: { contents: write }\njobs:\n  build:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./.github/actions/build\n${sha ? `        with:\n          sha: ${sha}\n` : ''}${after}`;
  const HEAD = '${{ github.event.pull_request.head.sha }}';
  const BASE = '${{ github.event.pull_request.base.sha }}';
  const judged = async (files: Record<string, string>) =>
    (await evaluate(workflowDangerousTriggers, files, {})).map(
      (f) => `${at(f)} ${f.severity ?? 'critical'}/${f.confidence ?? 'high'} ${f.key}`,
    );
  const PWN = (column: number, ref: string, file = A, line = 10) => [
    `${file}:${line}:${column} critical/high build/./.github/actions/build/ref: ${ref}, in ${file}`,
  ];
  const MEDIUM = [`${W}:1:5 medium/high trigger:pull_request_target`];
  it.each([
    [
      'the head passed as an input',
      { [W]: caller(HEAD), [A]: action('${{ inputs.sha }}') },
      PWN(18, '${{ inputs.sha }}'),
    ],
    ['the head read from the event in the action', { [W]: caller(), [A]: action(HEAD) }, PWN(18, HEAD)],
    [
      'the head checked out in the action, built by the caller after it',
      {
        [W]: caller(HEAD, '      - run: npm ci\n'),
        [A]: action('${{ inputs.sha }}', '    - run: git log -1\n      shell: bash\n'),
      },
      PWN(18, '${{ inputs.sha }}'),
    ],
    [
      'a composite action that runs another with the head',
      {
        [W]: caller(HEAD),
        [A]: `name: build\ninputs:\n  sha: {}\nruns:\n  using: composite\n  steps:\n    - uses: ./.github/actions/inner\n      with:\n        commit: \${{ inputs.sha }}\n`,
        '.github/actions/inner/action.yml': `name: inner\ninputs:\n  commit: {}\nruns:\n  using: composite\n  steps:\n    - uses: actions/checkout@v4\n      with:\n        ref: \${{ inputs.commit }}\n    - run: make\n      shell: bash\n`,
      },
      [
        '.github/actions/inner/action.yml:9:18 critical/high build/./.github/actions/build/ref: ${{ inputs.commit }}, in .github/actions/inner/action.yml',
      ],
    ],
    // Controls: the base passed, a tree nothing runs, a checkout kept to the repository's own branches.
    ['the base passed as an input', { [W]: caller(BASE), [A]: action('${{ inputs.sha }}') }, MEDIUM],
    [
      'the head checked out in the action, only read after it',
      { [W]: caller(HEAD), [A]: action('${{ inputs.sha }}', '    - run: git log -1\n      shell: bash\n') },
      MEDIUM,
    ],
    [
      'the head passed only by a workflow on pull_request; the privileged one passes the base',
      {
        [W]: caller(BASE),
        '.github/workflows/ci.yml': caller(HEAD, '', 'pull_request'),
        [A]: action('${{ inputs.sha }}'),
      },
      MEDIUM,
    ],
    [
      "a checkout the action keeps to the repository's own branches",
      {
        [W]: caller(HEAD),
        [A]: action(
          '${{ inputs.sha }}',
          undefined,
          '      if: github.event.pull_request.head.repo.full_name == github.repository\n',
        ),
      },
      MEDIUM,
    ],
  ])('%s', async (_name, files, expected) => {
    expect(await judged(files)).toEqual(expected);
  });
});

describe('workflow.unpinned-images', () => {
  it('reports tags at the image value and honours the allow list', async () => {
    const files = one(`on: push
jobs:
  a:
    container: { image: "node:20" }
    services:
      db: postgres:16
      cache:
        image: ghcr.io/acme/cache:1
`);
    expect((await evaluate(workflowUnpinnedImages, files, { allow: [] })).map(at)).toEqual([
      `${W}:4:26`,
      `${W}:6:11`,
      `${W}:8:16`,
    ]);
    expect(
      (await evaluate(workflowUnpinnedImages, files, { allow: ['ghcr.io/acme/*', 'postgres'] })).map(at),
    ).toEqual([`${W}:4:26`]);
  });

  // A Docker action's image is the code its steps run: a third party's tag is graded as `uses:
  // docker://` is (high); one in the owner's own namespace of GitHub's registry keeps medium.
  it.each([
    ['a third party on Docker Hub by tag', 'docker://someorg/tool:latest', 'high'],
    ['a third party by name only', 'docker://alpine', 'high'],
    ["the repository owner's image on ghcr.io", 'docker://ghcr.io/acme/tool:1', 'medium'],
    ["another owner's image on ghcr.io", 'docker://ghcr.io/other/tool:1', 'high'],
    [
      'an image key of a JavaScript action, which the runner ignores',
      'docker://someorg/tool:latest',
      'medium',
      'node20',
    ],
  ])("grades a Docker action's image: %s", async (_name, image, severity, using = 'docker') => {
    const files = { 'action.yml': `name: tool\nruns:\n  using: ${using}\n  image: ${image}\n` };
    const findings = await evaluate(workflowUnpinnedImages, files, { allow: [] }, { repository: 'acme/app' });
    expect(findings.map((f) => [at(f), f.severity ?? 'medium'])).toEqual([['action.yml:4:10', severity]]);
  });

  // A service beside the steps of a job that can reach no credential (a read-only token, no secret,
  // nothing published) is graded low; a job's container, which runs the steps, is not.
  const job = (permissions: string, extra = '', run = 'pytest', on = '[push, pull_request]') => `on: ${on}
${permissions}
env: { FORCE_COLOR: 1 }
jobs:
  test:
    runs-on: ubuntu-latest
${extra}    services:
      db:
        image: postgres:16.4
    steps:
      - uses: actions/checkout@v4
      - run: ${run}
`;
  const caller = (permissions: string, name = 'a') => ({
    [`.github/workflows/call-${name}.yml`]: `on: push
${permissions}
jobs:
  tests:
    uses: ./.github/workflows/w.yml
`,
  });
  it.each<[string, string | Record<string, string>, string]>([
    ['a read-only token, no secret', job('permissions: { contents: read }'), 'low'],
    ['permissions: {}', job('permissions: {}'), 'low'],
    ['read-all', job('permissions: read-all'), 'low'],
    [
      'the job token only',
      job('permissions: { contents: read }', '    env: { GH: "${{ secrets.GITHUB_TOKEN }}" }\n'),
      'low',
    ],
    ['no permissions (the default may write)', job(''), 'medium'],
    ['a write scope', job('permissions: { contents: read, packages: write }'), 'medium'],
    ['a secret', job('permissions: { contents: read }', '', 'pytest --key ${{ secrets.API_KEY }}'), 'medium'],
    [
      'a secret by index',
      job('permissions: { contents: read }', '    env: { K: "${{ secrets[\'API_KEY\'] }}" }\n'),
      'medium',
    ],
    [
      'a deployment environment',
      job('permissions: { contents: read }', '    environment: staging\n'),
      'medium',
    ],
    ['a publishing step', job('permissions: { contents: read }', '', 'twine upload dist/*'), 'medium'],
    // The service keeps to the network beside the steps: the container is reported at its own grade.
    ['a job container', job('permissions: { contents: read }', '    container: python:3.13\n'), 'low'],
    // A self-hosted runner is a machine on a private network that later jobs reuse.
    [
      'a self-hosted runner',
      job('permissions: { contents: read }').replace(
        'runs-on: ubuntu-latest',
        'runs-on: [self-hosted, linux]',
      ),
      'medium',
    ],
    // On `pull_request` alone a fork's run holds a read-only token whatever is written, and the
    // service never holds the token: its scopes are the steps' to answer for.
    ['no permissions, on pull_request only', job('', '', 'pytest', 'pull_request'), 'low'],
    [
      'a write scope, on pull_request only',
      job('permissions: { pull-requests: write }', '', 'pytest', '{ pull_request: { paths: [src/**] } }'),
      'low',
    ],
    [
      'a write scope, on pull_request only, and a secret',
      job('permissions: { pull-requests: write }', '', 'pytest --key ${{ secrets.API_KEY }}', 'pull_request'),
      'medium',
    ],
    [
      'the whole secrets context, on pull_request only',
      job('', '    env: { ALL: "${{ toJSON(secrets) }}" }\n', 'pytest', 'pull_request'),
      'medium',
    ],
    ['no permissions, on pull_request_target only', job('', '', 'pytest', 'pull_request_target'), 'medium'],
    [
      'no permissions, on the merge queue too',
      job('', '', 'pytest', '[pull_request, merge_group]'),
      'medium',
    ],
    [
      'a publishing step, on pull_request only',
      job('', '', 'docker push acme/preview', 'pull_request'),
      'medium',
    ],
    // The OIDC request variables go to the steps only: a service cannot use id-token: write.
    ['only id-token: write', job('permissions: { id-token: write, contents: read }'), 'low'],
    ['id-token: write and a write scope', job('permissions: { id-token: write, contents: write }'), 'medium'],
    // A reusable workflow run on pull requests and by callers here that grant a read-only token.
    [
      'callers that grant read only, on pull_request otherwise',
      {
        [W]: job('', '', 'pytest', '[pull_request, workflow_call]'),
        ...caller('permissions: { contents: read }'),
      },
      'low',
    ],
    [
      'a caller that grants nothing (the default may write)',
      {
        [W]: job('', '', 'pytest', '[pull_request, workflow_call]'),
        ...caller('permissions: { contents: read }'),
        ...caller('', 'b'),
      },
      'medium',
    ],
    [
      'a caller that grants a write scope',
      {
        [W]: job('', '', 'pytest', '[pull_request, workflow_call]'),
        ...caller('permissions: { packages: write }'),
      },
      'medium',
    ],
    [
      'callers that grant read only, on push too',
      { [W]: job('', '', 'pytest', '[push, workflow_call]'), ...caller('permissions: { contents: read }') },
      'medium',
    ],
    [
      'no caller here, on pull_request otherwise',
      job('', '', 'pytest', '[pull_request, workflow_call]'),
      'medium',
    ],
  ])('a service of a job with %s', async (what, text, severity) => {
    const findings = await evaluate(workflowUnpinnedImages, typeof text === 'string' ? one(text) : text, {
      allow: [],
    });
    const service = findings.find((f) => f.message.includes('service "db"'))!;
    expect(service.severity ?? 'medium').toBe(severity);
    expect(service.message.includes('names no secret and publishes nothing')).toBe(severity === 'low');
    // The job container is judged apart: with a read-only token it is low too (see below).
    const others = findings.filter((f) => f !== service);
    expect(others.map((f) => f.severity ?? 'medium')).toEqual(what === 'a job container' ? ['low'] : []);
  });

  // A reusable workflow's job whose outputs a calling workflow hands to a job that publishes builds
  // what is published: its service keeps the rule's grade.
  it.each([
    [
      'the caller hands the output to a publishing job',
      '      - run: docker push "acme/app:${{ needs.build.outputs.key }}"\n',
      'medium',
    ],
    ['the publishing job reads no output of the build', '      - run: docker push acme/app:1\n', 'low'],
  ])('a service of a reusable build workflow: %s', async (_name, push, severity) => {
    const build =
      'on:\n  workflow_call:\n    outputs:\n      key: { value: "${{ jobs.build.outputs.key }}" }\npermissions: { contents: read }\njobs:\n  build:\n    runs-on: x\n    outputs: { key: "${{ steps.k.outputs.key }}" }\n    services:\n      db:\n        image: postgres:16.4\n    steps:\n      - id: k\n        run: make test key\n';
    const caller = `on: push\njobs:\n  build:\n    uses: ./.github/workflows/build.yml\n  publish:\n    needs: build\n    runs-on: x\n    steps:\n${push}`;
    const findings = await evaluate(
      workflowUnpinnedImages,
      { '.github/workflows/build.yml': build, '.github/workflows/c.yml': caller },
      { allow: [] },
    );
    expect(findings.map((f) => [at(f), f.severity ?? 'medium'])).toEqual([
      ['.github/workflows/build.yml:12:16', severity],
    ]);
  });

  // A job's container runs the steps with whatever the job holds: low only when the job holds nothing
  // privileged and its token can write nothing at all (an OIDC token included), by its permissions,
  // the workflow's, or those every caller here grants a reusable workflow. On pull_request alone it is
  // not let off: a branch of this repository gets the default token, and the container runs the steps.
  const lint = (
    permissions: string,
    extra = '',
    step = 'run: linter .',
    on = '[push, pull_request]',
  ) => `on: ${on}
${permissions}
jobs:
  lint:
    runs-on: ubuntu-latest
${extra}    container:
      image: someorg/linter
    steps:
      - ${step}
`;
  const callerOf = (permissions: string, name = 'a', on = 'pull_request') => ({
    [`.github/workflows/call-${name}.yml`]: `on: ${on}
${permissions}
jobs:
  lint:
    uses: ./.github/workflows/w.yml
`,
  });
  it.each<[string, string | Record<string, string>, string]>([
    ["the workflow's permissions: {}", lint('permissions: {}'), 'low'],
    ["the job's permissions: {}", lint('', '    permissions: {}\n'), 'low'],
    ['a read-only token', lint('permissions: { contents: read, pull-requests: read }'), 'low'],
    ['read-all', lint('permissions: read-all'), 'low'],
    [
      'the job token only',
      lint('permissions: {}', '    env: { GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}" }\n'),
      'low',
    ],
    ['no permissions (the default may write)', lint(''), 'medium'],
    ['contents: write', lint('permissions: { contents: write }'), 'medium'],
    ['id-token: write', lint('permissions: { contents: read, id-token: write }'), 'medium'],
    ['a report-only write scope', lint('permissions: { checks: write }'), 'medium'],
    [
      'a secret in the job env',
      lint('permissions: {}', '    env: { KEY: "${{ secrets.API_KEY }}" }\n'),
      'medium',
    ],
    [
      'a secret in the workflow env',
      lint('permissions: {}\nenv: { KEY: "${{ secrets.API_KEY }}" }'),
      'medium',
    ],
    [
      'a secret in a step',
      lint('permissions: {}', '', 'run: linter --key ${{ secrets.API_KEY }} .'),
      'medium',
    ],
    ['a deployment environment', lint('permissions: {}', '    environment: staging\n'), 'medium'],
    [
      'a self-hosted runner',
      lint('permissions: {}').replace('runs-on: ubuntu-latest', 'runs-on: [self-hosted, linux]'),
      'medium',
    ],
    ['a publishing step', lint('permissions: {}', '', 'run: docker push acme/linter'), 'medium'],
    [
      'a push an expression decides',
      lint(
        'permissions: {}',
        '',
        'uses: docker/build-push-action@v6\n        with: { push: "${{ github.event_name == \'push\' }}" }',
      ),
      'medium',
    ],
    ['no permissions, on pull_request only', lint('', '', 'run: linter .', 'pull_request'), 'medium'],
    // The branch's later runs restore what the job saves; a pull request's entries stay its own.
    [
      'a cache it saves on push',
      lint('permissions: {}', '', 'uses: actions/setup-node@v4\n        with: { cache: pnpm }'),
      'medium',
    ],
    [
      'a cache it saves on pull_request only',
      lint(
        'permissions: {}',
        '',
        'uses: actions/cache@v4\n        with: { path: x, key: k }',
        'pull_request',
      ),
      'low',
    ],
    [
      'a cache setting of another action, on push',
      lint('permissions: {}', '', 'uses: acme/setup-toolchain@v1\n        with: { cache_key_suffix: race }'),
      'medium',
    ],
    [
      "another action's cache turned off",
      lint('permissions: {}', '', 'uses: acme/setup-toolchain@v1\n        with: { enable-cache: false }'),
      'low',
    ],
    [
      'a cache it only restores',
      lint('permissions: {}', '', 'uses: actions/cache/restore@v4\n        with: { path: x, key: k }'),
      'low',
    ],
    // A reusable workflow run only by jobs here: the grant of each bounds its token.
    [
      'callers that grant nothing but permissions: {}',
      { [W]: lint('', '', 'run: linter .', 'workflow_call'), ...callerOf('permissions: {}') },
      'low',
    ],
    [
      'callers whose jobs grant read only, one on push',
      {
        [W]: lint('', '', 'run: linter .', 'workflow_call'),
        ...callerOf('permissions: { contents: read }'),
        ...callerOf('permissions: read-all', 'b', 'push'),
      },
      'low',
    ],
    [
      'a caller that grants nothing (the default may write)',
      {
        [W]: lint('', '', 'run: linter .', 'workflow_call'),
        ...callerOf('permissions: {}'),
        ...callerOf('', 'b'),
      },
      'medium',
    ],
    [
      'a caller that grants an OIDC token',
      {
        [W]: lint('', '', 'run: linter .', 'workflow_call'),
        ...callerOf('permissions: { id-token: write }'),
      },
      'medium',
    ],
    [
      'callers that grant nothing, on pull_request too',
      { [W]: lint('', '', 'run: linter .', '[pull_request, workflow_call]'), ...callerOf('permissions: {}') },
      'medium',
    ],
    ['no caller here', lint('', '', 'run: linter .', 'workflow_call'), 'medium'],
  ])('the container of a job with %s', async (_what, text, severity) => {
    const findings = await evaluate(workflowUnpinnedImages, typeof text === 'string' ? one(text) : text, {
      allow: [],
    });
    const line =
      (typeof text === 'string' ? text : text[W]!).split('\n').findIndex((l) => l.includes('linter')) + 1;
    expect(findings.map((f) => [at(f), f.severity ?? 'medium'])).toEqual([[`${W}:${line}:14`, severity]]);
    expect(findings[0]!.message.includes('a moved tag can change what its steps do')).toBe(
      severity === 'low',
    );
  });
});

describe('secrets and credentials', () => {
  it('checkout credentials: at uses, high only when the upload takes the checkout with hidden files', async () => {
    const findings = await evaluate(
      workflowCheckoutCredentials,
      one(`on: push
jobs:
  a:
    steps:
      - uses: actions/checkout@v4
        with: { path: src }
      - uses: actions/upload-artifact@v4
        with: { path: src, include-hidden-files: true }
  b:
    steps:
      - uses: actions/checkout@v4
      - run: make
`),
      {},
    );
    // Job b uploads nothing: job a's upload runs on another runner and cannot hold b's token.
    expect(findings.map((f) => [at(f), f.severity])).toEqual([
      [`${W}:5:15`, 'high'],
      [`${W}:11:15`, 'low'],
    ]);
  });

  describe('checkout credentials: an upload raises the grade only when it can hold the token', () => {
    const SHA = 'ea165f8d65b6e75b540449e92b4886f43607fa02';
    const workflow = (same: string, other = '') => `on: push
permissions: { contents: read }
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
        with: { path: app }
      - run: make
${same}${other && `  publish:\n    runs-on: ubuntu-latest\n    steps:\n${other}`}`;
    const upload = (ref: string, path: string, hidden?: string) =>
      `      - name: Upload
        uses: actions/upload-artifact@${ref}
        with:
          path: ${path}
${hidden === undefined ? '' : `          include-hidden-files: ${hidden}\n`}`;
    const HEAD =
      'actions/checkout in job "build" leaves the job\'s token in .git/config (no "persist-credentials: false"), where every later step can read it';
    const FIX =
      '. Set "persist-credentials: false" unless a later step pushes with git; then pass the token to that step explicitly.';
    const UNDECIDED =
      '; step "Upload" uploads the checkout directory, and whether the artifact keeps hidden files (.git/config with the token) cannot be decided: ';
    const LEAK =
      ', and step "Upload" uploads the checkout directory including hidden files, so the token ends up in the artifact';

    it.each([
      ['an upload of the workspace in another job', workflow('', upload('v3', '.')), 'low', ''],
      [
        'a same-job upload of a build output, whatever its version',
        workflow(upload(SHA, 'dist/')),
        'low',
        '',
      ],
      ['a same-job upload of another directory than the checkout', workflow(upload('v3', 'site')), 'low', ''],
      [
        'a same-job upload of the checkout with v4 (the newest v4: hidden files left out)',
        workflow(upload('v4', 'app')),
        'low',
        '',
      ],
      ['a same-job upload of the workspace with v4.4.0', workflow(upload('v4.4.0', '.')), 'low', ''],
      [
        'a same-job upload of the workspace with a SHA pin noted v4.6.2',
        workflow(upload(`${SHA} # v4.6.2`, '"${{ github.workspace }}"')),
        'low',
        '',
      ],
      [
        'a same-job upload with v5 and include-hidden-files: false',
        workflow(upload('v5', '.', 'false')),
        'low',
        '',
      ],
      ['a same-job upload of the workspace with v3', workflow(upload('v3', '.')), 'high', LEAK],
      ['a same-job upload of the checkout with v4.3.6', workflow(upload('v4.3.6', 'app/')), 'high', LEAK],
      [
        'a same-job upload with v4 and include-hidden-files: true',
        workflow(upload('v4', '"*"', 'true')),
        'high',
        LEAK,
      ],
      [
        'a same-job upload of the workspace pinned to a commit without a version comment',
        workflow(upload(SHA, '.')),
        'medium',
        `${UNDECIDED}it is pinned to a commit without a version comment, and upload-artifact before v4.4 keeps hidden files whatever "include-hidden-files" says`,
      ],
      [
        'a same-job upload of the workspace at a branch',
        workflow(upload('main', './', 'false')),
        'medium',
        `${UNDECIDED}its ref "main" names no version, and upload-artifact before v4.4 keeps hidden files whatever "include-hidden-files" says`,
      ],
      [
        'a same-job upload of the workspace whose include-hidden-files is an expression',
        workflow(upload('v4.6.2', '.', '${{ inputs.debug }}')),
        'medium',
        `${UNDECIDED}"include-hidden-files" is "\${{ inputs.debug }}", known only when the workflow runs`,
      ],
    ])('%s', async (_name, text, severity, why) => {
      const findings = await evaluate(workflowCheckoutCredentials, one(text), {});
      expect(findings.map((f) => [at(f), f.severity, f.message])).toEqual([
        [`${W}:7:15`, severity, `${HEAD}${why}${FIX}`],
      ]);
    });

    it('an upload before the checkout, or after a v6 checkout, cannot hold the token', async () => {
      const before = `on: push
jobs:
  build:
    steps:
${upload(SHA, '.')}      - uses: actions/checkout@v4
      - run: make
`;
      const v6 = `on: push
jobs:
  build:
    steps:
      - uses: actions/checkout@v6
${upload(SHA, '.')}`;
      for (const text of [before, v6]) {
        const findings = await evaluate(workflowCheckoutCredentials, one(text), {});
        expect(findings.map((f) => f.severity)).toEqual(['low']);
        expect(findings[0]!.message).not.toContain('uploads the checkout directory');
      }
    });
  });

  // A later step that pushes with the persisted token: "set persist-credentials: false" would break the
  // job, so the checkout is graded like an explicit persist-credentials: true.
  describe('checkout credentials: a later step pushes with the token', () => {
    const workflow = (on: string, steps: string[]) =>
      [
        `on: ${on}`,
        'jobs:',
        '  publish:',
        '    permissions: { contents: write }',
        '    steps:',
        ...steps.map((s) => `      - ${s}`),
        '',
      ].join('\n');
    const checkout = 'uses: actions/checkout@v4';
    const head = (step: string) =>
      `actions/checkout in job "publish" leaves the job's token in .git/config for step "${step}", which pushes with it`;
    const PUSH_FIX =
      '. Push from a separate job that uploads nothing and runs no untrusted code, or pass the token only to the step that pushes.';
    const OPEN =
      'actions/checkout in job "publish" leaves the job\'s token in .git/config (no "persist-credentials: false"), where every later step can read it';
    const FIX =
      '. Set "persist-credentials: false" unless a later step pushes with git; then pass the token to that step explicitly.';
    const WRITES = '; the token can write to the repository';
    it.each([
      ['mkdocs gh-deploy', workflow('push', [checkout, 'run: mkdocs gh-deploy --force']), []],
      ['git push', workflow('push', [checkout, 'run: git commit -am x && git push origin HEAD']), []],
      ['a pushing action', workflow('push', [checkout, 'uses: stefanzweifel/git-auto-commit-action@v5']), []],
      // Cherry-pick and backport actions push the branch they made with what the checkout persisted.
      ['a cherry-pick action', workflow('push', [checkout, 'uses: acme/github-cherry-pick-action@v1']), []],
      ['a backport action', workflow('push', [checkout, 'uses: acme/backport@v2']), []],
      ['a backport script', workflow('push', [checkout, 'run: ./misc/backport/backport.sh "$BRANCH"']), []],
      // An action told to push its changes with git (`git-push: true`) pushes with what was persisted.
      [
        'an action given git-push: true',
        workflow('push', [checkout, 'uses: acme/docs-action@v2\n        with: { git-push: true }']),
        [],
      ],
      [
        'an action given git-push: false',
        workflow('push', [checkout, 'uses: acme/docs-action@v2\n        with: { git-push: false }']),
        [['medium', `${OPEN}${WRITES}${FIX}`]],
      ],
      // An action that pushes an image pushes to a registry, whatever else its name says.
      [
        'an image pushing action',
        workflow('push', [checkout, 'uses: redhat-actions/push-to-registry@v2']),
        [['medium', `${OPEN}${WRITES}${FIX}`]],
      ],
      // A push in a repository the script cloned itself authenticates with what the clone was given:
      // the checkout's credentials stay in the checkout's own configuration.
      [
        'a push from a repository the script cloned',
        workflow('push', [
          checkout,
          'run: |\n          git clone --depth 1 git@github.com:acme/metrics.git\n          cd metrics && git add . && git -c user.name=bot commit -m x && git push origin main',
        ]),
        [['medium', `${OPEN}${WRITES}${FIX}`]],
      ],
      [
        'git -C a cloned directory push',
        workflow('push', [
          checkout,
          'run: git clone -b gh-pages https://x-access-token:$PAGES_TOKEN@github.com/acme/site.git out && git -C out push',
        ]),
        [['medium', `${OPEN}${WRITES}${FIX}`]],
      ],
      [
        'a push after leaving the clone',
        workflow('push', [checkout, 'run: git clone git@github.com:acme/m.git && cd m && cd .. && git push']),
        [],
      ],
      [
        'a push in the clone and a tool that pushes the checkout',
        workflow('push', [
          checkout,
          'run: git clone git@github.com:acme/m.git && cd m && git push && mkdocs gh-deploy',
        ]),
        [],
      ],
      // mike and ghp-import push the pages branch only when told to.
      ['mike deploy --push', workflow('push', [checkout, 'run: mike deploy --push dev']), []],
      ['ghp-import -n -p', workflow('push', [checkout, 'run: ghp-import -n -p -f site']), []],
      [
        'mike deploy without --push',
        workflow('push', [checkout, 'run: mike deploy --update-aliases dev latest']),
        [['medium', `${OPEN}${WRITES}${FIX}`]],
      ],
      [
        'ghp-import without -p',
        workflow('push', [checkout, 'run: ghp-import -n site']),
        [['medium', `${OPEN}${WRITES}${FIX}`]],
      ],
      [
        'on an event outsiders cause',
        workflow('workflow_run', [checkout, 'run: git push']),
        [
          [
            'medium',
            `${head('run')}; the workflow runs on workflow_run, where it handles outsiders' input${PUSH_FIX}`,
          ],
        ],
      ],
      [
        'with an upload of the checkout and its hidden files',
        workflow('push', [
          checkout,
          'run: git push',
          '{ name: Upload, uses: actions/upload-artifact@v3, with: { path: . } }',
        ]),
        [
          [
            'high',
            `${head('run')}, and step "Upload" uploads the checkout directory including hidden files, so the token ends up in the artifact${PUSH_FIX}`,
          ],
        ],
      ],
      // create-pull-request pushes over SSH with the deploy key a checkout given `ssh-key:` persists
      // (its documented deploy-key set-up); over HTTPS it brings its own token.
      [
        'create-pull-request after a checkout given ssh-key',
        workflow('push', [
          `${checkout}\n        with:\n          ssh-key: \${{ secrets.DEPLOY_KEY }}`,
          'run: git commit -am "Update strings"',
          'uses: peter-evans/create-pull-request@v7',
        ]),
        [],
      ],
      [
        'create-pull-request after a checkout given ssh-key, on an event outsiders cause',
        workflow('workflow_run', [
          `${checkout}\n        with:\n          ssh-key: \${{ secrets.DEPLOY_KEY }}`,
          '{ name: Open pull request, uses: peter-evans/create-pull-request@v7 }',
        ]),
        [
          [
            'medium',
            'actions/checkout in job "publish" leaves the SSH key given in "ssh-key:" (and the job\'s token in .git/config) ' +
              `for step "Open pull request", which pushes with it; the workflow runs on workflow_run, where it handles outsiders' input${PUSH_FIX}`,
          ],
        ],
      ],
      // It pushes over HTTPS with the job's token, given to it by default: the copy on disk gives it
      // nothing, and no other step follows.
      [
        'create-pull-request after a plain checkout',
        workflow('push', [checkout, 'uses: peter-evans/create-pull-request@v7']),
        [
          [
            'low',
            `${OPEN}${WRITES}, but every later step is given the job's token anyway, so the copy on disk reaches none that lacks it${FIX}`,
          ],
        ],
      ],
      [
        'create-pull-request after a plain checkout and a build',
        workflow('push', [checkout, 'run: make', 'uses: peter-evans/create-pull-request@v7']),
        [['medium', `${OPEN}${WRITES}${FIX}`]],
      ],
      [
        'a checkout given ssh-key that nothing pushes with',
        workflow('push', [
          `${checkout}\n        with:\n          ssh-key: \${{ secrets.DEPLOY_KEY }}`,
          'run: make test',
        ]),
        [['medium', `${OPEN}${WRITES}; it persists the SSH key given in "ssh-key:" too${FIX}`]],
      ],
      // A fetch needs no token in a public repository: the advice still holds.
      [
        'a later fetch only',
        workflow('push', [checkout, 'run: git fetch --tags']),
        [['medium', `${OPEN}${WRITES}${FIX}`]],
      ],
      [
        'a push before the checkout',
        workflow('push', ['run: git push', checkout, 'run: make']),
        [['medium', `${OPEN}${WRITES}${FIX}`]],
      ],
    ])('%s', async (_name, text, expected) => {
      const findings = await evaluate(workflowCheckoutCredentials, one(text), {});
      expect(findings.map((f) => [f.severity, f.message])).toEqual(expected);
      for (const f of findings) expect(at(f)).toMatch(/:[67]:15$/);
    });
  });

  // What a repository script, a Makefile target or a package.json script that a later step runs does
  // is read (pr-evidence-follow.ts): a push there may be the job's, or hang on the script's arguments
  // (`release --local` builds without pushing). The checkout is judged as if nothing pushed, and
  // reported as a guess (low confidence) saying so, unless outsiders' input reaches the job.
  describe('checkout credentials: a later step runs a script that pushes', () => {
    const workflow = (on: string, run: string) =>
      `on: ${on}\njobs:\n  publish:\n    permissions: { contents: write }\n    steps:\n      - uses: actions/checkout@v4\n      - { name: Publish, run: ${run} }\n`;
    const PUBLISH = '#!/bin/sh -e\ntwine upload dist/*\nmkdocs gh-deploy --force\n';
    const OPEN_SCRIPT =
      'actions/checkout in job "publish" leaves the job\'s token in .git/config (no "persist-credentials: false"), where every later step can read it';
    const GUESS = '; step "Publish" runs a repository script that pushes with git, which may need it';
    const FIX_SCRIPT =
      '. Set "persist-credentials: false" unless a later step pushes with git; then pass the token to that step explicitly.';
    const WRITES_SCRIPT = '; the token can write to the repository';
    it.each([
      [
        'an extensionless script',
        workflow('push', 'scripts/publish'),
        { 'scripts/publish': PUBLISH },
        [['medium', 'low', `${OPEN_SCRIPT}${WRITES_SCRIPT}${GUESS}${FIX_SCRIPT}`]],
      ],
      [
        'a make target',
        workflow('push', 'make release'),
        { Makefile: 'release:\n\tgit push --tags\n' },
        [['medium', 'low', `${OPEN_SCRIPT}${WRITES_SCRIPT}${GUESS}${FIX_SCRIPT}`]],
      ],
      // Make reads a conditional itself: the recipe goes on after it, in both branches.
      [
        'a make target whose push follows a conditional',
        workflow('push', 'make release'),
        {
          Makefile:
            'release:\n\tgit fetch --tags\nifeq (false,$(SNAPSHOT))\n\t@exit 1\nelse\n\t@echo ok\nendif\n\tgit push origin main\n',
        },
        [['medium', 'low', `${OPEN_SCRIPT}${WRITES_SCRIPT}${GUESS}${FIX_SCRIPT}`]],
      ],
      [
        'a make target whose push follows a conditional, with CRLF line ends',
        workflow('push', 'make release'),
        {
          Makefile:
            'release:\r\n\tgit fetch --tags\r\nifdef DRY\r\n\t@exit 1\r\nendif\r\n\tgit push origin main\r\n',
        },
        [['medium', 'low', `${OPEN_SCRIPT}${WRITES_SCRIPT}${GUESS}${FIX_SCRIPT}`]],
      ],
      [
        'a make target that only builds after a conditional',
        workflow('push', 'make dist'),
        { Makefile: 'dist:\nifdef DRY\n\t@echo dry\nendif\n\tgo build ./...\n' },
        [['medium', 'rule', `${OPEN_SCRIPT}${WRITES_SCRIPT}${FIX_SCRIPT}`]],
      ],
      [
        'a package.json script',
        workflow('push', 'npm run release'),
        { 'package.json': '{ "scripts": { "release": "semantic-release" } }' },
        [['medium', 'low', `${OPEN_SCRIPT}${WRITES_SCRIPT}${GUESS}${FIX_SCRIPT}`]],
      ],
      [
        'on an event outsiders cause',
        workflow('workflow_run', 'scripts/publish'),
        { 'scripts/publish': PUBLISH },
        [
          [
            'medium',
            'rule',
            `${OPEN_SCRIPT}; the workflow runs on workflow_run, where it handles outsiders' input${WRITES_SCRIPT}${GUESS}${FIX_SCRIPT}`,
          ],
        ],
      ],
      [
        'a script that only builds',
        workflow('push', 'scripts/build'),
        { 'scripts/build': '#!/bin/sh -e\npython -m build\n' },
        [['medium', 'rule', `${OPEN_SCRIPT}${WRITES_SCRIPT}${FIX_SCRIPT}`]],
      ],
      // The push in the step's own text is the job's: keeping the token for it is deliberate.
      ['a push in the step itself', workflow('push', 'git push origin HEAD'), {}, []],
    ] as [string, string, Record<string, string>, [string, string, string][]][])(
      '%s',
      async (_name, text, files, expected) => {
        const findings = await evaluate(workflowCheckoutCredentials, { ...one(text), ...files }, {});
        expect(findings.map((f) => [f.severity, f.confidence ?? 'rule', f.message])).toEqual(expected);
      },
    );
  });

  // An explicit persist-credentials: true is deliberate when a later step is seen to use what it
  // keeps, or runs work not visible here; with neither, it is graded like a checkout that does not
  // say, at the explicit value.
  describe('checkout credentials: an explicit persist-credentials: true that nothing is seen to use', () => {
    const workflow = (on: string, permissions: string, steps: string[]) =>
      [
        `on: ${on}`,
        'jobs:',
        '  docs:',
        ...(permissions ? [`    permissions: ${permissions}`] : []),
        '    steps:',
        '      - uses: actions/checkout@v4',
        '        with:',
        '          persist-credentials: true',
        ...steps.map((s) => `      - ${s}`),
        '',
      ].join('\n');
    const UNUSED =
      'actions/checkout in job "docs" keeps the job\'s token in .git/config ("persist-credentials: true"), but no later ' +
      'step of the job pushes or fetches with it or runs a repository script, and every later step can read it';
    const FIX =
      '. Set "persist-credentials: false" unless a later action pushes with git; then pass the token to that step explicitly.';
    it.each([
      [
        'a docs build that only commits locally, on pull requests',
        workflow('pull_request', '', ['run: pip install -r docs/requirements.txt', 'run: mike deploy test']),
        [[':7:32', 'low', 'rule', `${UNUSED}${FIX}`]],
      ],
      [
        'with a write scope',
        workflow('push', '{ contents: write }', ['run: npm ci && npx eslint .']),
        [[':8:32', 'medium', 'rule', `${UNUSED}; the token can write to the repository${FIX}`]],
      ],
      // A repository script or a task runner's target may push in a way not seen here.
      ['a later make target', workflow('push', '{ contents: write }', ['run: make docs']), []],
      ['a later mage target', workflow('push', '{ contents: write }', ['run: mage helm:updateVersion']), []],
      ['a later repository script', workflow('push', '{ contents: write }', ['run: ./hack/docs.sh']), []],
      ['a later push', workflow('push', '{ contents: write }', ['run: git push origin HEAD:docs']), []],
      ['a later fetch', workflow('push', '{ contents: write }', ['run: git fetch origin main']), []],
      [
        'a later cherry-pick action',
        workflow('push', '{ contents: write }', ['uses: acme/cherry-pick@v1']),
        [],
      ],
    ])('%s', async (_name, text, expected) => {
      const findings = await evaluate(workflowCheckoutCredentials, one(text), {});
      expect(
        findings.map((f) => [at(f).slice(W.length), f.severity, f.confidence ?? 'rule', f.message]),
      ).toEqual(expected);
      for (const f of findings) expect(f.unfixable).toBe('persist-credentials: true is set on purpose');
    });
  });

  it('checkout credentials: a checkout of unknown version may keep the token either way, and says so', async () => {
    const findings = await evaluate(
      workflowCheckoutCredentials,
      one(`on: push
jobs:
  a:
    steps:
      - uses: actions/checkout@${'0a'.repeat(20)}
      - uses: actions/checkout@main
      - uses: actions/checkout@v6
      - run: make
`),
      {},
    );
    const where = (message: string) =>
      message.replace(/^actions\/checkout in job "a" leaves the job's token in /, '').split(' (no ')[0];
    expect(findings.map((f) => where(f.message))).toEqual([
      '.git/config (or, from checkout v6, a credentials file that .git/config includes)',
      '.git/config (or, from checkout v6, a credentials file that .git/config includes)',
      'a credentials file that .git/config includes',
    ]);
  });

  it("checkout credentials: a workflow_run after maintainers' runs only is no outsider's input", async () => {
    const files = (names: string) => ({
      '.github/workflows/update.yml':
        'name: Update\non: { push: { branches: [main] }, workflow_dispatch: {} }\njobs:\n  u:\n    steps: [{run: x}]\n',
      '.github/workflows/ci.yml': 'name: CI\non: pull_request\njobs:\n  t:\n    steps: [{run: x}]\n',
      [W]: `on:\n  workflow_run:\n    workflows: [${names}]\npermissions: { contents: read }\njobs:\n  images:\n    steps:\n      - uses: actions/checkout@v4\n      - run: make\n`,
    });
    const graded = async (names: string) =>
      (await evaluate(workflowCheckoutCredentials, files(names), {})).map((f) => [at(f), f.severity]);
    expect(await graded('Update')).toEqual([[`${W}:8:15`, 'low']]);
    expect(await graded('Update, CI')).toEqual([[`${W}:8:15`, 'medium']]);
  });

  // A job (or step) that runs only on merged pull requests handles a maintainer's merge, not an
  // outsider's input: the trigger is no reason for medium there (event-guards.ts).
  it.each([
    ['a job guarded by merged == true', 'github.event.pull_request.merged == true', '', 'low', ''],
    ['a step guarded by merged == true', '', 'github.event.pull_request.merged', 'low', ''],
    [
      'no guard',
      '',
      '',
      'medium',
      "; the workflow runs on pull_request_target, where it handles outsiders' input",
    ],
    [
      'merged || another check',
      "github.event.pull_request.merged || github.event.action == 'closed'",
      '',
      'medium',
      "; the workflow runs on pull_request_target, where it handles outsiders' input",
    ],
  ])(
    'checkout credentials on pull_request_target: types: [closed]: %s',
    async (_name, job, step, severity, why) => {
      const text = [
        'on:',
        '  pull_request_target:',
        '    types: [closed]',
        'permissions: { contents: read }',
        'jobs:',
        '  a:',
        ...(job ? [`    if: ${JSON.stringify(job)}`] : []),
        '    steps:',
        ...(step
          ? [`      - if: ${JSON.stringify(step)}`, '        uses: actions/checkout@v4']
          : ['      - uses: actions/checkout@v4']),
        '      - run: make',
        '',
      ].join('\n');
      const findings = await evaluate(workflowCheckoutCredentials, one(text), {});
      expect(findings.map((f) => [f.severity, f.message])).toEqual([
        [
          severity,
          'actions/checkout in job "a" leaves the job\'s token in .git/config (no "persist-credentials: false"), where ' +
            `every later step can read it${why}. Set "persist-credentials: false" unless a later step pushes with git; ` +
            'then pass the token to that step explicitly.',
        ],
      ]);
    },
  );

  // A comment command that only owners, members and collaborators can give (or a maintainer's
  // dispatch) is no outsider's input, though issue_comment is an event outsiders cause.
  it.each([
    [
      'the commenter is an owner, member or collaborator, or the run is dispatched',
      `github.event_name == 'workflow_dispatch' || (github.event.comment.body == '/fix' && contains(fromJSON('["OWNER", "MEMBER", "COLLABORATOR"]'), github.event.comment.author_association))`,
      [],
    ],
    ["the commenter is a member (== 'MEMBER')", "github.event.comment.author_association == 'MEMBER'", []],
    [
      "the issue's author is a member, not the commenter",
      `contains(fromJSON('["OWNER","MEMBER"]'), github.event.issue.author_association)`,
      [[`${W}:11:15`, 'medium']],
    ],
    [
      'an association check || a body check',
      `github.event.comment.body == '/fix' || github.event.comment.author_association == 'OWNER'`,
      [[`${W}:11:15`, 'medium']],
    ],
    [
      "!= 'NONE' is no check of a trusted association",
      "github.event.comment.author_association != 'NONE'",
      [[`${W}:11:15`, 'medium']],
    ],
  ])(
    'checkout credentials on issue_comment that a later step pushes with: %s',
    async (_name, cond, expected) => {
      const text = `on:
  issue_comment:
    types: [created]
  workflow_dispatch:
permissions: {}
jobs:
  fix:
    permissions: { contents: write }
    if: ${JSON.stringify(cond)}
    steps:
      - uses: actions/checkout@v4
      - run: ./format.sh
      - run: git commit -am fix && git push
`;
      const findings = await evaluate(workflowCheckoutCredentials, one(text), {});
      expect(findings.map((f) => [at(f), f.severity])).toEqual(expected);
    },
  );

  it('checkout credentials: a listed upload path block (with its last line break) does not take the checkout; every write scope but id-token counts', async () => {
    const findings = await evaluate(
      workflowCheckoutCredentials,
      one(`on: push
jobs:
  a:
    permissions: { contents: read, security-events: write }
    steps:
      - uses: actions/checkout@v4
      - run: make coverage
      - uses: actions/upload-artifact@v4
        with:
          include-hidden-files: true
          path: |
            coverage.out
            coverage.html
  b:
    permissions: { contents: write }
    steps:
      - uses: actions/checkout@v4
      - run: make
  c:
    permissions: { contents: read, id-token: write, issues: write, discussions: write }
    steps:
      - uses: actions/checkout@v4
      - run: make
`),
      {},
    );
    expect(findings.map((f) => [at(f), f.severity])).toEqual([
      [`${W}:6:15`, 'medium'],
      [`${W}:17:15`, 'medium'],
      [`${W}:22:15`, 'low'],
    ]);
    expect(findings[0]!.message).not.toContain('uploads the checkout directory');
    // Whoever reads the persisted token can dismiss code scanning alerts with it.
    expect(findings[0]!.message).toContain('; the token can write (security-events).');
    expect(findings[1]!.message).toContain('; the token can write to the repository.');
    // id-token lets the job ask for an OIDC token, which the checkout does not keep; issues and
    // discussions reach no code, check or release.
    expect(findings[2]!.message).not.toContain('the token can write');
  });

  it('checkout credentials and unpinned uses through an alias: at the alias, saying where it is written', async () => {
    const files = one(`on: push
jobs:
  a:
    steps:
      - &co
        uses: actions/checkout@v4
      - run: make
  b:
    steps:
      - *co
      - run: make
`);
    const creds = await evaluate(workflowCheckoutCredentials, files, {});
    expect(creds.map(at)).toEqual([`${W}:6:15`, `${W}:10:9`]);
    expect(creds[1]!.message).toContain(
      'in job "b" (written at line 6 and expanded here through the alias *co)',
    );
    expect(creds[0]!.message).not.toContain('alias');
    const pins = await evaluate(workflowUnpinnedUses, files, { allow: [] });
    expect(pins.map(at)).toEqual([`${W}:6:15`, `${W}:10:9`]);
    expect(pins[1]!.message).toContain('(written at line 6 and expanded here through the alias *co)');
  });

  it('checkout credentials: every persisting checkout, graded by what can reach the token', async () => {
    const findings = await evaluate(
      workflowCheckoutCredentials,
      one(`on: push
permissions: { contents: read }
jobs:
  plain:
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - run: make
  pat:
    steps:
      - uses: actions/checkout@v4
        with: { token: "\${{ secrets.BOT_PAT }}" }
      - run: make
  pusher:
    permissions: { contents: write }
    steps:
      - uses: actions/checkout@v4
      - uses: actions/checkout@v4
        with: { persist-credentials: true }
      - run: make
  v6:
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v6.0.0
      - uses: actions/upload-artifact@v3
        with: { path: . }
`),
      {},
    );
    // The v6 checkout keeps the token outside the checkout directory, so even an upload of it with
    // hidden files (v3) does not hold the token.
    expect(findings.map((f) => [at(f), f.severity])).toEqual([
      [`${W}:6:15`, 'low'],
      [`${W}:10:15`, 'medium'],
      [`${W}:16:15`, 'medium'],
      [`${W}:22:15`, 'low'],
    ]);
    expect(findings[1]!.message).toContain('it persists the credential given in "token:"');
    expect(findings[2]!.message).toContain('the token can write to the repository');
    expect(findings[3]!.message).toContain('a credentials file that .git/config includes');
    const privileged = await evaluate(
      workflowCheckoutCredentials,
      one(
        'on: pull_request_target\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n        with: { persist-credentials: true }\n      - run: make\n',
      ),
      {},
    );
    expect(privileged.map((f) => [at(f), f.severity])).toEqual([[`${W}:6:38`, 'medium']]);
  });

  // No step runs after the last step of a job to read what it keeps: its own post step, which removes
  // the credentials, runs first of the post steps, then the job ends. A composite action's caller may
  // run steps after it.
  it.each([
    ['the last step of its job', ['run: echo start', 'uses: actions/checkout@v4'], []],
    [
      'the last step, with persist-credentials: true',
      ['uses: actions/checkout@v4\n        with: { persist-credentials: true }'],
      [],
    ],
    [
      // The second holds the job's token anyway: the first is graded low, not dropped.
      'two checkouts: only the last is the last step',
      ['uses: actions/checkout@v4', 'uses: actions/checkout@v4\n        with: { repository: o/r, path: r }'],
      [[`${W}:6:15`, 'low']],
    ],
    [
      'a checkout with a step after it',
      ['uses: actions/checkout@v4', 'run: make'],
      [[`${W}:6:15`, 'medium']],
    ],
  ])('checkout credentials: %s', async (_name, steps, expected) => {
    const text = `on: pull_request_target\npermissions: { contents: write }\njobs:\n  a:\n    steps:\n${steps.map((s) => `      - ${s}\n`).join('')}`;
    const findings = await evaluate(workflowCheckoutCredentials, one(text), {});
    expect(findings.map((f) => [at(f), f.severity])).toEqual(expected);
  });

  it('checkout credentials: the last step of a composite action is reported, its caller runs on', async () => {
    const action = '.github/actions/setup/action.yml';
    const findings = await evaluate(
      workflowCheckoutCredentials,
      {
        [action]:
          'runs:\n  using: composite\n  steps:\n    - run: echo start\n      shell: bash\n    - uses: actions/checkout@v4\n',
      },
      {},
    );
    expect(findings.map((f) => [at(f), f.severity])).toEqual([[`${action}:6:13`, 'low']]);
    expect(findings[0]!.message).toContain('actions/checkout in this action leaves');
  });

  // Outsiders' events count by activity type (activity.ts): a label is a triager's act.
  it.each([
    ['issues: types: [labeled]', 'issues:\n    types: [labeled]', 'low', ''],
    [
      'issues: types: [opened, labeled]',
      'issues:\n    types: [opened, labeled]',
      'medium',
      "; the workflow runs on issues, where it handles outsiders' input",
    ],
    [
      'issues with no types',
      'issues:',
      'medium',
      "; the workflow runs on issues, where it handles outsiders' input",
    ],
    ['pull_request_target: types: [labeled]', 'pull_request_target:\n    types: [labeled]', 'low', ''],
  ])(
    'checkout credentials: graded by the activity types of the trigger: %s',
    async (_name, on, severity, why) => {
      const findings = await evaluate(
        workflowCheckoutCredentials,
        one(`on:\n  ${on}\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n      - run: make\n`),
        {},
      );
      expect(findings.map((f) => [f.severity, f.message])).toEqual([
        [
          severity,
          'actions/checkout in job "a" leaves the job\'s token in .git/config (no "persist-credentials: false"), ' +
            `where every later step can read it${why}. Set "persist-credentials: false" unless a later step pushes ` +
            'with git; then pass the token to that step explicitly.',
        ],
      ]);
    },
  );

  describe('checkout credentials: graded by what the token on disk is worth', () => {
    const OPEN =
      'actions/checkout in job "a" leaves the job\'s token in .git/config (no "persist-credentials: false"), where every later step can read it';
    const FIX =
      '. Set "persist-credentials: false" unless a later step pushes with git; then pass the token to that step explicitly.';
    const OUTSIDERS = "the workflow runs on issue_comment, where it handles outsiders' input";
    const HELD_SCANNING =
      "the token can write (security-events), but every later step is given the job's token anyway, so the copy on disk reaches none that lacks it";
    const job = (on: string, top: string, steps: string[], own = '') =>
      `on: ${on}\n${top ? `permissions: ${top}\n` : ''}jobs:\n  a:\n${own ? `    permissions: ${own}\n` : ''}    steps:\n      - uses: actions/checkout@v4\n${steps.map((s) => `      - ${s}\n`).join('')}`;
    it.each([
      // A token without scopes reads what anyone can read: nothing on disk is worth taking, whoever
      // can cause a run.
      ['a token without scopes', { [W]: job('issue_comment', '{}', ['run: make']) }, []],
      [
        'a job that takes every scope away',
        {
          [W]: job(
            'issue_comment',
            '{ contents: write }',
            ['run: make'],
            '{ contents: none, id-token: write }',
          ),
        },
        [],
      ],
      [
        'a read scope',
        { [W]: job('issue_comment', '{ contents: read }', ['run: make']) },
        [['medium', `${OPEN}; ${OUTSIDERS}${FIX}`]],
      ],
      [
        'a token without scopes, and another credential in token:',
        {
          [W]: job('issue_comment', '{}', ['run: make']).replace(
            'checkout@v4\n',
            'checkout@v4\n        with: { token: "${{ secrets.BOT_PAT }}" }\n',
          ),
        },
        [
          [
            'medium',
            `${OPEN}; ${OUTSIDERS}; it persists the credential given in "token:", not the job token${FIX}`,
          ],
        ],
      ],
      // The job's own token given in token: is no other credential.
      [
        "the job's token in token:",
        {
          [W]: job('push', '{ contents: read }', ['run: make']).replace(
            'checkout@v4\n',
            'checkout@v4\n        with: { token: "${{ secrets.GITHUB_TOKEN }}" }\n',
          ),
        },
        [['low', `${OPEN}${FIX}`]],
      ],
      // A reusable workflow's job gets what the calling job grants.
      [
        "a reusable workflow's job, by what its caller grants",
        {
          [W]: job('workflow_call', '', ['run: make']),
          '.github/workflows/release.yml':
            'on: push\njobs:\n  build:\n    permissions: { contents: write, id-token: write }\n    uses: ./.github/workflows/w.yml\n',
        },
        [
          [
            'medium',
            `${OPEN}; the token can write to the repository (as job "build" of .github/workflows/release.yml, which calls this workflow, grants it)${FIX}`,
          ],
        ],
      ],
      [
        'through a chain of calls, by the workflow-level grant of the first caller',
        {
          [W]: job('workflow_call', '', ['run: make']),
          '.github/workflows/build.yml':
            'on: workflow_call\njobs:\n  sign:\n    uses: ./.github/workflows/w.yml\n',
          '.github/workflows/release.yml':
            'on: push\npermissions: { packages: write }\njobs:\n  build:\n    uses: ./.github/workflows/build.yml\n',
        },
        [
          [
            'medium',
            `${OPEN}; the token can write (packages) (as job "sign" of .github/workflows/build.yml, which calls this workflow, grants it)${FIX}`,
          ],
        ],
      ],
      [
        'a reusable workflow whose caller grants read scopes',
        {
          [W]: job('workflow_call', '', ['run: make']),
          '.github/workflows/ci.yml':
            'on: push\njobs:\n  build:\n    permissions: { contents: read }\n    uses: ./.github/workflows/w.yml\n',
        },
        [['low', `${OPEN}${FIX}`]],
      ],
      // Every later step is given the job's token anyway: the copy on disk reaches none that lacks it.
      [
        'every later step is given the token',
        {
          [W]: job('issue_comment', '{ pull-requests: write }', [
            'uses: github/codeql-action/upload-sarif@v3',
            'uses: acme/moderator@v1\n        with: { token: "${{ secrets.GITHUB_TOKEN }}" }',
            'run: ./triage.sh\n        env: { GH_TOKEN: "${{ github.token }}" }',
          ]),
        },
        [
          [
            'low',
            `${OPEN}; ${OUTSIDERS} and the token can write (pull-requests), but every later step is given the job's token anyway, so the copy on disk reaches none that lacks it${FIX}`,
          ],
        ],
      ],
      [
        'a later step that is not given the token',
        {
          [W]: job('issue_comment', '{ pull-requests: write }', [
            'uses: acme/moderator@v1\n        with: { token: "${{ secrets.GITHUB_TOKEN }}" }',
            'run: pip install -r requirements.txt',
          ]),
        },
        [['medium', `${OPEN}; ${OUTSIDERS}; the token can write (pull-requests)${FIX}`]],
      ],
      // The setup actions (from v2; setup-java from v3.5.1) and CodeQL's actions default their
      // token input to the job's token: they hold it without being given it.
      [
        'setup and CodeQL actions, whose token input defaults to the job token',
        {
          [W]: job('push', '{ security-events: write }', [
            'uses: actions/setup-go@v5',
            'uses: actions/setup-java@v3',
            'uses: github/codeql-action/init@v3',
            'uses: github/codeql-action/autobuild@ce28f5bb42b7a9f2c824e633a3f6ee835bab6858 # v3.29.0',
            'uses: github/codeql-action/analyze@v3',
          ]),
        },
        [['low', `${OPEN}; ${HELD_SCANNING}${FIX}`]],
      ],
      // GitHub's artifact and cache actions and a fixed git config can make no use of the copy on
      // disk: they do not count against every other later step being given the token.
      [
        'CodeQL actions after a fixed git config, and an artifact upload',
        {
          [W]: job('push', '{ security-events: write }', [
            'run: git config --global --add safe.directory "$GITHUB_WORKSPACE"',
            'uses: github/codeql-action/init@v3',
            'uses: github/codeql-action/analyze@v3',
            'uses: actions/cache/save@v4\n        with: { path: ~/.cache, key: k }',
            'name: Upload\n        uses: actions/upload-artifact@v4\n        with: { path: results.sarif }',
          ]),
        },
        [
          [
            'low',
            `${OPEN}; the token can write (security-events), but every later step is given the job's token anyway or has no use for it (step "run" only sets git options, which talk to no remote; step "actions/cache/save@v4" is GitHub's actions/cache/save, which runs no code of the repository and talks to no git remote; step "Upload" is GitHub's actions/upload-artifact, which runs no code of the repository and talks to no git remote), so the copy on disk reaches none that lacks it${FIX}`,
          ],
        ],
      ],
      [
        'another credential in token:, given to every later step but an artifact upload',
        {
          [W]: job('push', '{ contents: read }', [
            'uses: acme/craft@v2\n        env: { GITHUB_TOKEN: "${{ secrets.BOT_PAT }}" }',
            'uses: actions/upload-artifact@v4\n        with: { path: dist/ }',
          ]).replace('checkout@v4\n', 'checkout@v4\n        with: { token: "${{ secrets.BOT_PAT }}" }\n'),
        },
        [
          [
            'low',
            `${OPEN}; it persists the credential given in "token:", not the job token, but every later step is given that credential anyway or has no use for it (step "actions/upload-artifact@v4" is GitHub's actions/upload-artifact, which runs no code of the repository and talks to no git remote), so the copy on disk reaches none that lacks it${FIX}`,
          ],
        ],
      ],
      [
        'a git config that runs more than git config',
        {
          [W]: job('push', '{ security-events: write }', [
            'run: git config --global user.name bot && ./build.sh',
            'uses: github/codeql-action/analyze@v3',
          ]),
        },
        [['medium', `${OPEN}; the token can write (security-events)${FIX}`]],
      ],
      [
        'a git config set from an expression',
        {
          [W]: job('push', '{ security-events: write }', [
            'run: git config --global user.name "${{ github.event.head_commit.author.name }}"',
            'uses: github/codeql-action/analyze@v3',
          ]),
        },
        [['medium', `${OPEN}; the token can write (security-events)${FIX}`]],
      ],
      [
        "a third party's cache action",
        {
          [W]: job('push', '{ security-events: write }', [
            'uses: acme/cache@v4',
            'uses: github/codeql-action/analyze@v3',
          ]),
        },
        [['medium', `${OPEN}; the token can write (security-events)${FIX}`]],
      ],
      [
        'a setup action before its token default',
        { [W]: job('push', '{ security-events: write }', ['uses: actions/setup-node@v1']) },
        [['medium', `${OPEN}; the token can write (security-events)${FIX}`]],
      ],
      [
        'actions/setup-java before v3.5.1',
        { [W]: job('push', '{ security-events: write }', ['uses: actions/setup-java@v3.5.0']) },
        [['medium', `${OPEN}; the token can write (security-events)${FIX}`]],
      ],
      [
        'actions/setup-dotnet, which has no token input',
        { [W]: job('push', '{ security-events: write }', ['uses: actions/setup-dotnet@v4']) },
        [['medium', `${OPEN}; the token can write (security-events)${FIX}`]],
      ],
      [
        'a setup action given a token of its own',
        {
          [W]: job('push', '{ security-events: write }', [
            'uses: actions/setup-go@v5\n        with: { token: "${{ secrets.GH_PAT }}" }',
          ]),
        },
        [['medium', `${OPEN}; the token can write (security-events)${FIX}`]],
      ],
      // An action of this repository says in its action.yml what it is given.
      [
        'an action of this repository whose token input defaults to the job token',
        {
          [W]: job('push', '{ security-events: write }', ['uses: ./.github/actions/scan']),
          '.github/actions/scan/action.yml':
            'inputs:\n  token:\n    default: ${{ github.token }}\nruns:\n  using: node20\n  main: index.js\n',
        },
        [['low', `${OPEN}; ${HELD_SCANNING}${FIX}`]],
      ],
      [
        'a composite action of this repository whose every step is given the token',
        {
          [W]: job('push', '{ security-events: write }', ['uses: ./.github/actions/scan']),
          '.github/actions/scan/action.yml':
            'inputs:\n  github-token:\n    default: ${{ github.token }}\nruns:\n  using: composite\n  steps:\n    - run: ./scan.sh\n      shell: bash\n      env: { GH_TOKEN: "${{ inputs.github-token }}" }\n    - uses: github/codeql-action/upload-sarif@v3\n',
        },
        [['low', `${OPEN}; ${HELD_SCANNING}${FIX}`]],
      ],
      [
        'a composite action of this repository with a step that is not given the token',
        {
          [W]: job('push', '{ security-events: write }', ['uses: ./.github/actions/scan']),
          '.github/actions/scan/action.yml':
            'inputs:\n  token:\n    default: ${{ github.token }}\nruns:\n  using: composite\n  steps:\n    - run: npm ci\n      shell: bash\n    - uses: github/codeql-action/upload-sarif@v3\n      with: { token: "${{ inputs.token }}" }\n',
        },
        [['medium', `${OPEN}; the token can write (security-events)${FIX}`]],
      ],
      [
        'an action of this repository whose token input the step sets to another credential',
        {
          [W]: job('push', '{ security-events: write }', [
            'uses: ./.github/actions/scan\n        with: { token: "${{ secrets.GH_PAT }}" }',
          ]),
          '.github/actions/scan/action.yml':
            'inputs:\n  token:\n    default: ${{ github.token }}\nruns:\n  using: node20\n  main: index.js\n',
        },
        [['medium', `${OPEN}; the token can write (security-events)${FIX}`]],
      ],
      [
        'a later step given a token of its own',
        {
          [W]: job('issue_comment', '{ pull-requests: write }', [
            'uses: actions/github-script@v7\n        with: { github-token: "${{ secrets.BOT_PAT }}", script: "x" }',
          ]),
        },
        [['medium', `${OPEN}; ${OUTSIDERS}; the token can write (pull-requests)${FIX}`]],
      ],
      // A checkout given a token for the action after it (the documented way to let an action push
      // with git): when every later step is given that credential too, the copy on disk reaches none
      // that lacks it. Low, not dropped: it is still kept where it need not be.
      [
        'another credential in token:, given to every later step',
        {
          [W]: job('issue_comment', '{}', [
            'uses: acme/fast-revert@v2\n        with: { token: "${{ secrets.BOT_PAT }}" }',
            'run: curl -fsS -u "bot:$T" https://api.github.com/user\n        env: { T: "${{secrets.BOT_PAT}}" }',
          ]).replace('checkout@v4\n', 'checkout@v4\n        with: { token: "${{ secrets.BOT_PAT }}" }\n'),
        },
        [
          [
            'low',
            `${OPEN}; it persists the credential given in "token:", not the job token, and ${OUTSIDERS}, but every later step is given that credential anyway or has no use for it (step "run" runs only fixed commands (curl) that run no code of the repository, of a dependency or of another party), so the copy on disk reaches none that lacks it${FIX}`,
          ],
        ],
      ],
      [
        'an App token in token:, given to the one later step',
        {
          [W]: job('push', '{ contents: read }', [
            'uses: acme/craft@v2\n        env: { GITHUB_TOKEN: "${{ steps.app.outputs.token }}" }',
          ]).replace(
            'checkout@v4\n',
            'checkout@v4\n        with: { token: "${{ steps.app.outputs.token }}" }\n',
          ),
        },
        [
          [
            'low',
            `${OPEN}; it persists the credential given in "token:", not the job token, but every later step is given that credential anyway, so the copy on disk reaches none that lacks it${FIX}`,
          ],
        ],
      ],
      [
        'another credential in token:, given to the next action but not to a later build',
        {
          [W]: job('push', '{ contents: read }', [
            'uses: acme/fast-revert@v2\n        with: { token: "${{ secrets.BOT_PAT }}" }',
            'run: npm ci && npm test',
          ]).replace('checkout@v4\n', 'checkout@v4\n        with: { token: "${{ secrets.BOT_PAT }}" }\n'),
        },
        [['medium', `${OPEN}; it persists the credential given in "token:", not the job token${FIX}`]],
      ],
      [
        'another credential in token:, while the later step is given another one',
        {
          [W]: job('push', '{ contents: read }', [
            'uses: acme/fast-revert@v2\n        with: { token: "${{ secrets.OTHER_PAT }}" }',
          ]).replace('checkout@v4\n', 'checkout@v4\n        with: { token: "${{ secrets.BOT_PAT }}" }\n'),
        },
        [['medium', `${OPEN}; it persists the credential given in "token:", not the job token${FIX}`]],
      ],
      // An action that pushes an image pushes to a registry, not with git: the token is not there for it.
      [
        'an action that builds and pushes an image',
        { [W]: job('push', '', ['uses: acme/docker-build-push@v6\n        with: { registry: ghcr.io }']) },
        [['low', `${OPEN}${FIX}`]],
      ],
      ['an action that pushes with git', { [W]: job('push', '', ['uses: acme/git-push-action@v1']) }, []],
    ] as [string, Record<string, string>, [string, string][]][])('%s', async (_name, files, expected) => {
      const findings = (await evaluate(workflowCheckoutCredentials, files, {})).filter(
        (f) => f.location?.path === W,
      );
      expect(findings.map((f) => [f.severity, f.message])).toEqual(expected);
      for (const f of findings) expect(at(f)).toMatch(/:[5-7]:15$/);
    });
  });

  describe('checkout credentials: a copy that reaches no step lacking the token is a low-confidence finding', () => {
    const OPEN =
      'actions/checkout in job "a" leaves the job\'s token in .git/config (no "persist-credentials: false"), where every later step can read it';
    const FIX =
      '. Set "persist-credentials: false" unless a later step pushes with git; then pass the token to that step explicitly.';
    const HELD =
      "every later step is given the job's token anyway, so the copy on disk reaches none that lacks it";
    const job = (on: string, perms: string, steps: string[]) =>
      `on: ${on}\npermissions: ${perms}\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n${steps.map((s) => `      - ${s}\n`).join('')}`;
    const SCRIPT_ACTION =
      'runs:\n  using: composite\n  steps:\n    - uses: actions/github-script@v7\n      with:\n        script: core.info(context.workflow)\n';
    it.each([
      [
        'a composite action of this repository whose one step is github-script, with a read scope',
        {
          [W]: job('push', '{ issues: write }', ['uses: ./.github/actions/report']),
          '.github/actions/report/action.yml': SCRIPT_ACTION,
        },
        [['low', 'low', `${OPEN}; ${HELD}${FIX}`]],
      ],
      [
        'the same action after a build that is not given the token',
        {
          [W]: job('push', '{ issues: write }', ['run: make', 'uses: ./.github/actions/report']),
          '.github/actions/report/action.yml': SCRIPT_ACTION,
        },
        [['low', 'high', `${OPEN}${FIX}`]],
      ],
      [
        "GitHub's dependency review, which takes the job token by default",
        {
          [W]: job('pull_request', '{ contents: read }', ['uses: actions/dependency-review-action@v4']),
        },
        [['low', 'low', `${OPEN}; ${HELD}${FIX}`]],
      ],
      [
        "GitHub's immutable action publisher, whose github-token input defaults to the job token",
        {
          [W]: job('release', '{ contents: read, packages: write }', [
            'uses: actions/publish-immutable-action@v0.0.4',
          ]),
        },
        [['low', 'low', `${OPEN}; the token can write (packages), but ${HELD}${FIX}`]],
      ],
      [
        'the immutable action publisher given a token of its own',
        {
          [W]: job('release', '{ contents: read, packages: write }', [
            'uses: actions/publish-immutable-action@v0.0.4\n        with: { github-token: "${{ secrets.PAT }}" }',
          ]),
        },
        [['medium', 'high', `${OPEN}; the token can write (packages)${FIX}`]],
      ],
      // A composite action of this repository handed the token as an input passes it on only to the
      // steps that take the input: one that runs a build without it can read the copy on disk.
      [
        'a composite action of this repository given the token, with a step that does not take it',
        {
          [W]: job('push', '{ packages: write }', [
            'uses: ./.github/actions/test\n        with: { token: "${{ secrets.GITHUB_TOKEN }}" }',
          ]),
          '.github/actions/test/action.yml':
            'inputs:\n  token: {}\nruns:\n  using: composite\n  steps:\n    - run: make test\n      shell: bash\n    - run: gh pr comment 1 -b done\n      shell: bash\n      env: { GH_TOKEN: "${{ inputs.token }}" }\n',
        },
        [['medium', 'high', `${OPEN}; the token can write (packages)${FIX}`]],
      ],
      [
        'a composite action of this repository given the token, which every step takes',
        {
          [W]: job('push', '{ packages: write }', [
            'uses: ./.github/actions/test\n        with: { token: "${{ secrets.GITHUB_TOKEN }}" }',
          ]),
          '.github/actions/test/action.yml':
            'inputs:\n  token: {}\nruns:\n  using: composite\n  steps:\n    - run: make test\n      shell: bash\n      env: { GH_TOKEN: "${{ inputs.token }}" }\n',
        },
        [['low', 'low', `${OPEN}; the token can write (packages), but ${HELD}${FIX}`]],
      ],
      // An upload whose keeping of hidden files cannot be decided may carry the copy off: shown.
      [
        'every later step given the token, and an undecided upload of the checkout',
        {
          [W]: job('push', '{ contents: read }', [
            'uses: actions/dependency-review-action@v4',
            `uses: actions/upload-artifact@${'a'.repeat(40)}\n        with: { path: . }`,
          ]),
        },
        [['medium', 'high', expect.stringContaining('cannot be decided')]],
      ],
    ] as [string, Record<string, string>, unknown[][]][])('%s', async (_name, files, expected) => {
      const findings = (await evaluate(workflowCheckoutCredentials, files, {})).filter(
        (f) => f.location?.path === W,
      );
      expect(findings.map((f) => [f.severity, f.confidence ?? 'high', f.message])).toEqual(expected);
    });
  });

  // A job that runs on pull requests only (the workflow's triggers, or its own if:): a fork's run gets
  // the write scopes as read scopes, so they do not raise the grade; pull_request_target does not count.
  describe('checkout credentials: write scopes of a job that runs on pull requests only', () => {
    const wf = (on: string, perms: string, cond?: string) =>
      `on: ${on}\npermissions: ${perms}\njobs:\n  a:\n${cond ? `    if: ${cond}\n` : ''}    steps:\n      - uses: actions/checkout@v4\n      - run: make docs\n`;
    it.each([
      [
        'push, pull_request',
        '{ pages: write }',
        "github.event_name == 'pull_request'",
        'low',
        'pull requests only',
      ],
      [
        'push, pull_request',
        '{ pages: write }',
        "github.repository == 'o/r' && github.event_name == 'pull_request'",
        'low',
        'pull requests only',
      ],
      ['pull_request', '{ contents: write }', undefined, 'low', 'pull requests only'],
      // A pull request's own head repository compared with a context every run sets: false on a push,
      // where the pull request is empty.
      [
        'push, pull_request',
        '{ packages: write }',
        'github.event.pull_request.head.repo.full_name == github.repository',
        'low',
        'pull requests only',
      ],
      [
        'push, schedule, pull_request',
        '{ packages: write }',
        'github.repository_owner != github.event.pull_request.head.repo.owner.login && github.actor != 1',
        'medium',
        'the token can write (packages)',
      ],
      [
        'push, pull_request',
        '{ packages: write }',
        '"${{ !(github.event.pull_request.head.repo.full_name != github.repository) }}"',
        'low',
        'pull requests only',
      ],
      // github.ref is empty on some events: no proof that the pull request is set.
      [
        'push, pull_request',
        '{ packages: write }',
        'github.event.pull_request.head.ref == github.ref',
        'medium',
        'the token can write (packages)',
      ],
      ['push, pull_request', '{ pages: write }', undefined, 'medium', 'the token can write (pages)'],
      [
        'push, pull_request',
        '{ pages: write }',
        "github.event_name == 'pull_request' || github.ref == 'refs/heads/main'",
        'medium',
        'the token can write (pages)',
      ],
      ['pull_request_target', '{ pages: write }', undefined, 'medium', 'the token can write (pages)'],
      [
        'pull_request',
        '{ security-events: write }',
        undefined,
        'medium',
        'the token can write (security-events)',
      ],
      ['pull_request', 'write-all', undefined, 'medium', 'the token can write to the repository'],
    ])('on [%s] with %s and if: %s', async (on, perms, cond, severity, says) => {
      const findings = await evaluate(workflowCheckoutCredentials, one(wf(`[${on}]`, perms, cond)), {});
      expect(findings.map((f) => [f.severity, f.confidence ?? 'high'])).toEqual([[severity, 'high']]);
      expect(findings[0]!.message).toContain(says);
    });
  });

  it('secrets inherit, overprovisioned secrets and literal registry passwords, exactly located', async () => {
    const text = `on: push
jobs:
  call:
    uses: o/r/.github/workflows/x.yml@${'a'.repeat(40)}
    secrets: inherit
  run:
    container:
      image: x
      credentials: { username: u, password: p4ss }
    steps:
      - run: echo "\${{ toJSON(secrets) }}" "\${{ secrets[inputs.name] }}"
`;
    expect((await evaluate(workflowSecretsInherit, one(text), {})).map(at)).toEqual([`${W}:5:14`]);
    expect(
      (await evaluate(workflowOverprovisionedSecrets, one(text), {})).map((f) => [at(f), f.severity]),
    ).toEqual([
      [`${W}:11:31`, undefined],
      [`${W}:11:49`, 'medium'],
    ]);
    const creds = await evaluate(workflowContainerCredentials, one(text), {});
    expect(creds.map(at)).toEqual([`${W}:9:45`]);
    expect(creds[0]!.message).not.toContain('p4ss');
  });

  // A reusable workflow of this repository that names no secret reads none of what it inherits: low.
  it.each([
    ['a local workflow that names no secret', 'run: make test', 'low'],
    ['a local workflow that reads one', 'run: make test\n        env: { T: "${{ secrets.T }}" }', undefined],
    ['a local workflow that dumps them all', 'run: echo "${{ toJSON(secrets) }}"', undefined],
    [
      "a local workflow that names only the job's own token",
      'run: make test\n        env: { A: "${{ secrets.GITHUB_TOKEN }}", B: "${{ secrets[\'GITHUB_TOKEN\'] }}" }',
      'low',
    ],
    [
      "a local workflow that names the job's own token and another secret",
      'run: make test\n        env: { A: "${{ secrets.GITHUB_TOKEN }}", B: "${{ secrets.GITHUB_TOKEN_BOT }}" }',
      undefined,
    ],
  ])('secrets: inherit to %s', async (_name, step, severity) => {
    const called = `on: workflow_call\npermissions: {}\njobs:\n  t:\n    runs-on: x\n    steps:\n      - ${step}\n`;
    const findings = await evaluate(
      workflowSecretsInherit,
      {
        [W]: 'on: push\njobs:\n  call:\n    uses: ./.github/workflows/called.yml\n    secrets: inherit\n',
        '.github/workflows/called.yml': called,
      },
      {},
    );
    expect(findings.map((f) => [at(f), f.severity])).toEqual([[`${W}:5:14`, severity]]);
  });

  // Inherited on by the called workflow: low only when what it calls (followed through) names none.
  it.each([
    ['to a local workflow that names none', 'run: make test', 'low'],
    ['to a local workflow that reads one', 'run: make\n        env: { T: "${{ secrets.T }}" }', undefined],
  ])('secrets: inherit passed on %s', async (_name, step, severity) => {
    const middle =
      'on: workflow_call\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: make\n        env: { G: "${{ secrets.GITHUB_TOKEN }}" }\n' +
      '  b:\n    uses: ./.github/workflows/last.yml\n    secrets: inherit\n';
    const last = `on: workflow_call\njobs:\n  t:\n    runs-on: x\n    steps:\n      - ${step}\n`;
    const findings = await evaluate(
      workflowSecretsInherit,
      {
        [W]: 'on: push\njobs:\n  call:\n    uses: ./.github/workflows/middle.yml\n    secrets: inherit\n',
        '.github/workflows/middle.yml': middle,
        '.github/workflows/last.yml': last,
      },
      {},
    );
    expect(findings.filter((f) => f.location?.path === W).map((f) => [at(f), f.severity])).toEqual([
      [`${W}:5:14`, severity],
    ]);
  });

  it('insecure commands: at the env key and at the $GITHUB_ENV write', async () => {
    const findings = await evaluate(
      workflowInsecureCommands,
      one(`on: push
jobs:
  a:
    steps:
      - run: |
          echo hi
          echo ACTIONS_ALLOW_UNSECURE_COMMANDS=true >> $GITHUB_ENV
        env: { ACTIONS_ALLOW_UNSECURE_COMMANDS: 1 }
`),
      {},
    );
    expect(findings.map(at)).toEqual([`${W}:8:16`, `${W}:7:16`]);
  });

  it.each([
    ["'true'", [`${W}:9:34`]],
    ['"1"', [`${W}:9:34`]],
    ['process.env.LEGACY', [`${W}:9:34`]],
    ["'false'", []],
    ['false', []],
    ["''", []],
  ])('insecure commands: exported by a github-script as %s', async (value, where) => {
    const findings = await evaluate(
      workflowInsecureCommands,
      one(`on: push
jobs:
  a:
    steps:
      - uses: actions/github-script@v7
        with:
          script: |
            core.info('legacy tools')
            core.exportVariable('ACTIONS_ALLOW_UNSECURE_COMMANDS', ${value});
`),
      {},
    );
    expect(findings.map(at)).toEqual(where);
  });

  it('insecure commands: explicit off values are not reported', async () => {
    const findings = await evaluate(
      workflowInsecureCommands,
      one(`on: push
env: { ACTIONS_ALLOW_UNSECURE_COMMANDS: 0 }
jobs:
  a:
    env: { ACTIONS_ALLOW_UNSECURE_COMMANDS: "False" }
    steps:
      - run: echo hi
        env: { ACTIONS_ALLOW_UNSECURE_COMMANDS: false }
`),
      {},
    );
    expect(findings).toEqual([]);
  });
});

describe('runners and downloads', () => {
  it('self-hosted labels on pull request workflows', async () => {
    const findings = await evaluate(
      workflowSelfHostedRunner,
      one('on: pull_request\njobs:\n  a:\n    runs-on: [linux, self-hosted]\n    steps: []\n'),
      {},
    );
    expect(findings.map(at)).toEqual([`${W}:4:22`]);
    expect(
      await evaluate(workflowSelfHostedRunner, one('on: push\njobs:\n  a:\n    runs-on: self-hosted\n'), {}),
    ).toEqual([]);
  });

  it('curl | sh inside a folded script, at the command', async () => {
    const findings = await evaluate(
      workflowRemoteScript,
      one(
        'on: push\njobs:\n  a:\n    steps:\n      - run: >\n          set -e;\n          curl -sL https://x.example | bash\n',
      ),
      {},
    );
    expect(findings.map((f) => [at(f), f.location?.endColumn])).toEqual([[`${W}:7:11`, 43]]);
  });

  it('a script downloaded by one command and run by a later one, named in the message', async () => {
    const script = (between: string) =>
      one(
        `on: push\njobs:\n  a:\n    steps:\n      - run: |\n          curl -fsSLo get.sh https://get.example.com\n${between}          sudo sh ./get.sh --channel stable\n`,
      );
    const findings = await evaluate(workflowRemoteScript, script(''), {});
    expect(findings.map(at)).toEqual([`${W}:7:11`]);
    expect(findings[0]!.message).toMatch(
      /^"sudo sh \.\/get\.sh" runs what "curl -fsSLo get\.sh https:\/\/get\.example\.com" downloaded, without verifying it: /,
    );
    // A checksum check between the download and the run makes it a verified install.
    const verified = await evaluate(
      workflowRemoteScript,
      script('          echo "0123abcd  get.sh" | sha256sum -c -\n'),
      {},
    );
    expect(verified).toEqual([]);
  });
});

describe('workflow.remote-script, under a test that a file exists', () => {
  const workflow = (checkout: string, script: string, extra = '') =>
    `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n${checkout}      - run: |\n${script
      .split('\n')
      .map((l) => `          ${l}`)
      .join('\n')}\n${extra}`;
  const legacy = 'if [ -f Legacy.toml ]; then\n  curl https://get.example.com/install.sh | sh\nfi';
  const OTHER = '        with:\n          repository: example/sdk\n';
  // In a checkout of this repository without the file, the branch does not run: low severity. In
  // another repository's checkout, whether it runs cannot be seen: medium confidence.
  it.each([
    ['this repository, without the file', '', legacy, {}, '', 'low/medium'],
    ['this repository, with the file', '', legacy, { 'Legacy.toml': 'x' }, '', 'rule/rule'],
    ['another repository', OTHER, legacy, {}, '', 'rule/medium'],
    [
      'in the else branch',
      '',
      'if test -f Legacy.toml; then\n  echo old\nelse\n  curl https://get.example.com/install.sh | sh\nfi',
      {},
      '',
      'rule/rule',
    ],
    ['a test joined with another', '', legacy.replace('];', '] && true;'), {}, '', 'rule/rule'],
    ['another working directory', '', legacy, {}, '        working-directory: sub\n', 'rule/rule'],
    ['no test', '', 'curl https://get.example.com/install.sh | sh', {}, '', 'rule/rule'],
  ])('%s', async (_name, checkout, script, files, extra, want) => {
    const findings = await evaluate(
      workflowRemoteScript,
      { ...one(workflow(checkout, script, extra)), ...files },
      {},
    );
    expect(findings.map((f) => `${f.severity ?? 'rule'}/${f.confidence ?? 'rule'}`)).toEqual([want]);
  });
});

describe('workflow.remote-script, a file of a repository at a full commit SHA', () => {
  const SHA = '0123456789abcdef0123456789abcdef01234567';
  const workflow = (env: string, script: string) =>
    `on: push\n${env}jobs:\n  a:\n    runs-on: x\n    steps:\n      - run: |\n${script
      .split('\n')
      .map((l) => `          ${l}`)
      .join('\n')}\n`;
  const raw = (ref: string) => `curl -fsSL https://raw.githubusercontent.com/o/tools/${ref}/ci/run.sh | bash`;
  it.each([
    ['the SHA in the URL', '', raw(SHA), 'low/low'],
    ['the SHA in a workflow env variable', `env:\n  TOOLS_REF: "${SHA}"\n`, raw('${TOOLS_REF}'), 'low/low'],
    [
      'downloaded to a file, then run',
      `env:\n  TOOLS_REF: ${SHA}\n`,
      `curl -fsSL -o run.sh "https://github.com/o/tools/raw/$TOOLS_REF/ci/run.sh"\nbash run.sh`,
      'low/low',
    ],
    // A branch, a tag, a short SHA, a variable set by an expression or not set in an env: as before.
    ['a branch', '', raw('main'), 'rule/rule'],
    ['a short SHA', '', raw(SHA.slice(0, 12)), 'rule/rule'],
    [
      'a variable set by an expression',
      'env:\n  TOOLS_REF: ${{ vars.REF }}\n',
      raw('${TOOLS_REF}'),
      'rule/rule',
    ],
    ['a variable of the script', '', `TOOLS_REF=${SHA}\n${raw('${TOOLS_REF}')}`, 'rule/rule'],
    ['another host', '', `curl -fsSL https://example.org/o/tools/${SHA}/run.sh | bash`, 'rule/rule'],
  ])('%s', async (_name, env, script, want) => {
    const findings = await evaluate(workflowRemoteScript, one(workflow(env, script)), {});
    expect(findings.map((f) => `${f.severity ?? 'rule'}/${f.confidence ?? 'rule'}`)).toEqual([want]);
  });
});

describe('workflow.remote-script, in action inputs run as scripts', () => {
  const shellInputs = [
    { uses: 'uraimo/run-on-arch-action', inputs: ['run', 'install'] },
    { uses: 'nick-fields/retry', inputs: ['command'] },
  ];
  it.each([
    ['a listed input of a listed action', 'uraimo/run-on-arch-action@v3', 'run', [`${W}:9:13`]],
    ['another listed input, names in any case', 'Uraimo/Run-On-Arch-Action@v3', 'install', [`${W}:9:13`]],
    ['a retry wrapper’s command', 'nick-fields/retry@v3', 'command', [`${W}:9:13`]],
    ['an input the action does not run', 'uraimo/run-on-arch-action@v3', 'dockerRunArgs', []],
    ['an action not listed', 'example/deploy-action@v1', 'run', []],
  ])('%s', async (_, uses, input, expected) => {
    const findings = await evaluate(
      workflowRemoteScript,
      one(
        `on: push\njobs:\n  a:\n    steps:\n      - uses: ${uses}\n        with:\n          ${input}: |\n            apt-get update\n            curl -LsSf https://installer.example/install.sh | sh\n`,
      ),
      { shellInputs },
    );
    expect(findings.map(at)).toEqual(expected);
  });
});

describe('process evidence', () => {
  const sast = {
    evidence: 'static analysis',
    actions: ['github/codeql-action/analyze'],
    commands: [],
    names: '',
  };

  it('is repository-level when no workflow performs the activity', async () => {
    const findings = await evaluate(
      workflowPrEvidence,
      one('on: pull_request\njobs:\n  a:\n    steps: [{run: make}]\n'),
      {
        ...sast,
        events: ['pull_request'],
      },
    );
    expect(findings.map((f) => [f.location, f.key])).toEqual([[null, 'missing']]);
  });

  it('points at `on:` of a workflow that performs it on other events only, and passes on pull requests', async () => {
    const steps = '    runs-on: ubuntu-latest\n    steps:\n      - uses: github/codeql-action/analyze@v3\n';
    const push = await evaluate(workflowPrEvidence, one(`name: x\non: push\njobs:\n  a:\n${steps}`), {
      ...sast,
      events: ['pull_request'],
    });
    expect(push.map(at)).toEqual([`${W}:2:1`]);
    const pr = await evaluate(workflowPrEvidence, one(`on: [push, pull_request]\njobs:\n  a:\n${steps}`), {
      ...sast,
      events: ['pull_request'],
    });
    expect(pr).toEqual([]);
  });

  it('counts a reusable workflow called from a pull request workflow as running on pull requests', async () => {
    const findings = await evaluate(
      workflowPrEvidence,
      {
        '.github/workflows/pr.yml':
          'on: pull_request\njobs:\n  scan:\n    uses: ./.github/workflows/scan.yml\n',
        '.github/workflows/scan.yml':
          'on: workflow_call\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: github/codeql-action/analyze@v3\n',
      },
      { ...sast, events: ['pull_request'] },
    );
    expect(findings).toEqual([]);
  });

  it('counts super-linter when its env sets a named linter to run, and not when it is left to the defaults', async () => {
    const lint = (env: string, workflowEnv = '') =>
      evaluate(
        workflowPrEvidence,
        one(
          `on: pull_request\n${workflowEnv}jobs:\n  lint:\n    runs-on: x\n    steps:\n` +
            `      - uses: super-linter/super-linter/slim@4ce20838b8ab83717e78138c5b3a1407148e0918 # v8.7.0\n` +
            `        env:\n          VALIDATE_ALL_CODEBASE: true\n${env}`,
        ),
        { ...sast, superLinter: ['GITHUB_ACTIONS_ZIZMOR'], events: ['pull_request'] },
      ).then((fs) => fs.map((f) => f.key));
    // Chosen linters, zizmor among them (a charts repository's CI), in the step's or the workflow's env.
    expect(
      await lint('          VALIDATE_BASH: true\n          VALIDATE_GITHUB_ACTIONS_ZIZMOR: true\n'),
    ).toEqual([]);
    expect(await lint('', 'env:\n  VALIDATE_GITHUB_ACTIONS_ZIZMOR: "true"\n')).toEqual([]);
    // Chosen linters without zizmor, zizmor turned off, or the defaults (which an old version runs without zizmor).
    expect(await lint('          VALIDATE_BASH: true\n          VALIDATE_JSON: "true"\n')).toEqual([
      'missing',
    ]);
    expect(
      await lint(
        '          VALIDATE_GITHUB_ACTIONS_ZIZMOR: false\n',
        'env:\n  VALIDATE_GITHUB_ACTIONS_ZIZMOR: true\n',
      ),
    ).toEqual(['missing']);
    expect(await lint('')).toEqual(['missing']);
  });

  it('does not count a workflow GitHub refuses as evidence', async () => {
    const broken = await evaluate(
      workflowPrEvidence,
      one(
        'on: pull_request\njobs:\n  a:\n    runs-on: x\n    needs: [missing]\n    steps:\n      - uses: github/codeql-action/analyze@v3\n',
      ),
      { ...sast, events: ['pull_request'] },
    );
    expect(broken.map((f) => [f.location, f.key])).toEqual([[null, 'missing']]);
  });

  /** Options of workflow.deploy-environment: production names, no actions, the given commands. */
  const deployOptions = (deployCommands: string[], releaseCommands: string[] = []) => ({
    production: '(?<![a-z])prod(?:uction)?(?![a-z])',
    deployActions: [],
    deployCommands,
    releaseActions: [],
    releaseCommands,
  });

  it('deploy jobs without environment, at the job key', async () => {
    const options = deployOptions(['helm\\s+upgrade']);
    const findings = await evaluate(
      workflowDeployEnvironment,
      one(`on: push
jobs:
  ship:
    steps:
      - run: helm upgrade app ./chart -f values-production.yaml
  ship-staging:
    steps:
      - run: helm upgrade app ./chart -f values-staging.yaml
`),
      options,
    );
    expect(findings.map(at)).toEqual([`${W}:3:3`]);
    expect(findings[0]!.message).toContain('runs "helm upgrade" and the deploy command names production');
  });

  // Production is read from the deploy itself, not from a script of another step or command.
  const deployMessage = (why: string) =>
    `Job "ship" deploys to production (${why}) without "environment:", so no required reviewer, ` +
    'wait timer or branch rule can gate it and it is not recorded as a deployment. Add "environment: production" ' +
    'and configure its protection rules.';
  it.each([
    ['another step runs a script named prod', '{ run: npm run prod }\n      - uses: acme/deploy@v1', []],
    ['another command of the deploy step', '{ run: "npm run prod && vercel deploy" }', []],
    ['a build on the line before', '{ run: "npm run build:prod\\nvercel deploy" }', []],
    [
      'a flag of the deploy command',
      '{ run: "npm run build && vercel deploy --prod" }',
      [deployMessage('it runs "vercel deploy" and the deploy command names production')],
    ],
    [
      'an input of the deploying action',
      '{ uses: acme/deploy@v1, with: { target: production } }',
      [deployMessage('it uses acme/deploy and input target names production')],
    ],
    [
      "the deploying step's name",
      '{ name: Deploy to prod, uses: acme/deploy@v1 }',
      [deployMessage('it uses acme/deploy and a step name names production')],
    ],
    ["another step's name", '{ name: Build prod bundle, run: make }\n      - uses: acme/deploy@v1', []],
  ])('reads production from the deploy: %s', async (_name, steps, expected) => {
    const options = { ...deployOptions(['vercel\\s+deploy']), deployActions: ['acme/deploy'] };
    const text = `on: push\njobs:\n  ship:\n    steps:\n      - ${steps}\n`;
    const findings = await evaluate(workflowDeployEnvironment, one(text), options);
    expect(findings.map((f) => f.message)).toEqual(expected);
  });

  it('reads every step of a job taken for a deployment by its name', async () => {
    const text = 'on: push\njobs:\n  ship:\n    name: deploy\n    steps:\n      - run: ./release.sh prod\n';
    const findings = await evaluate(workflowDeployEnvironment, one(text), deployOptions([]));
    expect(findings.map((f) => f.message)).toEqual([
      deployMessage('it is named as a deployment and a script names production'),
    ]);
  });

  it('takes no job named for notifying of a deployment for one', async () => {
    // A Sentry deploy marker for production, as an Electron app's release workflow sends it.
    const job = (id: string, name: string) =>
      `  ${id}:\n    name: ${name}\n    steps:\n      - uses: getsentry/action-release@v3\n        with: { environment: production }\n`;
    const text = `on: push\njobs:\n${job('notify-sentry-deploy', 'Notify Sentry Deploy')}${job('deploy-notification', 'Post deploy')}${job('report', 'Report deployment status')}${job('deploy', 'Deploy')}`;
    const findings = await evaluate(workflowDeployEnvironment, one(text), deployOptions([]));
    expect(findings.map(at)).toEqual([`${W}:18:3`]);
    expect(findings[0]!.message).toContain(
      '(it is named as a deployment and input environment names production)',
    );
  });

  it.each([
    ['mkdocs in the publishing job', '      - run: mkdocs build\n', 'peaceiris/actions-gh-pages', 'low'],
    ['a Makefile docs target', '      - run: make docs\n', 'peaceiris/actions-gh-pages', 'low'],
    ['sphinx in a job the publishing job needs', 'NEEDS', 'actions/deploy-pages', 'low'],
    // A site another generator builds may be the product; a package is not a site.
    ['a web app build', '      - run: npm run build\n', 'peaceiris/actions-gh-pages', 'rule'],
    ['hugo', '      - run: hugo --minify\n', 'peaceiris/actions-gh-pages', 'rule'],
    [
      'docs built before a package is published',
      '      - run: mkdocs build\n',
      'pypa/gh-action-pypi-publish',
      'rule',
    ],
  ])('grades a GitHub Pages site of documentation low: %s', async (_name, build, action, severity) => {
    const options = {
      ...deployOptions([]),
      releaseActions: ['actions/deploy-pages', 'peaceiris/actions-gh-pages', 'pypa/gh-action-pypi-publish'],
    };
    const text =
      build === 'NEEDS'
        ? `on: push\njobs:\n  build:\n    steps:\n      - run: sphinx-build docs out\n  ship:\n    needs: build\n    steps:\n      - uses: ${action}@v4\n`
        : `on: push\njobs:\n  ship:\n    steps:\n${build}      - uses: ${action}@v4\n`;
    const findings = await evaluate(workflowDeployEnvironment, one(text), options);
    expect(findings.map((f) => f.severity ?? 'rule')).toEqual([severity]);
  });

  // The documentation generator may run in a repository script or make target the step calls (read,
  // never run), or in a container of its image told to build.
  const DOCS_NOTE = (step: string) =>
    ` The site is the project's documentation, built by step "${step}" with a documentation generator: whoever can change the documentation's sources can change the site already, and an environment's reviewers add little.`;
  const MATERIAL =
    '#!/bin/bash\nset -ex\ndocker run \\\n  --rm \\\n  --user "$(id -u):$(id -g)" \\\n  --volume "./:/docs" \\\n  squidfunk/mkdocs-material:9.6 build --strict\ncd site\n';
  it.each<[string, string, Record<string, string>, string | undefined]>([
    [
      'a repository script running mkdocs',
      'scripts/docs.sh',
      { 'scripts/docs.sh': 'mkdocs build -d site\n' },
      'low',
    ],
    [
      'a script run from a folder, running the mkdocs image to build',
      '../.github/scripts/build-docs.sh',
      { '.github/scripts/build-docs.sh': MATERIAL },
      'low',
    ],
    [
      'a make target running sphinx',
      'make site',
      { Makefile: 'site:\n\tsphinx-build -b html docs site\n' },
      'low',
    ],
    [
      'a make target whose prerequisite runs mkdocs',
      'make publish-site',
      { Makefile: 'publish-site: docs-build\n\ttouch site/.nojekyll\ndocs-build:\n\tmkdocs build\n' },
      'low',
    ],
    [
      'the mdBook image in the step',
      'docker run --rm -v "$PWD:/book" peaceiris/mdbook:v0.4.40 build',
      {},
      'low',
    ],
    [
      'a script running the Hugo image',
      'scripts/site.sh',
      { 'scripts/site.sh': 'docker run --rm -v "$PWD:/src" klakegg/hugo:0.111 build\n' },
      undefined,
    ],
    [
      'a script serving the mkdocs image',
      'scripts/docs.sh',
      { 'scripts/docs.sh': 'docker run --rm -p 8000:8000 squidfunk/mkdocs-material serve\n' },
      undefined,
    ],
    [
      'a script building the web app',
      'scripts/site.sh',
      { 'scripts/site.sh': 'npm ci\nnpm run build\n' },
      undefined,
    ],
    ['a script not in the tree', 'scripts/docs.sh', {}, undefined],
  ])(
    'grades a Pages site low when the docs are built by what the step calls: %s',
    async (_name, run, files, severity) => {
      const options = { ...deployOptions([]), releaseActions: ['peaceiris/actions-gh-pages'] };
      const text = `on: push\njobs:\n  ship:\n    permissions: { contents: write }\n    steps:\n      - name: Build docs\n        run: ${run}\n      - uses: peaceiris/actions-gh-pages@v4\n`;
      const findings = await evaluate(workflowDeployEnvironment, { ...one(text), ...files }, options);
      expect(findings.map((f) => [at(f), f.severity, f.message])).toEqual([
        [
          `${W}:3:3`,
          severity,
          deployMessage('it uses peaceiris/actions-gh-pages') + (severity ? DOCS_NOTE('Build docs') : ''),
        ],
      ]);
    },
  );

  it('takes no job of a workflow that only checks proposed changes for a deployment', async () => {
    const options = deployOptions(['helm\\s+install'], ['npm\\s+publish']);
    const job =
      'jobs:\n  diff:\n    steps:\n      - run: helm install rel production/chart\n      - run: npm publish\n';
    const cases: [string, number][] = [
      ['on: pull_request\n', 0],
      ['on: [pull_request, merge_group]\n', 0],
      ['on:\n  pull_request:\n    paths: [production/**]\n', 0],
      ['on:\n  pull_request:\n    types: [opened, synchronize]\n', 0],
      // A merged pull request's `closed` event, a push or a manual run can deploy.
      ['on:\n  pull_request:\n    types: [closed]\n', 1],
      ['on:\n  pull_request:\n    types: closed\n', 1],
      ['on: [pull_request, push]\n', 1],
      ['on: pull_request_target\n', 1],
      ['on: workflow_dispatch\n', 1],
    ];
    for (const [on, expected] of cases)
      expect((await evaluate(workflowDeployEnvironment, one(on + job), options)).length, on).toBe(expected);
  });
});

describe('workflow.permissions: unneeded write scopes', () => {
  it('reports the write value on read-only pull request jobs only', async () => {
    const findings = await evaluate(
      workflowPermissions,
      one(`on: pull_request
permissions: { contents: read }
jobs:
  ro:
    permissions: { contents: write, statuses: read }
    steps:
      - uses: actions/checkout@v4
      - run: npm test
  rw:
    permissions: { contents: write }
    steps:
      - run: git push
`),
      {},
    );
    expect(findings.map((f) => [at(f), f.key])).toEqual([[`${W}:5:30`, 'unneeded-write:ro:contents']]);
  });

  it('counts tools that push or publish with the job token (OIDC) as uses of it', async () => {
    const job = (run: string) =>
      `on: release\npermissions: {}\njobs:\n  a:\n    permissions: { id-token: write, contents: write }\n    steps:\n      - run: ${run}\n`;
    for (const run of [
      'uv publish',
      'mkdocs gh-deploy --force',
      'cosign sign --yes img',
      'npx pkg-pr-new publish',
    ])
      expect(await evaluate(workflowPermissions, one(job(run)), {})).toEqual([]);
    expect((await evaluate(workflowPermissions, one(job('uv build')), {})).length).toBe(2);
  });
});

describe('checkout credentials: a job on pull requests only whose token only reads', () => {
  const READ_ONLY =
    '; the job runs on pull requests only and its permissions grant the token no write scope, so the copy on disk reads nothing that those who can run code there cannot read already';
  const wf = (on: string, perms: string, run = 'make') =>
    `on: ${on}\n${perms}jobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${run}\n`;
  it.each([
    ['contents: read', { [W]: wf('pull_request', 'permissions: { contents: read }\n') }, 'low/low'],
    ['read-all', { [W]: wf('pull_request', 'permissions: read-all\n') }, 'low/low'],
    [
      'read scopes and an id token',
      { [W]: wf('pull_request', 'permissions: { contents: read, id-token: write }\n') },
      'low/low',
    ],
    // What may write, what no file shows, or runs on other events keeps its grade.
    ["the repository's default", { [W]: wf('pull_request', '') }, 'low/rule'],
    [
      'a write scope',
      { [W]: wf('pull_request', 'permissions: { contents: read, issues: write }\n') },
      'low/rule',
    ],
    ['a push too', { [W]: wf('[push, pull_request]', 'permissions: { contents: read }\n') }, 'low/rule'],
    [
      'pull_request_target',
      { [W]: wf('pull_request_target', 'permissions: { contents: read }\n') },
      'medium/rule',
    ],
  ])('%s', async (_name, files, grade) => {
    const findings = await evaluate(workflowCheckoutCredentials, files, {});
    expect(findings.map((f) => `${f.severity}/${f.confidence ?? 'rule'}`)).toEqual([grade]);
    if (grade.endsWith('/low')) expect(findings[0]!.message).toContain(READ_ONLY);
  });
});

describe('checkout credentials: a credential in token: read from the env every later step inherits', () => {
  const wf = (jobEnv: string, token: string, stepEnv = '') =>
    `on: push\npermissions: { contents: read }\njobs:\n  a:\n    runs-on: x\n${jobEnv}    steps:\n      - uses: actions/checkout@v4\n        with: { token: "${token}" }\n      - run: npm test\n${stepEnv}`;
  it.each([
    [
      'the job env',
      wf('    env: { BOT_TOKEN: "${{ secrets.BOT_PAT }}" }\n', '${{ env.BOT_TOKEN }}'),
      'low/low',
    ],
    // A variable no env the step inherits sets, or one the step sets to something else.
    ['no such variable', wf('', '${{ env.BOT_TOKEN }}'), 'medium/rule'],
    [
      'the step sets it otherwise',
      wf(
        '    env: { BOT_TOKEN: "${{ secrets.BOT_PAT }}" }\n',
        '${{ env.BOT_TOKEN }}',
        '        env: { BOT_TOKEN: other }\n',
      ),
      'medium/rule',
    ],
  ])('%s', async (_name, text, grade) => {
    const findings = await evaluate(workflowCheckoutCredentials, one(text), {});
    expect(findings.map((f) => `${f.severity}/${f.confidence ?? 'rule'}`)).toEqual([grade]);
  });
});

describe('checkout credentials: later steps that run only fixed commands', () => {
  const wf = (run: string) =>
    `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n${run
      .split('\n')
      .map((l) => `          ${l}\n`)
      .join('')}`;
  it.each([
    [
      'text tools and a substitution of them',
      'echo "v=$(cat VERSION)-$(cat REV)" | tee -a "$GITHUB_OUTPUT"',
      'low/low',
    ],
    ['go mod tidy', 'go mod tidy --diff || (echo "Run go mod tidy." && exit 1)', 'low/low'],
    [
      'git reading history',
      'base=$(git merge-base origin/main HEAD)\ngit diff-tree -r --name-only "$base" HEAD',
      'low/low',
    ],
    // Anything that may run code of the repository, a dependency or another party keeps its grade.
    ['a repository script in a substitution', 'echo "v=$(./version.sh)"', 'low/rule'],
    ['an interpreter given fixed code', 'python3 -c "print(1)"', 'low/rule'],
    ['a build', 'go build ./...', 'low/rule'],
    ['git talking to the remote', 'git fetch origin main', 'low/rule'],
    ['a here-document', 'cat > out.txt <<EOF\n$(make version)\nEOF', 'low/rule'],
    // A pipe inside a substitution, awk given its program, file, curl, and git listing a remote's refs.
    ['a pipe inside a substitution', 'major=$(echo "$V" | cut -d. -f1)\necho "$major"', 'low/low'],
    [
      'awk, file and git ls-remote',
      'head=$(git ls-remote https://github.com/o/r.git HEAD | awk \'{print $1}\')\nfile "bin/$head"',
      'low/low',
    ],
    ['curl read by jq', "curl -s https://example.org/index.json | jq -r '.[0].version'", 'low/low'],
    [
      'wget and a checksum',
      'wget -q https://example.org/tool.tar.gz\nshasum -a 256 -c tool.tar.gz.sha256',
      'low/low',
    ],
    ['awk running a program file', 'awk -f scripts/report.awk data.txt', 'low/rule'],
    ['sed running a script file', 'sed -f scripts/fix.sed -i README.md', 'low/rule'],
    ['git ls-remote naming a program', 'git ls-remote --upload-pack=./x origin', 'low/rule'],
    ['a substitution running a script behind a pipe', 'v=$(cat VERSION | ./version.sh)', 'low/rule'],
    // A container that mounts only a subfolder of the checkout cannot read the token's copy.
    [
      'docker run mounting a subfolder',
      'docker run --rm -v ${{ github.workspace }}/charts/app:/work -w /work lint/tool:1 lint',
      'low/low',
    ],
    [
      'docker run mounting the checkout',
      'docker run --rm -v "$PWD":/work -w /work lint/tool:1 lint',
      'low/rule',
    ],
    ['docker run mounting .git', 'docker run --rm -v "$PWD/.git":/g lint/tool:1', 'low/rule'],
    ['docker run mounting a parent', 'docker run --rm -v "$PWD/a/..":/w lint/tool:1', 'low/rule'],
    ['a privileged docker run', 'docker run --rm --privileged -v "$PWD/docs":/w lint/tool:1', 'low/rule'],
    ['docker run mounting the runner temp', 'docker run --rm -v "$RUNNER_TEMP":/t lint/tool:1', 'low/rule'],
    ['docker build', 'docker build -t x docs/', 'low/rule'],
  ])('%s', async (_name, run, grade) => {
    const findings = await evaluate(workflowCheckoutCredentials, one(wf(run)), {});
    expect(findings.map((f) => `${f.severity}/${f.confidence ?? 'rule'}`)).toEqual([grade]);
    if (grade.endsWith('/low')) expect(findings[0]!.message).toMatch(/runs only fixed commands/);
  });
});

describe('checkout credentials: write scopes a calling job on pull requests only grants', () => {
  const called =
    'on: workflow_call\njobs:\n  b:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - run: make\n';
  const caller = (on: string, perms: string) =>
    `on: ${on}\njobs:\n  c:\n    permissions: ${perms}\n    uses: ./.github/workflows/w.yml\n`;
  it.each([
    ['pull requests only', caller('pull_request', '{ pull-requests: write }'), 'low'],
    ['pull requests and pushes', caller('[pull_request, push]', '{ pull-requests: write }'), 'medium'],
    ['security-events, which a fork reads', caller('pull_request', '{ security-events: write }'), 'medium'],
    ['write-all', caller('pull_request', 'write-all'), 'medium'],
  ])('%s', async (_name, text, severity) => {
    const findings = await evaluate(
      workflowCheckoutCredentials,
      { [W]: called, '.github/workflows/caller.yml': text },
      {},
    );
    expect(findings.map((f) => f.severity)).toEqual([severity]);
    if (severity === 'low')
      expect(findings[0]!.message).toMatch(/grants write scopes, but runs on pull requests only/);
  });
});

describe('checkout credentials: actions of other owners whose token input defaults to the job token', () => {
  const wf = (step: string) =>
    `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n      - ${step}\n`;
  it.each([
    ['changed-files', 'uses: tj-actions/changed-files@v46', 'low/low'],
    ['golangci-lint', 'uses: golangci/golangci-lint-action@v8\n        with: { version: v2.1 }', 'low/low'],
    // Given a token of its own, or an action whose defaults are not known: as before.
    [
      'changed-files given a PAT',
      'uses: tj-actions/changed-files@v46\n        with: { token: "${{ secrets.PAT }}" }',
      'low/rule',
    ],
    ['another action', 'uses: acme/changed@v1', 'low/rule'],
    ['paths-filter', 'uses: dorny/paths-filter@v3\n        with: { filters: "a: [a/**]" }', 'low/low'],
    ['paths-filter before its default is vouched for', 'uses: dorny/paths-filter@v1', 'low/rule'],
  ])('%s', async (_name, step, grade) => {
    const findings = await evaluate(workflowCheckoutCredentials, one(wf(step)), {});
    expect(findings.map((f) => `${f.severity}/${f.confidence ?? 'rule'}`)).toEqual([grade]);
  });
});

describe('checkout credentials: a job without permissions whose own steps write with the token', () => {
  const wf = (steps: string[], perms = '') =>
    `on: push\njobs:\n  a:\n    runs-on: x\n${perms}    steps:\n      - uses: actions/checkout@v4\n${steps
      .map((s) => `      - ${s}\n`)
      .join('')}`;
  const RELEASE = 'uses: goreleaser/goreleaser-action@v6\n        with: { args: release --clean }';
  const SNAPSHOT =
    'uses: goreleaser/goreleaser-action@v6\n        with: { args: release --snapshot --clean }';
  const GIVEN = '\n        env: { GITHUB_TOKEN: "${{ secrets.GITHUB_TOKEN }}" }';
  it.each([
    ['a release with the default token', ['run: make', `${RELEASE}${GIVEN}`], '', 'medium'],
    [
      'a pages deploy with the default token',
      [
        'run: make site',
        'uses: peaceiris/actions-gh-pages@v4\n        with: { github_token: "${{ secrets.GITHUB_TOKEN }}" }',
      ],
      '',
      'medium',
    ],
    // What does not show the default can write: a dry run, a registry login, reads only.
    ['a snapshot build', ['run: make', `${SNAPSHOT}${GIVEN}`], '', 'low'],
    [
      'a registry login',
      [
        'uses: docker/login-action@v3\n        with: { registry: ghcr.io, password: "${{ secrets.GITHUB_TOKEN }}" }',
        'run: make',
      ],
      '',
      'low',
    ],
    ['a build', ['run: make'], '', 'low'],
    ['mike deploy without --push', ['run: mike deploy dev'], '', 'low'],
    // Permissions written down decide, as before.
    [
      'a release under read permissions',
      ['run: make', `${RELEASE}${GIVEN}`],
      '    permissions: { contents: read }\n',
      'low',
    ],
  ])('%s', async (_name, steps, perms, severity) => {
    const findings = await evaluate(workflowCheckoutCredentials, one(wf(steps, perms)), {});
    expect(findings.map((f) => f.severity)).toEqual([severity]);
    if (severity === 'medium')
      expect(findings[0]!.message).toMatch(
        /the job's own steps write with the token, so the repository's default grants it/,
      );
  });
});

describe('checkout credentials: expressions whose value no outsider or repository code chooses', () => {
  const wf = (steps: string, env = '') =>
    `on: push\n${env}jobs:\n  a:\n    runs-on: x\n    permissions: { contents: write }\n    steps:\n      - uses: actions/checkout@v4\n${steps}`;
  const run = (script: string) => `      - run: ${JSON.stringify(script)}\n`;
  it.each([
    // A secret, a variable, a value GitHub sets: the script stays as fixed as its text.
    ['curl given secrets', wf(run('curl -X POST "https://h/x?token=${{ secrets.HOOK_TOKEN }}"')), 'low/low'],
    ['a release tag', wf(run('echo "V=${{ github.event.release.tag_name }}"')), 'low/low'],
    [
      'an env value written by an earlier fixed run',
      wf(
        run('echo "V=$(echo ${{ github.sha }} | cut -c1-7)" >> "$GITHUB_ENV"') +
          run("sed -i 's/v0/${{ env.V }}/' README.md"),
      ),
      'low/low',
    ],
    [
      'an env value of the workflow set to a variable',
      wf(run('echo ${{ env.V }}'), 'env:\n  V: ${{ vars.V }}\n'),
      'low/low',
    ],
    ['git listing branches', wf(run("git branch -rl 'origin/release-*' | sort -r | head -n1")), 'low/low'],
    [
      'GitHub Pages actions that take the job token by default',
      wf('      - uses: actions/configure-pages@v5\n      - uses: actions/jekyll-build-pages@v1\n'),
      'low/low',
    ],
    // Outsiders' text, a manual run's input, or a value an action or a script may have exported.
    ['a pull request title', wf(run('echo "${{ github.event.pull_request.title }}"')), 'medium/rule'],
    ['a manual input', wf(run('echo "${{ github.event.inputs.v }}"')), 'medium/rule'],
    [
      'an env value an earlier action may export',
      wf(`      - uses: acme/setup@v1\n${run('echo ${{ env.V }}')}`),
      'medium/rule',
    ],
    [
      'an env value written by an earlier script',
      wf(run('./version.sh >> "$GITHUB_ENV"') + run('echo ${{ env.V }}')),
      'medium/rule',
    ],
    [
      "an env value of the workflow set to outsiders' text",
      wf(run('echo ${{ env.V }}'), 'env:\n  V: ${{ github.event.head_commit.message }}\n'),
      'medium/rule',
    ],
    ['a step output', wf(run('echo ${{ steps.v.outputs.v }}')), 'medium/rule'],
  ])('%s', async (_name, text, grade) => {
    const findings = await evaluate(workflowCheckoutCredentials, one(text), {});
    expect(findings.map((f) => `${f.severity}/${f.confidence ?? 'rule'}`)).toEqual([grade]);
  });
});

describe('workflow.container-credentials', () => {
  // A finding is the job, the container and a keyed hash of the password: another password is a new
  // finding on a pull request, the same one moved is not.
  const A = 'Aq3Lm9Xz7Pw2Rt5Vk8Nb4Hs6';
  const B = 'Mf6Ty1Ug8Ie3Ro5Pa2Sd9Gh4';
  const job = (service: string, password: string, above = '') =>
    `on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n${above}    services:\n      ${service}:\n        image: r.example.com/db:16\n        credentials: { username: ci, password: ${password} }\n    steps:\n      - run: make test\n`;
  it.each([
    ['another password for the same service', job('db', A), job('db', B), false],
    ['the same password for another service', job('db', A), job('cache', A), false],
    ['the same password, moved down', job('db', A), job('db', A, '    timeout-minutes: 10\n'), true],
  ])('%s: the same finding: %s', async (_what, before, after, same) => {
    const keys = [];
    for (const text of [before, after]) {
      const findings = await evaluate(workflowContainerCredentials, one(text), {});
      expect(findings).toHaveLength(1);
      keys.push(findings[0]!.key!);
    }
    expect(keys[1] === keys[0], keys.join(' / ')).toBe(same);
    for (const key of keys) for (const value of [A, B]) expect(leaks(key, value)).toBe(false);
  });
});

// A step or job whose `if:` needs an event the workflow is not triggered by never runs: the step and
// job audits leave it out (workflow-conditions.ts); what the condition does not settle may run.
describe('steps and jobs that never run', () => {
  const gated = (on: string, stepIf: string, jobIf = '') =>
    `on: ${on}\npermissions: { contents: read }\njobs:\n  a:\n    runs-on: x\n${jobIf ? `    if: ${jobIf}\n` : ''}    steps:\n      - if: ${stepIf}\n        uses: actions/checkout@v4\n      - if: ${stepIf}\n        uses: acme/tool@v1\n      - run: make\n`;
  const PR = "github.event_name == 'pull_request'";
  it.each([
    ['a step for pull requests, the workflow only dispatched', gated('workflow_dispatch', PR), []],
    [
      'a step on contains of the event name',
      gated('workflow_dispatch', "contains(github.event_name, 'pull_request')"),
      [],
    ],
    ['a job for pull requests, the workflow only pushed', gated('push', 'always()', PR), []],
    [
      'the job rules out one trigger, the step the other',
      gated('[push, schedule]', "github.event_name != 'push'", "github.event_name != 'schedule'"),
      [],
    ],
    ['the workflow runs on pull requests too', gated('[push, pull_request]', PR), [8, 10]],
    [
      'a condition that may hold',
      gated('workflow_dispatch', `${PR} || github.ref == 'refs/heads/main'`),
      [8, 10],
    ],
    ["a reusable workflow, on its caller's event", gated('workflow_call', PR), [8, 10]],
    ['a step on if: false', gated('push', 'false'), []],
    ['a step on if: ${{ false }}', gated('workflow_call', '${{ false }}'), []],
    ['a job on false && a test not read', gated('push', 'always()', "false && github.ref == 'x'"), []],
    ["a step on the string 'false', which holds", gated('push', `"'false'"`), [8, 10]],
    ['a step on if: true', gated('push', 'true'), [8, 10]],
  ])('%s', async (_name, text, lines) => {
    const credentials = await evaluate(workflowCheckoutCredentials, one(text), {});
    const unpinned = await evaluate(workflowUnpinnedUses, one(text), { allow: [] });
    const jobIf = text.includes('    if: ') ? 1 : 0;
    expect(credentials.map((f) => f.location?.startLine)).toEqual(lines.slice(0, 1).map((l) => l + jobIf));
    expect(unpinned.map((f) => f.location?.startLine)).toEqual(lines.map((l) => l + jobIf));
  });

  // A job that needs a skipped job is skipped, unless its if: runs past that (always()).
  it.each([
    ['needs a job that never runs', '', []],
    ['needs a job that never runs, on always()', '    if: always()\n', [14]],
  ])('%s', async (_name, bIf, lines) => {
    const text = `on: push
permissions: { contents: read }
jobs:
  a:
    if: false
    runs-on: x
    steps: [{ run: make }]
  b:
    needs: a
    runs-on: x
${bIf}    steps:
      - run: make
      - uses: acme/tool@v1
`;
    const unpinned = await evaluate(workflowUnpinnedUses, one(text), { allow: [] });
    expect(unpinned.map((f) => f.location?.startLine)).toEqual(lines);
  });

  it('reports no head checkout in a step that never runs, and judges the trigger as before', async () => {
    const text = `on: pull_request_target
permissions: { contents: read }
jobs:
  a:
    runs-on: x
    steps:
      - if: github.event_name == 'pull_request'
        uses: actions/checkout@v4
        with: { ref: "\${{ github.event.pull_request.head.sha }}", persist-credentials: false }
      - if: github.event_name == 'pull_request'
        run: make
`;
    const findings = await evaluate(workflowDangerousTriggers, one(text), {});
    expect(findings.map((f) => [at(f), f.severity ?? 'critical'])).toEqual([[`${W}:1:5`, 'medium']]);
    // On pull_request_target too, the checkout runs: critical.
    const live = await evaluate(
      workflowDangerousTriggers,
      one(text.replace('on: pull_request_target', 'on: [pull_request, pull_request_target]')),
      {},
    );
    expect(live.map((f) => [at(f), f.severity ?? 'critical'])).toEqual([[`${W}:9:27`, 'critical']]);
  });

  it('judges permissions with every job, those that never run included', async () => {
    const text = `on: workflow_dispatch
permissions: { contents: read }
jobs:
  a:
    if: github.event_name == 'pull_request'
    runs-on: x
    permissions: { contents: read, issues: write }
    steps:
      - run: make
`;
    const findings = await evaluate(workflowPermissions, one(text), {});
    expect(findings.map((f) => at(f))).toEqual([`${W}:7:44`]);
  });
});
