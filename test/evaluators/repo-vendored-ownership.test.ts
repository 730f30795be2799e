import { afterAll, describe, expect, it } from 'vitest';
import { repoVendoredOwnership } from '../../src/core/evaluators/repo/vendored-ownership.js';
import { evaluate, removeTrees } from '../parsers/tree.js';

afterAll(removeTrees);

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
});
