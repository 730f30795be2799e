/**
 * The results cache (file-cache.ts, cache-run.ts): a full check that takes an earlier run's per-file
 * results for the files whose blob is unchanged judges exactly as the check that reads every file,
 * reads only the files it must, and never takes what no longer holds.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CachePlan, cacheable } from '../../src/core/cache-run.js';
import { type CheckOptions, runCheck } from '../../src/core/engine.js';
import { type RuleOutcome, runEvaluator } from '../../src/core/evaluate-rule.js';
import { getEvaluator } from '../../src/core/evaluators/registry.js';
import { signCrc32Base62 } from '../../src/core/evaluators/secrets/checksums.js';
import {
  FILE_CACHE_FORMAT,
  type FileCache,
  fileCacheText,
  parseFileCache,
  serializeFileCache,
} from '../../src/core/file-cache.js';
import { loadRules } from '../../src/core/rules/load.js';
import type { Report, Rule } from '../../src/core/types.js';
import { schemaValidator, validate } from '../../src/core/validate.js';
import { VERSION } from '../../src/core/version.js';
import { FocusedWorkspace } from '../../src/core/workspace/focus.js';
import { pathMatcher } from '../../src/core/workspace/glob.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { renderJson, renderText } from '../../src/reporters/index.js';
import { cli } from '../helpers/cli.js';
import { fixtureRoot, listRuleFixtures } from '../helpers/fixtures.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { recordingLogger as logger } from '../helpers/logger.js';
import { baseTree, judgement, pullRequest, rng } from '../helpers/random-tree.js';

const NOW = new Date('2026-06-01T00:00:00Z');

/** A GitHub token that passes its checksum (the detector reports only those), one per `n`. */
const token = (n: number) =>
  `ghp_${signCrc32Base62('R8kq2ZxV7pLm4TnW9sYb3HcJ6fDg1QaE5uKo0XiMvB7nC2wQ'.slice(n, n + 30))}`;

/** A check of `root` with the results cache: the one it takes (through its text), the one it leaves. */
async function cachedCheck(
  root: string,
  previous: FileCache | undefined,
  options: Partial<CheckOptions> = {},
) {
  let next: FileCache | undefined;
  const log = logger();
  const report = await runCheck({
    root,
    now: NOW,
    logger: log,
    fileCache: {
      source: 'the test',
      ...(previous ? { previous: parseFileCache(serializeFileCache(previous)) } : {}),
      collect: (c) => {
        next = c;
      },
    },
    ...options,
  });
  return { report, next: next!, lines: log.lines };
}

const full = (root: string): Promise<Report> => runCheck({ root, now: NOW });

/** The report as a user sees it, but the summary's word on the cache (asserted where it matters). */
function judged(report: Report): unknown {
  const j = judgement(report) as { summary: Record<string, unknown> };
  delete j.summary.cached;
  return j;
}

/** The `results cache:` line of a run's log. */
const cacheLine = (lines: string[]) => lines.find((l) => l.startsWith('info: results cache'));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a full check with the results cache', () => {
  it('judges every commit of random histories as the check that reads every file', async () => {
    let unchanged = 0;
    let kept = 0;
    let runs = 0;
    for (let seed = 700; seed < 712; seed++) {
      const rand = rng(seed);
      const tree = baseTree(rand, 12 + Math.floor(rand() * 14));
      const repo = scratchRepo();
      repo.commit(tree, 'first');
      let { next: cache, lines } = await cachedCheck(repo.dir, undefined);
      expect(cacheLine(lines)).toBe("info: results cache: none yet; this run's is kept for the next");
      for (let step = 0; step < 3; step++) {
        const change = pullRequest(rand, tree);
        repo.commit(change, `step ${step}`);
        for (const [p, c] of Object.entries(change)) {
          if (c === null) delete tree[p];
          else tree[p] = c;
        }
        const cached = await cachedCheck(repo.dir, cache);
        expect(judged(cached.report), `seed ${seed}, step ${step}`).toEqual(judgement(await full(repo.dir)));
        const taken = /: (\d+) of (\d+) files unchanged; (\d+) of (\d+) per-file rules/.exec(
          cacheLine(cached.lines) ?? '',
        );
        if (taken) {
          unchanged += Number(taken[1]);
          kept += Number(taken[3]);
        }
        runs += 1;
        cache = cached.next;
      }
    }
    // Not a vacuous comparison: most files of most runs came from the cache.
    expect(runs).toBe(36);
    expect(unchanged).toBeGreaterThan(300);
    expect(kept).toBeGreaterThan(36 * 40);
  });

  it('reads again only the files whose blob changed, and those whose findings an inline comment ignores', async () => {
    const repo = scratchRepo();
    const tree: Record<string, string> = {
      'src/leak.py': `TOKEN = "${token(1)}"\n`,
      'src/ignored.py': `# controlgate: ignore[api-token-committed] a revoked token kept for the parser tests\nTOKEN = "${token(8)}"\n`,
    };
    for (let i = 0; i < 40; i++) tree[`src/m${i}.js`] = `export const v${i} = ${i};\n`;
    repo.commit(tree, 'first');
    const { next } = await cachedCheck(repo.dir, undefined);
    repo.commit({ 'src/m7.js': `export const token = "${token(2)}";\n` }, 'second');
    const read = vi.spyOn(Workspace.prototype, 'read');
    const cached = await cachedCheck(repo.dir, next);
    const files = new Set(read.mock.calls.map(([f]) => f));
    read.mockRestore();
    const across = cached.report.summary.cached?.across;
    // Every rule that reads across files but asks about Python files is taken whole.
    expect(across).toBeGreaterThan(30);
    expect(cacheLine(cached.lines)).toBe(
      `info: results cache (the test): 41 of 42 files unchanged; ${cached.next.rules.length} of ${cached.next.rules.length} per-file rules taken from it for them, and ${across} rules that read across files and asked nothing that changed`,
    );
    expect([...files].filter((f) => f.startsWith('src/')).sort()).toEqual(['src/ignored.py', 'src/m7.js']);
    expect(cached.next.inlineIgnores).toEqual(['src/ignored.py']);
    const rules = cached.next.rules.length;
    expect(cached.report.summary.cached).toEqual({ files: 41, rules, across, source: 'the test' });
    // In the frozen JSON format too, which the schema describes.
    const json = JSON.parse(renderJson(cached.report));
    expect(json.summary.cached).toEqual({ files: 41, rules, across, source: 'the test' });
    expect(validate(schemaValidator('report.schema.json'), json)).toEqual([]);
    expect(renderText(cached.report)).toContain(
      `The results of ${rules} per-file rules on 41 files whose content is unchanged, and those of ${across} rules that read across files and asked nothing that changed, come from the results cache (the test), written by an earlier run of the same rules and settings; every other file was read.`,
    );
    expect(judged(cached.report)).toEqual(judgement(await full(repo.dir)));
    const tokens = cached.report.findings.filter((f) => f.ruleId === 'api-token-committed');
    expect(tokens.map((f) => [f.location?.path, f.status]).sort()).toEqual([
      ['src/ignored.py', 'ignored'],
      ['src/leak.py', 'open'],
      ['src/m7.js', 'open'],
    ]);
  });

  it('takes every rule from it when nothing changed, those that read across files included', async () => {
    const rand = rng(4242);
    const repo = scratchRepo();
    repo.commit(baseTree(rand, 24), 'first');
    const first = await cachedCheck(repo.dir, undefined);
    const across = Object.keys(first.next.across).length;
    expect(across).toBeGreaterThan(20);
    const again = await cachedCheck(repo.dir, first.next);
    expect(again.report.summary.cached).toEqual({
      files: 24,
      rules: first.next.rules.length,
      across,
      source: 'the test',
    });
    expect(judged(again.report)).toEqual(judged(first.report));
    // And keeps the same cache: the workflows' parts by subject included, for the next change.
    expect(again.next).toEqual(first.next);
  });

  it('reads the files the working tree changed, and untracked ones, whatever their blob in the index', async () => {
    const repo = scratchRepo();
    repo.commit({ 'src/a.js': 'export const a = 1;\n', 'src/b.js': 'export const b = 2;\n' }, 'first');
    const { next } = await cachedCheck(repo.dir, undefined);
    writeFileSync(path.join(repo.dir, 'src/a.js'), `export const token = "${token(3)}";\n`);
    writeFileSync(path.join(repo.dir, 'src/new.py'), `TOKEN = "${token(4)}"\n`);
    const cached = await cachedCheck(repo.dir, next);
    expect(
      cached.report.findings.filter((f) => f.ruleId === 'api-token-committed').map((f) => f.location?.path),
    ).toEqual(['src/a.js', 'src/new.py']);
    expect(judged(cached.report)).toEqual(judgement(await full(repo.dir)));
    // Neither is kept for the next run: the cache holds what git tracks, as git tracks it.
    expect(cached.next.paths).toEqual(['src/b.js']);
  });

  it('is not used on a folder of a repository, whose files git does not list from the top', async () => {
    const repo = scratchRepo();
    repo.commit({ 'app/src/a.js': 'export const a = 1;\n', 'other.js': 'x\n' }, 'first');
    const first = await cachedCheck(path.join(repo.dir, 'app'), undefined);
    expect(cacheLine(first.lines)).toBe(
      'info: results cache: not used (the checked folder is not the top of a git work tree)',
    );
    expect(first.next).toBeUndefined();
  });

  it('reads again a file whose finding the clock judges otherwise since (a token that expired)', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const jwt = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'svc-billing', exp })}.Qk7vR2xLm9TnW4sYb8HcJ3fDg6QaE1uKo5XiMvB0nC2`;
    const repo = scratchRepo();
    repo.commit(
      { 'src/auth.ts': `export const token = '${jwt}';\n`, 'src/a.js': 'export const a = 1;\n' },
      'first',
    );
    const first = await cachedCheck(repo.dir, undefined);
    const confidence = (r: Report) =>
      r.findings.filter((f) => f.ruleId === 'jwt-committed').map((f) => f.confidence);
    expect(confidence(first.report)).toEqual(['medium']);
    // Two hours later, nothing committed: the token has expired.
    vi.spyOn(Date, 'now').mockReturnValue((exp + 3600) * 1000);
    const later = await cachedCheck(repo.dir, first.next);
    expect(cacheLine(later.lines)).toMatch(/: 1 of 2 files unchanged/);
    // Expired, it is no medium finding any more (the full check's judgement, not the cache's).
    expect(confidence(later.report)).toEqual([]);
    expect(judged(later.report)).toEqual(judged(await full(repo.dir)));
  });

  it('keeps the parse problems of the files it does not read again', async () => {
    // A custom rule is the only one to parse these files: their problems come from its parse alone.
    const rules = mkdtempSync(path.join(tmpdir(), 'cg-cache-rules-'));
    writeFileSync(
      path.join(rules, 'service-config.yml'),
      'id: service-config\ntitle: Service configs name an owner\nseverity: low\ncontrols: ["8.9"]\nrationale: Owners answer for them.\nremediation: Add owner.\ncheck:\n  kind: structured.schema\n  with:\n    paths: ["services/*.yml"]\n    message: Service config\n    schema:\n      type: object\n      required: [owner]\n',
    );
    const repo = scratchRepo();
    repo.commit(
      {
        'services/a.yml': 'owner: [team\n',
        'services/b.yml': 'name: b\n',
        'src/a.js': 'export const a = 1;\n',
      },
      'first',
    );
    const options = { ruleDirs: [rules] };
    const first = await cachedCheck(repo.dir, undefined, options);
    const unparsable = (r: Report) =>
      r.findings.filter((f) => f.ruleId === 'unparsable-file').map((f) => f.location?.path);
    expect(unparsable(first.report)).toEqual(['services/a.yml']);
    repo.commit({ 'src/a.js': 'export const a = 2;\n' }, 'second');
    const cached = await cachedCheck(repo.dir, first.next, options);
    expect(cacheLine(cached.lines)).toMatch(/: 2 of 3 files unchanged/);
    expect(unparsable(cached.report)).toEqual(['services/a.yml']);
    expect(judged(cached.report)).toEqual(
      judgement(await runCheck({ root: repo.dir, now: NOW, ...options })),
    );
  });

  it('reads a symbolic link again when only the file it leads to changes', async () => {
    const repo = scratchRepo();
    repo.commit({ 'docker/Dockerfile': 'FROM alpine:3.20\nRUN sudo apk add curl\n' }, 'first');
    symlinkSync('docker/Dockerfile', path.join(repo.dir, 'Dockerfile'));
    repo.commit({}, 'the link');
    const sudo = (r: Report) =>
      r.findings.filter((f) => f.ruleId === 'dockerfile-sudo').map((f) => f.location?.path);
    const first = await cachedCheck(repo.dir, undefined);
    // The link says what its target says: reported once, at the target.
    expect(sudo(first.report)).toEqual(['docker/Dockerfile']);
    // The target drops sudo; the link's blob (the path it holds) is as it was.
    repo.commit({ 'docker/Dockerfile': 'FROM alpine:3.20\nRUN apk add curl\n' }, 'second');
    const cached = await cachedCheck(repo.dir, first.next);
    expect(sudo(cached.report)).toEqual([]);
    expect(judged(cached.report)).toEqual(judgement(await full(repo.dir)));
  });

  it('evaluates a rule that reads another file again when that file changes (dockerfile-root-user)', async () => {
    const repo = scratchRepo();
    const action = (using: string) =>
      `name: act\nruns:\n  using: ${using}\n  image: Dockerfile\n  main: index.js\n`;
    repo.commit(
      { 'act/Dockerfile': 'FROM node:22\nCMD ["node", "x.js"]\n', 'act/action.yml': action('docker') },
      'first',
    );
    // The auditor persona shows the findings of low confidence too.
    const auditor = { persona: 'auditor' as const };
    const first = await cachedCheck(repo.dir, undefined, auditor);
    // The image of a container action: reported, saying that GitHub runs such actions as root, and
    // without a fix.
    const rootUser = (r: Report) =>
      r.findings
        .filter((f) => f.ruleId === 'dockerfile-root-user')
        .map((f) => [f.location?.path, f.unfixable !== undefined, /container action/.test(f.message)]);
    expect(rootUser(first.report)).toEqual([['act/Dockerfile', true, true]]);
    // Kept file by file, with the action files it reads (readsOtherFiles) checked for changes.
    expect(first.next.rules.map((r) => r.id)).toContain('dockerfile-root-user');
    // Only the action changes: the Dockerfile is no longer a container action's image.
    repo.commit({ 'act/action.yml': action('node24') }, 'second');
    const cached = await cachedCheck(repo.dir, first.next, auditor);
    expect(rootUser(cached.report)).toEqual([['act/Dockerfile', false, false]]);
    expect(judged(cached.report)).toEqual(
      judgement(await runCheck({ root: repo.dir, now: NOW, ...auditor })),
    );
  });

  it('evaluates dockerfile-root-user again when only a compose file changes the stage it builds', async () => {
    const repo = scratchRepo();
    const compose = (target: string) =>
      `services:\n  app:\n    build:\n      context: .\n      target: ${target}\n`;
    repo.commit(
      {
        Dockerfile:
          'FROM node:22-slim AS release\nCMD ["node", "server.js"]\nFROM release AS rootless\nUSER node\n',
        'compose.yaml': compose('rootless'),
      },
      'first',
    );
    const rootUser = (r: Report) =>
      r.findings
        .filter((f) => f.ruleId === 'dockerfile-root-user')
        .map((f) => `${f.location?.path}:${f.location?.startLine}`);
    const first = await cachedCheck(repo.dir, undefined);
    expect(rootUser(first.report)).toEqual([]);
    // Only the compose file changes: it now builds the stage that sets no USER.
    repo.commit({ 'compose.yaml': compose('release') }, 'second');
    const cached = await cachedCheck(repo.dir, first.next);
    expect(rootUser(cached.report)).toEqual(['Dockerfile:1']);
    expect(judged(cached.report)).toEqual(judgement(await runCheck({ root: repo.dir, now: NOW })));
  });

  it('evaluates k8s-image-unpinned again when only the Skaffold configuration changes', async () => {
    const repo = scratchRepo();
    const skaffold = (image: string) =>
      `apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n    - image: ${image}\n      context: src/shop\n`;
    const manifest =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: shop\nspec:\n  containers:\n    - name: shop\n      image: acme/shop\n';
    repo.commit(
      { 'skaffold.yaml': skaffold('acme/shop'), 'k8s/shop.yaml': manifest, 'README.md': 'x\n' },
      'first',
    );
    const unpinned = (r: Report) =>
      r.findings
        .filter((f) => f.ruleId === 'k8s-image-unpinned')
        .map((f) => `${f.location?.path}:${f.location?.startLine}`);
    const first = await cachedCheck(repo.dir, undefined);
    // Skaffold builds `shop` and deploys it by digest: nothing to report.
    expect(unpinned(first.report)).toEqual([]);
    expect(first.next.across['k8s-image-unpinned']?.inputs.globs).toContainEqual([
      '**/skaffold.yaml',
      '**/skaffold.yml',
    ]);
    // Another file changes: the rule is taken from the cache as it was.
    repo.commit({ 'README.md': 'y\n' }, 'second');
    const kept = await cachedCheck(repo.dir, first.next);
    expect(kept.next.across['k8s-image-unpinned']).toEqual(first.next.across['k8s-image-unpinned']);
    expect(unpinned(kept.report)).toEqual([]);
    // Only the Skaffold file changes: `shop` is no longer built, so the manifest runs `shop:latest`.
    repo.commit({ 'skaffold.yaml': skaffold('acme/shop-api') }, 'third');
    const cached = await cachedCheck(repo.dir, kept.next);
    expect(unpinned(cached.report)).toEqual(['k8s/shop.yaml:8']);
    expect(judged(cached.report)).toEqual(judgement(await full(repo.dir)));
  });

  it('keeps the Kubernetes rules when a file that is no manifest then or now changes, and judges again when one becomes or stops being one', async () => {
    const repo = scratchRepo();
    const pod = (name: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: c\n      image: nginx:latest\n      securityContext:\n        privileged: true\n`;
    const workflow = (note: string) =>
      `# ${note}\non: push\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n`;
    repo.commit(
      {
        'k8s/web.yaml': pod('web'),
        'config/app.yaml': 'replicas: 2\nname: web\n',
        '.github/workflows/ci.yml': workflow('first'),
      },
      'first',
    );
    const privileged = (r: Report) =>
      r.findings
        .filter((f) => f.ruleId === 'k8s-privileged-container')
        .map((f) => f.location?.path)
        .sort();
    const first = await cachedCheck(repo.dir, undefined);
    expect(privileged(first.report)).toEqual(['k8s/web.yaml']);
    expect(first.next.screens?.['k8s-manifest']?.passed.map((at) => first.next.paths[at])).toEqual([
      'k8s/web.yaml',
    ]);
    const k8sRules = Object.keys(first.next.across).filter((id) => id.startsWith('k8s-'));
    expect(k8sRules).toContain('k8s-privileged-container');
    /** How many rules that read across files the run took from the cache. */
    const untouched = (r: Report) => r.summary.cached?.across ?? 0;
    // A workflow, which every Kubernetes rule tests for a manifest, changes: no rule of theirs reads it.
    repo.commit({ '.github/workflows/ci.yml': workflow('second') }, 'second');
    const kept = await cachedCheck(repo.dir, first.next);
    for (const id of k8sRules) expect(kept.next.across[id], id).toEqual(first.next.across[id]);
    const keptCount = untouched(kept.report);
    expect(keptCount).toBeGreaterThanOrEqual(k8sRules.length);
    expect(judged(kept.report)).toEqual(judgement(await full(repo.dir)));
    // Without the record of which files passed, the same change counts for every rule that tests them.
    const { screens: _screens, ...unrecorded } = first.next;
    const blind = await cachedCheck(repo.dir, unrecorded);
    expect(untouched(blind.report)).toBeLessThanOrEqual(keptCount - k8sRules.length);
    // The configuration file becomes a manifest: judged, though it passed no screen when cached.
    repo.commit({ 'config/app.yaml': pod('app') }, 'third');
    const became = await cachedCheck(repo.dir, kept.next);
    expect(privileged(became.report)).toEqual(['config/app.yaml', 'k8s/web.yaml']);
    expect(judged(became.report)).toEqual(judgement(await full(repo.dir)));
    // The manifest stops being one: its finding goes, though it passes no screen now.
    repo.commit({ 'k8s/web.yaml': 'note: moved to the chart\n' }, 'fourth');
    const stopped = await cachedCheck(repo.dir, became.next);
    expect(privileged(stopped.report)).toEqual(['config/app.yaml']);
    expect(judged(stopped.report)).toEqual(judgement(await full(repo.dir)));
    expect(stopped.next.screens?.['k8s-manifest']?.passed.map((at) => stopped.next.paths[at])).toEqual([
      'config/app.yaml',
    ]);
  });

  it('keeps the Dockerfile rules when a workflow that names no container engine then or now changes, and evaluates them again when one starts building an image', async () => {
    // They read a workflow only for its image commands (`Evaluator.screenedReads`).
    const repo = scratchRepo();
    const workflow = (step: string) =>
      `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${step}\n`;
    repo.commit(
      {
        'app/Dockerfile': 'FROM acme/base:1.0\nUSER app\nCMD ["/app"]\n',
        'base/Dockerfile': `FROM debian:12@sha256:${'d'.repeat(64)}\nUSER app\n`,
        '.github/workflows/ci.yml': workflow('npm test'),
        '.github/workflows/images.yml': workflow('echo no image yet'),
      },
      'first',
    );
    const onlyRules = [
      'dockerfile-base-image-digest',
      'dockerfile-base-image-unpinned',
      'dockerfile-root-user',
    ];
    const options = { onlyRules, persona: 'auditor' as const };
    const whole = () => runCheck({ root: repo.dir, now: NOW, ...options });
    const kept = (r: Report) => r.summary.cached?.rules ?? 0;
    const digest = (r: Report) =>
      r.findings
        .filter((f) => f.ruleId === 'dockerfile-base-image-digest')
        .map((f) => `${f.location?.path} ${f.confidence}`);
    const first = await cachedCheck(repo.dir, undefined, options);
    expect(digest(first.report)).toEqual(['app/Dockerfile high']);
    repo.commit({ '.github/workflows/ci.yml': workflow('npm run lint') }, 'second');
    const second = await cachedCheck(repo.dir, first.next, options);
    expect(kept(second.report)).toBe(3);
    expect(judged(second.report)).toEqual(judgement(await whole()));
    // The other workflow builds the base image now: an image of the repository's own, a low finding.
    repo.commit({ '.github/workflows/images.yml': workflow('docker build -t acme/base:1.0 base') }, 'third');
    const third = await cachedCheck(repo.dir, second.next, options);
    expect(kept(third.report)).toBe(0);
    expect(digest(third.report)).toEqual(['app/Dockerfile low']);
    expect(judged(third.report)).toEqual(judgement(await whole()));
    // And stops: the screen passed when the cache was written, so the edit counts.
    repo.commit({ '.github/workflows/images.yml': workflow('echo no image') }, 'fourth');
    const fourth = await cachedCheck(repo.dir, third.next, options);
    expect(kept(fourth.report)).toBe(0);
    expect(digest(fourth.report)).toEqual(['app/Dockerfile high']);
    expect(judged(fourth.report)).toEqual(judgement(await whole()));
  });

  it('evaluates workflow-checkout-persisted-credentials again when only a script a step runs changes', async () => {
    const repo = scratchRepo();
    const workflow =
      'on: push\npermissions:\n  contents: write\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./scripts/ci.sh\n';
    repo.commit(
      {
        '.github/workflows/ci.yml': workflow,
        'scripts/ci.sh': '#!/bin/sh\nset -e\ngit push origin HEAD:gh-pages\n',
      },
      'first',
    );
    const persisted = (r: Report) =>
      r.findings
        .filter((f) => f.ruleId === 'workflow-checkout-persisted-credentials')
        .map((f) => `${f.location?.path}:${f.location?.startLine} ${f.severity}`);
    const first = await cachedCheck(repo.dir, undefined);
    // The script pushes: the job keeps the token for it.
    expect(persisted(first.report)).toEqual([]);
    repo.commit({ 'scripts/ci.sh': '#!/bin/sh\nset -e\necho done\n' }, 'second');
    const cached = await cachedCheck(repo.dir, first.next);
    expect(persisted(cached.report)).toEqual(['.github/workflows/ci.yml:8 medium']);
    expect(judged(cached.report)).toEqual(judgement(await full(repo.dir)));
  });

  it('says what a rule that reads other files examined as the check that reads every file says, once the file it read them for changes', async () => {
    const repo = scratchRepo();
    repo.commit(
      {
        'services/web/Dockerfile': 'FROM node:latest\nUSER app\n',
        'scripts/ci.sh': '#!/bin/sh\necho built\n',
        'packages/p0/package.json': '{"name":"p0"}\n',
      },
      'first',
    );
    const examined = (r: Report) => r.rules.find((x) => x.id === 'dockerfile-base-image-unpinned')?.scope;
    const first = await cachedCheck(repo.dir, undefined);
    // An unpinned base: the build scripts are read, to tell whether the repository builds it itself.
    expect(examined(first.report)?.examples).toContain('scripts/ci.sh');
    // Pinned now: nothing else is read for it, and the cache must not say otherwise.
    repo.commit({ 'services/web/Dockerfile': 'FROM python:3.12\nUSER app\n' }, 'second');
    const pinned = await cachedCheck(repo.dir, first.next);
    expect(examined(pinned.report)).toEqual(examined(await full(repo.dir)));
    expect(examined(pinned.report)?.examples).toEqual(['services/web/Dockerfile']);
    // Unpinned again, then gone: the rule examined nothing.
    repo.commit({ 'services/web/Dockerfile': 'FROM node:latest\nUSER app\n' }, 'third');
    const again = await cachedCheck(repo.dir, pinned.next);
    expect(examined(again.report)).toEqual(examined(await full(repo.dir)));
    repo.commit({ 'services/web/Dockerfile': null }, 'fourth');
    const gone = await cachedCheck(repo.dir, again.next);
    expect(examined(gone.report)).toEqual(examined(await full(repo.dir)));
    expect(examined(gone.report)?.files).toBe(0);
  });

  it('evaluates workflow-checkout-persisted-credentials again when a program without an extension a step runs is added or changed', async () => {
    const repo = scratchRepo();
    repo.commit(
      {
        '.github/workflows/ci.yml':
          'on: push\npermissions:\n  contents: write\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./scripts/ci-task\n',
      },
      'first',
    );
    const persisted = (r: Report) =>
      r.findings.filter((f) => f.ruleId === 'workflow-checkout-persisted-credentials').map((f) => f.severity);
    // The program is not there yet: nothing the job runs pushes.
    const first = await cachedCheck(repo.dir, undefined);
    expect(persisted(first.report)).toEqual(['medium']);
    // Added, and it pushes: the token is kept for it. No file the rule read before changed.
    repo.commit({ 'scripts/ci-task': '#!/bin/sh\nset -e\ngit push origin HEAD:gh-pages\n' }, 'second');
    const added = await cachedCheck(repo.dir, first.next);
    expect(persisted(added.report)).toEqual([]);
    expect(judged(added.report)).toEqual(judgement(await full(repo.dir)));
    repo.commit({ 'scripts/ci-task': '#!/bin/sh\nset -e\necho done\n' }, 'third');
    const edited = await cachedCheck(repo.dir, added.next);
    expect(persisted(edited.report)).toEqual(['medium']);
    expect(judged(edited.report)).toEqual(judgement(await full(repo.dir)));
  });

  it('takes nothing from a cache written with other rules or settings, or by another version', async () => {
    const repo = scratchRepo();
    repo.commit({ 'src/leak.py': `TOKEN = "${token(5)}"\n` }, 'first');
    const { next } = await cachedCheck(repo.dir, undefined);
    // Settings that hide the finding, as if the cache had been written under them.
    repo.commit(
      { '.controlgate.yml': 'version: 1\nrules:\n  api-token-committed:\n    severity: low\n' },
      'config',
    );
    const other = await cachedCheck(repo.dir, next);
    expect(cacheLine(other.lines)).toBe(
      'info: results cache (the test): not taken: it was written with other rules or settings than the policy in force',
    );
    expect(judged(other.report)).toEqual(judgement(await full(repo.dir)));
    const older = await cachedCheck(repo.dir, { ...other.next, version: '0.0.1' });
    expect(cacheLine(older.lines)).toBe(
      `info: results cache (the test): not taken: it was written by controlgate 0.0.1, this is ${VERSION}`,
    );
  });

  it('is not used on a change, which is judged against its base', async () => {
    const repo = scratchRepo();
    const base = repo.commit({ 'src/a.js': 'export const a = 1;\n' }, 'first');
    repo.commit({ 'src/b.js': 'export const b = 1;\n' }, 'second');
    const collect = vi.fn();
    const log = logger();
    await runCheck({
      root: repo.dir,
      now: NOW,
      logger: log,
      base,
      change: { scope: 'new', baseline: base },
      fileCache: { collect },
    });
    expect(log.lines).toContain(
      'info: results cache: not used (a change is checked against its base, not against a cache)',
    );
    expect(collect).not.toHaveBeenCalled();
  });
});

describe('CachePlan', () => {
  it('evaluates over every file a rule one of whose existence questions gets another answer', () => {
    const root = scratchRepo().dir;
    const workspace = new Workspace(root, { files: ['a.js', 'package-lock.json'] });
    const blob = '100644 0123456789012345678901234567890123456789';
    const previous: FileCache = {
      format: FILE_CACHE_FORMAT,
      version: VERSION,
      key: 'k'.repeat(64),
      rules: [
        { id: 'still', asked: [['package-lock.json', true]] },
        { id: 'stale', asked: [['yarn.lock', true]] },
      ],
      paths: ['a.js', 'package-lock.json'],
      blobs: [blob, blob],
      readers: [[0, 1], []],
      read: [0, 1],
      found: {},
      problems: {},
      across: {},
      inlineIgnores: [],
    };
    const rule = (id: string) => ({ id }) as Parameters<typeof cacheable>[0];
    const plan = new CachePlan(
      {
        previous,
        collect: false,
        key: previous.key,
        blobs: {
          ids: new Map([
            ['a.js', blob],
            ['package-lock.json', blob],
          ]),
          modified: new Set(),
        },
      },
      workspace,
      [rule('still'), rule('stale')],
    );
    expect([...plan.kept]).toEqual(['still']);
    expect(plan.todo).toEqual([]);
    expect(plan.use).toEqual({ unchanged: 2, files: 2, kept: 1, cacheable: 2 });
  });

  it('counts an edited file as tested by a screen when it passes now, or passed when the cache was written', () => {
    const dir = scratchRepo().dir;
    const files = ['deploy/app.yaml', 'deploy/gone.yaml', 'deploy/plain.yaml', 'notes.md'];
    writeFileSync(path.join(dir, 'notes.md'), 'x\n');
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';
    mkdirSync(path.join(dir, 'deploy'));
    writeFileSync(path.join(dir, 'deploy/app.yaml'), manifest);
    writeFileSync(path.join(dir, 'deploy/gone.yaml'), 'note: no longer a manifest\n');
    writeFileSync(path.join(dir, 'deploy/plain.yaml'), 'replicas: 2\n');
    const workspace = new Workspace(dir, { files });
    const old = '100644 0123456789012345678901234567890123456789';
    const now = '100644 9876543210987654321098765432109876543210';
    const previous: FileCache = {
      format: FILE_CACHE_FORMAT,
      version: VERSION,
      key: 'k'.repeat(64),
      rules: [],
      paths: files,
      blobs: files.map(() => old),
      readers: [[]],
      read: files.map(() => 0),
      found: {},
      problems: {},
      across: {},
      inlineIgnores: [],
      // When written, gone.yaml was a manifest, app.yaml was not.
      screens: { 'k8s-manifest': { patterns: [['deploy/*.yaml']], passed: [1] } },
    };
    const plan = (cache: FileCache) =>
      new CachePlan(
        {
          previous: cache,
          collect: false,
          key: cache.key,
          blobs: { ids: new Map(files.map((f) => [f, now])), modified: new Set() },
        },
        workspace,
        [],
      );
    const screened = plan(previous).change!.screened!;
    expect(files.map((f) => screened(f, 'k8s-manifest'))).toEqual([true, true, false, true]);
    // A screen the cache has no record of, or one no controlgate defines: every edit counts.
    expect(screened('deploy/plain.yaml', 'compose-commands')).toBe(true);
    expect(screened('deploy/plain.yaml', 'no-such-screen')).toBe(true);
    const { screens: _none, ...unrecorded } = previous;
    expect(plan(unrecorded).change!.screened!('deploy/plain.yaml', 'k8s-manifest')).toBe(true);
  });
});

describe('parseFileCache', () => {
  const blob = '100644 0123456789012345678901234567890123456789';
  const valid = (): Record<string, unknown> => ({
    format: FILE_CACHE_FORMAT,
    version: VERSION,
    key: 'a'.repeat(64),
    rules: [{ id: 'r', asked: [['package-lock.json', false]] }],
    paths: ['a.py', 'b.py'],
    blobs: [blob, blob],
    readers: [[0], []],
    read: [0, 1],
    found: { '0': { '0': [{ message: 'm', location: { path: 'a.py', startLine: 1 } }] } },
    problems: { '1': { path: 'b.py', message: 'bad', line: 1, column: 2 } },
    across: {},
    inlineIgnores: ['a.py'],
  });
  it('reads what it wrote', () => {
    const cache = valid() as unknown as FileCache;
    expect(parseFileCache(serializeFileCache(cache))).toEqual(cache);
  });
  it('is written in pieces that make the text JSON.stringify makes', () => {
    const cache = valid() as unknown as FileCache;
    const many = Array.from({ length: 25 }, (_, i) => `f${String(i).padStart(2, '0')}.py`);
    const big = {
      ...cache,
      paths: many,
      blobs: many.map(() => blob),
      read: many.map(() => 1),
      found: { '3': cache.found['0']!, '0': {} },
      inlineIgnores: [],
    };
    const pieces = [...fileCacheText(big, 10)];
    expect(pieces.join('')).toBe(JSON.stringify(big));
    expect(pieces.length).toBeGreaterThan(10);
    expect(serializeFileCache(cache)).toBe(JSON.stringify(cache));
  });
  type Cache = Record<string, unknown>;
  it.each([
    ['format is "x", expected controlgate-results-cache/1', (c: Cache) => (c.format = 'x')],
    ['key is not a digest', (c: Cache) => (c.key = 'k')],
    [
      'rules[0].asked is not a list of [path, exists]',
      (c: Cache) => (c.rules = [{ id: 'r', asked: [['p']] }]),
    ],
    ['paths[1] is not sorted', (c: Cache) => (c.paths = ['b.py', 'a.py'])],
    ['readers is not a list of sets of rule indices', (c: Cache) => (c.readers = [[1], []])],
    ['read is not a list of reader sets', (c: Cache) => (c.read = [0, 2])],
    ['paths, blobs and read differ in length', (c: Cache) => (c.blobs = [blob])],
    [
      'found.0.0: a finding lies in another file',
      (c: Cache) => (c.found = { '0': { '0': [{ message: 'm', location: { path: 'b.py' } }] } }),
    ],
    ["found.2 is not a file's findings", (c: Cache) => (c.found = { '2': { '0': [] } })],
    ['found.0.3 is not a rule index', (c: Cache) => (c.found = { '0': { '3': [] } })],
    [
      'problems.1 is not an input problem of the file',
      (c: Cache) => (c.problems = { '1': { path: 'a.py', message: 'm', line: 1, column: 1 } }),
    ],
  ])('refuses a cache whose %s', (message, spoil) => {
    const cache = valid();
    spoil(cache);
    expect(() => parseFileCache(JSON.stringify(cache))).toThrow(message);
  });
});

describe('the rules the cache may hold', () => {
  const rules = loadRules();
  const byId = new Map(rules.map((r) => [r.id, r]));
  const fixtures = listRuleFixtures().filter((fx) => {
    const rule = byId.get(fx.ruleId);
    return rule !== undefined && cacheable(rule) && !fx.base;
  });

  it('covers the per-file rules the cache holds', () => {
    expect(fixtures.length).toBeGreaterThan(40);
  });

  // A per-file rule is cached file by file: what it finds in a file must come from that file alone,
  // or it must say `readsOtherFiles`, with the globs of what else it reads. Evaluated on each file of
  // its fixtures alone, a cached rule reads nothing else, or only files its globs match.
  it.each(fixtures.map((fx) => [fx.ruleId, fx] as const))(
    '%s reads only the file it reports on, or what it declares',
    async (_id, fx) => {
      const rule = byId.get(fx.ruleId)!;
      const evaluator = getEvaluator(rule.check.kind);
      const declared = evaluator?.readsOtherFiles;
      const globs = Array.isArray(declared) ? pathMatcher(declared) : () => false;
      for (const side of ['fail', 'pass'] as const) {
        const workspace = new Workspace(fixtureRoot(fx, side));
        const allowed = (f: string) => globs(f) || evaluator?.readsAlso?.(f, [workspace]) === true;
        for (const file of workspace.files) {
          const outcome = await runEvaluator(rule, new FocusedWorkspace(workspace, [file]), { of: () => [] });
          const others = outcome.examined.files
            .map((i) => workspace.files[i]!)
            .filter((f) => f !== file && !allowed(f));
          expect(others, `${side}/${file}`).toEqual([]);
        }
      }
    },
  );

  // The same over every rule's fixture trees, where the files of other families sit beside each rule's
  // own (scripts a workflow runs, lockfiles beside manifests, builds naming Dockerfiles).
  /** Each per-file rule evaluated on each file of each rule fixture tree alone (once, for both tests below). */
  type Alone = { rule: Rule; at: string; file: string; workspace: Workspace; outcome: RuleOutcome };
  let alone: Promise<Alone[]> | undefined;
  const everyFileAlone = () => {
    alone ??= (async () => {
      const perFile = rules.filter((r) => getEvaluator(r.check.kind)?.scope === 'file');
      const out: Alone[] = [];
      for (const fx of listRuleFixtures().filter((f) => !f.base && !f.rulesDir)) {
        for (const side of ['fail', 'pass'] as const) {
          const workspace = new Workspace(fixtureRoot(fx, side));
          for (const rule of perFile) {
            for (const file of workspace.files) {
              const focus = new FocusedWorkspace(workspace, [file]);
              const outcome = await runEvaluator(rule, focus, { of: () => [] });
              out.push({ rule, at: `${fx.ruleId}/${side}/${file}`, file, workspace, outcome });
            }
          }
        }
      }
      return out;
    })();
    return alone;
  };

  it('every cached rule, on every file of every fixture tree, reads only that file or what it declares', async () => {
    const undeclared: string[] = [];
    for (const { rule, at, file, workspace, outcome } of await everyFileAlone()) {
      if (!cacheable(rule)) continue;
      const evaluator = getEvaluator(rule.check.kind);
      const declared = evaluator?.readsOtherFiles;
      const globs = Array.isArray(declared) ? pathMatcher(declared) : () => false;
      for (const i of outcome.examined.files) {
        const read = workspace.files[i]!;
        if (read !== file && !globs(read) && evaluator?.readsAlso?.(read, [workspace]) !== true)
          undeclared.push(`${rule.id} on ${at}: ${read}`);
      }
    }
    expect(undeclared).toEqual([]);
  });

  // Slices of a large tree each judge their own files: a per-file rule that reported on a file out
  // of view would report it again from the slice that holds it.
  it('every per-file rule, on every file of every fixture tree, reports on that file only', async () => {
    const elsewhere: string[] = [];
    for (const { rule, at, file, outcome } of await everyFileAlone()) {
      for (const f of 'raw' in outcome ? outcome.raw : []) {
        const where = f.location?.path;
        if (where !== undefined && where !== file) elsewhere.push(`${rule.id} on ${at}: ${where}`);
      }
    }
    expect(elsewhere).toEqual([]);
  });
});

describe('controlgate check --cache', () => {
  it('writes the cache after a check, takes it in the next, and says so in the report', async () => {
    const repo = scratchRepo();
    repo.commit({ 'src/leak.py': `TOKEN = "${token(6)}"\n`, 'src/a.js': 'export const a = 1;\n' }, 'first');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'cg-cache-cli-')), 'cache.json');
    const first = await cli('check', repo.dir, '--format', 'json', '--cache', file);
    expect(first.code).toBe(1);
    expect(parseFileCache(readFileSync(file, 'utf8')).paths).toEqual(['src/a.js', 'src/leak.py']);
    repo.commit({ 'src/a.js': 'export const a = 2;\n' }, 'second');
    const second = await cli('check', repo.dir, '--format', 'json', '--cache', file, '--verbose');
    const report = JSON.parse(second.stdout);
    expect(report.summary.cached).toEqual({
      files: 1,
      rules: expect.any(Number),
      across: expect.any(Number),
      source: `the file ${file}`,
    });
    expect(second.stderr).toContain(`info: results cache (the file ${file}): 1 of 2 files unchanged;`);
    const plain = await cli('check', repo.dir, '--format', 'json');
    expect(second.code).toBe(plain.code);
    const { run: _a, ...cachedReport } = report;
    const { run: _b, ...plainReport } = JSON.parse(plain.stdout);
    delete cachedReport.summary.cached;
    expect(cachedReport).toEqual(plainReport);
  });

  it('keeps a rule that reads other files while none of them changes, and evaluates it again when one does', async () => {
    const repo = scratchRepo();
    const workflow = [
      'on: push',
      'permissions: { contents: write }',
      'jobs:',
      '  release:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: ./.github/actions/tag',
      '',
    ].join('\n');
    const action = (run: string) =>
      `name: tag\nruns:\n  using: composite\n  steps:\n    - run: ${run}\n      shell: bash\n`;
    repo.commit(
      {
        '.github/workflows/release.yml': workflow,
        '.github/actions/tag/action.yml': action('echo tagging'),
        'src/a.js': 'export const a = 1;\n',
      },
      'first',
    );
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'cg-cache-other-')), 'cache.json');
    const checkout = (r: Report) =>
      r.findings.filter((f) => f.ruleId === 'workflow-checkout-persisted-credentials').map((f) => f.message);
    const first = JSON.parse((await cli('check', repo.dir, '--format', 'json', '--cache', file)).stdout);
    expect(checkout(first)).toHaveLength(1);
    expect(checkout(first)[0]).not.toContain('which pushes with it');
    // An unrelated file changes: the rule's results are taken from the cache for the workflow.
    repo.commit({ 'src/a.js': 'export const a = 2;\n' }, 'second');
    const second = await cli('check', repo.dir, '--format', 'json', '--cache', file, '--verbose');
    expect(checkout(JSON.parse(second.stdout))).toEqual(checkout(first));
    const kept = Number(/(\d+) of \d+ per-file rules taken from it/.exec(second.stderr)?.[1]);
    // The composite action now pushes: the unchanged workflow's checkout is judged again with it.
    repo.commit({ '.github/actions/tag/action.yml': action('git push origin --tags') }, 'third');
    const third = await cli('check', repo.dir, '--format', 'json', '--cache', file, '--verbose');
    // Rules that read action.yml files beside their own (checkout credentials, a container action's
    // Dockerfile, an action repository's own action by a tag, ad-hoc installs before a composite
    // action that pushes) are evaluated again, and so are two that read other files and examined the
    // action itself (what they read for it may have changed: see judgedChanged).
    expect(Number(/(\d+) of \d+ per-file rules taken from it/.exec(third.stderr)?.[1])).toBe(kept - 6);
    const plain = JSON.parse((await cli('check', repo.dir, '--format', 'json')).stdout);
    // Keeping the credentials is now what the job relies on (a later step pushes with them).
    expect(checkout(plain)).toEqual([]);
    expect(checkout(JSON.parse(third.stdout))).toEqual([]);
  });

  it('replaces a broken cache with a warning, and refuses a file inside the checked folder and --cache with --base', async () => {
    const repo = scratchRepo();
    const base = repo.commit({ 'src/a.js': 'export const a = 1;\n' }, 'first');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'cg-cache-cli-')), 'cache.json');
    writeFileSync(file, '{"format":"controlgate-results-cache/1"');
    const run = await cli('check', repo.dir, '--cache', file);
    expect(run.stderr).toContain(`warning: --cache ${file}: not taken (not JSON (`);
    expect(run.stderr).toContain('); it is written again after this check\n');
    expect(parseFileCache(readFileSync(file, 'utf8')).paths).toHaveLength(1);
    expect(await cli('check', repo.dir, '--cache', path.join(repo.dir, '.cache.json'))).toEqual({
      code: 2,
      stdout: '',
      stderr: `controlgate: --cache ${path.join(repo.dir, '.cache.json')}: the file lies inside the checked folder, where the check would read it as a file of the repository; give a path outside it (e.g. under ~/.cache)\n`,
    });
    expect(await cli('check', repo.dir, '--cache', file, '--base', base)).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "controlgate: --cache is for a full check; with --base, hand over the base commit's results with --base-results\n",
    });
  });
});
