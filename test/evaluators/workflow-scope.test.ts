// biome-ignore-all lint/suspicious/noTemplateCurlyInString: workflow sources write ${{ }} literally.
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { claimEverything } from '../helpers/claims.js';
import { makeTree, removeTempDirs } from '../helpers/run-action.js';

/**
 * Workflow rules whose subject is a part only some workflows have (a job container, a pulled image, a
 * reusable-workflow call, a deployment) are credited only with the files that have it; a rule about a
 * trigger or a step that every workflow has (or may have) keeps every workflow it looked at.
 */

afterAll(removeTempDirs);

const tree = (files: Record<string, string>) => makeTree(files, 'cg-wf-scope-');

const PIN = 'actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1';
/** A workflow that builds and tests: no container, no image, no call, no deployment. */
const CI = `name: ci
on: pull_request
permissions: { contents: read }
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: ${PIN}
      - run: npm test
`;
const DIGEST = 'postgres@sha256:0000000000000000000000000000000000000000000000000000000000000000';

interface Case {
  rule: string;
  control: string;
  inputs: string;
  /** A workflow holding a subject the rule passes. */
  subject: string;
}

const CASES: Case[] = [
  {
    rule: 'workflow-hardcoded-container-credentials',
    control: '8.12',
    inputs: 'workflow jobs with a container or services',
    subject: `on: push
permissions: {}
jobs:
  db:
    runs-on: ubuntu-latest
    services:
      pg:
        image: ${DIGEST}
        credentials:
          username: bot
          password: \${{ secrets.REGISTRY_PASSWORD }}
    steps:
      - run: echo ok
`,
  },
  {
    rule: 'workflow-unpinned-image',
    control: '8.19',
    inputs: 'container images pulled by workflow jobs or Docker actions',
    subject: `on: push
permissions: {}
jobs:
  db:
    runs-on: ubuntu-latest
    container: ${DIGEST}
    steps:
      - run: echo ok
`,
  },
  {
    rule: 'workflow-secrets-inherit',
    control: '8.3',
    inputs: 'workflow jobs that call a reusable workflow',
    subject: `on: push
permissions: {}
jobs:
  call:
    uses: ./.github/workflows/ci.yml
    secrets:
      TOKEN: \${{ secrets.TOKEN }}
`,
  },
  {
    rule: 'workflow-deploy-environment',
    control: '8.32',
    inputs: 'workflow jobs that deploy or use an environment',
    subject: `on: push
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: kubectl apply -f k8s/
`,
  },
  {
    rule: 'workflow-use-trusted-publishing',
    control: '8.24',
    inputs: 'workflow steps that publish to npm, PyPI, RubyGems, crates.io or NuGet',
    // Published with the job's OIDC token: the publish step is judged, and passes.
    subject: `on: release
permissions: {}
jobs:
  pypi:
    runs-on: ubuntu-latest
    permissions: { id-token: write }
    steps:
      - uses: pypa/gh-action-pypi-publish@76f52bc884231f62b9a034ebfe128415bbaabdfc # v1.12.4
`,
  },
  {
    rule: 'workflow-cache-poisoning',
    control: '8.25',
    inputs: 'release or publishing workflows',
    // A release workflow that restores no cache: judged, and passes.
    subject: `on: release
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: ${PIN}
      - run: make dist
`,
  },
  {
    rule: 'workflow-self-hosted-runner',
    control: '8.22',
    inputs: 'workflows triggered by pull requests',
    subject: CI,
  },
  {
    rule: 'workflow-secrets-outside-env',
    control: '8.31',
    inputs: 'workflow jobs that read deployment or publishing secrets',
    // The deployment credential is read in an environment: judged, and passes.
    subject: `on: push
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: ./deploy.sh
        env:
          AWS_SECRET_ACCESS_KEY: \${{ secrets.AWS_SECRET_ACCESS_KEY }}
`,
  },
];

/** The workflow every tree holds: the pull request one, or for the rule about those, a push one. */
const base = (rule: string) =>
  rule === 'workflow-self-hosted-runner' ? CI.replace('on: pull_request', 'on: push') : CI;

/** The verdict of a control whose only rule passed on one file: satisfied, unless it only detects problems of it. */
function metOrDetected(rules: readonly { id: string; role?: string }[], rule: string, control: string) {
  return rules.find((r) => r.id === rule)?.role === 'detects'
    ? {
        verdict: 'not-assessed',
        reasons: [
          `rule ${rule} (1 file) found nothing against ${control}, but it only detects problems of it: it would be silent on a repository without its practice, so that shows nothing about whether it is met`,
        ],
      }
    : { verdict: 'satisfied', reasons: [] };
}

async function check(rule: string, files: Record<string, string>) {
  const report = await runCheck({
    root: tree({
      '.github/controls.yml': claimEverything(),
      '.github/workflows/ci.yml': base(rule),
      ...files,
    }),
    onlyRules: [rule],
    failOnGap: false,
  });
  return { rule: report.rules.find((r) => r.id === rule)!, controls: report.controls };
}

describe('workflow rules examine only the workflows that hold their subjects', () => {
  it.each(CASES)('$rule: not assessed on workflows without its subjects', async (c) => {
    const { rule, controls } = await check(c.rule, {});
    expect(rule).toMatchObject({ result: 'pass', findings: 0, scope: { files: 0, examples: [] } });
    expect(controls.find((x) => x.id === c.control)).toMatchObject({
      verdict: 'not-assessed',
      reasons: [`rule ${c.rule} examined nothing: no ${c.inputs} in this repository`],
    });
  });

  it.each(CASES)('$rule: satisfied on the workflow that holds its subject, and only that one', async (c) => {
    const { rule, controls } = await check(c.rule, { '.github/workflows/subject.yml': c.subject });
    expect(rule).toMatchObject({
      result: 'pass',
      findings: 0,
      scope: { files: 1, examples: ['.github/workflows/subject.yml'] },
    });
    const met = controls.find((x) => x.id === c.control)!;
    expect(met).toMatchObject(metOrDetected(met.rules, c.rule, c.control));
  });

  it('keeps every workflow for a rule about what any workflow may hold (a trigger)', async () => {
    // A workflow without pull_request_target was looked at and found without it: examined, but that
    // is no evidence of a secure development life cycle (the rule only detects problems of 8.25).
    const { rule, controls } = await check('workflow-dangerous-trigger', {});
    expect(rule).toMatchObject({
      result: 'pass',
      scope: { files: 1, examples: ['.github/workflows/ci.yml'] },
    });
    expect(controls.find((x) => x.id === '8.25')).toMatchObject({
      verdict: 'not-assessed',
      rules: [{ id: 'workflow-dangerous-trigger', examined: 1, role: 'detects' }],
    });
  });
});
