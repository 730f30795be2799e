/**
 * The differential test of the incremental base evaluation: over random pull requests on generated
 * repositories, a check that reuses the head's findings for the rules a change does not touch must
 * judge exactly as the check that evaluates every rule on both trees (new or existing per
 * fingerprint, verdicts, gate, policy changes: the whole report but its timing).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BaseResults, parseBaseResults, serializeBaseResults } from '../../src/core/base-results.js';
import { BaseWorkspace, resolveBaseline } from '../../src/core/base-tree.js';
import { type CheckOptions, runCheck } from '../../src/core/engine.js';
import { everyDockerfile } from '../../src/core/evaluators/dockerfile/image-builds.js';
import { allEvaluators } from '../../src/core/evaluators/registry.js';
import type { Evaluator } from '../../src/core/evaluators/types.js';
import { everyWorkflow, linkedWorkflows } from '../../src/core/evaluators/workflow/callers.js';
import { followedAnyName, followedChange } from '../../src/core/evaluators/workflow/pr-evidence-follow.js';
import { RuleRun } from '../../src/core/rule-run.js';
import { silentLogger } from '../../src/core/types.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { scratchRepo } from '../helpers/git-repo.js';
import {
  baseTree,
  CALLING_KINDS,
  expr,
  judgement,
  KINDS,
  LINKED_KINDS,
  PACKAGE_KINDS,
  pullRequest,
  rng,
} from '../helpers/random-tree.js';
import { makeTree } from '../helpers/run-action.js';

/** How many rules each base evaluation ran, in order (spied on the base tree's rule runs). */
function spyOnBaseRuns(): { rules: number[] } {
  const seen = { rules: [] as number[] };
  const original = RuleRun.prototype.evaluateAll;
  vi.spyOn(RuleRun.prototype, 'evaluateAll').mockImplementation(async function (
    this: RuleRun,
    entries,
    last,
  ) {
    const ws = (this as unknown as { workspace: unknown }).workspace;
    if (ws instanceof BaseWorkspace) seen.rules.push(entries.length);
    return original.call(this, entries, last);
  });
  return seen;
}

/**
 * For each seed from `first` to `last`: a random base tree of these kinds, its results kept as a push
 * run keeps them, and three random pull requests checked with them, each compared with the check
 * that evaluates every rule on both trees. Returns how many cases, rules taken whole, and workflow
 * files (subjects) taken or evaluated again.
 */
async function withStoredResults(first: number, last: number, kinds: typeof KINDS, sizes: [number, number]) {
  let cases = 0;
  const reused = { rules: 0, subjects: 0, evaluated: 0 };
  for (let seed = first; seed <= last; seed++) {
    const rand = rng(seed);
    const tree = baseTree(rand, sizes[0] + Math.floor(rand() * (sizes[1] - sizes[0])), kinds);
    for (let pr = 0; pr < 3; pr++) {
      const repo = scratchRepo();
      const base = repo.commit(tree, 'base');
      const now = new Date('2026-06-01T00:00:00Z');
      let stored: BaseResults | undefined;
      await runCheck({ root: repo.dir, now, collectBaseResults: (r) => (stored = r) });
      expect(stored?.commit).toBe(base);
      // Through the text a run writes and the next one reads.
      const results = parseBaseResults(serializeBaseResults(stored!));
      const change = pullRequest(rand, tree, kinds);
      repo.commit(change, 'pull request');
      const check = (options: Partial<CheckOptions>) =>
        runCheck({
          root: repo.dir,
          base,
          now,
          change: { scope: 'new', baseline: base, scan: 'changed', incremental: false },
          ...options,
        });
      const full = await check({});
      const lines: string[] = [];
      const withResults = await check({
        baseResults: { results, source: 'the test' },
        change: { scope: 'new', baseline: base, scan: 'changed' },
        logger: { ...silentLogger, info: (m) => lines.push(m) },
      });
      const label = `seed ${seed}, pull request ${pr}: ${JSON.stringify(Object.keys(change))}`;
      const { reused: note, ...summary } = withResults.summary;
      expect(judgement({ ...withResults, summary }), label).toEqual(judgement(full));
      if (note) expect(note.source).toBe('the test');
      reused.rules += note?.rules ?? 0;
      const kept = lines.map((l) => /, (\d+) of (\d+) kept their results/.exec(l)).find((m) => m);
      if (kept) {
        reused.subjects += Number(kept[1]);
        reused.evaluated += Number(kept[2]) - Number(kept[1]);
      }
      cases += 1;
    }
  }
  return { cases, reused };
}

/** A report's judgement without what each rule judged (its `scope` and the count `examined`). */
function withoutScopes(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, v) =>
    (key === 'scope' && v?.basis) || (key === 'examined' && typeof v === 'number') ? undefined : v,
  );
}

/**
 * For 20 seeds from `first`, three random pull requests over a random tree of `kinds` each: the
 * check with `rules` narrowing what a change makes them judge (their `affectedBy`, their screened
 * reads) says what the same check says with each judging `every` file of its family instead, but
 * for what each rule examined. Returns how many cases, and how often a rule named fewer files.
 */
async function narrowAsWide(
  rules: readonly Evaluator<unknown>[],
  every: (changed: readonly string[], head: Workspace, base: Workspace) => string[],
  kinds: typeof KINDS,
  first: number,
  size: (rand: () => number) => number,
): Promise<{ cases: number; narrower: number }> {
  const own = new Map(rules.map((e) => [e, { affectedBy: e.affectedBy!, screenedReads: e.screenedReads }]));
  const restore = () => {
    for (const [e, { affectedBy, screenedReads }] of own) {
      e.affectedBy = affectedBy;
      if (screenedReads) e.screenedReads = screenedReads;
    }
  };
  let cases = 0;
  let narrower = 0;
  for (let seed = first; seed < first + 20; seed++) {
    const rand = rng(seed);
    const tree = baseTree(rand, size(rand), kinds);
    for (let pr = 0; pr < 3; pr++) {
      const repo = scratchRepo();
      const base = repo.commit(tree, 'base');
      const change = pullRequest(rand, tree, kinds);
      repo.commit(change, 'pull request');
      const check = () =>
        runCheck({
          root: repo.dir,
          base,
          now: new Date('2026-06-01T00:00:00Z'),
          failOnGap: false,
          persona: 'auditor',
          change: { scope: 'new', baseline: base, scan: 'changed' },
        });
      for (const [e, { affectedBy }] of own)
        e.affectedBy = async (changed, head, baseTree) => {
          const files = await affectedBy(changed, head, baseTree);
          if (files && files.length < every(changed, head, baseTree).length) narrower += 1;
          return files;
        };
      const narrow = await check().finally(restore);
      for (const e of rules) {
        e.affectedBy = every;
        delete e.screenedReads;
      }
      const wide = await check().finally(restore);
      const label = `seed ${seed}, pull request ${pr}: ${JSON.stringify(change)}`;
      // What each rule judged (its scope: how many files, which) is all that may differ.
      expect(withoutScopes(judgement(narrow)), label).toEqual(withoutScopes(judgement(wide)));
      cases += 1;
    }
  }
  return { cases, narrower };
}

/** A tree of `files` on disk, as a workspace. */
function treeOnDisk(files: Record<string, string>): Workspace {
  return new Workspace(makeTree(files, 'cg-tree-'), { files: Object.keys(files).sort() });
}

describe('incremental base evaluation (differential)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('judges random pull requests exactly as evaluating every rule on both trees', async () => {
    const spy = spyOnBaseRuns();
    let cases = 0;
    let saved = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const rand = rng(seed);
      const tree = baseTree(rand, 18 + Math.floor(rand() * 14));
      for (let pr = 0; pr < 4; pr++) {
        const repo = scratchRepo();
        const base = repo.commit(tree, 'base');
        const change = pullRequest(rand, tree);
        const head = repo.commit(change, 'pull request');
        const baseline = await resolveBaseline(repo.dir, base, head);
        expect(baseline).toBe(base);
        const scan = rand() < 0.7 ? ('changed' as const) : ('all' as const);
        const check = (incremental: boolean) =>
          runCheck({
            root: repo.dir,
            base,
            now: new Date('2026-06-01T00:00:00Z'),
            change: { scope: 'new', baseline: base, scan, incremental },
          });
        const before = spy.rules.length;
        const full = await check(false);
        const incremental = await check(true);
        const [fullRules, incrementalRules] = spy.rules.slice(before);
        const label = `seed ${seed}, pull request ${pr} (scan ${scan}): ${JSON.stringify(Object.keys(change))}`;
        expect(judgement(incremental), label).toEqual(judgement(full));
        expect(incrementalRules, label).toBeLessThanOrEqual(fullRules!);
        saved += fullRules! - incrementalRules!;
        cases += 1;
      }
    }
    expect(cases).toBe(24);
    // The comparison means something only if rules were in fact left out on the base.
    expect(saved).toBeGreaterThan(100);
  }, 300_000);

  it("judges random pull requests with the base commit's stored results exactly as without them", async () => {
    // The base commit is checked first, as a push run on the default branch does, and its results of
    // the rules that read across files are kept; the pull request's check then takes those the change
    // does not touch instead of evaluating them on the head. Everything but the note that it did must
    // be the same as the check that evaluates every rule on both trees.
    const { cases, reused } = await withStoredResults(21, 40, KINDS, [18, 32]);
    expect(cases).toBe(60);
    // Meaningful only if rules were in fact taken from the stored results.
    expect(reused.rules).toBeGreaterThan(100);
  }, 300_000);

  it('judges random pull requests to workflows that call each other, kept file by file, exactly as without them', async () => {
    // The workflow rules that follow callers keep their results by workflow: a change evaluates again
    // only the workflows whose findings can depend on what it touches (themselves, their callers,
    // the workflows a workflow_run names).
    const { cases, reused } = await withStoredResults(41, 60, CALLING_KINDS, [9, 17]);
    expect(cases).toBe(60);
    expect(reused.subjects).toBeGreaterThan(100);
    expect(reused.evaluated).toBeGreaterThan(20);
  }, 300_000);

  it("judges random pull requests to packages with the base commit's stored results exactly as without them", async () => {
    // The rules about packages (lockfile-missing, the SBOM, license and git-branch rules) read
    // manifests, lockfiles, workspace roots, settings, .gitignore files and the Dockerfiles that may
    // copy a manifest: a change takes their stored results only when it touches none of those.
    const { cases, reused } = await withStoredResults(61, 80, PACKAGE_KINDS, [8, 16]);
    expect(cases).toBe(60);
    expect(reused.rules).toBeGreaterThan(100);
  }, 300_000);

  it('judges random pull requests to linked workflows, each rule judging the files linked to the change, as judging every workflow', async () => {
    // The workflow rules that read across workflows through calls, workflow_run names and local
    // actions judge again only the files linked to what the change touches. The same check, with
    // each of them judging every workflow and action of both trees instead, must say the same.
    const linked = allEvaluators().filter(
      (e) => e.kind.startsWith('workflow.') && e.affectedBy && e.affectedBy !== everyWorkflow,
    );
    expect(linked.filter((e) => e.affectedBy === linkedWorkflows).length).toBeGreaterThanOrEqual(5);
    const { cases, narrower } = await narrowAsWide(
      linked,
      everyWorkflow,
      LINKED_KINDS,
      61,
      (rand) => 9 + Math.floor(rand() * 7),
    );
    expect(cases).toBe(60);
    // Meaningful only if the rules in fact judged fewer files than every workflow.
    expect(narrower).toBeGreaterThan(60);
  }, 600_000);

  it('judges random pull requests to builds as the Dockerfile rules judging every Dockerfile', async () => {
    // The Dockerfile rules that read the repository's builds judge again only the Dockerfiles a
    // change to its build sources may judge differently (none for a workflow that names no container
    // engine on either tree). The same check, with each judging every Dockerfile instead, must say
    // the same.
    const rules = allEvaluators().filter((e) => e.kind.startsWith('dockerfile.') && e.affectedBy);
    expect(rules.map((e) => e.kind).sort()).toEqual([
      'dockerfile.base-image',
      'dockerfile.base-image-digest',
      'dockerfile.root-user',
    ]);
    const kinds = { workflow: KINDS.workflow!, dockerfile: KINDS.dockerfile!, script: KINDS.script! };
    const { cases, narrower } = await narrowAsWide(
      rules,
      everyDockerfile,
      kinds,
      81,
      (rand) => 6 + Math.floor(rand() * 6),
    );
    expect(cases).toBe(60);
    // Meaningful only if the rules in fact judged fewer Dockerfiles than every one (root-user's own
    // affectedBy), or none for a quiet change (the screened reads: asked of no affectedBy).
    expect(narrower).toBeGreaterThan(10);
  }, 600_000);

  /** A workflow file of `jobs`, with a name and triggers. */
  const workflow = (name: string, on: string, jobs: string) => `name: ${name}\non: ${on}\njobs:\n${jobs}`;
  const W = '.github/workflows';
  const LINKS: {
    name: string;
    rule: string;
    base: Record<string, string>;
    head: Record<string, string>;
    found: string[];
  }[] = [
    {
      name: 'only the called workflow, now reading a secret its caller inherits',
      rule: 'workflow-secrets-inherit',
      base: {
        [`${W}/ci.yml`]: workflow(
          'ci',
          'push',
          '  call:\n    uses: ./.github/workflows/deploy.yml\n    secrets: inherit\n',
        ),
        [`${W}/deploy.yml`]: workflow(
          'deploy',
          'workflow_call',
          '  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
        ),
      },
      head: {
        [`${W}/deploy.yml`]: workflow(
          'deploy',
          'workflow_call',
          `  d:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${expr('secrets.DEPLOY_KEY')}" > key\n`,
        ),
      },
      found: [`${W}/ci.yml:6 medium/high new=true`],
    },
    {
      name: 'only the caller, now run on pull_request_target',
      rule: 'workflow-unpinned-action',
      base: {
        [`${W}/ci.yml`]: workflow('ci', 'pull_request', '  call:\n    uses: ./.github/workflows/lint.yml\n'),
        [`${W}/lint.yml`]: workflow(
          'lint',
          'workflow_call',
          '  l:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make lint\n',
        ),
      },
      head: {
        [`${W}/ci.yml`]: workflow(
          'ci',
          'pull_request_target',
          '  call:\n    uses: ./.github/workflows/lint.yml\n',
        ),
      },
      found: [`${W}/lint.yml:7 high/high new=true`],
    },
    {
      name: 'only the name of the workflow a workflow_run trigger follows',
      rule: 'workflow-checkout-persisted-credentials',
      base: {
        [`${W}/build.yml`]: workflow(
          'build',
          'push',
          '  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
        ),
        [`${W}/publish.yml`]: workflow(
          'publish',
          '\n  workflow_run:\n    workflows: [build]\n    types: [completed]',
          `  p:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${expr('github.event.workflow_run.head_sha')}\n      - run: make\n      - uses: actions/upload-artifact@v4\n        with:\n          path: .\n`,
        ),
      },
      head: {
        [`${W}/build.yml`]: workflow(
          'tests',
          'push',
          '  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
        ),
      },
      found: [`${W}/publish.yml:10 medium/high new=true`],
    },
    {
      name: 'only the local action a workflow runs after its checkout, which no longer pushes',
      rule: 'workflow-checkout-persisted-credentials',
      base: {
        [`${W}/ci.yml`]: workflow(
          'ci',
          'push\npermissions:\n  contents: write',
          '  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./actions/pub\n',
        ),
        'actions/pub/action.yml':
          'name: pub\nruns:\n  using: composite\n  steps:\n    - run: git push origin HEAD:gh-pages\n      shell: bash\n',
      },
      head: {
        'actions/pub/action.yml':
          'name: pub\nruns:\n  using: composite\n  steps:\n    - run: echo done\n      shell: bash\n',
      },
      found: [`${W}/ci.yml:9 medium/high new=true`],
    },
    {
      name: 'only the script a workflow runs after its checkout, which no longer pushes',
      rule: 'workflow-checkout-persisted-credentials',
      base: {
        [`${W}/ci.yml`]: workflow(
          'ci',
          'push\npermissions:\n  contents: write',
          '  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./scripts/ci.sh\n',
        ),
        'scripts/ci.sh': '#!/bin/sh\nset -e\ngit push origin HEAD:gh-pages\n',
      },
      head: { 'scripts/ci.sh': '#!/bin/sh\nset -e\necho done\n' },
      found: [`${W}/ci.yml:9 medium/high new=true`],
    },
    {
      name: 'only the program without an extension a workflow runs after its checkout, which no longer pushes',
      rule: 'workflow-checkout-persisted-credentials',
      base: {
        [`${W}/ci.yml`]: workflow(
          'ci',
          'push\npermissions:\n  contents: write',
          '  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./scripts/ci-task\n',
        ),
        'scripts/ci-task': '#!/bin/sh\nset -e\ngit push origin HEAD:gh-pages\n',
      },
      head: { 'scripts/ci-task': '#!/bin/sh\nset -e\necho done\n' },
      found: [`${W}/ci.yml:9 medium/high new=true`],
    },
    {
      name: 'only the package.json script a workflow runs after its checkout, which no longer pushes',
      rule: 'workflow-checkout-persisted-credentials',
      base: {
        [`${W}/ci.yml`]: workflow(
          'ci',
          'push\npermissions:\n  contents: write',
          '  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm run ci-task\n',
        ),
        'package.json': '{"name":"a","scripts":{"ci-task":"git push origin HEAD:gh-pages"}}\n',
      },
      head: { 'package.json': '{"name":"a","scripts":{"ci-task":"echo done"}}\n' },
      found: [`${W}/ci.yml:9 medium/high new=true`],
    },
    {
      name: 'only the lockfile, which no longer locks the branch dependency of its manifest to a commit',
      rule: 'dependency-git-branch',
      base: {
        'Cargo.toml':
          '[package]\nname = "app"\n\n[dependencies]\nlib = { git = "https://github.com/o/lib", branch = "main" }\n',
        'Cargo.lock': `version = 3\n\n[[package]]\nname = "lib"\nversion = "0.1.0"\nsource = "git+https://github.com/o/lib?branch=main#${'c'.repeat(40)}"\n`,
      },
      head: {
        'Cargo.lock':
          'version = 3\n\n[[package]]\nname = "lib"\nversion = "0.1.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n',
      },
      found: ['Cargo.toml:5 medium/high new=true'],
    },
    {
      name: 'only the triggers of the one workflow that runs on the default branch, where a release restores a cache',
      rule: 'workflow-cache-poisoning',
      base: {
        [`${W}/ci.yml`]: workflow(
          'ci',
          'pull_request',
          '  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n',
        ),
        [`${W}/release.yml`]: workflow(
          'release',
          '\n  push:\n    tags: ["v*"]',
          `  r:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/cache@v4\n        with:\n          path: ~/.npm\n          key: npm-${expr("hashFiles('package-lock.json')")}\n      - run: npm publish\n`,
        ),
      },
      head: {
        [`${W}/ci.yml`]: workflow(
          'ci',
          'push',
          '  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n',
        ),
      },
      found: [`${W}/release.yml:10 medium/high new=true`],
    },
  ];

  it.each(LINKS)('judges the file a change is linked to through $name: its finding is new', async (c) => {
    // The pull request does not touch the file the finding is in: only the link makes the rule judge
    // it on both trees.
    const repo = scratchRepo();
    const base = repo.commit(c.base, 'base');
    repo.commit(c.head, 'pull request');
    const report = await runCheck({
      root: repo.dir,
      base,
      onlyRules: [c.rule],
      failOnGap: false,
      change: { scope: 'new', baseline: base, scan: 'changed' },
    });
    expect(
      report.findings
        .filter((f) => !(f.location!.path in c.head))
        .map(
          (f) => `${f.location?.path}:${f.location?.startLine} ${f.severity}/${f.confidence} new=${f.isNew}`,
        ),
    ).toEqual(c.found);
  });

  it('evaluates on the base a rule that enumerated the tree when the change adds a file it never read', async () => {
    // The vendored-code rule lists the tree for vendored directories and reads CODEOWNERS only: the
    // added directory is known to it through the listing alone.
    const repo = scratchRepo();
    const base = repo.commit({
      '.github/CODEOWNERS': '/src/ @org/app\n',
      'vendor/liba/index.js': 'module.exports = 1;\n',
      'src/a.js': 'export const a = 1;\n',
    });
    repo.commit({ 'third_party/libb/index.js': 'module.exports = 2;\n' });
    const report = await runCheck({
      root: repo.dir,
      base,
      onlyRules: ['vendored-code-owner'],
      failOnGap: false,
      change: { scope: 'new', baseline: base, scan: 'changed' },
    });
    expect(
      report.findings.map((f) => `${f.message.includes('third_party') ? 'libb' : 'liba'} ${f.isNew}`).sort(),
    ).toEqual(['liba false', 'libb true']);
  });

  it('evaluates on the base a rule whose input the change touches, and finds the finding existing', async () => {
    // The change adds a lockfile for one package and touches nothing else a lockfile rule asks for:
    // the other package's finding is existing only if the rule ran on the base (or was reused rightly).
    const repo = scratchRepo();
    const base = repo.commit({
      'a/package.json': '{"name":"a","dependencies":{"x":"1.0.0"}}\n',
      'b/package.json': '{"name":"b","dependencies":{"x":"1.0.0"}}\n',
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
    });
    repo.commit({ 'a/package-lock.json': '{"name":"a","lockfileVersion":3,"packages":{}}\n' });
    const spy = spyOnBaseRuns();
    const report = await runCheck({
      root: repo.dir,
      base,
      onlyRules: ['lockfile-missing', 'workflow-unpinned-action', 'codeowners-present'],
      failOnGap: false,
      change: { scope: 'new', baseline: base, scan: 'changed' },
    });
    expect(
      report.findings
        .map((f) => `${f.ruleId} ${f.location?.path ?? '(repository)'} ${f.isNew ? 'new' : 'existing'}`)
        .sort(),
    ).toEqual(['codeowners-present (repository) existing', 'lockfile-missing b/package.json existing']);
    // lockfile-missing listed the tree, which the added lockfile changes: evaluated on the base. The
    // repository rule asked for files the change does not touch: reused. The per-file workflow rule
    // (the workflow is not among the changed files, so it finds nothing) always runs on the base.
    expect(spy.rules).toEqual([2]);
  });

  it('takes k8s-image-unpinned whole when the change edits scripts that set no image, not when it edits one that does', async () => {
    // The rule reads the build scripts for `kustomize edit set image`: only the scripts that hold one
    // are its inputs, so editing a workflow or a Makefile recipe without one leaves it to the head.
    const workflow = (step: string) =>
      `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${step}\n`;
    const makefile = (recipe: string) => `deploy:\n\tcd deploy && ${recipe}\n`;
    const repo = scratchRepo();
    const base = repo.commit({
      'deploy/kustomization.yaml': 'resources: [app.yaml]\n',
      'deploy/app.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: acme/app:latest\n',
      Makefile: makefile('kustomize edit set image acme/app=$(IMG)'),
      'tools/Makefile': makefile('echo build'),
      '.github/workflows/ci.yml': workflow('make test'),
    });
    const check = () =>
      runCheck({
        root: repo.dir,
        base,
        onlyRules: ['k8s-image-unpinned'],
        failOnGap: false,
        persona: 'auditor',
        change: { scope: 'new', baseline: base, scan: 'changed' },
      });
    repo.commit({
      '.github/workflows/ci.yml': workflow('make lint'),
      'tools/Makefile': makefile('echo lint'),
    });
    let spy = spyOnBaseRuns();
    let report = await check();
    expect(report.findings.map((f) => `${f.location?.path} ${f.confidence} ${f.isNew}`)).toEqual([
      'deploy/app.yaml low false',
    ]);
    expect(spy.rules).toEqual([0]);
    vi.restoreAllMocks();
    // The Makefile that set the image no longer does: the placeholder is a real tag again, on the base
    // a low one, so the rule runs there, and the change that raised it makes it new.
    repo.commit({ Makefile: makefile('echo deploy') });
    spy = spyOnBaseRuns();
    report = await check();
    expect(report.findings.map((f) => `${f.location?.path} ${f.confidence} ${f.isNew}`)).toEqual([
      'deploy/app.yaml high true',
    ]);
    expect(report.findings[0]?.raisedFrom).toEqual({ severity: 'medium', confidence: 'low' });
    expect(spy.rules).toEqual([1]);
  });

  it('judges no Dockerfile again when the change edits workflows that name no container engine, every one when it edits one that builds', async () => {
    // The base-image rules read the builds of the repository (an image built here is its own, a low
    // finding): a workflow that runs no container engine on either tree gives them nothing to read.
    const workflow = (step: string) =>
      `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${step}\n`;
    const repo = scratchRepo();
    const base = repo.commit({
      'app/Dockerfile': 'FROM acme/base:1.0\nUSER app\nCMD ["/app"]\n',
      'app/main.js': 'export const a = 1;\n',
      'base/Dockerfile': `FROM debian:12@sha256:${'d'.repeat(64)}\nUSER app\n`,
      '.github/workflows/images.yml': workflow('docker build -t acme/base:1.0 base'),
      '.github/workflows/ci.yml': workflow('npm test'),
    });
    const check = async () => {
      const lines: string[] = [];
      const report = await runCheck({
        root: repo.dir,
        base,
        onlyRules: ['dockerfile-base-image-digest'],
        failOnGap: false,
        persona: 'auditor',
        logger: { ...silentLogger, info: (m) => lines.push(m) },
        change: { scope: 'new', baseline: base, scan: 'changed' },
      });
      return {
        findings: report.findings.map((f) => `${f.location?.path} ${f.confidence} ${f.isNew}`),
        widened: lines.filter((l) => l.includes('does not touch but may judge differently')),
      };
    };
    repo.commit({
      '.github/workflows/ci.yml': workflow('npm run lint'),
      'app/main.js': 'export const a = 2;\n',
    });
    // The Dockerfile is not the change's, nor judged again: no finding of it is the change's.
    expect(await check()).toEqual({ findings: [], widened: [] });
    // The workflow that built the base image no longer does: the image is an external one now, its
    // finding raised by the change, which only judging the Dockerfile on both trees tells.
    repo.commit({ '.github/workflows/images.yml': workflow('echo no image') });
    const after = await check();
    expect(after.findings).toEqual(['app/Dockerfile high true']);
    expect(after.widened).toHaveLength(1);
    expect(after.widened[0]).toMatch(
      /^scanning 2 more files .*dockerfile-base-image-digest \(app\/Dockerfile, base\/Dockerfile; it reads \.github\/workflows\/images\.yml\)$/,
    );
  });

  it('evaluates dependency-update-coverage on the base when the change edits only an update workflow', async () => {
    // The workflow that updates the Go modules moves from one module to another: the module it left
    // is a new finding, which it is only if the rule ran on the base tree instead of taking the head's.
    const mod = (name: string) =>
      `module example.com/${name}\n\ngo 1.23\n\nrequire golang.org/x/text v0.19.0\n`;
    const updater = (dir: string) =>
      `on:\n  schedule: [{ cron: "0 5 * * 1" }]\njobs:\n  go:\n    runs-on: ubuntu-latest\n    steps:\n      - working-directory: ${dir}\n        run: |\n          go get -u ./...\n          git commit -am deps && git push origin HEAD:deps\n`;
    const repo = scratchRepo();
    const base = repo.commit({
      '.github/dependabot.yml':
        'version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n    schedule: { interval: weekly }\n',
      // Read first for the workflows' actions: the update workflow is read for what it updates alone.
      '.github/workflows/ci.yml':
        'on: pull_request\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
      'api/go.mod': mod('api'),
      'cli/go.mod': mod('cli'),
      '.github/workflows/update-go.yml': updater('api'),
    });
    repo.commit({ '.github/workflows/update-go.yml': updater('cli') });
    const spy = spyOnBaseRuns();
    const report = await runCheck({
      root: repo.dir,
      base,
      onlyRules: ['dependency-update-coverage'],
      failOnGap: false,
      change: { scope: 'new', baseline: base, scan: 'changed' },
    });
    expect(report.findings.map((f) => `${f.location?.path} ${f.isNew ? 'new' : 'existing'}`)).toEqual([
      'api/go.mod new',
    ]);
    expect(spy.rules).toEqual([1]);
  });
});

describe('followedChange', () => {
  const pkg = (scripts: string, deps: string) =>
    `{"name":"a","scripts":{${scripts}},"dependencies":{${deps}}}\n`;
  const base = treeOnDisk({
    'package.json': pkg('"release":"git push"', '"x":"1.0.0"'),
    'scripts/ci.sh': 'make\n',
  });

  it.each([
    [
      'a dependency bump leaves what a step is followed to as it was',
      { 'package.json': pkg('"release":"git push"', '"x":"1.1.0"') },
      ['package.json'],
      false,
    ],
    [
      'a script of package.json edited',
      { 'package.json': pkg('"release":"echo"', '"x":"1.0.0"') },
      ['package.json'],
      true,
    ],
    [
      'a package.json added',
      { 'package.json': pkg('"release":"git push"', '"x":"1.0.0"'), 'web/package.json': '{}\n' },
      ['web/package.json'],
      true,
    ],
    [
      'a shell script edited',
      { 'package.json': pkg('"release":"git push"', '"x":"1.0.0"'), 'scripts/ci.sh': 'make all\n' },
      ['scripts/ci.sh'],
      true,
    ],
  ] as const)('%s', (_name, files, changed, expected) => {
    expect(followedChange(changed, treeOnDisk(files), base)).toBe(expected);
  });

  it('counts a file read whatever its name: a program that starts with #! on either tree, a Makefile by its name, a file no tree holds', () => {
    const head = treeOnDisk({ 'tools/ship': '#!/usr/bin/env bash\ngit push\n', 'tools/notes': 'ship it\n' });
    const before = treeOnDisk({ 'tools/old': '#!/bin/sh\n', 'tools/notes': 'x\n' });
    expect(
      ['tools/ship', 'tools/old', 'tools/notes', 'Makefile.release', 'ci/build.mk', 'gone'].map((f) =>
        followedAnyName(f, [head, before]),
      ),
    ).toEqual([true, true, false, true, true, true]);
  });
});

describe('linkedWorkflows', () => {
  const W = '.github/workflows';
  const job = (body: string) => `jobs:\n  a:\n${body}`;
  const steps = '    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';
  const files = {
    [`${W}/deploy.yml`]: `name: Build\n  and deploy\non: workflow_call\n${job(steps)}`,
    // Calls it by a path YAML spells with an escape: no text search for `deploy.yml` finds it.
    [`${W}/escaped.yml`]: `on: push\n${job('    uses: "./.github/workflows/deploy\\x2eyml"\n')}`,
    [`${W}/plain.yml`]: `on: push\n${job('    uses: ./.github/workflows/deploy.yml\n')}`,
    // Follows it by its name, which its file folds over two lines.
    [`${W}/after.yml`]: `on:\n  workflow_run:\n    workflows: [Build and deploy]\n${job(steps)}`,
    [`${W}/other.yml`]: `name: Other\non: push\n${job('    uses: ./.github/workflows/other-deploy.yml\n')}`,
    [`${W}/other-deploy.yml`]: `on: workflow_call\n${job(steps)}`,
    'tools/act/action.yml': 'runs:\n  using: composite\n  steps:\n    - run: make\n      shell: bash\n',
    [`${W}/uses-action.yml`]: `on: push\n${job(`${steps}      - uses: ./tools/act\n`)}`,
    [`${W}/escaped-action.yml`]: `on: push\n${job(`${steps}      - uses: "./tools/\\x61ct"\n`)}`,
  };

  it('links a changed file to its callers however YAML spells the path, and to what follows it by name', () => {
    const ws = treeOnDisk(files);
    expect(linkedWorkflows([`${W}/deploy.yml`], ws, ws).sort()).toEqual([
      `${W}/after.yml`,
      `${W}/deploy.yml`,
      `${W}/escaped.yml`,
      `${W}/plain.yml`,
    ]);
    expect(linkedWorkflows([`${W}/after.yml`], ws, ws)).toContain(`${W}/deploy.yml`);
    expect(linkedWorkflows(['tools/act/action.yml'], ws, ws).sort()).toEqual([
      `${W}/escaped-action.yml`,
      `${W}/uses-action.yml`,
      'tools/act/action.yml',
    ]);
    expect(linkedWorkflows([`${W}/other.yml`], ws, ws).sort()).toEqual([
      `${W}/other-deploy.yml`,
      `${W}/other.yml`,
    ]);
  });
});
