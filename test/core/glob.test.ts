import fc from 'fast-check';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { isLiteralPath, pathMatcher } from '../../src/core/workspace/glob.js';

const PATHS = [
  'package.json',
  'a/b/package.json',
  'a/Package.JSON',
  'a/apackage.json',
  'package.json.bak',
  '.npmrc',
  'x/.npmrc',
  '.github/workflows/ci.yml',
  '.github/workflows/sub/ci.yaml',
  'src/a.js',
  'src/deep/b.ts',
  'src/a\nb.js',
  'lib/src/c.js',
  'Dockerfile',
  'svc/Dockerfile.prod',
];

const PATTERN_SETS = [
  ['**/package.json'],
  ['**/.npmrc', '**/package.json'],
  ['src/**'],
  ['.github/workflows/*.{yml,yaml}'],
  ['**/Dockerfile', '**/Dockerfile.*', '**/*.ts'],
  ['Dockerfile'],
];

describe('pathMatcher', () => {
  it('matches exactly what picomatch matches with dotfiles and dotAll, case-sensitive or not', () => {
    for (const patterns of PATTERN_SETS) {
      for (const ignoreCase of [false, true]) {
        const ours = pathMatcher(patterns, { ignoreCase });
        const theirs = picomatch(patterns, { dot: true, flags: ignoreCase ? 'is' : 's' });
        const mismatches = PATHS.filter((p) => ours(p) !== theirs(p));
        expect({ patterns, ignoreCase, mismatches }).toEqual({ patterns, ignoreCase, mismatches: [] });
      }
    }
  });

  it('lets `**` cross a path segment whose name holds a line break', () => {
    expect(pathMatcher('src/**')('src/a\nb.js')).toBe(true);
    expect(pathMatcher('**/*.js')('src/a\nb/c.js')).toBe(true);
    // picomatch's default (no dotAll) does not: the reason pathMatcher exists.
    expect(picomatch('**/*.js', { dot: true })('src/a\nb/c.js')).toBe(false);
  });

  it('looks `**/name` up by name, and by folded name when the case is ignored', () => {
    const exact = pathMatcher(['**/package.json']);
    expect(['package.json', 'a/b/package.json', 'a/Package.JSON', 'a/apackage.json'].map(exact)).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(pathMatcher(['**/package.json'], { ignoreCase: true })('a/Package.JSON')).toBe(true);
    expect(pathMatcher(['**/package.json'])('')).toBe(false);
  });

  it('tests `**/*.ext` on the name, and agrees with picomatch on the paths a name test would get wrong', () => {
    const patterns = ['**/*.yaml', '**/*.tar.gz', 'docs/**'];
    const ours = pathMatcher(patterns);
    const theirs = picomatch(patterns, { dot: true, flags: 's' });
    const paths = [
      'a.yaml',
      '.yaml',
      'k8s/deploy.yaml',
      'k8s/deploy.yaml.bak',
      'k8s/deploy.YAML',
      'a/./b.yaml',
      'a/../b.yaml',
      './b.yaml',
      '../b.yaml',
      'a/b.yaml/',
      'a/b.yaml/c',
      'a\nb/c.yaml',
      'c.yaml\n',
      'dist/x.tar.gz',
      'dist/x.gz',
      'docs/a.txt',
      '/abs/a.yaml',
      'a//b.yaml',
    ];
    expect(paths.filter((p) => ours(p) !== theirs(p))).toEqual([]);
    expect(['k8s/deploy.yaml', 'a/./b.yaml', 'a/b.yaml/', 'dist/x.tar.gz'].map(ours)).toEqual([
      true,
      false,
      true,
      true,
    ]);
  });

  it('agrees with picomatch on `**/*.ext` globs for generated paths', () => {
    const segment = fc.constantFrom('a', 'b.yaml', '.', '..', '', '.yml', 'x.y', 'Y.YAML', 'n\nl', 'c.json');
    const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));
    const list = fc.subarray(['**/*.yaml', '**/*.yml', '**/*.json', '**/*.y', 'b.yaml', '**/a'], {
      minLength: 1,
    });
    fc.assert(
      fc.property(list, fc.array(path, { maxLength: 20 }), fc.boolean(), (patterns, paths, ignoreCase) => {
        const ours = pathMatcher(patterns, { ignoreCase });
        const theirs = picomatch(patterns, { dot: true, flags: ignoreCase ? 'is' : 's' });
        for (const p of paths) expect([p, ours(p)]).toEqual([p, theirs(p)]);
      }),
      { numRuns: 300 },
    );
  });

  it('tells plain paths from globs', () => {
    expect(['CODEOWNERS', '.github/CODEOWNERS', 'docs/a b.md'].map(isLiteralPath)).toEqual([
      true,
      true,
      true,
    ]);
    expect(['*.md', 'a/**', '{a,b}', '[ab]', '!a', 'a\\*'].map(isLiteralPath)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
