import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { load as loadYaml } from 'js-yaml';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { isLiteralPath, nameEndings, nameKey, pathMatcher } from '../../src/core/workspace/glob.js';

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

  it('matches names of one length, a name that ends another’s and names one character off as picomatch does', () => {
    // Names of one length (go.mod, go.sum, Gemfile/Podfile), a name that ends another's, a directory
    // named like a listed file, and names one character off either way.
    const patterns = ['**/go.mod', '**/go.sum', '**/Gemfile', '**/Podfile', '**/mod', '**/*.lock'];
    const paths = [
      'go.mod',
      'go.sum',
      'a/go.sum',
      'a/go.sun',
      'a/ago.mod',
      'a/o.mod',
      'go.mod/x',
      'a/go.mod/b',
      'Podfile',
      'x/Gemfile',
      'x/gemfile',
      'x/Gemfile2',
      'x/mod',
      'x/amod',
      'a.lock',
      'a/.lock',
      'a/lock',
      'a/./go.mod',
      'a/../go.sum',
    ];
    const ours = pathMatcher(patterns);
    const theirs = picomatch(patterns, { dot: true, flags: 's' });
    expect(paths.filter(ours)).toEqual(paths.filter((p) => theirs(p)));
    expect(paths.filter(ours)).toEqual([
      'go.mod',
      'go.sum',
      'a/go.sum',
      'Podfile',
      'x/Gemfile',
      'x/mod',
      'a.lock',
      'a/.lock',
    ]);
  });

  it('matches a name or an ending at the path’s end only, as picomatch does', () => {
    // Literal names and endings are one expression anchored at the path's end: a name that ends
    // another's, the name as a directory, a trailing slash, `.` and `..` segments, a look-alike one
    // character off, and names with characters an expression must escape.
    const paths = [
      'action.yml',
      'a/action.yml',
      'a/xaction.yml',
      'xaction.yml',
      'a/action.yml/b',
      'a/action.yml/',
      'a/./action.yml',
      'a/../action.yaml',
      './action.yml',
      'b/action.yaml',
      'b/action.yam',
      'c/mod',
      'c/amod',
      'd/x.tf',
      'd/.tf',
      'd/tf',
      'e/a+b(1).yml',
      'e/aab1.yml',
    ];
    for (const patterns of [
      ['**/action.yml', '**/action.yaml'],
      ['**/action.yml', '**/mod', '**/*.tf'],
      ['**/action.yml', 'c/**'],
      ['**/a+b(1).yml', '**/*.tf', '**/Dockerfile.*'],
    ]) {
      const theirs = picomatch(patterns, { dot: true, flags: 's' });
      expect(paths.filter(pathMatcher(patterns)), patterns.join()).toEqual(paths.filter((p) => theirs(p)));
    }
    expect(paths.filter(pathMatcher(['**/action.yml', '**/action.yaml']))).toEqual([
      'action.yml',
      'a/action.yml',
      'b/action.yaml',
    ]);
  });

  it('compiles a list once for the process, and never serves one list for another', () => {
    // A configured glob may hold a NUL: joined with NULs, ['a\0b'] would be the same list as ['a', 'b'].
    expect(pathMatcher(['a\u0000b'])('a')).toBe(false);
    expect(pathMatcher(['a', 'b'])('a')).toBe(true);
    expect(pathMatcher(['c'], { ignoreCase: true })('C')).toBe(true);
    expect(pathMatcher(['c'])('C')).toBe(false);
    expect(pathMatcher([])('c')).toBe(false);
  });

  it('leaves a name `.` or `..` to picomatch, whose `**/<segment>` may accept it', () => {
    const globs = ['**/.*', '**/?.'];
    const theirs = picomatch(globs, { dot: true, flags: 's' });
    expect(['a/..', '..', 'a/.', 'b/.x'].map(pathMatcher(globs))).toEqual(
      ['a/..', '..', 'a/.', 'b/.x'].map((p) => theirs(p)),
    );
    expect(pathMatcher(globs)('a/..')).toBe(true);
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

  it('agrees with picomatch on folders anywhere named by a pattern (`**/<segment>/**`)', () => {
    // Segments built of the parts picomatch reads within one segment (stars, `?`, braces, classes,
    // dots), and paths built of names those parts match or nearly match.
    const part = fc.constantFrom(
      '*',
      '?',
      'test',
      'data',
      '.',
      '-',
      '{a,b}',
      '{x,}',
      '[-_.]',
      '[ab]',
      'T',
      's',
    );
    const glob = fc.array(part, { minLength: 1, maxLength: 4 }).map((p) => `**/${p.join('')}/**`);
    const name = fc.constantFrom(
      'test',
      'testdata',
      'Test',
      'a',
      'b',
      'x-tests',
      '.',
      '..',
      '',
      'a.b',
      'T_s',
      'x',
      '.test',
    );
    const path = fc.array(name, { minLength: 1, maxLength: 5 }).map((s) => s.join('/'));
    fc.assert(
      fc.property(
        fc.array(glob, { minLength: 1, maxLength: 3 }),
        fc.array(path, { maxLength: 20 }),
        fc.boolean(),
        (patterns, paths, ignoreCase) => {
          const ours = pathMatcher(patterns, { ignoreCase });
          const theirs = picomatch(patterns, { dot: true, flags: ignoreCase ? 'is' : 's' });
          for (const p of paths)
            if (p !== '') expect([patterns, p, ours(p)]).toEqual([patterns, p, theirs(p)]);
        },
      ),
      { numRuns: 1000 },
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

/** Every string of the shipped rules' YAML and every quoted glob in the sources that looks like a glob. */
function shippedGlobs(): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (/[*?{[]/.test(value) && !/\s/.test(value) && value.length < 200) found.add(value);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  const walk = (dir: string, ext: RegExp, each: (file: string) => void): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file, ext, each);
      else if (ext.test(entry.name)) each(file);
    }
  };
  walk('rules', /\.yml$/, (file) => visit(loadYaml(readFileSync(file, 'utf8'))));
  walk('src', /\.ts$/, (file) => {
    for (const m of readFileSync(file, 'utf8').matchAll(/'((?:\*\*\/|[\w.-]+\/)[^'\s\\]*)'/g))
      found.add(m[1]!);
  });
  return [...found].sort();
}

/**
 * Paths a glob matches and paths next to them: each `**` as no, one and two directories (a trailing
 * `/**` also as nothing at all), each `*` as nothing, a name and a dotted name, each brace or group
 * alternative, each class's first member; then each of those under a directory, with a suffix, and
 * with its case changed.
 */
function pathsNear(glob: string): string[] {
  // `a/**` matches `a` itself: the directory alone is near too.
  let forms = glob.endsWith('/**') ? [glob, glob.slice(0, -3)] : [glob];
  const expand = (re: RegExp, choices: (m: RegExpExecArray) => string[]) => {
    for (let round = 0; round < 4; round++) {
      forms = forms.flatMap((f) => {
        const m = re.exec(f);
        return m ? choices(m).map((c) => f.slice(0, m.index) + c + f.slice(m.index + m[0].length)) : [f];
      });
    }
  };
  expand(/[@+?*]?\(([^()]*)\)|\{([^{}]*)\}/, (m) => (m[1] ?? m[2]!).split(/[|,]/));
  expand(/\[!?([^\]]+)\]/, (m) => [m[1]!.replace(/^\^/, '')[0]!, 'Z']);
  expand(/\*\*\/?/, () => ['', 'd/', 'd/.e/']);
  expand(/\*/, () => ['', 'x', 'a.b']);
  forms = forms.map((f) => f.replace(/\?/g, 'q'));
  return forms.flatMap((f) => [f, `top/${f}`, `${f}x`, `${f}/z.txt`, f.toUpperCase(), `.${f}`]).slice(0, 400);
}

describe('pathMatcher on the shipped globs', () => {
  const globs = shippedGlobs();
  // Paths git never lists but a given file list might: picomatch's `**` does not cross `.` or `..`.
  const odd = [
    'a/./b.yml',
    './a.yml',
    'a//b.yml',
    '/abs/b.yml',
    'a/../b.yml',
    '../b.tf',
    'dir/',
    'x.yml/',
    'a/.',
    'a/..',
    '.',
    '..',
    'd/a\nb/Dockerfile',
  ];
  const paths = [...new Set([...PATHS, ...globs.flatMap(pathsNear), ...odd])];

  it('finds the globs it checks', () => {
    expect(globs.length).toBeGreaterThan(100);
    expect(globs).toContain('**/node_modules/**');
    expect(paths.length).toBeGreaterThan(5000);
  });

  // What pathMatcher did before it matched segment by segment: picomatch's expression for each glob,
  // one alternation for the list.
  const reference = (list: readonly string[], flags: string) => {
    const re = new RegExp(
      list.map((g) => `(?:${picomatch.makeRe(g, { dot: true, flags }).source})`).join('|'),
      flags,
    );
    return (p: string) => re.test(p);
  };

  it("matches each glob alone, and each rule-sized list, exactly as picomatch's expressions do", () => {
    // A glob alone is tried on the paths near it and on a sample of the rest; the lists on all.
    const sample = [...odd, ...paths.filter((_, i) => i % 16 === 0)];
    const lists: [readonly string[], readonly string[]][] = [
      ...globs.map((g): [string[], string[]] => [[g], [...pathsNear(g), ...sample]]),
      [globs, sample],
      [globs.slice(0, 40), paths],
      [globs.filter((g) => g.startsWith('**/')), sample],
    ];
    for (const [list, tried] of lists) {
      for (const ignoreCase of [false, true]) {
        const ours = pathMatcher(list, { ignoreCase });
        const theirs = reference(list, ignoreCase ? 'is' : 's');
        const mismatches = tried.filter((p) => p !== '' && ours(p) !== theirs(p));
        expect({ list: list.slice(0, 3), ignoreCase, mismatches }).toEqual({
          list: list.slice(0, 3),
          ignoreCase,
          mismatches: [],
        });
      }
    }
  });

  it('groups by name ending only globs whose every match ends so', () => {
    // Each glob alone and the rule-sized lists, on the paths near them: a path the glob matches has a
    // key the list's test accepts, so grouping the files by key never loses one.
    const lists: [readonly string[], readonly string[]][] = [
      ...globs.map((g): [string[], string[]] => [[g], [...pathsNear(g), ...odd]]),
      [globs.slice(0, 40), paths],
    ];
    let grouped = 0;
    for (const [list, tried] of lists) {
      const accepts = nameEndings(list);
      if (!accepts) continue;
      grouped += 1;
      const theirs = reference(list, 's');
      const lost = tried.filter((p) => p !== '' && theirs(p) && !accepts(nameKey(p)));
      expect({ list: list.slice(0, 3), lost }).toEqual({ list: list.slice(0, 3), lost: [] });
    }
    // Most shipped globs name their files' endings.
    expect(grouped).toBeGreaterThan(globs.length / 2);
  });

  it('groups by name ending only what picomatch reads as literal endings (random globs)', () => {
    // Last segments of literal text, wildcards and braces over a small alphabet, names over the same:
    // every name a glob matches has a key its test accepts.
    const piece = fc.constantFrom('a', 'b', '1', '2', '.', '-', '_', 'tf', 'x.y', '..', '*', '?', '');
    const text = fc.array(piece, { maxLength: 4 }).map((p) => p.join(''));
    const brace = fc.array(text, { minLength: 1, maxLength: 3 }).map((alts) => `{${alts.join(',')}}`);
    const last = fc.tuple(text, fc.option(brace), text).map(([a, b, c]) => `${a}${b ?? ''}${c}`);
    const name = fc.array(fc.constantFrom('a', 'b', '1', '2', '.', '-', '_', 'tf', 'y', 'x'), {
      minLength: 1,
      maxLength: 6,
    });
    fc.assert(
      fc.property(last, fc.array(name, { maxLength: 30 }), (segment, names) => {
        const glob = `**/${segment}`;
        const accepts = nameEndings([glob]);
        if (!accepts) return true;
        const theirs = picomatch.makeRe(glob, { dot: true });
        const paths = names.map((n) => `d/${n.join('')}`);
        return paths.every((p) => !theirs.test(p) || accepts(nameKey(p)));
      }),
      { numRuns: 3000, seed: 27002 },
    );
  });

  it('matches segment by segment with `**` standing for any number of directories', () => {
    const match = pathMatcher(['**/tasks/**/*.yml', 'a/**/b/*']);
    expect(
      ['tasks/x.yml', 'r/tasks/d/e/x.yml', 'r/tasks', 'r/task/x.yml', 'a/b/c', 'a/x/y/b/c', 'a/b/c/d'].map(
        match,
      ),
    ).toEqual([true, true, false, false, true, true, false]);
  });
});
