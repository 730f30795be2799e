// biome-ignore-all lint/suspicious/noTemplateCurlyInString: GitHub expressions (${{ }}) are the subject of these tests.
import { afterAll, describe, expect, it } from 'vitest';
import { workflowDownloadUnverified } from '../../src/core/evaluators/workflow/download-unverified.js';
import { evaluate, removeTrees } from '../parsers/tree.js';

afterAll(removeTrees);

const W = '.github/workflows/w.yml';
const U = 'https://github.com/example/tool/releases/download/v1.4.2';
const SUM = '24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d';

/** A `run: |` step: its script lines, then the step's other keys (`shell: bash {0}`). */
const run = (lines: string[], keys: string[] = []) =>
  ['      - run: |', ...lines.map((l) => `          ${l}`), ...keys.map((k) => `        ${k}`)].join('\n');
/** A workflow of one job whose steps start on line 6 (`jobKeys` go before `steps:`, from line 5). */
const workflow = (steps: string[], jobKeys: string[] = ['runs-on: ubuntu-latest']) =>
  ['on: push', 'jobs:', '  a:', ...jobKeys.map((k) => `    ${k}`), '    steps:', ...steps, ''].join('\n');

describe('workflow.download-unverified', () => {
  it.each([
    // [case, workflow, findings as line:severity]
    [
      'a download unpacked in the same step',
      workflow([run([`curl -fsSLo t.tgz ${U}/t.tgz`, 'tar -xzf t.tgz -C /usr/local/bin'])]),
      ['7:medium'],
    ],
    [
      'a download piped into tar',
      workflow([run([`wget -qO- ${U}/t.tgz | sudo tar xz -C /usr/local`])]),
      ['7:medium'],
    ],
    [
      'a binary made executable, then moved into PATH',
      workflow([
        run([`curl -Lo skaffold ${U}/skaffold`, 'chmod +x skaffold', 'sudo mv skaffold /usr/local/bin']),
      ]),
      ['7:medium'],
    ],
    [
      'a package installed in a later step',
      workflow([run([`curl -fsSLO ${U}/t_amd64.deb`]), run(['sudo dpkg -i t_amd64.deb'])]),
      ['7:medium'],
    ],
    [
      'a release of this same repository',
      workflow([
        run(['wget https://github.com/${{ github.repository }}/releases/download/v1/t.tgz', 'tar xf t.tgz']),
      ]),
      ['7:medium'],
    ],
    [
      'over plain HTTP',
      workflow([run(['wget -O /tmp/t.tgz http://mirror.example.org/t.tgz', 'tar xf /tmp/t.tgz'])]),
      ['7:high'],
    ],
    // Checks: under the default `bash -e`, a failed check ends the step, and so the job.
    [
      'a checksum checked in the same step',
      workflow([
        run([`curl -fsSLo t.tgz ${U}/t.tgz`, `echo "${SUM}  t.tgz" | sha256sum -c -`, 'tar -xzf t.tgz']),
      ]),
      [],
    ],
    [
      'a checksum checked in a step between',
      workflow([
        run([`curl -fsSLo t.tgz ${U}/t.tgz`]),
        run([`echo "${SUM}  t.tgz" | sha256sum -c -`]),
        run(['tar -xzf t.tgz']),
      ]),
      [],
    ],
    [
      'a blob verified by cosign',
      workflow([run([`curl -fsSLO ${U}/t`, 'cosign verify-blob --bundle t.bundle t', 'chmod +x t'])]),
      [],
    ],
    [
      'a checksum under a shell with -E and -e together',
      workflow(
        [
          run([
            `curl -fsSLo /tmp/k3d ${U}/k3d`,
            'sha256sum -c k3d.sha256',
            'install /tmp/k3d /usr/local/bin/k3d',
          ]),
        ],
        ['runs-on: ubuntu-latest', 'defaults:', '  run:', "    shell: 'bash -Eeuo pipefail -x {0}'"],
      ),
      [],
    ],
    // ... unless the step's shell has no -e, the script turns it off, or the check may fail.
    [
      'a checksum under `bash {0}`, which goes on past it',
      workflow([
        run(
          [`curl -fsSLo t.tgz ${U}/t.tgz`, `echo "${SUM}  t.tgz" | sha256sum -c -`, 'tar -xzf t.tgz'],
          ['shell: bash {0}'],
        ),
      ]),
      ['7:medium'],
    ],
    [
      'a checksum whose failure `|| echo` lets pass',
      workflow([
        run([
          `curl -fsSLo t.tgz ${U}/t.tgz`,
          `echo "${SUM}  t.tgz" | sha256sum -c - || echo mismatch`,
          'tar -xzf t.tgz',
        ]),
      ]),
      ['7:medium'],
    ],
    [
      'a checksum whose failure a subshell that exits turns into the end of the step',
      workflow([
        run([
          `curl -fsSLo t.tgz ${U}/t.tgz`,
          `[ "$(sha256sum t.tgz | cut -d' ' -f1)" = "${SUM}" ] || (echo mismatch; exit 1)`,
          'tar -xzf t.tgz',
        ]),
      ]),
      [],
    ],
    [
      'a checksum after set +e',
      workflow([run(['set +e', `curl -fsSLo t.tgz ${U}/t.tgz`, 'sha256sum -c t.sha256', 'tar -xzf t.tgz'])]),
      ['8:medium'],
    ],
    [
      'a checksum in a step that may fail',
      workflow([
        run([`curl -fsSLo t.tgz ${U}/t.tgz`]),
        run([`echo "${SUM}  t.tgz" | sha256sum -c -`], ['continue-on-error: true']),
        run(['tar -xzf t.tgz']),
      ]),
      ['7:medium'],
    ],
    // What is not read, or not this rule's.
    [
      'a step in PowerShell between that names the file',
      workflow([
        run([`curl -fsSLo t.tgz ${U}/t.tgz`]),
        run(['if ((Get-FileHash t.tgz).Hash -ne $env:SUM) { exit 1 }'], ['shell: pwsh']),
        run(['tar -xzf t.tgz']),
      ]),
      [],
    ],
    [
      'an action between given the file',
      workflow([
        run([`curl -fsSLo t.tgz ${U}/t.tgz`]),
        '      - uses: example/verify-checksum@v1\n        with:\n          file: t.tgz',
        run(['tar -xzf t.tgz']),
      ]),
      [],
    ],
    [
      'a Windows runner, whose default shell is PowerShell',
      workflow([run([`curl -fsSLo t.zip ${U}/t.zip`, 'tar -xf t.zip'])], ['runs-on: windows-latest']),
      [],
    ],
    ['a download piped into a shell', workflow([run([`curl -fsSL ${U}/install.sh | sh`])]), []],
    [
      'a script downloaded and run in the same step',
      workflow([run([`curl -fsSLo install.sh ${U}/install.sh`, 'bash install.sh'])]),
      [],
    ],
    [
      'a script downloaded, then run by a later step',
      workflow([run([`curl -fsSLo install.sh ${U}/install.sh`]), run(['bash install.sh'])]),
      ['7:medium'],
    ],
    [
      'a download only read',
      workflow([run([`curl -fsSLo notes.json ${U}/notes.json`, 'jq .version notes.json'])]),
      [],
    ],
  ])('%s', async (_case, text, expected) => {
    const findings = await evaluate(workflowDownloadUnverified, { [W]: text }, {});
    expect(findings.map((f) => `${f.location!.startLine}:${f.severity ?? 'medium'}`)).toEqual(expected);
  });

  it('names the host and the use, and the later step that uses it', async () => {
    const findings = await evaluate(
      workflowDownloadUnverified,
      {
        [W]: workflow([
          run([`curl -fsSLo /tmp/t.tgz ${U}/t.tgz`], ['id: fetch']),
          '      - name: Install tool\n        run: sudo tar -xzf /tmp/t.tgz -C /usr/local/bin',
        ]),
      },
      {},
    );
    expect(
      findings.map((f) => [f.location!.startLine, f.location!.startColumn, f.message.split(' with no ')[0]]),
    ).toEqual([[7, 11, 'Downloads `/tmp/t.tgz` from github.com and unpacks it in the step "Install tool"']]);
  });

  it('reads the steps of a composite action', async () => {
    const findings = await evaluate(
      workflowDownloadUnverified,
      {
        'action.yml': [
          'name: setup',
          'runs:',
          '  using: composite',
          '  steps:',
          '    - run: |',
          `        curl -LO ${U}/kubectl`,
          '        chmod +x ./kubectl',
          '      shell: bash',
          '',
        ].join('\n'),
      },
      {},
    );
    expect(findings.map((f) => `${f.location!.path}:${f.location!.startLine}`)).toEqual(['action.yml:6']);
  });
});
