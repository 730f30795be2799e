// biome-ignore-all lint/suspicious/noTemplateCurlyInString: workflow `${{ }}` expressions are test data here.
import { describe, expect, it } from 'vitest';
import { jobNeeds } from '../../src/core/evaluators/workflow/scopes.js';
import { buildWorkflow } from '../../src/core/parsers/workflow.js';
import { parseYaml } from '../../src/core/workspace/yaml.js';

/** The needs of the one job whose steps are `steps` (YAML list items at 6 spaces). */
function needs(steps: string, jobExtra = '') {
  const text = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n${jobExtra}    steps:\n${steps}`;
  const parsed = parseYaml(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const workflow = buildWorkflow('.github/workflows/a.yml', parsed.documents[0]!)!;
  const n = jobNeeds(workflow.jobs[0]!, workflow);
  return { scopes: Object.fromEntries(n.scopes), unsure: n.unsure.map((u) => `${u.level}: ${u.why}`) };
}

const TOKEN = '        env:\n          GH_TOKEN: ${{ github.token }}\n';

describe('jobNeeds', () => {
  it('known actions, with inputs that change what they need', () => {
    expect(
      needs(
        '      - uses: actions/checkout@v4\n      - uses: aws-actions/configure-aws-credentials@v4\n        with: { role-to-assume: arn }\n      - uses: pypa/gh-action-pypi-publish@release/v1\n        with: { password: x }\n      - uses: actions/setup-node@v4\n',
      ),
    ).toEqual({ scopes: { contents: 'read', 'id-token': 'write' }, unsure: [] });
  });

  it('npm publishing with provenance from the environment needs id-token, whatever script publishes', () => {
    const release = '      - run: pnpm release\n';
    const onStep = '        env:\n          NPM_CONFIG_PROVENANCE: true\n';
    expect(needs(`${release}${onStep}`).scopes).toEqual({ 'id-token': 'write' });
    expect(needs(release, '    env:\n      npm_config_provenance: "true"\n').scopes).toEqual({
      'id-token': 'write',
    });
    expect(needs(`${release}        env:\n          NPM_CONFIG_PROVENANCE: false\n`).scopes).toEqual({});
  });

  it('an action given a token of its own needs nothing of the job token', () => {
    expect(
      needs(
        '      - uses: peter-evans/create-pull-request@v7\n        with: { token: "${{ secrets.BOT }}" }\n',
      ),
    ).toEqual({
      scopes: {},
      unsure: [],
    });
  });

  it('pushes through a checkout given another token need no scope of the job token', () => {
    const bot =
      '      - uses: actions/checkout@v4\n        with: { token: "${{ secrets.BOT_TOKEN }}", repository: o/site }\n';
    expect(
      needs(`${bot}      - run: git push\n      - uses: stefanzweifel/git-auto-commit-action@v5\n`),
    ).toEqual({ scopes: {}, unsure: [] });
    // Once a checkout persisted the job token, a push may use it.
    expect(
      needs(
        `      - uses: actions/checkout@v4\n${bot.replace('o/site', 'o/other')}      - uses: stefanzweifel/git-auto-commit-action@v5\n      - run: ./scripts/release.sh\n`,
      ),
    ).toEqual({
      scopes: { contents: 'write' },
      unsure: ["write: step #4 runs a release script, which may push with the checkout's credentials"],
    });
  });

  it('gh commands and REST paths in scripts given the token; writes win over reads', () => {
    expect(
      needs(
        `      - run: |\n          gh pr view 1\n          gh pr comment 1 --body x\n          gh release download v1\n          gh api -X POST repos/o/r/issues/1/labels -f labels=bug\n${TOKEN}`,
      ),
    ).toEqual({ scopes: { 'pull-requests': 'write', contents: 'read', issues: 'write' }, unsure: [] });
  });

  it('a push with the persisted credentials, OIDC in a script', () => {
    expect(
      needs(
        '      - uses: actions/checkout@v4\n      - run: git push origin HEAD:main\n      - run: npm publish --provenance\n',
      ),
    ).toEqual({ scopes: { contents: 'write', 'id-token': 'write' }, unsure: [] });
    // Without persisted credentials the push cannot use the job token.
    expect(
      needs(
        '      - uses: actions/checkout@v4\n        with: { persist-credentials: false }\n      - run: git push\n',
      ),
    ).toEqual({ scopes: { contents: 'read' }, unsure: [] });
  });

  it('what it cannot tell: unknown actions and token uses (write), unknown API reads (read)', () => {
    expect(
      needs(`      - uses: acme/deploy@v1\n      - run: gh api repos/o/r/traffic/views\n${TOKEN}`).unsure,
    ).toEqual([
      'write: step "acme/deploy@v1" uses acme/deploy, whose token needs are not known',
      'read: step #2 calls the API at traffic/views',
    ]);
    expect(needs(`      - run: ./release.sh\n${TOKEN}`).unsure).toEqual([
      'write: step #1 is given the token for a use that is not read here',
    ]);
    expect(needs('      - uses: ./.github/actions/build\n').unsure).toEqual([
      'write: step "./.github/actions/build" runs a local action',
    ]);
  });

  it('actions/github-script: the REST calls of its script', () => {
    expect(
      needs(
        "      - uses: actions/github-script@v7\n        with:\n          script: |\n            await github.rest.issues.addLabels({ issue_number: 1, labels: ['x'] });\n            await github.rest.pulls.get({ pull_number: 1 });\n",
      ),
    ).toEqual({ scopes: { issues: 'write', 'pull-requests': 'read' }, unsure: [] });
  });
});
