import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { REPO_ROOT } from './helpers/fixtures.js';
import { strictAjv } from './reporters/helpers.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-agg-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const DECLARES_8_4 =
  'version: 1\ncontrols:\n  "8.4":\n    status: implemented\n    justification: Code owners review every change.\n    evidence: [.github/CODEOWNERS]\n';
const CODEOWNERS = '* @acme/maintainers\n';
const UNPINNED =
  'on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: some-org/deploy@v2\n';

/** Three example repositories: a failing gate with 8.4 satisfied, a gap in 8.4, and a clean one. */
const EXAMPLES: Record<string, Record<string, string>> = {
  'acme/api': {
    '.github/controls.yml': DECLARES_8_4,
    '.github/CODEOWNERS': CODEOWNERS,
    '.github/workflows/deploy.yml': UNPINNED,
  },
  'acme/web': { '.github/controls.yml': DECLARES_8_4, 'index.html': '<p>hi</p>\n' },
  'acme/docs': { '.github/controls.yml': DECLARES_8_4, '.github/CODEOWNERS': CODEOWNERS },
};
// Two rules keep the example verdicts fixed however the built-in rule set grows.
const RULES = ['--rule', 'codeowners-present', '--rule', 'workflow-unpinned-action'];

let reports = '';
beforeAll(async () => {
  reports = mkdtempSync(path.join(tmpdir(), 'cg-agg-reports-'));
  // The reports are made the way the org-check workflow makes them: `check --format json` per repository.
  for (const [name, files] of Object.entries(EXAMPLES)) {
    const r = await cli(
      'check',
      tree(files),
      ...RULES,
      '--format',
      'json',
      '--output',
      path.join(reports, `${name}.json`),
    );
    expect(r.code).toBe(name === 'acme/docs' ? 0 : 1);
  }
}, 60_000);

describe('controlgate aggregate', () => {
  it('writes the organisation summary as JSON that its schema accepts', async () => {
    const r = await cli('aggregate', reports, '--format', 'json');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const summary = JSON.parse(r.stdout);
    const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', 'aggregate.schema.json'), 'utf8'));
    const ajv = strictAjv();
    expect(ajv.validate(schema, summary), ajv.errorsText(ajv.errors)).toBe(true);

    expect(summary.summary).toMatchObject({ repositories: 3, passed: 1, failed: 2 });
    expect(summary.repositories.map((x: { name: string; gate: string }) => `${x.name} ${x.gate}`)).toEqual([
      'acme/api fail',
      'acme/docs pass',
      'acme/web fail',
    ]);
    const verdict = (repo: string, control: string) =>
      summary.repositories.find((x: { name: string }) => x.name === repo).verdicts[control];
    expect([verdict('acme/api', '8.4'), verdict('acme/docs', '8.4'), verdict('acme/web', '8.4')]).toEqual([
      'satisfied',
      'satisfied',
      'gap',
    ]);
    const c84 = summary.controls.find((c: { id: string }) => c.id === '8.4');
    expect(c84).toMatchObject({ title: 'Access to source code', satisfied: 2, gaps: ['acme/web'] });
    expect(c84.byVerdict).toMatchObject({ satisfied: 2, gap: 1, undeclared: 0 });
    // Every control each report assessed is there, each repository counted once per control.
    for (const c of summary.controls) {
      const counted = Object.values(c.byVerdict as Record<string, number>).reduce((a, b) => a + b, 0);
      expect(counted).toBe(3);
    }
    expect(
      summary.rules.map((x: { id: string; repositories: number }) => `${x.id} ${x.repositories}`),
    ).toEqual(['codeowners-present 1', 'workflow-unpinned-action 1']);
    const api = summary.repositories.find((x: { name: string }) => x.name === 'acme/api');
    expect(api.reasons).toEqual([expect.stringContaining('open finding at or above "high"')]);
  });

  it('writes Markdown for a job summary: totals, a row per repository and per control', async () => {
    const out = path.join(reports, '..', `summary-${path.basename(reports)}.md`);
    const r = await cli('aggregate', reports, '--output', out);
    expect(r.stderr).toBe(`controlgate: 3 reports, 2 failed the gate; markdown summary written to ${out}\n`);
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('**3 repositories**: 1 passed, 2 failed the gate;');
    expect(md).toContain('| <code>acme/web</code> | ❌ fail | 1 | 1 | 8.4 | 0 |');
    expect(md).toContain('| <code>acme/docs</code> | ✅ pass | 0 | 0 | — | 1 |');
    expect(md).toMatch(/\| 8\.4 Access to source code \| 2 of 3 \| 1 \|/);
    expect(md).toContain('<details><summary><code>acme/api</code>: 1 blocking finding</summary>');
  });

  it('merges the SARIF of every repository into one log, a run per repository', async () => {
    const r = await cli('aggregate', reports, '--format', 'sarif');
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.runs.map((run: { automationDetails: { id: string } }) => run.automationDetails.id)).toEqual([
      'controlgate/acme/api/',
      'controlgate/acme/docs/',
      'controlgate/acme/web/',
    ]);
    const uris = log.runs[2].results.map(
      (x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
        x.locations[0]!.physicalLocation.artifactLocation.uri,
    );
    expect(uris).toEqual(['.github/controls.yml']);
  });

  it('exits 1 with --fail-on-gate when a repository failed its gate; takes files as well as directories', async () => {
    expect((await cli('aggregate', reports, '--fail-on-gate', '--format', 'json')).code).toBe(1);
    const docs = path.join(reports, 'acme', 'docs.json');
    const one = await cli('aggregate', docs, '--fail-on-gate', '--format', 'json');
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout).repositories.map((x: { name: string }) => x.name)).toEqual(['docs']);
  });

  it('skips other JSON found in a directory, never follows links, and refuses what is not a report', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cg-agg-mixed-'));
    mkdirSync(path.join(dir, 'acme'));
    writeFileSync(path.join(dir, 'acme', 'api.json'), readFileSync(path.join(reports, 'acme', 'api.json')));
    writeFileSync(path.join(dir, 'package.json'), '{"name":"x"}');
    symlinkSync(path.join(reports, 'acme', 'web.json'), path.join(dir, 'acme', 'web.json'));
    const r = await cli('aggregate', dir, '--format', 'json');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `controlgate: skipped ${path.join(dir, 'package.json')}: not a controlgate JSON report\n`,
    );
    expect(JSON.parse(r.stdout).repositories.map((x: { name: string }) => x.name)).toEqual(['acme/api']);

    expect(await cli('aggregate', path.join(dir, 'package.json'))).toEqual({
      code: 2,
      stdout: '',
      stderr: `controlgate: ${path.join(dir, 'package.json')}: not a controlgate JSON report (check --format json writes one)\n`,
    });
    const broken = path.join(dir, 'broken.json');
    const report = JSON.parse(readFileSync(path.join(reports, 'acme', 'api.json'), 'utf8'));
    report.summary.gate.result = 'maybe';
    writeFileSync(broken, JSON.stringify(report));
    const b = await cli('aggregate', broken);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain(`${broken}: /summary/gate/result: must be one of`);
    expect((await cli('aggregate', path.join(dir, 'nothing-here'))).stderr).toContain(
      'no such file or directory',
    );
    expect((await cli('aggregate')).stderr).toContain('aggregate needs JSON reports');
    expect((await cli('aggregate', reports, '--format', 'jsn')).stderr).toContain('(did you mean json?)');
    const twice = await cli(
      'aggregate',
      path.join(reports, 'acme', 'api.json'),
      path.join(dir, 'acme', 'api.json'),
    );
    expect(twice.stderr).toContain('both stand for the repository "api"');
  });
});
