// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions (${{ }}) are the subject of these tests.
import { afterAll, describe, expect, it } from 'vitest';
import { workflowSecretInCommandLine } from '../../src/core/evaluators/workflow/secret-command-line.js';
import { at, evaluate, removeTrees } from '../parsers/tree.js';

afterAll(removeTrees);

const W = '.github/workflows/w.yml';
const run = (lines: string[]) =>
  evaluate(
    workflowSecretInCommandLine,
    {
      [W]: [
        'on: push',
        'permissions: {}',
        'env:',
        '  HOOK: ${{ secrets.CHAT_WEBHOOK }}',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    env:',
        '      PASSWORD: ${{ secrets.REGISTRY_PASSWORD }}',
        '      USER_NAME: acme',
        '    steps:',
        ...lines,
      ].join('\n'),
    },
    {},
  );

describe('workflow.secret-in-command-line', () => {
  it('reports a secret in the arguments of a program, at the expression or the variable, naming the secret', async () => {
    const findings = await run([
      '      - run: cargo login ${{ secrets.CRATES_TOKEN }}',
      '      - run: |',
      '          docker login -u "$USER_NAME" -p "$PASSWORD" registry.example.com',
      '          curl -fsS -X POST "${HOOK}" -d ok',
      "      - run: git push https://x:${{ secrets['PUSH_TOKEN'] }}@github.com/acme/app.git",
      '      - env:',
      '          PASSWORD: plain',
      '        run: docker login -u acme -p "$PASSWORD"',
    ]);
    expect(findings.map((f) => [at(f), f.key])).toEqual([
      [`${W}:12:26`, 'a/run/cargo/secrets.CRATES_TOKEN'],
      [`${W}:14:44`, 'a/run/docker/secrets.REGISTRY_PASSWORD'],
      [`${W}:15:30`, 'a/run/curl/secrets.CHAT_WEBHOOK'],
      [`${W}:16:33`, "a/run/git/secrets['PUSH_TOKEN']"],
    ]);
    expect(findings[0]!.message).toBe(
      '"${{ secrets.CRATES_TOKEN }}" is expanded into the command line of "cargo": while it runs, the secret is in its ' +
        'arguments, which other processes on the runner can read (ps, /proc) and process auditing or the ' +
        "program's own error output can record. Pass it on standard input or in an environment variable the program reads itself.",
    );
    expect(findings[1]!.message).toMatch(
      /^"\$PASSWORD" \(secrets\.REGISTRY_PASSWORD\) is expanded into the command line of "docker"/,
    );
  });

  it('leaves builtins, standard input, assignments, redirections, single quotes, process substitutions, cmdlets, python and settings alone', async () => {
    const findings = await run([
      '      - run: |',
      '          echo "$PASSWORD" | docker login -u acme --password-stdin',
      '          printf \'%s\' "${{ secrets.NETRC }}" > "$RUNNER_TEMP/netrc"',
      '          gh auth login --with-token <<< "${{ github.token }}"',
      '          export TOKEN=${{ secrets.API_TOKEN }}',
      '          TOKEN=${{ secrets.API_TOKEN }} ./publish.sh',
      '          test -n "$PASSWORD" && echo set',
      "          grep -c '$PASSWORD' notes.txt",
      '          gpg --dearmor --output key.gpg <(printf \'%s\' "$PASSWORD") && ls',
      '          cat > auth.conf <<EOF',
      '          password ${{ secrets.NETRC }}',
      '          EOF',
      '      - shell: pwsh',
      '        run: Set-Content -Path pw.txt -Value "${{ secrets.PFX }}"',
      '      - shell: python',
      '        run: print(len("${{ secrets.API_TOKEN }}"))',
      '      - env:',
      '          BUCKET: ${{ secrets.R2_BUCKET_NAME }}',
      '        run: aws s3 cp out/ "s3://${BUCKET}/x" --recursive --region ${{ secrets.AWS_REGION }}',
      '      - run: gh api "/apps/${{ secrets.RELEASE_APP_ID }}/installations"',
    ]);
    expect(findings.map(at)).toEqual([]);
  });
});

describe('workflow.secret-in-command-line: reserved words and wrappers', () => {
  it('judges the command after `if`, `elif`, `while`, `!` and a `case` pattern, and the program a wrapper runs', async () => {
    const findings = await run([
      '      - run: |',
      '          if [ -z "$PASSWORD" ] && [ -z "${{ secrets.API_TOKEN }}" ]; then',
      '            echo missing',
      '          elif [[ "${PASSWORD}" == "" && -n "$PASSWORD" ]]; then',
      '            exit 1',
      '          fi',
      '          while test -n "$PASSWORD"; do break; done',
      '          case "$PASSWORD" in',
      '            a|b) echo "$PASSWORD" ;;',
      '            *) curl -u "ci:$PASSWORD" https://example.com ;;',
      '          esac',
      '          if ! wget --password="$PASSWORD" https://example.com; then exit 1; fi',
      '          timeout 60 docker login -p "$PASSWORD"',
    ]);
    expect(findings.map((f) => [at(f), f.key])).toEqual([
      [`${W}:21:28`, 'a/run/curl/secrets.REGISTRY_PASSWORD'],
      [`${W}:23:33`, 'a/run/wget/secrets.REGISTRY_PASSWORD'],
      [`${W}:24:39`, 'a/run/docker/secrets.REGISTRY_PASSWORD'],
    ]);
  });
});

describe('workflow.secret-in-command-line: hyphenated programs', () => {
  it('takes Verb-Noun for a cmdlet only in PowerShell; in bash, ansible-playbook is a program', async () => {
    const findings = await run([
      '      - run: ansible-playbook deploy.yml -e "vault_token=${{ secrets.VAULT_TOKEN }}"',
      '      - run: docker-compose run --rm cli --token=$PASSWORD',
      '      - run: sentry-cli releases new -p "${{ secrets.SENTRY_PROJECT }}" --org ${{ secrets.SENTRY_ORG }} v1',
      '      - shell: pwsh',
      '        run: Invoke-WebRequest -Uri $env:URL -Headers @{ Authorization = "${{ secrets.API_TOKEN }}" }',
    ]);
    expect(findings.map((f) => f.key)).toEqual([
      'a/run/ansible-playbook/secrets.VAULT_TOKEN',
      'a/run/docker-compose/secrets.REGISTRY_PASSWORD',
    ]);
  });
});
