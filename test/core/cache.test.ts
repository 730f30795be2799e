/**
 * The cache between runs (`cache-dir`): what a user notices is that a second run reads only what
 * changed and reports exactly what a run without the cache reports, and that a cache it cannot trust
 * costs a warning and time, never a finding.
 */
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CACHE_FILE, MAX_CACHE_BYTES } from '../../src/core/cache/store.js';
import { type CheckOptions, runCheck } from '../../src/core/engine.js';
import type { Logger, Report } from '../../src/core/types.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { scratchRepo } from '../helpers/git-repo.js';

const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';
const TOKEN = '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';
const SLACK = 'xoxb-401557977779-0824565800040-U4U8Fufx6DmLY35hXGeVaMnz';
/** Per-file rules of several families (secrets, content patterns, workflow audits). */
const RULES = [
  'api-token-committed',
  'tls-verification-disabled',
  'workflow-unpinned-action',
  'workflow-permissions',
];

const UNPINNED =
  'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n';
const PINNED = `on: push\npermissions:\n  contents: read\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@${SHA}\n`;

function tree(): Record<string, string> {
  const files: Record<string, string> = {
    '.github/workflows/ci.yml': UNPINNED,
    '.github/workflows/release.yml': PINNED,
    'src/settings.py': `TOKEN = "${TOKEN}"\n`,
    'scripts/setup.sh': 'curl --insecure -o /tmp/tool.tgz https://downloads.example/tool.tgz\n',
  };
  for (let i = 0; i < 20; i++) files[`src/lib/m${i}.js`] = `export const v${i} = ${i};\n`;
  return files;
}

/** Every path the workspace loaded from the disk during `run` (the read seam: one load per file). */
async function reads<T>(run: () => Promise<T>): Promise<{ result: T; files: Set<string> }> {
  const proto = Workspace.prototype as unknown as { load(file: string): unknown };
  const load = proto.load;
  const files = new Set<string>();
  const spy = vi.spyOn(proto, 'load').mockImplementation(function (this: Workspace, file: string) {
    files.add(file);
    return load.call(this, file);
  });
  try {
    return { result: await run(), files };
  } finally {
    spy.mockRestore();
  }
}

/** A logger that keeps the warnings. */
function logger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { debug() {}, info() {}, error() {}, warning: (m) => warnings.push(m), warnings };
}

/** The report as a user sees it, without timing. */
function judgement(report: Report): unknown {
  const { run: _run, ...rest } = report as Report & { run?: unknown };
  return JSON.parse(JSON.stringify(rest));
}

const dirs: string[] = [];
function cacheDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cg-cache-'));
  dirs.push(dir);
  return path.join(dir, 'cache');
}

afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function check(root: string, extra: Partial<CheckOptions> = {}): Promise<Report> {
  return runCheck({ root, onlyRules: RULES, now: new Date('2026-06-01T00:00:00Z'), ...extra });
}

/** Paths of the report's findings: triage reads them for inline ignores, cached or not. */
function findingPaths(report: Report): string[] {
  return [...new Set(report.findings.flatMap((f) => (f.location ? [f.location.path] : [])))];
}

describe('cache-dir', () => {
  it('a second run reads only the changed, modified and untracked files and reports the same', async () => {
    const repo = scratchRepo();
    repo.commit(tree());
    const dir = cacheDir();
    const cold = await check(repo.dir, { cacheDir: dir });
    expect(judgement(cold)).toEqual(judgement(await check(repo.dir)));
    expect(findingPaths(cold).sort()).toEqual([
      '.github/workflows/ci.yml',
      'scripts/setup.sh',
      'src/settings.py',
    ]);

    // A commit, a working-tree edit git has not staged, and a new untracked file.
    repo.commit({ 'src/lib/m1.js': `export const key = "${SLACK}";\n` });
    writeFileSync(path.join(repo.dir, 'src/lib/m2.js'), `export const key = "${TOKEN}";\n`);
    writeFileSync(path.join(repo.dir, 'src/lib/new.js'), 'export const n = 1;\n');

    const { result: warm, files } = await reads(() => check(repo.dir, { cacheDir: dir }));
    const { result: plain } = await reads(() => check(repo.dir));
    expect(judgement(warm)).toEqual(judgement(plain));
    expect(findingPaths(warm)).toEqual(expect.arrayContaining(['src/lib/m1.js', 'src/lib/m2.js']));
    // Unchanged files with findings are read by triage (their inline ignores); no other one is read.
    const expected = new Set(['src/lib/m1.js', 'src/lib/m2.js', 'src/lib/new.js', ...findingPaths(warm)]);
    expect([...files].sort()).toEqual([...expected].sort());
  });

  it('re-evaluates a working-tree file git reports modified even though its index entry is unchanged', async () => {
    const repo = scratchRepo();
    repo.commit(tree());
    const dir = cacheDir();
    await check(repo.dir, { cacheDir: dir });
    // Same index entry, other content: the cache has an outcome for the index's blob only.
    writeFileSync(path.join(repo.dir, '.github/workflows/release.yml'), UNPINNED);
    const warm = await check(repo.dir, { cacheDir: dir });
    const unpinned = warm.findings.filter((f) => f.ruleId === 'workflow-unpinned-action');
    expect(unpinned.map((f) => `${f.location?.path}:${f.location?.startLine}`).sort()).toEqual([
      '.github/workflows/ci.yml:6',
      '.github/workflows/release.yml:6',
    ]);
    expect(judgement(warm)).toEqual(judgement(await check(repo.dir)));
  });

  it('is not used under another rule set or max-file-bytes, and every file is read again', async () => {
    const repo = scratchRepo();
    repo.commit(tree());
    const dir = cacheDir();
    await check(repo.dir, { cacheDir: dir });
    const all = Object.keys(tree()).sort();
    // Without the secret rule, the rules left read the workflows and scripts: each of them again.
    const other = await reads(() => check(repo.dir, { cacheDir: dir, onlyRules: RULES.slice(1) }));
    expect([...other.files].sort()).toEqual(all.filter((f) => !f.startsWith('src/')));
    // That run rewrote the cache for its own rule set: the first one's is gone.
    const back = await reads(() => check(repo.dir, { cacheDir: dir }));
    expect([...back.files].sort()).toEqual(all);
    const smaller = await reads(() => check(repo.dir, { cacheDir: dir, maxFileBytes: 4096 }));
    expect([...smaller.files].sort()).toEqual(all);
    // The same settings again: only the files with findings are read (by triage).
    const again = await reads(() => check(repo.dir, { cacheDir: dir, maxFileBytes: 4096 }));
    expect([...again.files].sort()).toEqual(findingPaths(again.result).sort());
  });

  it('ignores a cache made under another key (another version) without a warning', async () => {
    const repo = scratchRepo();
    repo.commit(tree());
    const dir = cacheDir();
    await check(repo.dir, { cacheDir: dir });
    const file = path.join(dir, CACHE_FILE);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...doc, key: '0'.repeat(64) }));
    const log = logger();
    const run = await reads(() => check(repo.dir, { cacheDir: dir, logger: log }));
    expect(run.files.size).toBe(Object.keys(tree()).length);
    expect(log.warnings).toEqual([]);
  });

  it('reports again the input problems a restored rule found (a file no other rule parses)', async () => {
    const rule = (id: string, check: string[]) =>
      [
        `id: ${id}`,
        'title: t',
        'severity: high',
        'controls: ["8.9"]',
        'rationale: r',
        'remediation: r',
        'check:',
        ...check,
      ].join('\n');
    const repo = scratchRepo();
    repo.commit({
      'rules/conf-schema.yml': rule('conf-schema', [
        '  kind: structured.schema',
        '  with:',
        '    paths: ["conf/*.yml"]',
        '    message: debug is on',
        '    schema: { type: object, properties: { debug: { enum: [false] } } }',
      ]),
      'rules/broken-input.yml': rule('broken-input', ['  kind: core.input-problems']),
      'conf/a.yml': 'debug: true\n',
      'conf/b.yml': 'debug: [unclosed\n',
    });
    const options = { builtinRules: false, ruleDirs: [path.join(repo.dir, 'rules')] };
    const dir = cacheDir();
    const plain = await check(repo.dir, { ...options, onlyRules: undefined });
    expect(
      plain.findings.map((f) => `${f.ruleId} ${f.location?.path}:${f.location?.startLine}`).sort(),
    ).toEqual(['broken-input conf/b.yml:2', 'conf-schema conf/a.yml:1']);
    await check(repo.dir, { ...options, onlyRules: undefined, cacheDir: dir });
    const debug: string[] = [];
    const log = { ...logger(), debug: (m: string) => debug.push(m) };
    const warm = await check(repo.dir, { ...options, onlyRules: undefined, cacheDir: dir, logger: log });
    expect(judgement(warm)).toEqual(judgement(plain));
    // The schema rule was restored on every file, evaluated on none: b.yml's problem came from the cache.
    expect(debug).toContain('cache-dir: 4 rule outcomes restored, 0 evaluated; the cache is unchanged');
  });

  it('is neither read nor rewritten by a pull-request check that scans the changed files only', async () => {
    const repo = scratchRepo();
    const base = repo.commit(tree());
    const dir = cacheDir();
    await check(repo.dir, { cacheDir: dir });
    // Not even opened: a cache that is not JSON draws no warning.
    writeFileSync(path.join(dir, CACHE_FILE), 'not json');
    repo.commit({ 'src/lib/m3.js': `export const key = "${SLACK}";\n` });
    const change = { scope: 'new' as const, baseline: base };
    const log = logger();
    const result = await check(repo.dir, { cacheDir: dir, change, logger: log });
    expect(log.warnings).toEqual([]);
    expect(judgement(result)).toEqual(judgement(await check(repo.dir, { change })));
    expect(result.findings.map((f) => f.location?.path)).toContain('src/lib/m3.js');
    expect(readFileSync(path.join(dir, CACHE_FILE), 'utf8')).toBe('not json');
  });

  it('never stores a token: findings keep their fingerprint, not their key', async () => {
    const repo = scratchRepo();
    repo.commit(tree());
    const dir = cacheDir();
    const cold = await check(repo.dir, { cacheDir: dir });
    const text = readFileSync(path.join(dir, CACHE_FILE), 'utf8');
    expect(text).not.toContain(TOKEN.slice(4, 12));
    const token = cold.findings.find((f) => f.ruleId === 'api-token-committed')!;
    expect(text).toContain(token.fingerprint);
  });
});

describe('cache-dir: a cache that cannot be trusted', () => {
  /** A repository with a cache written by a run, and the uncached report. */
  async function prepared() {
    const repo = scratchRepo();
    repo.commit(tree());
    const dir = cacheDir();
    await check(repo.dir, { cacheDir: dir });
    const plain = judgement(await check(repo.dir));
    const file = path.join(dir, CACHE_FILE);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    return { repo, dir, file, doc, plain };
  }

  /** Runs with the tampered cache: one warning naming it, every file read, the uncached report. */
  async function refused(setup: Awaited<ReturnType<typeof prepared>>, reason: RegExp) {
    const log = logger();
    const run = await reads(() => check(setup.repo.dir, { cacheDir: setup.dir, logger: log }));
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toMatch(/^cache-dir: the cache is ignored, every file is evaluated: /);
    expect(log.warnings[0]).toMatch(reason);
    expect(run.files.size).toBe(Object.keys(tree()).length);
    expect(judgement(run.result)).toEqual(setup.plain);
  }

  it('refuses an entry of the wrong shape', async () => {
    const s = await prepared();
    s.doc.examined[s.doc.paths.indexOf('src/settings.py')] = 'zz';
    writeFileSync(s.file, JSON.stringify(s.doc));
    await refused(
      s,
      new RegExp(`/examined/${s.doc.paths.indexOf('src/settings.py')}: expected the index of a mask`),
    );
  });

  it('refuses a finding located in another file than its entry', async () => {
    const s = await prepared();
    const entry = s.doc.outcomes[s.doc.paths.indexOf('src/settings.py')][0];
    entry[1][0].location.path = 'scripts/setup.sh';
    writeFileSync(s.file, JSON.stringify(s.doc));
    await refused(s, /expected findings located in src\/settings\.py/);
  });

  it('refuses text that is not JSON, and a file over the size bound unread', async () => {
    const s = await prepared();
    writeFileSync(s.file, '{"format": "controlgate-cache", ');
    await refused(s, /is not JSON/);
    truncateSync(s.file, MAX_CACHE_BYTES + 1);
    await refused(s, new RegExp(`is ${MAX_CACHE_BYTES + 1} bytes, over ${MAX_CACHE_BYTES}`));
  });

  it('refuses a cache file that is a symbolic link, and a cache directory that is one', async () => {
    const s = await prepared();
    const elsewhere = path.join(path.dirname(s.dir), 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, CACHE_FILE), readFileSync(s.file));
    rmSync(s.file);
    symlinkSync(path.join(elsewhere, CACHE_FILE), s.file);
    await refused(s, /is not a regular file \(a symbolic link is refused\)/);
    const linked = path.join(path.dirname(s.dir), 'linked');
    symlinkSync(elsewhere, linked);
    const log = logger();
    await check(s.repo.dir, { cacheDir: linked, logger: log });
    expect(log.warnings).toEqual([
      `cache-dir: the cache is ignored, every file is evaluated: ${linked} is not a directory (a symbolic link is refused)`,
      `cache-dir: the cache could not be written: ${linked} is not a directory (a symbolic link is refused)`,
    ]);
  });

  it('never applies an entry to a file of another content: a finding the cache says is absent is found', async () => {
    const s = await prepared();
    // The entry of the file with the token claims, for another blob, that nothing is there.
    const i = s.doc.paths.indexOf('src/settings.py');
    s.doc.blobs[i] = `100644 ${'1'.repeat(40)}`;
    delete s.doc.outcomes[i];
    writeFileSync(s.file, JSON.stringify(s.doc));
    const log = logger();
    const run = await reads(() => check(s.repo.dir, { cacheDir: s.dir, logger: log }));
    expect(log.warnings).toEqual([]);
    expect(run.files.has('src/settings.py')).toBe(true);
    expect(judgement(run.result)).toEqual(s.plain);
  });
});
