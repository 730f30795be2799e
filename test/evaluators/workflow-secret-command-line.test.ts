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

  it.each([
    ['DUMMY_ENCRYPTION_KEY', 0],
    ['FAKE_LICENSE_TOKEN', 0],
    ['ENCRYPTION_KEY', 1],
  ])('reads secrets.%s in docker run -e by what its name says: %i finding(s)', async (name, count) => {
    const findings = await run([
      '      - env:',
      `          KEY: \${{ secrets.${name} }}`,
      '        run: docker run --rm -e ENCRYPTION_KEY="$KEY" app:test',
    ]);
    expect(findings.map((f) => f.key)).toEqual(count ? [`a/run/docker/secrets.${name}`] : []);
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

describe('workflow.secret-in-command-line: shell functions the script defines or sources', () => {
  const LIB = [
    'function publishImages {',
    '    local user=$1',
    '    local password=$2',
    '    printf \'%s\\n\' "$password" | docker login --username "$user" --password-stdin',
    '    for image in ${@:3}',
    '    do',
    '        retry 5 docker push $image',
    '    done',
    '}',
    '',
    'notes() {',
    '    local token=$1',
    '    release=$(curl -X POST -H "Authorization: token ${token:-none}" https://api.github.com | jq .body)',
    '    echo "$release"',
    '}',
    '',
  ].join('\n');
  const files = (script: string[]) => ({
    [W]: `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${script.map((l) => `          ${l}\n`).join('')}`,
    'tools/release/utils.sh': LIB,
  });
  it('reports a secret only where the function body puts it in the arguments of a program', async () => {
    const findings = await evaluate(
      workflowSecretInCommandLine,
      files([
        'source tools/release/utils.sh',
        'publishImages "${{ secrets.HUB_USER }}" "${{ secrets.HUB_PASSWORD }}" $images',
        'notes "${{ secrets.GITHUB_TOKEN }}"',
        'local_fn() {',
        '  curl -u "ci:$1" https://example.com',
        '}',
        'local_fn "${{ secrets.API_TOKEN }}"',
        'unknown_fn "${{ secrets.OTHER_TOKEN }}"',
        'publishImages $@ "${{ secrets.HUB_PASSWORD }}"',
      ]),
      {},
    );
    expect(findings.map((f) => [at(f), f.message.slice(0, f.message.indexOf(': while'))])).toEqual([
      [
        `${W}:9:18`,
        '"${{ secrets.GITHUB_TOKEN }}" is passed to the shell function "notes" (tools/release/utils.sh), which expands it into the command line of "curl"',
      ],
      [
        `${W}:13:21`,
        '"${{ secrets.API_TOKEN }}" is passed to the shell function "local_fn", which expands it into the command line of "curl"',
      ],
      [`${W}:14:23`, '"${{ secrets.OTHER_TOKEN }}" is expanded into the command line of "unknown_fn"'],
      [`${W}:15:29`, '"${{ secrets.HUB_PASSWORD }}" is expanded into the command line of "publishimages"'],
    ]);
  });

  it('does not read functions of a file sourced after the call, or by a path with a variable', async () => {
    const findings = await evaluate(
      workflowSecretInCommandLine,
      files([
        'publishImages "${{ secrets.HUB_USER }}" "${{ secrets.HUB_PASSWORD }}"',
        'source "$DIR/utils.sh"',
        'publishImages "${{ secrets.HUB_USER }}" "${{ secrets.HUB_PASSWORD }}"',
        'source ./tools/release/utils.sh',
      ]),
      {},
    );
    expect(findings.map(at)).toEqual([`${W}:7:52`, `${W}:9:52`]);
  });
});

describe('workflow.secret-in-command-line: an unquoted substitution assigned to a variable', () => {
  it('names the program of `out=$(curl ...)`, not its first option', async () => {
    const findings = await run([
      '      - run: |',
      '          out=$(curl -H "Authorization: token ${{ secrets.API_TOKEN }}" https://x)',
    ]);
    expect(findings.map((f) => f.message.slice(0, f.message.indexOf(': while')))).toEqual([
      '"${{ secrets.API_TOKEN }}" is expanded into the command line of "curl"',
    ]);
  });
});

describe('workflow.secret-in-command-line: addresses and quoted arguments over several lines', () => {
  it.each([
    [
      'a secret named for an address, passed as a host',
      [
        '      - env:',
        '          SERVER_IP: ${{ secrets.BENCH_SERVER_IP }}',
        '        run: |',
        '          ssh -i key ci@${SERVER_IP} uptime',
        '          sudo iptables -A OUTPUT -d ${{ secrets.DB_IP_ADDRESS }} -p tcp --dport ${{ secrets.DB_PORT }} -j ACCEPT',
      ],
      [],
    ],
    [
      'a password next to an address stays reported',
      ['      - run: sshpass -p "${{ secrets.SSH_PASSWORD }}" ssh ci@${{ secrets.BENCH_SERVER_IP }} uptime'],
      ['a/run/sshpass/secrets.SSH_PASSWORD'],
    ],
    [
      'a JSON body quoted over several lines: the program is curl, not a key of the body',
      [
        '      - run: |',
        '          curl -sf -X POST https://hooks.example.com/incoming \\',
        "            -d '{",
        '              "ref": "main",',
        '              "secret": "\'"${{ secrets.HOOK_SECRET }}"\'"',
        "            }'",
        '          echo done',
      ],
      ['a/run/curl/secrets.HOOK_SECRET'],
    ],
    [
      'a variable that holds one secret or another',
      [
        '      - env:',
        '          TOKEN: ${{ secrets.REGISTRY_TOKEN || github.token }}',
        "          SITE: ${{ secrets.SITE_HOST || 'example.com' }}",
        '          MIXED: ${{ secrets.API_TOKEN || github.ref }}',
        '        run: |',
        '          kubectl create secret generic auth --from-literal=token="${TOKEN}"',
        '          curl "https://$SITE/x" -d "$MIXED"',
      ],
      ['a/run/kubectl/secrets.REGISTRY_TOKEN'],
    ],
    [
      'a builtin given a quoted argument over several lines starts no process',
      [
        '      - run: |',
        "          printf '%s\\n' '{",
        '            "secret": "\'"$PASSWORD"\'"',
        "          }' > body.json",
      ],
      [],
    ],
  ])('%s', async (_name, lines, keys) => {
    const findings = await run(lines);
    expect(findings.map((f) => f.key)).toEqual(keys);
  });
});

describe('workflow.secret-in-command-line: settings qualified after their word, and identifiers', () => {
  it.each([
    [
      'a bucket named with a qualifier after BUCKET, and a repository name',
      [
        '      - run: |',
        '          aws s3 sync out/ "s3://${{ secrets.STORE_S3_BUCKET_RELEASE }}/x"',
        '          aws s3 cp a "s3://${{ secrets.STORE_S3_BUCKET_STAGING_SOURCES }}/a"',
        '          gh release view v1 --repo ${{ secrets.PACKAGES_REPO }}',
      ],
      [],
    ],
    [
      'a cloud resource group',
      [
        '      - run: |',
        '          az aks list --resource-group ${{ secrets.AZURE_RESOURCEGROUP }}',
        '          az group show --name ${{ secrets.DEV_RESOURCE_GROUP_NAME }}',
        '          az login --password ${{ secrets.AZURE_RESOURCEGROUP_PASSWORD }}',
      ],
      ['a/run/az/secrets.AZURE_RESOURCEGROUP_PASSWORD'],
    ],
    [
      "an access key's id is an identifier, its secret key stays reported",
      [
        '      - run: |',
        '          sed -i "s/ID/${{ secrets.search_aws_access_id }}/" vars.tf',
        '          sed -i "s/KID/${{ secrets.STORE_ACCESS_KEY_ID }}/" vars.tf',
        '          sed -i "s/KEY/${{ secrets.search_aws_secret_key }}/" vars.tf',
      ],
      ['a/run/sed/secrets.search_aws_secret_key'],
    ],
    [
      'names of images, organisations, namespaces and profiles, whatever words come before the name',
      [
        '      - run: |',
        '          docker buildx imagetools create -t ${{ secrets.HUB_NAMESPACE_NAME }}/${{ secrets.WEB_IMAGE_NAME }}:latest ${{ secrets.DOCKER_ORG_NAME }}/${{ secrets.DOCKER_BACKEND_CONTAINER_NAME }}:rc',
        '          signer -a ${{ secrets.CLOUD_SIGNING_ACCOUNT_NAME }} -c ${{ secrets.CLOUD_CERT_PROFILE_NAME }} -s ${{ secrets.CLOUD_CLIENT_SECRET }} app.exe',
      ],
      ['a/run/signer/secrets.CLOUD_CLIENT_SECRET'],
    ],
    [
      'a URL that carries a credential, and a word after an identifier that says what it holds',
      [
        '      - run: |',
        '          curl -fsS -d ok ${{ secrets.SLACK_WEBHOOK_URL }}',
        '          psql ${{ secrets.DATABASE_URL }} -c "select 1"',
        '          board-tool --token ${{ secrets.PROJECT_WRITER }}',
        '          jwt-tool --key ${{ secrets.GITHUB_APP_PEM }}',
        '          curl -fsS ${{ secrets.GRAFANA_URL }}/api/health',
      ],
      [
        'a/run/curl/secrets.SLACK_WEBHOOK_URL',
        'a/run/psql/secrets.DATABASE_URL',
        'a/run/board-tool/secrets.PROJECT_WRITER',
        'a/run/jwt-tool/secrets.GITHUB_APP_PEM',
      ],
    ],
    [
      'a credential word after the setting word keeps it a credential',
      [
        '      - run: |',
        '          deploy-tool --key ${{ secrets.DEPLOY_HOST_SSH_KEY }}',
        '          sync-tool --token ${{ secrets.BUCKET_WRITE_TOKEN }}',
        '          db-tool --pass ${{ secrets.DB_HOST_PW }}',
        '          git-tool --token ${{ secrets.RELEASE_REPO_TOKEN }}',
      ],
      [
        'a/run/deploy-tool/secrets.DEPLOY_HOST_SSH_KEY',
        'a/run/sync-tool/secrets.BUCKET_WRITE_TOKEN',
        'a/run/db-tool/secrets.DB_HOST_PW',
        'a/run/git-tool/secrets.RELEASE_REPO_TOKEN',
      ],
    ],
  ])('%s', async (_name, lines, keys) => {
    const findings = await run(lines);
    expect(findings.map((f) => f.key)).toEqual(keys);
  });
});
