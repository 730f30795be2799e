import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as actionsCore from '@actions/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as runner from '../../src/action/commands.js';
import { parseOutputFile } from '../helpers/run-action.js';

/** What a call printed on stdout, with the environment given for the call only. */
function stdoutOf(fn: () => unknown, env: Record<string, string | undefined> = {}): string {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fn();
  } finally {
    spy.mockRestore();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return chunks.join('');
}

const noOutputFile = { GITHUB_OUTPUT: undefined };

// Text that exercises every escape: the characters the runner decodes, the property separators,
// and look-alikes of a command or an escape sequence.
const hostile = fc.oneof(
  fc.string(),
  fc.stringMatching(/^[%:,\r\n a-z0-9A]*$/),
  fc.constantFrom('%0A', '::error::x', '50%', 'a,b:c', '\r\n', '%25', 'ghadelimiter_x', '', '::'),
);

describe('workflow commands', () => {
  it('escapes data and properties exactly as the runner decodes them', () => {
    expect(runner.formatCommand('warning', { title: 'a:b,c', file: 'x%y\nz' }, 'line 1\r\nline 2 100%')).toBe(
      '::warning title=a%3Ab%2Cc,file=x%25y%0Az::line 1%0D%0Aline 2 100%25',
    );
    // A message cannot close the command early or start a second one on a new line.
    expect(runner.formatCommand('error', {}, 'x\n::error::injected')).toBe('::error::x%0A::error::injected');
    expect(runner.formatCommand('debug', {}, undefined)).toBe('::debug::');
    expect(runner.formatCommand('set-output', { name: 'n' }, 6)).toBe('::set-output name=n::6');
  });

  it('prints annotations with their location under the runner names, empty properties left out', () => {
    const out = stdoutOf(() => {
      runner.error('bad', {
        title: 'T',
        file: 'src/a.ts',
        startLine: 3,
        endLine: 4,
        startColumn: 2,
        endColumn: 9,
      });
      runner.warning('w', { file: 'b.yml', startLine: 1 });
      runner.notice('n', {});
      runner.notice('n0', { startLine: 0 });
    });
    expect(out).toBe(
      [
        '::error title=T,file=src/a.ts,line=3,endLine=4,col=2,endColumn=9::bad',
        '::warning file=b.yml,line=1::w',
        '::notice::n',
        // Keys but no non-empty value: the space stays, as @actions/core writes it.
        '::notice ::n0',
        '',
      ].join('\n'),
    );
  });

  it('writes every command byte for byte as @actions/core does, for any text', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, fc.nat(5000), (message, title, file, line) => {
        const props = { title, file, startLine: line, endColumn: line + 1 };
        const calls: [string, () => void, () => void][] = [
          ['info', () => runner.info(message), () => actionsCore.info(message)],
          ['debug', () => runner.debug(message), () => actionsCore.debug(message)],
          ['error', () => runner.error(message, props), () => actionsCore.error(message, props)],
          ['warning', () => runner.warning(message, props), () => actionsCore.warning(message, props)],
          ['notice', () => runner.notice(message, props), () => actionsCore.notice(message, props)],
          ['notice', () => runner.notice(message), () => actionsCore.notice(message)],
          ['setSecret', () => runner.setSecret(message), () => actionsCore.setSecret(message)],
          [
            'setOutput',
            () => runner.setOutput(title || 'x', message),
            () => actionsCore.setOutput(title || 'x', message),
          ],
        ];
        for (const [name, ours, theirs] of calls) {
          expect(stdoutOf(ours, noOutputFile), name).toBe(stdoutOf(theirs, noOutputFile));
        }
      }),
    );
  });

  it('fails the step with exit code 1 and an error annotation', () => {
    const before = process.exitCode;
    try {
      process.exitCode = undefined;
      expect(stdoutOf(() => runner.setFailed('gate failed: 1 blocking\nsee log'))).toBe(
        '::error::gate failed: 1 blocking%0Asee log\n',
      );
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = before;
    }
  });

  it('folds a group and closes it when the body throws', async () => {
    const chunks: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      chunks.push(String(c));
      return true;
    });
    try {
      await expect(
        runner.group('controlgate: 2 findings', async () => {
          runner.info('inside');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await runner.group('g', () => 42)).toBe(42);
    } finally {
      spy.mockRestore();
    }
    expect(chunks.join('')).toBe(
      '::group::controlgate: 2 findings\ninside\n::endgroup::\n::group::g\n::endgroup::\n',
    );
  });
});

describe('file commands', () => {
  let dir: string;
  let outputFile: string;
  let summaryFile: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cg-commands-'));
    outputFile = path.join(dir, 'github_output');
    summaryFile = path.join(dir, 'step_summary');
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '# earlier step\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends each output as name<<delimiter with a fresh random delimiter, nothing on stdout', () => {
    const out = stdoutOf(
      () => {
        runner.setOutput('result', 'pass');
        runner.setOutput('findings', 6);
        runner.setOutput('sarif-file', '');
      },
      { GITHUB_OUTPUT: outputFile },
    );
    expect(out).toBe('');
    const text = readFileSync(outputFile, 'utf8');
    const m =
      /^result<<(ghadelimiter_[0-9a-f-]{36})\npass\n\1\nfindings<<(ghadelimiter_[0-9a-f-]{36})\n6\n\2\nsarif-file<<(ghadelimiter_[0-9a-f-]{36})\n\n\3\n$/.exec(
        text,
      );
    expect(m, text).not.toBeNull();
    expect(new Set([m![1], m![2], m![3]]).size).toBe(3);
    expect(parseOutputFile(text)).toEqual({ result: 'pass', findings: '6', 'sarif-file': '' });
  });

  it('keeps a value with line breaks and fake delimiters inside its own output', () => {
    const value = 'line 1\nEOF\nresult<<EOF\nfail\nEOF\nghadelimiter_\n';
    stdoutOf(
      () => {
        runner.setOutput('notes', value);
        runner.setOutput('result', 'pass');
      },
      { GITHUB_OUTPUT: outputFile },
    );
    expect(parseOutputFile(readFileSync(outputFile, 'utf8'))).toEqual({ notes: value, result: 'pass' });
  });

  it('refuses a runner file that does not exist rather than creating one the runner never reads', () => {
    const missing = path.join(dir, 'gone');
    expect(() => stdoutOf(() => runner.setOutput('result', 'pass'), { GITHUB_OUTPUT: missing })).toThrow(
      `the runner's file ${missing} does not exist`,
    );
    expect(() => stdoutOf(() => runner.appendSummary('# x'), { GITHUB_STEP_SUMMARY: missing })).toThrow(
      'does not exist',
    );
    expect(() => stdoutOf(() => runner.appendSummary('# x'), { GITHUB_STEP_SUMMARY: undefined })).toThrow(
      'GITHUB_STEP_SUMMARY is not set',
    );
  });

  it('appends the job summary after what earlier steps wrote, with a final line break', () => {
    stdoutOf(() => runner.appendSummary('## controlgate\n\n| a | b |'), { GITHUB_STEP_SUMMARY: summaryFile });
    expect(readFileSync(summaryFile, 'utf8')).toBe('# earlier step\n## controlgate\n\n| a | b |\n');
  });

  it('writes the output file byte for byte as @actions/core does, apart from the random delimiter', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z-]{0,12}$/), hostile, (name, value) => {
        writeFileSync(outputFile, '');
        stdoutOf(() => runner.setOutput(name, value), { GITHUB_OUTPUT: outputFile });
        const ours = readFileSync(outputFile, 'utf8');
        writeFileSync(outputFile, '');
        stdoutOf(() => actionsCore.setOutput(name, value), { GITHUB_OUTPUT: outputFile });
        const theirs = readFileSync(outputFile, 'utf8');
        const unify = (s: string) => s.replace(/ghadelimiter_[0-9a-f-]{36}/g, 'DELIMITER');
        expect(unify(ours)).toBe(unify(theirs));
      }),
    );
  });
});
