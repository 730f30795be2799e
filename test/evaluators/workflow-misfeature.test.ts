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
