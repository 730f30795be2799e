import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/fixtures.js';

interface PackResult {
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

/** What `npm publish` would upload, as npm itself computes it. */
function packDryRun(): PackResult {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return (JSON.parse(out) as PackResult[])[0]!;
}

/** Every file under `dir` (relative POSIX paths). */
function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(path.join(REPO_ROOT, dir, rel), { withFileTypes: true }).flatMap((e) => {
    const child = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? filesUnder(dir, child) : [`${dir}/${child}`];
  });
}

const temp: string[] = [];
afterAll(() => {
  for (const d of temp) rmSync(d, { recursive: true, force: true });
});

describe('the npm package', () => {
  const pack = packDryRun();
  const paths = pack.files.map((f) => f.path).sort();

  it('holds the CLI, its data and the project files, and nothing else', () => {
    const allowed = [
      /^package\.json$/,
      /^README\.md$/,
      /^LICENSE$/,
      /^CHANGELOG\.md$/,
      /^dist\/cli\.js$/,
      /^dist\/package\.json$/,
      /^dist\/licenses\.txt$/,
      /^dist\/cli\/[^/]+$/,
      /^rules\/[a-z0-9-]+\/[a-z0-9-]+\.yml$/,
      /^schemas\/[a-z]+\.schema\.json$/,
      /^data\/[a-z0-9-]+\.json$/,
    ];
    expect(paths.filter((p) => !allowed.some((re) => re.test(p)))).toEqual([]);
    // Everything the CLI reads at run time is there: every rule, schema and data file.
    for (const dir of ['rules', 'schemas', 'data']) {
      const missing = filesUnder(dir).filter((f) => !paths.includes(f));
      expect(missing, `${dir}/ files missing from the package`).toEqual([]);
    }
    expect(paths).toEqual(
      expect.arrayContaining([
        'dist/cli.js',
        'dist/cli/index.js',
        'dist/cli/builtin-rules.json',
        'dist/cli/ajv.cjs',
        'dist/cli/dockerfile-ast.cjs',
        'dist/cli/smol-toml.cjs',
        'dist/cli/ignore.cjs',
        'dist/cli/js-yaml.cjs',
        'dist/licenses.txt',
        'LICENSE',
        'README.md',
        'CHANGELOG.md',
      ]),
    );
  });

  it('is small: under two megabytes packed, not the whole repository', () => {
    expect(pack.entryCount).toBeLessThan(400);
    expect(pack.size).toBeLessThan(2 * 1024 * 1024);
    // The CLI's bundle is about 3.7 MB of it, the built-in rules' snapshot 0.4 MB; the whole
    // repository would be tens of megabytes.
    expect(pack.unpackedSize).toBeLessThan(8 * 1024 * 1024);
  });

  it('declares its command, the Node.js it runs on, no runtime dependency, and is publishable', () => {
    expect(pkg.bin).toEqual({ controlgate: 'dist/cli.js' });
    expect(
      readFileSync(path.join(REPO_ROOT, 'dist', 'cli.js'), 'utf8').startsWith('#!/usr/bin/env node\n'),
    ).toBe(true);
    // Measured: 20.18 and 22.8 are the first releases whose util.styleText honours NO_COLOR and a
    // non-terminal stream; everything else the bundle uses is older.
    expect(pkg.engines).toEqual({ node: '^20.18.0 || >=22.8.0' });
    expect(pkg.private).toBeUndefined();
    expect(pkg.license).toBe('Apache-2.0');
    // The CLI is one bundle: a runtime dependency would only make every install download (and, for
    // the HCL grammar, compile) what is already inside dist/. Add libraries with --save-dev.
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('installs from its tarball without the network and runs `controlgate check`', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cg-pack-'));
    temp.push(dir);
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], {
      cwd: REPO_ROOT,
      stdio: 'pipe',
    });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    execFileSync(
      'npm',
      [
        'install',
        '--offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        '--prefix',
        dir,
        path.join(dir, tarball),
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    const installed = path.join(dir, 'node_modules', 'controlgate');
    expect(readdirSync(path.join(dir, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual([
      'controlgate',
    ]);
    const run = spawnSync(
      process.execPath,
      [
        path.join(installed, 'dist', 'cli.js'),
        'check',
        path.join(REPO_ROOT, 'examples', 'demo-repo'),
        '--format',
        'json',
        '--fail-on',
        'never',
        '--no-fail-on-gap',
      ],
      { encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.tool).toMatchObject({ name: 'controlgate', version: pkg.version });
    expect(report.findings.length).toBeGreaterThan(5);
    expect(report.rules.length).toBe(filesUnder('rules').length);
  }, 120_000);
});
