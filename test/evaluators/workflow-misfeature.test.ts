// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions (${{ }}) are the subject of these tests.
import { afterAll, describe, expect, it } from 'vitest';
import { workflowMisfeature } from '../../src/core/evaluators/workflow/misfeature.js';
import { at, evaluate, removeTrees } from '../parsers/tree.js';

afterAll(removeTrees);

const W = '.github/workflows/scan.yml';

describe('workflow.misfeature: continue-on-error on a security check', () => {
  it('leaves alone a scanner whose SARIF a later step uploads to code scanning, and reports one whose results go nowhere', async () => {
    const findings = await evaluate(
      workflowMisfeature,
      {
        [W]: `on: { schedule: [{ cron: '0 3 * * 1' }] }
permissions: { contents: read, security-events: write }
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - name: Scan the image
        uses: snyk/actions/docker@9adf32b1121593767fc3c057af55b55db032dc04
        continue-on-error: true
        with:
          image: acme/shop
          args: --sarif-file-output=snyk.sarif
      - uses: github/codeql-action/upload-sarif@ff0a06e83cb2de871e5a09832bc6a81e7276941f # v3.28.18
        if: always()
        with:
          sarif_file: snyk.sarif
  deps:
    runs-on: ubuntu-latest
    steps:
      - uses: github/codeql-action/upload-sarif@ff0a06e83cb2de871e5a09832bc6a81e7276941f # v3.28.18
        with:
          sarif_file: old.sarif
      - name: Audit
        run: npm audit --audit-level=high
        continue-on-error: true
  fs:
    runs-on: ubuntu-latest
    continue-on-error: true
    steps:
      - run: trivy fs --format sarif --output trivy.sarif .
      - uses: github/codeql-action/upload-sarif@ff0a06e83cb2de871e5a09832bc6a81e7276941f # v3.28.18
        with:
          sarif_file: trivy.sarif
`,
      },
      {},
    );
    // Only the audit, whose results no later step uploads (the upload before it does not count).
    expect(findings.map((f) => [at(f), f.key])).toEqual([[`${W}:26:28`, 'deps/Audit/continue-on-error']]);
  });
});

describe('workflow.misfeature: continue-on-error on a CodeQL step', () => {
  it.each([
    ['analyze', [`${W}:10:28`]],
    ['init', []],
    ['autobuild', []],
  ])('codeql-action/%s', async (step, where) => {
    const findings = await evaluate(
      workflowMisfeature,
      {
        [W]: `on: push
permissions: { contents: read, security-events: write }
jobs:
  codeql:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - uses: github/codeql-action/${step}@ff0a06e83cb2de871e5a09832bc6a81e7276941f # v3.28.18
        with: { languages: python }
        continue-on-error: true
`,
      },
      {},
    );
    expect(findings.map(at)).toEqual(where);
  });
});

describe('workflow.misfeature: a scanner whose report a later step reads', () => {
  const scan = (on: string) => `on: ${on}
permissions: { contents: read }
jobs:
  gitleaks:
    runs-on: ubuntu-latest
    outputs:
      count: \${{ steps.count.outputs.findings }}
    steps:
      - name: Run gitleaks
        run: gitleaks detect --source . --report-format json --report-path gitleaks.json
        continue-on-error: true
      - name: Count findings
        id: count
        run: echo "findings=$(jq length gitleaks.json)" >> "$GITHUB_OUTPUT"
  audit:
    runs-on: ubuntu-latest
    steps:
      - run: npm audit --json > audit.json
        continue-on-error: true
      - uses: acme/post-report@v1
        with: { file: audit.json }
  trivy:
    runs-on: ubuntu-latest
    steps:
      - run: trivy fs .
        continue-on-error: true
      - run: echo done
`;

  it('leaves alone a scheduled count of findings, where no change waits, and keeps a check whose results go nowhere', async () => {
    const findings = await evaluate(
      workflowMisfeature,
      { [W]: scan("{ schedule: [{ cron: '0 2 * * 0' }], workflow_dispatch: {} }") },
      {},
    );
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([[`${W}:26:28`, undefined]]);
  });

  it('is low confidence on a change, where the step that reads the report may be the gate', async () => {
    const findings = await evaluate(workflowMisfeature, { [W]: scan('pull_request') }, {});
    expect(findings.map((f) => [at(f), f.confidence])).toEqual([
      [`${W}:11:28`, 'low'],
      [`${W}:19:28`, 'low'],
      [`${W}:26:28`, undefined],
    ]);
    expect(findings[0]!.message).toContain(
      "A later step reads its report (gitleaks.json): if that step fails on findings, it is the check's gate.",
    );
  });
});

describe('workflow.misfeature: a scanner whose outcome a later step acts on', () => {
  const job = (later: string) => `on: push
permissions: { contents: read }
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - name: Scan the image
        id: scan
        uses: aquasecurity/trivy-action@v1
        with: { image-ref: acme/shop, exit-code: '1' }
        continue-on-error: true
${later}`;
  it.each([
    [
      'a rebuild on its failed outcome',
      "      - if: steps.scan.outcome == 'failure'\n        run: make rebuild\n",
      'low',
    ],
    [
      'a step reading its conclusion in a script',
      '      - run: echo "${{ steps.scan.conclusion }}"\n',
      'low',
    ],
    // A condition on another step, or on the job's status, reads nothing of the check.
    [
      'a condition on another step',
      "      - if: steps.build.outcome == 'failure'\n        run: make rebuild\n",
      'rule',
    ],
    ['always()', '      - if: always()\n        run: echo done\n', 'rule'],
  ])('%s', async (_name, later, confidence) => {
    const findings = await evaluate(workflowMisfeature, { [W]: job(later) }, {});
    expect(findings.map((f) => f.confidence ?? 'rule')).toEqual([confidence]);
  });
});
