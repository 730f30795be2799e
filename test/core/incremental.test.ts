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
import { RuleRun } from '../../src/core/rule-run.js';
import { type Report, silentLogger } from '../../src/core/types.js';
import { scratchRepo } from '../helpers/git-repo.js';

/** mulberry32: a seeded generator, so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';
/** Distinct, random-looking tokens (the detectors skip placeholders). */
const TOKEN = (n: number) =>
  `ghp_${'R8kq2ZxV7pLm4TnW9sYb3HcJ6fDg1QaE5uKo0XiMvB7nC2wQ'.slice(n % 12, (n % 12) + 36)}`;

/** A GitHub Actions expression, as a workflow writes it. */
const expr = (e: string) => `\${{ ${e} }}`;

/** Content of each kind of file, by variant: debt and the absence of it, and references across files. */
const KINDS: Record<string, { path: (n: number) => string; variants: ((n: number) => string)[] }> = {
  workflow: {
    path: (n) => `.github/workflows/wf-${n}.yml`,
    variants: [
      () =>
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
      () =>
        `on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${expr('github.event.pull_request.head.sha')}\n      - run: echo "${expr('github.event.pull_request.title')}"\n`,
      () =>
        `on: pull_request\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@${SHA}\n      - run: npm test\n`,
      () =>
        `on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "T=${expr('github.event.issue.title')}" >> $GITHUB_ENV\n`,
      (n) =>
        `on: push\njobs:\n  call:\n    uses: ./.github/workflows/wf-${n + 1}.yml\n    secrets: inherit\n`,
      () =>
        `on:\n  workflow_call:\njobs:\n  sbom:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: anchore/sbom-action@${SHA}\n`,
    ],
  },
  dockerfile: {
    path: (n) => `services/s${n}/Dockerfile`,
    variants: [
      () => 'FROM node:latest\nRUN curl -fsSL https://example.com/i.sh | sh\n',
      () => `FROM node:20@sha256:${'a'.repeat(64)}\nUSER app\nCMD ["node", "x.js"]\n`,
      () => 'FROM python:3.12\nADD http://example.com/x.tar.gz /opt/\nUSER root\n',
    ],
  },
  k8s: {
    path: (n) => `deploy/app-${n}.yaml`,
    variants: [
      (n) =>
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${n}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: c\n          image: nginx:latest\n          securityContext:\n            privileged: true\n`,
      (n) =>
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${n}\nspec:\n  hostNetwork: true\n  volumes:\n    - name: h\n      hostPath:\n        path: /var/run\n  containers:\n    - name: c\n      image: busybox@sha256:${'b'.repeat(64)}\n      resources:\n        limits:\n          memory: 64Mi\n          cpu: 100m\n`,
      (n) =>
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b-${n}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\nsubjects:\n  - kind: User\n    name: u\n`,
      (n) => `resources:\n  - app-${n + 1}.yaml\npatches:\n  - path: patch-${n}.yaml\n`,
    ],
  },
  terraform: {
    path: (n) => `infra/m${n}/main.tf`,
    variants: [
      (n) =>
        `resource "aws_security_group_rule" "ssh${n}" {\n  type        = "ingress"\n  from_port   = 22\n  to_port     = 22\n  protocol    = "tcp"\n  cidr_blocks = ["0.0.0.0/0"]\n}\n`,
      (n) => `resource "aws_s3_bucket" "b${n}" {\n  bucket = "b-${n}"\n}\n`,
      (n) => `module "m${n}" {\n  source = "../m${n + 1}"\n}\n`,
      (n) =>
        `resource "aws_db_instance" "d${n}" {\n  publicly_accessible = true\n  storage_encrypted   = false\n  multi_az            = false\n}\n`,
      () => 'provider "aws" {\n  access_key = "AKIAIOSFODNN7EXAMPLF"\n  region     = "eu-west-1"\n}\n',
      // A finding of a rule that reads across files, ignored inline: taken from the stored results, it
      // is ignored only if the comment is read (stored results name the files that hold one).
      (n) =>
        `resource "aws_db_instance" "d${n}" {\n  # controlgate: ignore[terraform-db-publicly-accessible] a demo database, public by design\n  publicly_accessible = true\n  storage_encrypted   = true\n}\n`,
    ],
  },
  manifest: {
    path: (n) => `packages/p${n}/package.json`,
    variants: [
      (n) => `{"name":"p${n}","dependencies":{"left-pad":"1.3.0"}}\n`,
      (n) =>
        `{"name":"p${n}","license":"GPL-3.0","dependencies":{"x":"git+https://example.com/x.git#main"}}\n`,
    ],
  },
  lockfile: {
    path: (n) => `packages/p${n}/package-lock.json`,
    variants: [(n) => `{"name":"p${n}","lockfileVersion":3,"packages":{}}\n`],
  },
  secret: {
    path: (n) => `src/m${n}/settings.py`,
    variants: [
      (n) => `TOKEN = "${TOKEN(n)}"\n`,
      () => 'DEBUG = True\n',
      () => '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n',
    ],
  },
  source: {
    path: (n) => `src/m${n}/code-${n}.js`,
    variants: [
      (n) => `export const v${n} = ${n};\n`,
      () => 'process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";\n',
      () =>
        '// controlgate: ignore[tls-verification-disabled] test server\nprocess.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";\n',
    ],
  },
  codeowners: {
    path: () => '.github/CODEOWNERS',
    variants: [
      () => '* @org/owners\n',
      () => '/vendor/ @org/vendored\n* @org/owners\n',
      () => '/src/ @org/app\n',
    ],
  },
  repofile: {
    path: (n) =>
      ['SECURITY.md', '.gitignore', 'docs/runbook.md', 'docs/incident-response.md', '.env'][n % 5]!,
    variants: [() => '# Notes\nReport to security@example.com\n', () => 'node_modules/\n.env\n', () => 'x\n'],
  },
  vendored: {
    path: (n) => [`vendor/lib${n}/index.js`, `third_party/lib${n}/index.js`][n % 2]!,
    variants: [(n) => `module.exports = ${n};\n`],
  },
  dependabot: {
    path: () => '.github/dependabot.yml',
    variants: [
      () =>
        'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: weekly\n',
      () =>
        'version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n    schedule:\n      interval: daily\n    insecure-external-code-execution: allow\n',
    ],
  },
  config: {
    path: () => '.controlgate.yml',
    variants: [
      () => 'version: 1\n',
      () => 'version: 1\nrules:\n  workflow-unpinned-action:\n    severity: low\n',
      () => 'version: 1\nexclude: ["vendor/**"]\nrules:\n  api-token-committed:\n    enabled: false\n',
    ],
  },
  declarations: {
    path: () => '.github/controls.yml',
    variants: [
      () =>
        'version: 1\ncontrols:\n  "8.4":\n    status: implemented\n    justification: Reviews by code owners.\n    evidence: [.github/CODEOWNERS]\n',
      () =>
        'version: 1\ncontrols:\n  "8.4":\n    status: implemented\n    justification: Reviews by code owners.\n    evidence: [.github/CODEOWNERS]\nexceptions:\n  - id: EXC-1\n    rules: [workflow-unpinned-action]\n    paths: [".github/workflows/**"]\n    reason: Pinning is tracked in a ticket.\n    approved-by: "@org/ciso"\n    expires: 2026-12-31\n',
      () =>
        'version: 1\ncontrols:\n  "8.31":\n    status: not-applicable\n    justification: One environment only.\n',
    ],
  },
};

/**
 * Workflows and actions that call each other (reusable workflows, local actions, workflow_run), whose
 * findings depend on other files: for the workflow rules kept and reused file by file.
 */
const CALLING_KINDS: typeof KINDS = {
  workflow: KINDS.workflow!,
  calling: {
    path: (n) => `.github/workflows/rw-${n}.yml`,
    variants: [
      // Runs its input: injectable when a caller passes text an outsider writes.
      () =>
        `on:\n  workflow_call:\n    inputs:\n      title:\n        type: string\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${expr('inputs.title')}"\n`,
      (n) =>
        `on: pull_request_target\njobs:\n  call:\n    uses: ./.github/workflows/rw-${(n + 1) % 4}.yml\n    with:\n      title: ${expr('github.event.pull_request.title')}\n`,
      (n) =>
        `on: push\njobs:\n  call:\n    uses: ./.github/workflows/rw-${(n + 1) % 4}.yml\n    with:\n      title: fixed\n`,
      // Checks out the pull request's head: critical when a pull_request_target workflow calls it.
      () =>
        `on: workflow_call\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${expr('github.event.pull_request.head.sha')}\n      - run: make\n`,
      (n) =>
        `on:\n  workflow_run:\n    workflows: ["wf-${n}.yml", "rw-${(n + 1) % 4}.yml"]\n    types: [completed]\njobs:\n  w:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${expr('github.event.workflow_run.head_sha')}\n      - run: echo "B=${expr('github.event.workflow_run.head_branch')}" >> $GITHUB_ENV\n`,
      (n) =>
        `on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./actions/act-${n}\n        with:\n          text: ${expr('github.event.issue.title')}\n`,
      // Tests and static analysis, run on pull requests or not depending on the callers and the
      // triggers: whether the repository runs them on pull requests is a verdict over every workflow.
      () => 'on: workflow_call\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n',
      () =>
        'on: push\njobs:\n  s:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: github/codeql-action/analyze@v3\n',
      () =>
        'on: pull_request\njobs:\n  s:\n    runs-on: ubuntu-latest\n    steps:\n      - run: semgrep ci\n',
    ],
  },
  action: {
    path: (n) => `actions/act-${n}/action.yml`,
    variants: [
      () =>
        `name: act\ninputs:\n  text:\n    description: text\nruns:\n  using: composite\n  steps:\n    - run: echo "${expr('inputs.text')}"\n      shell: bash\n`,
      () =>
        `name: act\ninputs:\n  text:\n    description: text\nruns:\n  using: composite\n  steps:\n    - run: echo "T=${expr('inputs.text')}" >> "$GITHUB_ENV"\n      shell: bash\n`,
      () => 'name: act\nruns:\n  using: node20\n  main: index.js\n',
    ],
  },
  source: KINDS.source!,
  codeowners: KINDS.codeowners!,
};

/** A file of a random kind and variant; numbers are small so that files refer to each other. */
function randomFile(rand: () => number, kinds = KINDS): [string, string] {
  const names = Object.keys(kinds);
  const kind = kinds[names[Math.floor(rand() * names.length)]!]!;
  const n = Math.floor(rand() * 4);
  const variant = kind.variants[Math.floor(rand() * kind.variants.length)]!;
  return [kind.path(n), variant(n)];
}

/** A base tree of `size` files (no more than the kinds have paths). */
function baseTree(rand: () => number, size: number, kinds = KINDS): Record<string, string> {
  const paths = new Set(Object.values(kinds).flatMap((k) => [0, 1, 2, 3].map((n) => k.path(n))));
  if (size > paths.size) throw new Error(`a tree of ${size} files from ${paths.size} paths`);
  const files: Record<string, string> = {};
  while (Object.keys(files).length < size) {
    const [p, c] = randomFile(rand, kinds);
    files[p] = c;
  }
  return files;
}

/**
 * A random pull request against `tree`: additions, deletions, renames (with and without an edit) and
 * edits, as the changes to commit (null deletes).
 */
function pullRequest(
  rand: () => number,
  tree: Record<string, string>,
  kinds = KINDS,
): Record<string, string | null> {
  const change: Record<string, string | null> = {};
  const paths = () => Object.keys(tree).filter((p) => !(p in change));
  const pick = () => {
    const list = paths();
    return list.length > 0 ? list[Math.floor(rand() * list.length)]! : undefined;
  };
  const steps = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < steps; i++) {
    const op = rand();
    if (op < 0.3) {
      const [p, c] = randomFile(rand, kinds);
      change[p] = c;
    } else if (op < 0.45) {
      const p = pick();
      if (p) change[p] = null;
    } else if (op < 0.65) {
      // A rename: the same content under a name of the same kind (moved to another directory).
      const p = pick();
      if (!p) continue;
      const to = p.includes('/') ? `moved/${p}` : `moved-${p}`;
      if (to in tree) continue;
      change[p] = null;
      change[to] = rand() < 0.5 ? tree[p]! : `${tree[p]!}\n`;
    } else {
      // An edit: another variant of a file of the tree, or a new file of a random kind at its path.
      const p = pick();
      if (!p) continue;
      const kind = Object.values(kinds).find((k) => [0, 1, 2, 3].some((n) => k.path(n) === p));
      const n = [0, 1, 2, 3].find((m) => kind?.path(m) === p) ?? 0;
      change[p] = kind ? kind.variants[Math.floor(rand() * kind.variants.length)]!(n) : `${tree[p]!}x\n`;
    }
  }
  return change;
}

/** The report as a user sees it, without timing. */
function judgement(report: Report): unknown {
  const { run: _run, ...rest } = report as Report & { run?: unknown };
  return JSON.parse(JSON.stringify(rest));
}

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
});
