// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions (${{ }}) are the subject of these tests.
import { afterAll, describe, expect, it } from 'vitest';
import { workflowSecretPrintedUnmasked } from '../../src/core/evaluators/workflow/secret-printed.js';
import { at, evaluate, removeTrees } from '../parsers/tree.js';

afterAll(removeTrees);

const W = '.github/workflows/w.yml';
const run = (lines: string[], env = ['      KEY: ${{ secrets.DEPLOY_KEY }}']) =>
  evaluate(
    workflowSecretPrintedUnmasked,
    {
      [W]: [
        'on: push',
        'permissions: {}',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    env:',
        ...env,
        '    steps:',
        ...lines,
      ].join('\n'),
    },
    {},
  );

describe('workflow.secret-printed-unmasked', () => {
  it.each([
    [
      'echo "${{ secrets.DEPLOY_KEY }}" | base64',
      '${{ secrets.DEPLOY_KEY }}',
      'a/run/secrets.DEPLOY_KEY/base64',
      undefined,
    ],
    ['echo "$KEY" | base64 -w0', '$KEY', 'a/run/secrets.DEPLOY_KEY/base64', 'medium'],
    ['echo "$KEY" | rev', '$KEY', 'a/run/secrets.DEPLOY_KEY/rev', 'medium'],
    ['printf \'%s\' "$KEY" | xxd -p', '$KEY', 'a/run/secrets.DEPLOY_KEY/xxd', 'medium'],
    ['echo "$KEY" | od -c', '$KEY', 'a/run/secrets.DEPLOY_KEY/od', 'medium'],
    ['echo "${{ github.token }}" | base32', '${{ github.token }}', 'a/run/github.token/base32', undefined],
    ['echo "$KEY" | openssl base64', '$KEY', 'a/run/secrets.DEPLOY_KEY/openssl', 'medium'],
    [
      'echo "${{ secrets.DEPLOY_KEY }}" | base64 -d',
      '${{ secrets.DEPLOY_KEY }}',
      'a/run/secrets.DEPLOY_KEY/base64',
      undefined,
    ],
    ['echo "$KEY" | tr -d "\\n" | base64 | tee key.txt', '$KEY', 'a/run/secrets.DEPLOY_KEY/base64', 'medium'],
    ['base64 <<< "$KEY"', '$KEY', 'a/run/secrets.DEPLOY_KEY/base64', 'medium'],
    ['echo "${KEY:0:4}"', '${KEY:0:4}', 'a/run/secrets.DEPLOY_KEY/${KEY:0:4}', 'medium'],
    ['printf "%s\\n" ${KEY:4}', '${KEY:4}', 'a/run/secrets.DEPLOY_KEY/${KEY:4}', 'medium'],
    ['env | base64', 'env', 'a/run/secrets.DEPLOY_KEY/env|base64', 'medium'],
    ['printenv | base64', 'printenv', 'a/run/secrets.DEPLOY_KEY/printenv|base64', 'medium'],
    ['printenv KEY | base64 >&2', 'KEY', 'a/run/secrets.DEPLOY_KEY/base64', 'medium'],
  ])('reports `%s` at the secret', async (script, secret, key, confidence) => {
    // The column of the secret's first appearance in the script (the run: value starts at column 14).
    const column = 14 + script.indexOf(secret);
    const findings = await run([`      - run: ${script}`]);
    expect(findings.map((f) => [at(f), f.key, f.confidence])).toEqual([
      [`${W}:9:${column}`, key, confidence],
    ]);
    expect(findings[0]!.message).toMatch(
      /is printed to the log .*the runner masks a secret only by its exact value/,
    );
  });

  it('reports each part of a secret printed in pieces, with keys of their own', async () => {
    const findings = await run(['      - run: echo "${KEY:0:4} ${KEY:4}"']);
    expect(findings.map((f) => [at(f), f.key])).toEqual([
      [`${W}:9:20`, 'a/run/secrets.DEPLOY_KEY/${KEY:0:4}'],
      [`${W}:9:31`, 'a/run/secrets.DEPLOY_KEY/${KEY:4}'],
    ]);
  });

  it.each([
    ['echo "$KEY" | base64 -d > key.p12'],
    ['echo "${{ secrets.DEPLOY_KEY }}" | base64 >> "$GITHUB_OUTPUT"'],
    ['echo "b64=$(echo "$KEY" | base64)" >> "$GITHUB_ENV"'],
    ['B64=$(echo "$KEY" | base64 -w0)'],
    ['B64=$(echo "$KEY" | base64 -d | base64 -w0) # re-encoded'],
    ['B64=`echo "$KEY" | base64`'],
    ['echo "$KEY" | base64 | gh secret set OTHER'],
    ['echo "$KEY" | base64 -d | docker login -u me --password-stdin'],
    ['echo "$KEY" | base64 -d | kubectl apply -f -'],
    ['echo "$KEY" | base64 | tee key.txt > /dev/null'],
    ['echo "$HOME" | base64'],
    ['cat README.md | base64'],
    ['echo "$KEY" | sha256sum | base64'],
    ['echo "${KEY:-unset}"'],
    ['echo "${#KEY}"'],
    ['echo "${KEY:0:4}" > prefix.txt'],
  ])('leaves `%s` alone', async (script) => {
    expect(await run([`      - run: ${script}`])).toEqual([]);
  });

  it('leaves a script that masks first, PowerShell, other interpreters, settings, and env without a secret', async () => {
    const findings = await run([
      '      - run: |',
      '          echo "::add-mask::$(echo "$KEY" | base64)"',
      '          echo "$KEY" | base64',
      '      - shell: pwsh',
      '        run: echo "$env:KEY" | base64',
      '      - shell: python',
      '        run: print("$KEY" | base64)',
      '      - run: echo "${{ secrets.S3_BUCKET }}" | base64',
    ]);
    expect(findings).toEqual([]);
    expect(await run(['      - run: env | base64'], ['      NAME: app'])).toEqual([]);
  });
});
