import { afterAll, describe, expect, it } from 'vitest';
import { gitignoreMustIgnore } from '../../src/core/evaluators/repo/gitignore-must-ignore.js';
import { loadRules, RuleLoadError } from '../../src/core/rules/load.js';
import { at, cleanup, ruleDir, run } from './kit.js';

afterAll(cleanup);

const check = (gitignore: string | undefined, entries: string[]) =>
  run(
    gitignoreMustIgnore,
    { entries },
    gitignore === undefined ? { 'README.md': '# x\n' } : { '.gitignore': gitignore },
  );

describe('gitignore.must-ignore', () => {
  it('reports the line of the negation that re-includes an entry', async () => {
    const findings = await check('# secrets\n.env*\n\n!.env.local\n*.log\n', ['.env', '.env.local']);
    expect(findings.map(at)).toEqual(['.gitignore:4:-']);
    expect(findings[0]!.message).toContain('`!.env.local` on line 4');
    expect(findings[0]!.key).toBe('.env.local');
  });

  it('attributes the last matching negation when several apply', async () => {
    const findings = await check('.env\n!.env\n.env\n!/.env\n', ['.env']);
    expect(findings.map(at)).toEqual(['.gitignore:4:-']);
  });

  it('reports at line 1 when no pattern matches (e.g. an anchored /.env and a nested entry)', async () => {
    const findings = await check('/.env\n', ['.env', 'config/.env']);
    expect(findings.map((f) => [at(f), f.key])).toEqual([['.gitignore:1:-', 'not-ignored']]);
    expect(findings[0]!.message).toBe(
      '.gitignore does not ignore `config/.env`: add a pattern that matches it.',
    );
  });

  it('names every entry no pattern matches in one finding, and each re-included entry at its negation', async () => {
    const findings = await check('*.log\n', ['.env', 'config/.env', '.env.local']);
    expect(findings.map((f) => [at(f), f.key])).toEqual([['.gitignore:1:-', 'not-ignored']]);
    expect(findings[0]!.message).toBe(
      '.gitignore does not ignore `.env`, `config/.env`, `.env.local`: add patterns that match them.',
    );
    const negated = await check('.env*\n!.env.local\n', ['.env', 'config/.env', '.env.local']);
    expect(negated.map((f) => [at(f), f.key])).toEqual([['.gitignore:2:-', '.env.local']]);
  });

  describe('conventions: an entry only some projects use', () => {
    const conventions = [
      {
        entry: '.env.local',
        usedBy: 'local overrides in Next.js and Vite',
        signs: ['**/next.config.*', '**/vite.config.*'],
      },
    ];
    const ignoring = (gitignore: string, extra: Record<string, string> = {}) =>
      run(
        gitignoreMustIgnore,
        { entries: ['.env', 'config/.env', '.env.local'], conventions },
        { '.gitignore': gitignore, ...extra },
      );
    it.each([
      [
        'alone unignored, no sign of its users: low confidence, saying whose it is',
        '.env\n',
        {},
        'low',
        '.gitignore does not ignore `.env.local`, the file of local overrides in Next.js and Vite, which this repository shows no sign of using: add a pattern if it does.',
      ],
      [
        'alone unignored where a user of it is in the tree: as any entry',
        '.env\n',
        { 'web/next.config.mjs': 'export default {};\n' },
        undefined,
        '.gitignore does not ignore `.env.local`: add a pattern that matches it.',
      ],
      [
        'unignored with an entry everyone uses: one finding, as before',
        '*.log\n',
        {},
        undefined,
        '.gitignore does not ignore `.env`, `config/.env`, `.env.local`: add patterns that match them.',
      ],
    ])('%s', async (_name, gitignore, extra, confidence, message) => {
      const findings = await ignoring(gitignore, extra);
      expect(findings.map((f) => [at(f), f.key, f.confidence, f.message])).toEqual([
        ['.gitignore:1:-', 'not-ignored', confidence, message],
      ]);
    });
    it('re-included on purpose by a negation: reported at it, whatever the tree', async () => {
      const findings = await ignoring('.env*\n!.env.local\n');
      expect(findings.map((f) => [at(f), f.key, f.confidence])).toEqual([
        ['.gitignore:2:-', '.env.local', undefined],
      ]);
    });
  });

  it('follows git: a file inside an excluded directory cannot be re-included', async () => {
    expect(await check('config/\n!config/.env\n', ['config/.env'])).toEqual([]);
  });

  it('tests directory entries and matches case-sensitively, as git on Linux does', async () => {
    expect(await check('secrets/\n', ['secrets/', 'secrets/key.pem'])).toEqual([]);
    expect((await check('.ENV\n', ['.env'])).map(at)).toEqual(['.gitignore:1:-']);
  });

  it('reports a missing .gitignore at repository level', async () => {
    const findings = await check(undefined, ['.env']);
    expect(findings.map(at)).toEqual(['-']);
    expect(findings[0]!.location).toBeNull();
  });

  it('rejects entries the ignore package (and git) cannot test, naming the pointer', () => {
    const dir = ruleDir({
      'bad-entries': {
        check: { kind: 'gitignore.must-ignore', with: { entries: ['.env', '../.env', '/abs'] } },
      },
    });
    expect(() => loadRules([dir], { builtin: false })).toThrow(RuleLoadError);
    expect(() => loadRules([dir], { builtin: false })).toThrow(
      /\/check\/with\/entries\/1: must match the pattern/,
    );
    expect(() => loadRules([dir], { builtin: false })).toThrow(
      /\/check\/with\/entries\/2: must match the pattern/,
    );
  });
});
