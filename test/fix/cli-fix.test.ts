import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_SUGGESTION_CHARS, placeFindings } from '../../src/action/review-sink.js';
import { main } from '../../src/cli/main.js';
import { runCheck } from '../../src/core/engine.js';
import { fixedRegionText, makeFix, regionOf } from '../../src/core/fix/edits.js';
import type { Finding, Report } from '../../src/core/types.js';
import { schemaValidator, validate } from '../../src/core/validate.js';
import { LineIndex } from '../../src/core/workspace/lines.js';
import { renderJson } from '../../src/reporters/json.js';
import { suggestionBlock } from '../../src/reporters/review.js';
import { renderText } from '../../src/reporters/text.js';
import { cleanupTrees, tree } from './round-trip.js';

afterAll(cleanupTrees);

const POD = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: app\n    image: app\n';
const FIXED = `${POD}    securityContext:\n      allowPrivilegeEscalation: false\n`;

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('controlgate fix', () => {
  it('--dry-run prints the diff and writes nothing; exit 0 when what blocks is fixed', async () => {
    const root = tree({ 'k8s/pod.yaml': POD });
    const r = await cli([
      'fix',
      root,
      '--rule',
      'k8s-privilege-escalation',
      '--dry-run',
      '--fail-on',
      'medium',
    ]);
    expect(r).toEqual({
      code: 0,
      stdout:
        '--- a/k8s/pod.yaml\n+++ b/k8s/pod.yaml\n@@ -4,3 +4,5 @@\n   containers:\n   - name: app\n     image: app\n+    securityContext:\n+      allowPrivilegeEscalation: false\n',
      stderr:
        'controlgate fix: would apply 1 fix in 1 file (dry run: nothing written)\n  k8s/pod.yaml:5 k8s-privilege-escalation: Set securityContext.allowPrivilegeEscalation: false on the container\n',
    });
    expect(readFileSync(path.join(root, 'k8s/pod.yaml'), 'utf8')).toBe(POD);
  });

  it('writes the fixed files, keeping a byte-order mark; a second run has nothing to do', async () => {
    const root = tree({ 'k8s/pod.yaml': `\uFEFF${POD}` });
    expect((await cli(['fix', root, '--rule', 'k8s-privilege-escalation'])).code).toBe(0);
    expect(readFileSync(path.join(root, 'k8s/pod.yaml'), 'utf8')).toBe(`\uFEFF${FIXED}`);
    expect(await cli(['fix', root, '--rule', 'k8s-privilege-escalation'])).toEqual({
      code: 0,
      stdout: '',
      stderr: 'controlgate fix: applied 0 fixes in 0 files\n',
    });
  });

  it('exit 1 when findings that fail the gate have no mechanical fix, with the reason', async () => {
    const root = tree({
      Dockerfile: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD ["app.exe"]\n',
    });
    const r = await cli(['fix', root, '--rule', 'dockerfile-root-user', '--fail-on', 'medium']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'controlgate fix: applied 0 fixes in 0 files',
        'not fixed (1):',
        '  Dockerfile:1 dockerfile-root-user: a Windows image names its users (USER ContainerUser); set one by hand',
        '1 finding remains without a mechanical fix, 1 blocking (`controlgate check` lists them); gate fail',
        '',
      ].join('\n'),
    );
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['fix', 'a', 'b'])).code).toBe(2);
    const r = await cli(['fix', tree({ 'a.txt': 'a\n' }), '--rule', 'k8s-privilege-escalaton']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(did you mean k8s-privilege-escalation?)');
  });
});

describe('fixes in reports', () => {
  it('the JSON report carries them and validates against the schema; the text report counts them', async () => {
    const root = tree({
      'k8s/pod.yaml': POD,
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
    });
    const report = await runCheck({
      root,
      onlyRules: ['k8s-privilege-escalation', 'workflow-unpinned-action'],
    });
    const json = JSON.parse(renderJson(report));
    expect(validate(schemaValidator('report.schema.json'), json)).toEqual([]);
    const pod = json.findings.find((f: { ruleId: string }) => f.ruleId === 'k8s-privilege-escalation');
    expect(pod.fix).toEqual({
      description: 'Set securityContext.allowPrivilegeEscalation: false on the container',
      edits: [{ start: 74, end: 74, text: '    securityContext:\n      allowPrivilegeEscalation: false\n' }],
      region: { startLine: 6, endLine: 6, offset: 59, text: '    image: app\n' },
    });
    const pin = json.findings.find((f: { ruleId: string }) => f.ruleId === 'workflow-unpinned-action');
    expect(pin.fix.resolve).toEqual({
      kind: 'tag-commit',
      repository: 'actions/checkout',
      ref: 'v4',
      edit: 0,
    });
    expect(renderText(report, { color: false })).toContain(
      '2 findings with a mechanical fix: `controlgate fix` applies them (--dry-run shows the diff)',
    );
  });
});

describe('edits and suggestions', () => {
  const text = 'a: 1\nb: 2\nc: 3\n';
  const lines = new LineIndex(text);

  it('an insertion at a line start belongs to the line before; replacements to their own lines', () => {
    expect(regionOf(text, lines, [{ start: 5, end: 5, text: 'x: 0\n' }])).toEqual({
      startLine: 1,
      endLine: 1,
      offset: 0,
      text: 'a: 1\n',
    });
    expect(
      regionOf(text, lines, [
        { start: 8, end: 9, text: '9' },
        { start: 13, end: 14, text: '8' },
      ]),
    ).toMatchObject({
      startLine: 2,
      endLine: 3,
    });
    const fix = makeFix(text, lines, 'd', [{ start: 13, end: 14, text: '4\nd: 5' }])!;
    expect(fixedRegionText(fix)).toBe('c: 4\nd: 5');
  });

  it('malformed or empty edits make no fix', () => {
    expect(makeFix(text, lines, 'd', [])).toBeUndefined();
    expect(makeFix(text, lines, 'd', [{ start: 3, end: 1, text: '' }])).toBeUndefined();
    expect(makeFix(text, lines, 'd', [{ start: 0, end: 4, text: 'a: 1' }])).toBeUndefined();
    expect(
      makeFix(text, lines, 'd', [
        { start: 0, end: 4, text: 'x' },
        { start: 2, end: 6, text: 'y' },
      ]),
    ).toBeUndefined();
  });

  it('a suggestion fence is longer than any backtick run in the lines', () => {
    expect(suggestionBlock('echo `date`')).toBe('```suggestion\necho `date`\n```');
    expect(suggestionBlock('x\n````\ny')).toBe('`````suggestion\nx\n````\ny\n`````');
    expect(suggestionBlock('')).toBe('```suggestion\n```');
    expect(suggestionBlock('a\r\nb')).toBe('```suggestion\na\nb\n```');
  });

  it('a review comment carries the fix when the pull request adds its lines, up to a size', () => {
    const finding = (edit: string) =>
      ({
        status: 'open',
        isNew: true,
        location: { path: 'a.yml', startLine: 2, endLine: 2 },
        fix: makeFix(text, lines, 'd', [{ start: 8, end: 9, text: edit }]),
      }) as unknown as Finding;
    const place = (f: Finding, added: (line: number) => boolean) =>
      placeFindings(
        { findings: [f] } as unknown as Report,
        {
          pr: {
            prefix: '',
            index: {
              firstAddedLine: (_p: string, from: number, to: number) => {
                for (let l = from; l <= to; l++) if (added(l)) return l;
                return undefined;
              },
            },
          },
        } as never,
      ).map(({ finding: _, ...p }) => p);
    expect(place(finding('9'), () => true)).toEqual([{ path: 'a.yml', line: 2, suggestion: 'b: 9' }]);
    expect(place(finding('9\nx: 1'), () => true)).toEqual([
      { path: 'a.yml', line: 2, suggestion: 'b: 9\nx: 1' },
    ]);
    // Lines 2 and 3 change: a suggestion over both only when the pull request adds both.
    const two = { ...finding('9') };
    two.fix = makeFix(text, lines, 'd', [{ start: 8, end: 14, text: '9\nc: 4' }]);
    expect(place(two, () => true)).toEqual([
      { path: 'a.yml', startLine: 2, line: 3, suggestion: 'b: 9\nc: 4' },
    ]);
    expect(place(two, (l) => l === 2)).toEqual([{ path: 'a.yml', line: 2 }]);
    const long = 'x'.repeat(MAX_SUGGESTION_CHARS);
    expect(place(finding(long), () => true)).toEqual([{ path: 'a.yml', line: 2 }]);
    expect(place(finding('9'), (l) => l !== 2)).toEqual([]);
  });
});
