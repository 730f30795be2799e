import { afterAll, describe, expect, it } from 'vitest';
import { repoVendoredOwnership } from '../../src/core/evaluators/repo/vendored-ownership.js';
import { evaluate, removeTrees } from '../parsers/tree.js';
import { cleanup, runBuiltin } from './kit.js';

afterAll(removeTrees);
afterAll(cleanup);

const options = { directories: ['vendor', 'third_party'] };

describe('repo.vendored-ownership', () => {
  it('reports the outermost vendored directory of each file, leaving node_modules and file names alone', async () => {
    const findings = await evaluate(
      repoVendoredOwnership,
      {
        'vendor/a/b.go': 'package b\n',
        'vendor/a/vendor/c.go': 'package c\n',
        'src/third_party/lib/x.c': 'int x;\n',
        'src//vendor/y.c': 'int y;\n',
        'node_modules/pkg/vendor/z.js': 'z\n',
        'web/node_modules/vendor/z.js': 'z\n',
        'tools/vendor': 'a file named vendor\n',
        'go.mod': 'module m\n',
      },
      options,
    );
    // In the order the files are listed; a directory under node_modules is a package's own.
    expect(findings.map((f) => f.key)).toEqual(['vendor', 'src/third_party', 'src//vendor']);
    expect(findings.every((f) => f.location === null)).toBe(true);
  });

  it('judges a vendored folder by the folder that holds it: under test data it is a fixture, at low confidence', async () => {
    const files = {
      'pkg/php/testdata/vendor/composer/installed.json': '{}\n',
      'cmd/app/test/integration/testdata/pkgs/php/vendor/composer/installed.json': '{}\n',
      'web/static/js/vendor/jquery.min.js': 'x\n',
      'third_party/zlib/zlib.h': 'x\n',
      '.gitmodules':
        '[submodule "third_party/grpc"]\n\tpath = third_party/grpc\n\turl = https://example.com/grpc\n',
    };
    const raw = await evaluate(repoVendoredOwnership, files, options);
    expect(raw.map((f) => [f.key, f.about ?? null])).toEqual([
      ['pkg/php/testdata/vendor', 'pkg/php/testdata'],
      ['cmd/app/test/integration/testdata/pkgs/php/vendor', 'cmd/app/test/integration/testdata/pkgs/php'],
      ['web/static/js/vendor', 'web/static/js'],
      ['third_party', null],
      // A submodule in a vendored folder is vendored code, whatever holds it.
      ['third_party/grpc', null],
    ]);
    const findings = await runBuiltin('vendored-code-owner', files, { persona: 'auditor' });
    expect(
      findings.map((f) => [f.message.split(' ')[0], f.location?.path ?? null, f.severity, f.confidence]),
    ).toEqual([
      ['cmd/app/test/integration/testdata/pkgs/php/vendor/', null, 'low', 'low'],
      ['pkg/php/testdata/vendor/', null, 'low', 'low'],
      ['third_party/', null, 'low', 'high'],
      ['web/static/js/vendor/', null, 'low', 'high'],
      ['the', '.gitmodules', 'low', 'high'],
    ]);
  });
});
