import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Io, main } from '../src/cli/main.js';
import { startProgress } from '../src/cli/progress.js';
import { closest, didYouMean, editDistance } from '../src/core/suggest.js';

const ESC = '\u001b';

async function cli(argv: string[], io: Partial<Io> = {}, progressDelayMs?: number) {
  let stdout = '';
  let stderr = '';
  const code = await main(
    argv,
    {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      isTTY: false,
      ...io,
    },
    progressDelayMs === undefined ? {} : { progressDelayMs },
  );
  return { code, stdout, stderr };
}

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-manners-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/** Three workflows, each with an action referenced by a tag: three findings of one rule that blocks. */
const UNPINNED = Object.fromEntries(
  ['a', 'b', 'c'].map((n) => [
    `.github/workflows/${n}.yml`,
    `on: push\npermissions: {}\njobs:\n  ${n}:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: some-org/tool-${n}@v1\n`,
  ]),
);
const ONE_RULE = ['--rule', 'workflow-unpinned-action'];

describe('colours: FORCE_COLOR, NO_COLOR and the terminal, as Node decides them', () => {
  const root = tree(UNPINNED);
  beforeEach(() => {
    for (const name of ['FORCE_COLOR', 'NO_COLOR', 'NODE_DISABLE_COLORS', 'CI', 'TMUX'])
      vi.stubEnv(name, undefined);
    vi.stubEnv('TERM', 'xterm-256color');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  const coloured = async (io: Partial<Io>, ...flags: string[]) =>
    (await cli(['check', root, ...ONE_RULE, ...flags], io)).stdout.includes(ESC);

  it('a terminal gets colours, a pipe does not', async () => {
    expect(await coloured({ isTTY: true })).toBe(true);
    expect(await coloured({ isTTY: false })).toBe(false);
  });

  it('NO_COLOR turns them off on a terminal; FORCE_COLOR turns them on in a pipe, or off with 0', async () => {
    vi.stubEnv('NO_COLOR', '1');
    expect(await coloured({ isTTY: true })).toBe(false);
    vi.stubEnv('NO_COLOR', undefined);
    vi.stubEnv('FORCE_COLOR', '1');
    expect(await coloured({ isTTY: false })).toBe(true);
    vi.stubEnv('FORCE_COLOR', '0');
    expect(await coloured({ isTTY: true })).toBe(false);
  });

  it('--color and --no-color win over the environment; a report written to a file has none', async () => {
    vi.stubEnv('FORCE_COLOR', '1');
    expect(await coloured({ isTTY: true }, '--no-color')).toBe(false);
    vi.stubEnv('FORCE_COLOR', undefined);
    vi.stubEnv('NO_COLOR', '1');
    expect(await coloured({ isTTY: false }, '--color')).toBe(true);
    vi.stubEnv('NO_COLOR', undefined);
    const out = path.join(root, 'out', 'report.txt');
    await cli(['check', root, ...ONE_RULE, '--output', out], { isTTY: true });
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(out, 'utf8')).not.toContain(ESC);
  });
});

describe('did you mean', () => {
  it('suggests close names: typos, swaps and prefixes, closest first', () => {
    expect(editDistance('contorls', 'controls')).toBe(1);
    expect(closest('--frmat', ['--format', '--fail-on', '--output'])).toEqual(['--format']);
    expect(closest('--fail', ['--fail-on', '--fail-on-gap', '--format'])).toEqual([
      '--fail-on',
      '--fail-on-gap',
    ]);
    expect(didYouMean('8.35', ['5.35', '8.3', '8.5', '8.25', '8.33', '8.34'])).toBe(
      ' (did you mean 8.33, 8.34 or 8.3?)',
    );
    expect(didYouMean('zzz', ['check', 'init'])).toBe('');
  });

  it('answers an unknown option with a suggestion, the usage line and a pointer to --help', async () => {
    expect(await cli(['check', '--frmat', 'json'])).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        'controlgate: unknown option --frmat (did you mean --format?)',
        'usage: controlgate check [dir] [--format text|json|sarif|markdown|junit|csv|cyclonedx|oscal] [--output file] [options]',
        'Run `controlgate --help` for every command and option.',
        '',
      ].join('\n'),
    });
    const short = await cli(['rules', '-x']);
    expect(short.stderr).toBe(
      'controlgate: unknown option -x\nusage: controlgate rules [--kinds] [--json] [--rules dir]\nRun `controlgate --help` for every command and option.\n',
    );
    expect((await cli(['check', '--format'])).stderr.split('\n')[0]).toBe(
      'controlgate: option --format needs a value',
    );
    expect((await cli(['check', '--verbose=yes'])).stderr.split('\n')[0]).toBe(
      'controlgate: option --verbose takes no value',
    );
    expect((await cli(['check', '--outptu', 'x'])).stderr).not.toContain('To specify a positional argument');
  });

  it('suggests commands, formats, rule ids and control ids', async () => {
    expect(await cli(['chek', '.'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'controlgate: unknown command "chek" (did you mean check?)\nusage: controlgate <check|fix|soa|init|rules|controls|explain|aggregate> [options]\nRun `controlgate --help` for every command and option.\n',
    });
    expect((await cli(['check', '.', '--format', 'jsn'])).stderr).toBe(
      'controlgate: --format must be one of text, json, sarif, markdown, junit, csv, cyclonedx, oscal; got "jsn" (did you mean json?)\n',
    );
    const root = tree({ 'a.txt': 'a\n' });
    expect(await cli(['check', root, '--rule', 'workflow-unpined-action'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'controlgate: unknown rule id: workflow-unpined-action (did you mean workflow-unpinned-action?) (`controlgate rules` lists them)\n',
    });
    const explain = await cli(['explain', 'codeowners-presnt']);
    expect(explain.stderr).toContain(
      'no rule or control with id "codeowners-presnt" (did you mean codeowners-present?)',
    );
    expect((await cli(['explain', '8.35'])).stderr).toContain('(did you mean 8.30, 8.31 or 8.32?)');
  });

  it('suggests the rule id a configuration meant', async () => {
    const root = tree({
      '.controlgate.yml': 'version: 1\nrules:\n  workflow-unpined-action: off\n',
      'a.txt': 'a\n',
    });
    const r = await cli(['check', root, '--fail-on', 'never', '--format', 'json']);
    expect(r.stderr).toBe(
      'warning: .controlgate.yml: /rules/workflow-unpined-action: no rule has this id (did you mean workflow-unpinned-action?); the setting is ignored\n',
    );
  });
});

describe('--compact and --blocking-only', () => {
  const root = tree({
    ...UNPINNED,
    '.github/workflows/d.yml':
      'on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
  });
  const text = async (...flags: string[]) =>
    (
      await cli([
        'check',
        root,
        '--rule',
        'workflow-unpinned-action',
        '--rule',
        'workflow-permissions',
        ...flags,
      ])
    ).stdout;

  it('say each rule fix once instead of under every finding, in fewer lines', async () => {
    const full = await text();
    const compact = await text('--compact');
    const fix = 'fix:  ';
    expect(full.split(fix).length - 1).toBeGreaterThanOrEqual(4);
    expect(compact.split(fix).length - 1).toBe(2);
    expect(compact.split('\n').length).toBeLessThan(full.split('\n').length);
    expect(compact).toContain('Fixes (2 rules)');
    expect(compact).toMatch(/^ {2}workflow-unpinned-action {2}\(3 findings\)$/m);
  });

  it('--blocking-only lists only what fails the gate', async () => {
    const out = await text('--blocking-only');
    const listed = out.split('\n').filter((l) => /^[! ] (critical|high|medium|low|info) /.test(l));
    expect(listed).toHaveLength(3);
    expect(listed.every((l) => l.startsWith('! ') && l.includes('[workflow-unpinned-action]'))).toBe(true);
    expect(out).toMatch(/^\d+ findings? that do(es)? not block (is|are) not listed$/m);
    expect(out).toContain('Gate: FAIL');
  });
});

describe('progress line', () => {
  const root = tree(UNPINNED);

  it('on a terminal, a check that lasts draws a line on stderr and erases it before the report', async () => {
    const r = await cli(['check', root, ...ONE_RULE], { stderrIsTTY: true }, 0);
    expect(r.stderr.startsWith(`\r${ESC}[2Kcontrolgate: checking ${root}`)).toBe(true);
    expect(r.stderr.endsWith(`\r${ESC}[2K`)).toBe(true);
    expect(r.stdout).not.toContain('\r');
    expect(r.code).toBe(1);
  });

  it('is never drawn off a terminal, nor for a run shorter than its delay', async () => {
    expect((await cli(['check', root, ...ONE_RULE], { stderrIsTTY: false }, 0)).stderr).toBe('');
    expect((await cli(['check', root, ...ONE_RULE], { stderrIsTTY: true }, 60_000)).stderr).toBe('');
  });

  it('appears after 2 s, redraws every second with the phase, and erases itself', () => {
    vi.useFakeTimers();
    try {
      let written = '';
      let now = 0;
      const p = startProgress({
        write: (t) => (written += t),
        enabled: true,
        label: 'checking .',
        now: () => now,
      });
      now = 1999;
      vi.advanceTimersByTime(1999);
      expect(written).toBe('');
      now = 2000;
      vi.advanceTimersByTime(1);
      expect(written).toBe(`\r${ESC}[2Kcontrolgate: checking . (2 s)`);
      p.phase('indexed 120000 files\u001b[31m');
      now = 3000;
      vi.advanceTimersByTime(1000);
      expect(
        written.endsWith(`\r${ESC}[2Kcontrolgate: checking .: indexed 120000 files\\x1B[31m (3 s)`),
      ).toBe(true);
      p.stop();
      expect(written.endsWith(`(3 s)\r${ESC}[2K`)).toBe(true);
      const before = written;
      vi.advanceTimersByTime(5000);
      expect(written).toBe(before);
    } finally {
      vi.useRealTimers();
    }
  });
});
