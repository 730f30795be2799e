/**
 * The online workflow audits end to end: the built bundle runs on a pull request against the fake
 * GitHub API, asks about the actions the changed workflow uses (within the run's budget, each answer
 * once), and gates on the advisory the change brings in, not on the archived action the base had.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/fake-github.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { commandLines, makeTree, runAction, useBuiltBundle } from '../helpers/run-action.js';
import { onlyRulesConfig, pullRequestEvent } from './pr-helpers.js';

useBuiltBundle();

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await FakeGitHub.start();
});
afterEach(async () => {
  await fake.close();
});

const RELEASE = 'a'.repeat(40);
const ci = (...uses: string[]) =>
  `name: CI\non: pull_request\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n${uses.map((u) => `      - uses: ${u}\n`).join('')}`;

describe('online workflow audits in the Action', () => {
  it('checks the changed workflow through the API and blocks only on what the pull request adds', async () => {
    const repo = scratchRepo(makeTree({}));
    const config = onlyRulesConfig(['workflow-archived-uses', 'workflow-known-vulnerable-actions']);
    const baseSha = repo.commit(
      { '.controlgate.yml': config, '.github/workflows/ci.yml': ci('actions/create-release@v1') },
      'base',
    );
    repo.git('checkout', '-q', '-b', 'feature');
    const headSha = repo.commit(
      { '.github/workflows/ci.yml': ci('actions/create-release@v1', 'tj-actions/changed-files@v35.7.6') },
      'head',
    );
    const answers: [string, unknown][] = [
      ['/repos/actions/create-release', { archived: true, default_branch: 'master' }],
      ['/repos/tj-actions/changed-files', { archived: false, default_branch: 'main' }],
      [
        '/repos/actions/create-release/tags',
        [
          { name: 'v1', commit: { sha: RELEASE } },
          { name: 'v1.1.4', commit: { sha: RELEASE } },
        ],
      ],
      [
        '/advisories',
        [
          {
            ghsa_id: 'GHSA-mrrh-fwg8-r2c3',
            summary: 'changed-files can run commands from file names',
            severity: 'high',
            html_url: 'https://github.com/advisories/GHSA-mrrh-fwg8-r2c3',
            vulnerabilities: [
              {
                package: { ecosystem: 'actions', name: 'tj-actions/changed-files' },
                vulnerable_version_range: '< 41.0.0',
                first_patched_version: '41.0.0',
              },
            ],
          },
        ],
      ],
    ];
    for (const [path, body] of answers) fake.state.responses.set(path, { status: 200, body });

    const r = await runAction({
      workspace: repo.dir,
      inputs: { token: 'ghs_fake_token_for_tests', 'fail-on': 'high' },
      env: pullRequestEvent({ base: baseSha, head: headSha }, fake.url),
    });

    expect(r.code).toBe(1);
    // Each question once, for the head and the base together; no question about unchanged files.
    expect(fake.log()).toEqual([
      'GET /repos/actions/create-release',
      'GET /repos/tj-actions/changed-files',
      'GET /repos/actions/create-release/tags?per_page=100',
      'GET /advisories?ecosystem=actions&affects=actions%2Fcreate-release%401.1.4%2Ctj-actions%2Fchanged-files%4035.7.6&per_page=100',
    ]);
    const errors = commandLines(r, 'error');
    const [command, text] = errors[0]!.slice(2).split('::');
    expect(command).toBe(
      'error title=[high] Actions are not at a version with a known vulnerability (controls 8.8%2C 8.19),' +
        'file=.github/workflows/ci.yml,line=9,endLine=9,col=15,endColumn=46',
    );
    expect(text).toMatch(/^tj-actions\/changed-files 35\.7\.6 \(.*\) is affected by GHSA-mrrh-fwg8-r2c3: /);
    expect(errors.at(-1)).toBe(
      '::error::controlgate gate failed: 1 new open finding at or above "high" (1 high)',
    );
    // The archived action was already in the base: reported, not new, not blocking.
    expect(
      commandLines(r, 'warning').filter((l) => l.includes('actions/create-release, which is archived')),
    ).toHaveLength(1);
  });
});
