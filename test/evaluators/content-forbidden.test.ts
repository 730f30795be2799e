import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { contentForbidden } from '../../src/core/evaluators/generic/content-forbidden.js';
import { MAX_LINE_CHARS } from '../../src/core/evaluators/generic/shared.js';
import { secretsScan } from '../../src/core/evaluators/secrets/evaluator.js';
import { syntheticKey } from '../../src/core/evaluators/secrets/examples.js';
import { loadRules } from '../../src/core/rules/load.js';
import { cpuMs } from '../helpers/linear.js';
import { at, cleanup, run, runBuiltin, testRule, workspaceOf } from './kit.js';
import { keyBody } from './secrets-kit.js';

afterAll(cleanup);

describe('content.forbidden', () => {
  it('reports the exact line and columns of the first match on each line', async () => {
    const findings = await run(
      contentForbidden,
      { paths: ['**/*.sh'], patterns: ['eval\\s+\\$'] },
      {
        'a.sh': 'echo ok\n  x=1; eval $cmd; eval $other\r\nok\n',
      },
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]!.location).toEqual({
      path: 'a.sh',
      startLine: 2,
      endLine: 2,
      startColumn: 8,
      endColumn: 13,
    });
  });

  it('counts columns in UTF-16 code units, as GitHub does', async () => {
    const [f] = await run(contentForbidden, { paths: ['*'], patterns: ['TODO'] }, { 'x.md': 'é😀 TODO\n' });
    expect(f!.location).toMatchObject({ startColumn: 5, endColumn: 8 });
  });

  it('reports each pattern once per line, with its own message', async () => {
    const findings = await run(
      contentForbidden,
      {
        paths: ['*'],
        patterns: [{ pattern: 'foo', message: 'no foo' }, 'bar'],
        message: 'default message',
      },
      { 'x.txt': 'foo foo bar\n' },
    );
    expect(findings.map((f) => [at(f), f.message])).toEqual([
      ['x.txt:1:1', 'no foo'],
      ['x.txt:1:9', 'default message'],
    ]);
  });

  it('applies a pattern with paths only to those of the scanned files', async () => {
    const findings = await run(
      contentForbidden,
      {
        paths: ['**/Pipfile', '**/*.gradle'],
        patterns: [{ pattern: '^url = "http://', message: 'source', paths: ['**/Pipfile'] }, 'allowInsecure'],
      },
      {
        Pipfile: '[[source]]\nurl = "http://pypi.example/simple"\n',
        'build.gradle': 'url = "http://www.apache.org/licenses/LICENSE-2.0.txt"\nallowInsecure\n',
      },
    );
    expect(findings.map(at)).toEqual(['Pipfile:2:1', 'build.gradle:2:1']);
  });

  it('keys findings by content, so a moved line keeps its key and repeats get ordinals', async () => {
    const options = { paths: ['*'], patterns: ['secret-token'] };
    const before = await run(contentForbidden, options, { 'x.txt': 'a\nsecret-token\n' });
    const after = await run(contentForbidden, options, { 'x.txt': 'a\nb\nc\nsecret-token\nsecret-token\n' });
    expect(after[0]!.key).toBe(before[0]!.key);
    expect(after[1]!.key).not.toBe(after[0]!.key);
    expect(before[0]!.key).not.toMatch(/\b2\b/);
  });

  it('keys redacted patterns by the pattern and a keyed hash of the match, never the matched text', async () => {
    const findings = await run(
      contentForbidden,
      { paths: ['*'], patterns: [{ pattern: 'AKIA[0-9A-Z]{16}', redact: true }] },
      { 'x.env': 'KEY=AKIAFAKEFAKEFAKEFAKE\n' },
    );
    expect(findings[0]!.key).not.toContain('AKIAFAKE');
    expect(findings[0]!.message).not.toContain('AKIAFAKE');
  });

  // A redacted match may be a secret: another one is a new finding on a pull request, the same one
  // moved is not.
  it.each([
    ['another match', 'KEY=AKIAQWERTYUIOPASDFGH\n', 'KEY=AKIAZXCVBNMLKJHGFDSA\n', false],
    [
      'the same match, moved down',
      'KEY=AKIAQWERTYUIOPASDFGH\n',
      '# prod\n\nKEY=AKIAQWERTYUIOPASDFGH\n',
      true,
    ],
  ])('keys a redacted match by its value: %s: the same finding: %s', async (_what, before, after, same) => {
    const options = { paths: ['*'], patterns: [{ pattern: 'AKIA[0-9A-Z]{16}', redact: true }] };
    const keys = [];
    for (const text of [before, after]) {
      const findings = await run(contentForbidden, options, { 'x.env': text });
      expect(findings).toHaveLength(1);
      keys.push(findings[0]!.key!);
    }
    expect(keys[1] === keys[0], keys.join(' / ')).toBe(same);
    for (const key of keys) expect(key).not.toMatch(/QWERTYUI|ZXCVBNML/);
  });

  it('skips whole-line comments, honours except and ignoreCase, and skips binary files', async () => {
    const files = {
      'a.sh': '  # curl -k is fine in a comment\nCURL -k\n',
      'vendor/b.sh': 'curl -k\n',
      'c.sh': new Uint8Array([0x63, 0x75, 0x72, 0x6c, 0x00, 0x20, 0x2d, 0x6b]),
    };
    const findings = await run(
      contentForbidden,
      {
        paths: ['**/*.SH'],
        ignoreCase: true,
        except: ['vendor/**'],
        commentPrefixes: ['#'],
        patterns: [{ pattern: 'curl -k', flags: 'i' }],
      },
      files,
    );
    expect(findings.map(at)).toEqual(['a.sh:2:1']);
  });

  it('scans at most the first 20,000 characters of a line', async () => {
    const long = `${'x'.repeat(MAX_LINE_CHARS + 10)}NEEDLE\n${'y'.repeat(MAX_LINE_CHARS - 10)}NEEDLE\n`;
    const findings = await run(contentForbidden, { paths: ['*'], patterns: ['NEEDLE'] }, { 'x.txt': long });
    expect(findings.map(at)).toEqual([`x.txt:2:${MAX_LINE_CHARS - 9}`]);
  });
});

describe('content.forbidden in shell files', () => {
  const options = {
    paths: ['**'],
    shellPaths: ['**/*.sh', '**/Dockerfile'],
    patterns: [
      {
        pattern: '(?<![\\w.-])curl(?:[ \\t]+[^\\s|;&]+){0,40}?[ \\t]+(?<arg>-k|--insecure)(?![\\w-])',
        commands: ['curl'],
      },
      {
        pattern: '--no-check-certificate',
        commands: ['wget'],
        exceptArgument: '^https?://localhost(?:[:/]|$)',
      },
      { pattern: 'sslverify=0' },
    ],
  };

  it('joins continuations and reports the physical line and columns of the match', async () => {
    const findings = await run(contentForbidden, options, {
      'a.sh':
        'echo start\ncurl -fsS \\\n  # a comment line inside the continuation\n  --insecure https://x.example/a \\\n  -o a\n',
    });
    expect(findings.map((f) => [at(f), f.location?.endLine, f.location?.endColumn])).toEqual([
      ['a.sh:2:1', 4, 12],
    ]);
  });

  it('counts a flag only as an argument of the command it configures', async () => {
    const findings = await run(contentForbidden, options, {
      'b.sh': [
        'echo "curl --insecure https://x.example"',
        'curl https://x.example/a | grep --insecure',
        'wget https://x.example/b && echo --no-check-certificate',
        'grep -r -- --no-check-certificate .',
        'curl https://x.example # not --insecure',
        'wget --no-check-certificate https://localhost:8443/health',
        'sudo -E timeout 9 wget -q --no-check-certificate https://x.example/c',
        'sh -c "curl -s --insecure https://x.example/d"',
        'docker run --rm img curl --insecure https://x.example/e',
      ].join('\n'),
    });
    expect(findings.map(at)).toEqual(['b.sh:7:27', 'b.sh:8:8', 'b.sh:9:21']);
  });

  it('drops matches in what echo and grep print, unless written to a file; other files are plain text', async () => {
    const findings = await run(contentForbidden, options, {
      'c.sh':
        'echo "sslverify=0" >> /etc/yum.conf\necho "sslverify=0"\necho sslverify=0 | sudo tee -a /etc/dnf/dnf.conf\n',
      'd.repo': 'sslverify=0\n',
      Dockerfile:
        'FROM alpine:3.20\nRUN echo "check: curl --insecure" && printf "sslverify=0" > /etc/x.conf\n',
    });
    expect(findings.map(at)).toEqual(['c.sh:1:7', 'c.sh:3:6', 'd.repo:1:1', 'Dockerfile:2:46']);
  });

  it('stays bounded on hostile shell lines', async () => {
    const hostile = `${'curl "$('.repeat(5_000)}\\\n${'-k '.repeat(5_000)}\n${'x \\\n'.repeat(5_000)}`;
    await run(contentForbidden, options, { 'e.sh': hostile });
  });
});

describe('built-in content rules', () => {
  it('tls-verification-disabled locates the curl flag cluster precisely', async () => {
    const [f] = await runBuiltin('tls-verification-disabled', {
      'scripts/get.sh': 'set -e\n  curl -fsSLk https://x.example/a | sh\n',
    });
    expect(f!.location).toEqual({
      path: 'scripts/get.sh',
      startLine: 2,
      endLine: 2,
      startColumn: 3,
      endColumn: 13,
    });
  });

  it('private-key-committed never echoes key material, even on a single-line key', async () => {
    // Synthetic bodies with the structure of a key (a placeholder body is not a key at all).
    const rsa = keyBody('rsa');
    const ssh = keyBody('openssh');
    const findings = await runBuiltin('private-key-committed', {
      'k.env': `KEY="-----BEGIN RSA PRIVATE KEY----- ${rsa} -----END RSA PRIVATE KEY-----"\n`,
      'k.json': `{"k": "-----BEGIN OPENSSH PRIVATE KEY-----\\n${ssh}\\n-----END OPENSSH PRIVATE KEY-----"}\n`,
    });
    expect(findings.map(at).sort()).toEqual(['k.env:1:6', 'k.json:1:8']);
    for (const f of findings) {
      for (const body of [rsa, ssh]) expect(JSON.stringify(f)).not.toContain(body.slice(16, 40));
    }
    // The highlighted range is the header alone.
    expect(findings.find((f) => f.location?.path === 'k.env')!.location!.endColumn).toBe(36);
  });

  it('private-key-committed keys and messages never contain key material (property)', async () => {
    const rule = loadRules().find((r) => r.id === 'private-key-committed')!;
    const options = rule.check.with as never;
    // Key bodies with the structure the scanner verifies, filled with the property's random bytes.
    const KIND: Record<string, string> = {
      'RSA PRIVATE KEY': 'rsa',
      'PRIVATE KEY': 'pkcs8',
      'EC PRIVATE KEY': 'ec',
      'OPENSSH PRIVATE KEY': 'openssh',
    };
    const header = fc.constantFrom(...Object.keys(KIND));
    const sep = fc.constantFrom(' ', '\\n', '\n');
    const bytes = fc.uint8Array({ minLength: 1300, maxLength: 1300 });
    await fc.assert(
      fc.asyncProperty(header, sep, bytes, async (h, s, random) => {
        const b = syntheticKey(KIND[h]!, (n) => Buffer.from(random.subarray(0, n)));
        const workspace = workspaceOf({
          'k.txt': `x = "-----BEGIN ${h}-----${s}${b}\n-----END ${h}-----"\n`,
        });
        // The rule moved to the secret scanner, which shares one pass per file with the other secret rules.
        const findings = await secretsScan.evaluate({
          rule: testRule('secrets.scan', {}),
          options,
          workspace,
        });
        expect(findings.length).toBe(1);
        for (const f of findings) {
          for (let i = 0; i + 8 <= 64; i += 8)
            expect(`${f.key} ${f.message}`).not.toContain(b.slice(i, i + 8));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('every built-in pattern runs in linear time on hostile 20,000-character lines', () => {
    const patterns: RegExp[] = [];
    for (const rule of loadRules()) {
      const w = (rule.check.with ?? {}) as Record<string, unknown>;
      for (const p of (w.patterns as unknown[] | undefined) ?? []) {
        const spec = typeof p === 'string' ? { pattern: p } : (p as { pattern: string; flags?: string });
        patterns.push(new RegExp(spec.pattern, spec.flags ?? ''));
      }
      const contains = w.contains as { pattern: string; flags?: string } | undefined;
      if (contains) patterns.push(new RegExp(contains.pattern, contains.flags ?? ''));
      if (rule.check.kind === 'content.required')
        patterns.push(new RegExp(String(w.pattern), String(w.flags ?? '')));
    }
    expect(patterns.length).toBeGreaterThan(10);
    const units = [
      'a',
      'k',
      ' ',
      '\t',
      '-',
      '-k',
      ' -',
      'curl ',
      'http.',
      'http.a',
      '@a',
      'a.',
      '=',
      '"',
      '::a',
      '*  ',
    ];
    const heads = [
      '',
      '-----BEGIN ',
      'NODE_TLS_REJECT_UNAUTHORIZED',
      'Acquire::https',
      'curl',
      'sslverify',
      '@',
    ];
    let worst = 0;
    for (const re of patterns) {
      for (const unit of units) {
        for (const head of heads) {
          const body = (head + unit.repeat(Math.ceil(MAX_LINE_CHARS / unit.length))).slice(0, MAX_LINE_CHARS);
          const line = `${body}\u0001`;
          worst = Math.max(
            worst,
            cpuMs(() => re.exec(line)),
          );
        }
      }
    }
    // On these inputs a quadratic pattern takes hundreds of milliseconds of CPU; the built-in ones a few.
    expect(worst).toBeLessThan(100);
  });
});
