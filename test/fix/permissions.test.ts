// biome-ignore-all lint/suspicious/noTemplateCurlyInString: workflow `${{ }}` expressions and shell `${VAR}` are test data here.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTrees, roundTrip } from './round-trip.js';

afterAll(cleanupTrees);

const RULE = 'workflow-permissions';
const FILE = '.github/workflows/ci.yml';

const CASES: { name: string; input: string; output: string }[] = [
  {
    name: 'missing: contents: read above jobs:, the blank line kept',
    input:
      'name: CI\non: push\n\n# the jobs\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n',
    output:
      'name: CI\non: push\n\npermissions:\n  contents: read\n\n# the jobs\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n',
  },
  {
    name: 'missing: a job that comments gets its own block; a job without checkout needs nothing more',
    input:
      'on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n  label:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/labeler@v5\n  notify:\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh pr comment "$PR" --body done\n        env:\n          GH_TOKEN: ${{ github.token }}\n          PR: ${{ github.event.number }}\n',
    output:
      'on: pull_request\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n  label:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read\n      pull-requests: write\n    steps:\n      - uses: actions/labeler@v5\n  notify:\n    runs-on: ubuntu-latest\n    permissions:\n      pull-requests: write\n    steps:\n      - run: gh pr comment "$PR" --body done\n        env:\n          GH_TOKEN: ${{ github.token }}\n          PR: ${{ github.event.number }}\n',
  },
  {
    name: 'missing, with an anchor and alias, trailing comments and a tab in the script',
    input:
      'x-env: &env\n  CI: "1"\non: push # every push\njobs: # the jobs\n  test:\n    runs-on: ubuntu-latest\n    env: *env\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          make\ttest\n',
    output:
      'x-env: &env\n  CI: "1"\non: push # every push\npermissions:\n  contents: read\njobs: # the jobs\n  test:\n    runs-on: ubuntu-latest\n    env: *env\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          make\ttest\n',
  },
  {
    name: 'write-all above a job written as one flow mapping',
    input:
      'on: push\npermissions: write-all\njobs:\n  test: {runs-on: ubuntu-latest, steps: [{uses: actions/checkout@v4}, {run: make}]}\n',
    output:
      'on: push\npermissions:\n  contents: read\njobs:\n  test: {runs-on: ubuntu-latest, steps: [{uses: actions/checkout@v4}, {run: make}]}\n',
  },
  {
    name: 'missing, nothing reads the code: permissions: {}',
    input: 'on: push\njobs:\n  hello:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hello\n',
    output:
      'on: push\npermissions: {}\njobs:\n  hello:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hello\n',
  },
  {
    name: 'write-all on a job that publishes a release with OIDC signing',
    input:
      'on: push\npermissions: {}\njobs:\n  release:\n    runs-on: ubuntu-latest\n    permissions: write-all # for the release\n    steps:\n      - uses: actions/checkout@v4\n      - uses: softprops/action-gh-release@v2\n      - run: npm publish --provenance\n',
    output:
      'on: push\npermissions: {}\njobs:\n  release:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: write\n      id-token: write # for the release\n    steps:\n      - uses: actions/checkout@v4\n      - uses: softprops/action-gh-release@v2\n      - run: npm publish --provenance\n',
  },
  {
    name: 'read-all at the top, CRLF',
    input:
      'on: push\r\npermissions: read-all\r\njobs:\r\n  scan:\r\n    runs-on: ubuntu-latest\r\n    steps:\r\n      - uses: actions/checkout@v4\r\n      - uses: github/codeql-action/analyze@v3\r\n',
    output:
      'on: push\r\npermissions:\r\n  contents: read\r\njobs:\r\n  scan:\r\n    runs-on: ubuntu-latest\r\n    permissions:\r\n      actions: read\r\n      contents: read\r\n      security-events: write\r\n    steps:\r\n      - uses: actions/checkout@v4\r\n      - uses: github/codeql-action/analyze@v3\r\n',
  },
  {
    name: 'a job write scope that no step uses is lowered to read, in a flow mapping',
    input:
      'on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    permissions: { contents: write, id-token: write }\n    steps:\n      - uses: actions/checkout@v4\n      - run: make\n',
    output:
      'on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    permissions: { contents: read, id-token: none }\n    steps:\n      - uses: actions/checkout@v4\n      - run: make\n',
  },
  {
    name: 'a workflow-level write inherited by two jobs: lowered, granted where it is used',
    input:
      'on: push\npermissions:\n  contents: write\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n  tag:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: git tag v1 && git push origin v1\n',
    output:
      'on: push\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n  tag:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: write\n    steps:\n      - uses: actions/checkout@v4\n      - run: git tag v1 && git push origin v1\n',
  },
];

describe('fix: least-privilege permissions', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const { final } = await roundTrip({ [FILE]: c.input }, RULE);
      expect(final[FILE]).toBe(c.output);
    });
  }

  it('an API read it cannot map: contents: read plus a comment that says so', async () => {
    const input =
      'on: push\njobs:\n  stats:\n    runs-on: ubuntu-latest\n    steps:\n      - run: gh api /repos/acme/app/traffic/views\n        env:\n          GH_TOKEN: ${{ github.token }}\n';
    const { final } = await roundTrip({ [FILE]: input }, RULE, { fixes: 1 });
    expect(final[FILE]).toBe(
      'on: push\npermissions: {}\njobs:\n  stats:\n    runs-on: ubuntu-latest\n    permissions:\n      contents: read # controlgate fix could not tell what this job reads (step #1 calls the API at traffic/views): add the read scopes it needs\n    steps:\n      - run: gh api /repos/acme/app/traffic/views\n        env:\n          GH_TOKEN: ${{ github.token }}\n',
    );
  });

  it('an unknown action or a reusable workflow: no fix, and the reason names it', async () => {
    const input =
      'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: acme/deploy-action@v1\n  call:\n    uses: ./.github/workflows/release.yml\n';
    const { findings } = await roundTrip({ [FILE]: input }, RULE, { fixes: 0 });
    expect(findings.map((f) => f.unfixable)).toEqual([
      'job "deploy": step "acme/deploy-action@v1" uses acme/deploy-action, whose token needs are not known',
    ]);
  });
});
