/**
 * Base results: what a check of a commit keeps of its rules that read across files, and when a later
 * check of a change to that commit takes them instead of evaluating those rules on the head. The
 * differential test over random pull requests is in incremental.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  BASE_RESULTS_FORMAT,
  type BaseResults,
  parseBaseResults,
  resultsKey,
  serializeBaseResults,
} from '../../src/core/base-results.js';
import { parseConfig } from '../../src/core/config.js';
import { type CheckOptions, runCheck } from '../../src/core/engine.js';
import { getEvaluator } from '../../src/core/evaluators/registry.js';
import { DOCKERFILE_GLOBS } from '../../src/core/parsers/dockerfile.js';
import { MAX_SUBJECT_PATHS } from '../../src/core/phases/reuse.js';
import { RuleRun } from '../../src/core/rule-run.js';
import { loadRules } from '../../src/core/rules/load.js';
import type { Logger, Report, Rule } from '../../src/core/types.js';
import { cli } from '../helpers/cli.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { recordingLogger as logger } from '../helpers/logger.js';

const NOW = new Date('2026-06-01T00:00:00Z');

/** A tree with findings of rules that read across files (Terraform, lockfiles, CODEOWNERS). */
const TREE = {
  'infra/main.tf':
    'resource "aws_db_instance" "d" {\n  publicly_accessible = true\n  storage_encrypted   = false\n}\n',
  'app/package.json': '{"name":"app","dependencies":{"left-pad":"1.3.0"}}\n',
  'src/index.js': 'export const a = 1;\n',
};

const MANIFEST =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n';
const WORKFLOW =
  'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n';

/** A repository whose base commit is `tree`, and the results a check of it keeps. */
async function withResults(tree: Record<string, string>, options: Partial<CheckOptions> = {}) {
  const repo = scratchRepo();
  const base = repo.commit(tree, 'base');
  let results: BaseResults | undefined;
  await runCheck({ root: repo.dir, now: NOW, collectBaseResults: (r) => (results = r), ...options });
  return { repo, base, results: results! };
}

/** A repository at its base commit, the results a check of it keeps, then a change committed. */
async function changed(change: Record<string, string | null>, options: Partial<CheckOptions> = {}) {
  const kept = await withResults(TREE, options);
  kept.repo.commit(change, 'change');
  return kept;
}

/** The log line that says how many subjects' parts a change's check took from the stored results. */
const keptParts = (kept: number, all: number) =>
  `info: of the files the other rules that read across files report on, ${kept} of ${all} kept their results of the base commit: the change touches nothing their findings depend on`;

/** One rule's findings: `path:line severity new|existing`. */
function findingsOf(report: Report, ruleId: string): string[] {
  return report.findings
    .filter((f) => f.ruleId === ruleId)
    .map((f) => `${f.location?.path}:${f.location?.startLine} ${f.severity} ${f.isNew ? 'new' : 'existing'}`);
}

function prCheck(
  root: string,
  base: string,
  results: BaseResults,
  log: Logger,
  options: Partial<CheckOptions> = {},
) {
  return runCheck({
    root,
    base,
    now: NOW,
    logger: log,
    change: { scope: 'new', baseline: base, scan: 'changed' },
    baseResults: { results, source: 'the test' },
    ...options,
  });
}

/** A pull request's check with base results (see {@link prCheck}), and the rules it took from them. */
async function prCheckReusing(root: string, base: string, results: BaseResults) {
  const taken = vi.spyOn(RuleRun.prototype, 'reuseResults');
  try {
    const report = await prCheck(root, base, results, logger());
    return { report, reused: [...(taken.mock.calls[0]?.[0].keys() ?? [])] };
  } finally {
    taken.mockRestore();
  }
}

describe('base results', () => {
  it('keeps each rule that reads across files with what it asked and found, for the commit checked', async () => {
    const { base, results } = await changed({});
    expect(results.format).toBe(BASE_RESULTS_FORMAT);
    expect(results.commit).toBe(base);
    expect(results.key).toMatch(/^[0-9a-f]{64}$/);
    const db = results.rules['terraform-db-publicly-accessible'];
    expect(db?.raw.map((r) => `${r.location?.path}:${r.location?.startLine}`)).toEqual(['infra/main.tf:2']);
    expect(db?.inputs.paths).toContain('infra/main.tf');
    expect(results.rules['lockfile-missing']?.raw.map((r) => r.location?.path)).toEqual(['app/package.json']);
    // Per-file rules look at a change's own files: never kept.
    expect(results.rules['api-token-committed']).toBeUndefined();
  });

  it('takes the rules a change does not touch from them, and says so in the log and the report', async () => {
    const { repo, base, results } = await changed({ 'src/index.js': 'export const a = 2;\n' });
    const log = logger();
    const report = await prCheck(repo.dir, base, results, log);
    expect(report.summary.reused?.source).toBe('the test');
    expect(report.summary.reused?.rules).toBeGreaterThan(5);
    expect(log.lines).toContain(
      `info: ${report.summary.reused?.rules} rules that read across files not evaluated again: the change touches nothing they read, and the results of the base commit come from the test`,
    );
    // The stored findings, as existing ones.
    expect(
      report.findings
        .filter((f) => f.ruleId === 'terraform-db-publicly-accessible' || f.ruleId === 'lockfile-missing')
        .map(
          (f) => `${f.ruleId} ${f.location?.path}:${f.location?.startLine} ${f.isNew ? 'new' : 'existing'}`,
        ),
    ).toEqual([
      'terraform-db-publicly-accessible infra/main.tf:2 existing',
      'lockfile-missing app/package.json:1 existing',
    ]);
  });

  it('takes the Kubernetes rules from them when a change edits program sources and web pages only', async () => {
    // The Kubernetes rules read test sources (a manifest only an e2e test applies) and files a chart
    // renders under `templates/`: an edit of an application's source or of a web page's template is
    // no input of theirs, only an added or deleted one may be.
    const tree = {
      ...TREE,
      'deploy/pod.yaml': MANIFEST,
      'web/templates/index.html': '<html>{{ title }}</html>\n',
      'test/e2e/deploy_test.go': 'package e2e\n\nconst manifest = "../../deploy/other.yaml"\n',
      'notes.txt': 'a\n',
    };
    const reusedAfter = async (change: Record<string, string>) => {
      const { repo, base, results } = await withResults(tree);
      repo.commit(change, 'change');
      const report = await prCheck(repo.dir, base, results, logger());
      return { reused: report.summary.reused?.rules, k8s: findingsOf(report, 'k8s-privileged-container') };
    };
    const none = await reusedAfter({ 'notes.txt': 'b\n' });
    const edits = await reusedAfter({
      'src/index.js': 'export const a = 2;\n',
      'web/templates/index.html': '<html>{{ heading }}</html>\n',
    });
    expect(edits).toEqual(none);
    expect(none.k8s).toEqual(['deploy/pod.yaml:10 high existing']);
  });

  it('evaluates again a rule whose input the change touches: its new finding is found', async () => {
    const { repo, base, results } = await changed({
      'infra/main.tf':
        'resource "aws_db_instance" "d" {\n  publicly_accessible = true\n  storage_encrypted   = false\n}\nresource "aws_db_instance" "e" {\n  publicly_accessible = true\n}\n',
    });
    const report = await prCheck(repo.dir, base, results, logger());
    expect(
      report.findings
        .filter((f) => f.ruleId === 'terraform-db-publicly-accessible')
        .map((f) => `${f.location?.startLine} ${f.isNew ? 'new' : 'existing'}`),
    ).toEqual(['2 existing', '6 new']);
  });

  it('takes a touched rule’s findings on the base from them, unless a rename makes the base tree differ', async () => {
    // Stored results that say the base commit had no such finding: the comparison believes them
    // instead of evaluating the rule over the base tree (where it would find line 2).
    const edit = `${TREE['infra/main.tf']}resource "aws_db_instance" "e" {\n  publicly_accessible = true\n}\n`;
    const judged = async (change: Record<string, string | null>) => {
      const { repo, base, results } = await changed(change);
      results.rules['terraform-db-publicly-accessible']!.raw = [];
      const report = await prCheck(repo.dir, base, results, logger());
      return report.findings
        .filter((f) => f.ruleId === 'terraform-db-publicly-accessible')
        .map((f) => `${f.location?.path}:${f.location?.startLine} ${f.isNew ? 'new' : 'existing'}`);
    };
    expect(await judged({ 'infra/main.tf': edit })).toEqual(['infra/main.tf:2 new', 'infra/main.tf:6 new']);
    // A renamed file is shown in the base tree under its new name: the rule is evaluated there.
    expect(await judged({ 'infra/main.tf': null, 'infra/db.tf': edit })).toEqual([
      'infra/db.tf:2 existing',
      'infra/db.tf:6 new',
    ]);
  });

  it('evaluates again the workflows whose findings depend on a workflow the change edits, and only those', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression
    const head = '${{ github.event.pull_request.head.sha }}';
    const workflows = {
      '.github/workflows/build.yml': `on: workflow_call\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${head}\n      - run: make\n`,
      '.github/workflows/caller.yml': 'on: push\njobs:\n  call:\n    uses: ./.github/workflows/build.yml\n',
      '.github/workflows/lint.yml':
        'on: push\njobs:\n  l:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make lint\n',
    };
    const { repo, base, results } = await withResults({ ...TREE, ...workflows });
    for (const id of ['workflow-dangerous-trigger', 'workflow-github-env', 'workflow-template-injection']) {
      expect(
        results!.rules[id]?.subjects?.map((s) => s.path),
        id,
      ).toEqual([
        '.github/workflows/build.yml',
        '.github/workflows/caller.yml',
        '.github/workflows/lint.yml',
      ]);
    }
    // The caller now runs on pull_request_target: the workflow it calls checks out the pull request's
    // head with the base repository's secrets, a finding in the file the change did not edit.
    repo.commit({
      '.github/workflows/caller.yml': workflows['.github/workflows/caller.yml'].replace(
        'push',
        'pull_request_target',
      ),
    });
    const log = logger();
    const report = await prCheck(repo.dir, base, results, log);
    expect(findingsOf(report, 'workflow-dangerous-trigger')).toEqual([
      '.github/workflows/build.yml:8 critical new',
      '.github/workflows/caller.yml:1 medium new',
    ]);
    // Each of the three workflow rules that follow callers evaluated caller.yml again. The one that
    // asks whether a workflow's callers run on pull_request_target had build.yml to evaluate again
    // too, and with one part of three left to take, evaluated the tree at once (one file at a time
    // costs more); the other two took lint.yml's and build.yml's parts. So did the two rules that ask
    // whether some workflow runs tests or static analysis on pull requests (build.yml runs neither,
    // so its part never asked for its callers).
    expect(log.lines).toContain(keptParts(8, 12));
  });

  it(`keeps no part for a file whose findings depend on more than ${MAX_SUBJECT_PATHS} files`, async () => {
    // A reusable workflow's callers are found by reading every workflow: its part would be touched by
    // any workflow edit, and keeping one such list per file grows with the square of their number.
    const files: Record<string, string> = {
      '.github/workflows/build.yml':
        'on: workflow_call\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
    };
    for (let i = 0; i < MAX_SUBJECT_PATHS; i++) {
      files[`.github/workflows/wf-${String(i).padStart(2, '0')}.yml`] =
        `on: push\njobs:\n  call:\n    uses: ./.github/workflows/build.yml\n`;
    }
    const { repo, base, results } = await withResults({ ...TREE, ...files });
    const kept = results.rules['workflow-dangerous-trigger']?.subjects?.map((s) => s.path);
    expect(kept).toHaveLength(MAX_SUBJECT_PATHS);
    expect(kept).not.toContain('.github/workflows/build.yml');
    // An edit of one caller evaluates it again, and the reusable workflow, whose part was not kept
    // (its one step is no value of the event written into a script: the trigger alone is low).
    repo.commit({
      '.github/workflows/wf-07.yml': files['.github/workflows/wf-07.yml']!.replace(
        'push',
        'pull_request_target',
      ),
    });
    const log = logger();
    const report = await prCheck(repo.dir, base, results, log);
    expect(findingsOf(report, 'workflow-dangerous-trigger')).toEqual([
      '.github/workflows/wf-07.yml:1 low new',
    ]);
    // 65 files for each of the five workflow rules with subjects: wf-07.yml evaluated again by each,
    // build.yml by the one that kept no part of it.
    expect(log.lines).toContain(keptParts(319, 325));
  });

  it('judges whether tests run on pull requests over every workflow, taking the parts of those the change leaves', async () => {
    const job = (step: string) => `jobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - ${step}\n`;
    const workflows = {
      '.github/workflows/lint.yml': `on: pull_request\n${job('run: make lint')}`,
      '.github/workflows/nightly.yml': `on: schedule\n${job('run: go test ./...')}`,
      '.github/workflows/test.yml': `on: pull_request\n${job('run: npm test')}`,
    };
    const { repo, base, results } = await withResults({ ...TREE, ...workflows });
    expect(results.rules['workflow-tests-on-pull-requests']?.raw).toEqual([]);
    expect(
      results.rules['workflow-tests-on-pull-requests']?.subjects?.map((s) => s.raw.map((r) => r.key)),
    ).toEqual([[], ['not-on-pull-requests'], ['on-pull-requests']]);
    // The only workflow that tests pull requests now runs by hand: the rule finds both that test only
    // after the merge, though the change did not touch the nightly one, whose part it takes. Each of
    // the five workflow rules with subjects evaluated test.yml again and took the other two.
    repo.commit({
      '.github/workflows/test.yml': workflows['.github/workflows/test.yml'].replace(
        'pull_request',
        'workflow_dispatch',
      ),
    });
    const log = logger();
    const report = await prCheck(repo.dir, base, results, log);
    expect(findingsOf(report, 'workflow-tests-on-pull-requests')).toEqual([
      '.github/workflows/nightly.yml:1 medium new',
      '.github/workflows/test.yml:1 medium new',
    ]);
    expect(log.lines).toContain(keptParts(10, 15));
  });

  it('reads for inline ignores only the files the stored findings lie in that hold one, and those the change touches', async () => {
    const commented =
      'resource "aws_db_instance" "d" {\n  # controlgate: ignore[terraform-db-publicly-accessible] a demo database, public by design\n  publicly_accessible = true\n}\n';
    const { repo, base, results } = await withResults({ ...TREE, 'infra/main.tf': commented });
    expect(results.inlineIgnores).toEqual(['infra/main.tf']);
    const status = async (stored: BaseResults) => {
      const report = await prCheck(repo.dir, base, stored, logger());
      return report.findings
        .filter((f) => f.ruleId === 'terraform-db-publicly-accessible')
        .map((f) => `${f.location?.path}:${f.location?.startLine} ${f.status}`);
    };
    repo.commit({ 'src/index.js': 'export const a = 2;\n' });
    expect(await status(results)).toEqual(['infra/main.tf:3 ignored']);
    // Stored results that say the file holds no comment: it is not read for one.
    const silent = { ...results, inlineIgnores: [] };
    expect(await status(silent)).toEqual(['infra/main.tf:3 open']);
    // Unless the change touches it.
    repo.commit({ 'infra/main.tf': `${commented}# reviewed\n` });
    expect(await status(silent)).toEqual(['infra/main.tf:3 ignored']);
  });

  it('writes the findings of a rule kept subject by subject once, in its parts', async () => {
    const injectable = `on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "\${{ github.event.issue.title }}"\n`;
    const { results } = await withResults({
      ...TREE,
      '.github/workflows/a.yml': injectable,
      '.github/workflows/b.yml': injectable,
    });
    const text = serializeBaseResults(results);
    const written = JSON.parse(text).rules;
    // Template injection's findings are its workflows' parts one after another; the SAST rule
    // combines its parts into a finding about the repository, which no part holds.
    expect(written['workflow-template-injection'].raw).toEqual([]);
    expect(written['workflow-template-injection'].rawFromSubjects).toBe(true);
    expect(results.rules['workflow-template-injection']?.raw.map((r) => r.location?.path)).toEqual([
      '.github/workflows/a.yml',
      '.github/workflows/b.yml',
    ]);
    expect(written['workflow-sast-on-pull-requests'].rawFromSubjects).toBeUndefined();
    expect(written['workflow-sast-on-pull-requests'].raw.map((r: { key: string }) => r.key)).toEqual([
      'missing',
    ]);
    expect(parseBaseResults(text)).toEqual(results);
  });

  it('says again where else static analysis may run when the change adds another CI system', async () => {
    // No workflow runs static analysis: one finding for the repository, whose text names the other CI
    // systems the tree has. Which ones are there is asked when the parts are combined: an input too.
    const { repo, base, results } = await withResults({ ...TREE, '.github/workflows/ci.yml': WORKFLOW });
    repo.commit({
      Jenkinsfile: "pipeline { agent any; stages { stage('scan') { steps { sh 'semgrep ci' } } } }\n",
    });
    // What Jenkins runs is not visible: the finding is a guess, shown to the auditor persona.
    const report = await prCheck(repo.dir, base, results, logger(), { persona: 'auditor' });
    const missing = report.findings.filter((f) => f.ruleId === 'workflow-sast-on-pull-requests');
    expect(missing.map((f) => [f.location, f.isNew, f.confidence])).toEqual([[null, false, 'low']]);
    expect(missing[0]?.message).toContain('This repository also has Jenkinsfile (Jenkins)');
  });

  it.each<[string, Record<string, string | null>, boolean, string[]]>([
    [
      'a workflow edited',
      { '.github/workflows/ci.yml': `${WORKFLOW}      - run: make\n` },
      false,
      ['deploy/app.yaml:10 existing'],
    ],
    [
      'a plain YAML file edited',
      { 'conf/settings.yaml': 'debug: false\n' },
      false,
      ['deploy/app.yaml:10 existing'],
    ],
    [
      'a plain YAML file added',
      { 'conf/other.yaml': 'debug: true\n' },
      true,
      ['deploy/app.yaml:10 existing'],
    ],
    [
      'the manifest edited',
      { 'deploy/app.yaml': MANIFEST.replace('nginx:1.27', 'nginx:1.28') },
      true,
      ['deploy/app.yaml:10 existing'],
    ],
    [
      'a YAML file made a manifest',
      { 'conf/settings.yaml': MANIFEST.replace('name: p', 'name: q') },
      true,
      ['conf/settings.yaml:10 new', 'deploy/app.yaml:10 existing'],
    ],
    ['the manifest made another kind of YAML', { 'deploy/app.yaml': 'debug: true\n' }, true, []],
  ])('with %s, the Kubernetes rules are evaluated again: %s', async (_name, change, again, expected) => {
    const repo = scratchRepo();
    const base = repo.commit({
      ...TREE,
      'deploy/app.yaml': MANIFEST,
      'conf/settings.yaml': 'debug: true\n',
      '.github/workflows/ci.yml': WORKFLOW,
    });
    let results: BaseResults | undefined;
    await runCheck({ root: repo.dir, now: NOW, collectBaseResults: (r) => (results = r) });
    // The manifests, and the scripts that may apply them to a throw-away kind cluster.
    expect(results?.rules['k8s-privileged-container']?.inputs.screened).toEqual([
      { patterns: ['**/*.yaml', '**/*.yml', '**/*.json'], screen: 'k8s-manifest' },
      {
        patterns: ['**/Makefile', '**/makefile', '**/GNUmakefile', '**/*.mk', '**/*.sh', '**/*.bash'],
        screen: 'k8s-cluster-scripts',
      },
    ]);
    repo.commit(change);
    const { report, reused } = await prCheckReusing(repo.dir, base, results!);
    expect(reused.includes('k8s-privileged-container')).toBe(!again);
    expect(reused.includes('terraform-db-publicly-accessible')).toBe(true);
    // The judgement a full evaluation makes (an edited manifest's finding keeps its identity).
    expect(
      report.findings
        .filter((f) => f.ruleId === 'k8s-privileged-container')
        .map((f) => `${f.location?.path}:${f.location?.startLine} ${f.isNew ? 'new' : 'existing'}`),
    ).toEqual(expected);
  });

  it.each<[string, Record<string, string | null>, boolean]>([
    ['a source file added', { 'src/more.js': 'export const b = 1;\n' }, false],
    ['a source file deleted', { 'src/index.js': null }, false],
    ['a manifest added', { 'svc/package.json': '{"name":"svc","dependencies":{"x":"1.0.0"}}\n' }, true],
  ])('with %s, lockfile-missing is evaluated again: %s', async (_name, change, again) => {
    const { repo, base, results } = await changed(change);
    expect(results.rules['lockfile-missing']?.inputs).toMatchObject({
      listed: false,
      selected: ['lockfile-manifests'],
    });
    const { report, reused } = await prCheckReusing(repo.dir, base, results);
    expect(reused.includes('lockfile-missing')).toBe(!again);
    expect(
      report.findings
        .filter((f) => f.ruleId === 'lockfile-missing')
        .map((f) => `${f.location?.path} ${f.isNew ? 'new' : 'existing'}`),
    ).toEqual(again ? ['app/package.json existing', 'svc/package.json new'] : ['app/package.json existing']);
  });

  it.each<[string, boolean, string, string[]]>([
    ['copies no manifest', false, 'FROM node:22\nRUN make\n', ['app/package.json existing']],
    [
      'now copies the manifest beside a committed lockfile',
      true,
      'FROM node:20\nCOPY app/package.json locks/package-lock.json ./\nRUN npm ci\n',
      [],
    ],
  ])(
    'with a Dockerfile edited that %s, lockfile-missing is evaluated again: %s',
    async (_name, again, dockerfile, expected) => {
      const repo = scratchRepo();
      const base = repo.commit({
        ...TREE,
        'svc/Dockerfile': 'FROM node:20\nRUN make\n',
        'locks/package-lock.json': '{"lockfileVersion":3,"packages":{}}\n',
      });
      let results: BaseResults | undefined;
      await runCheck({ root: repo.dir, now: NOW, collectBaseResults: (r) => (results = r) });
      // The Dockerfiles are read for whether one copies the manifest: a screen, not each path.
      expect(results?.rules['lockfile-missing']?.inputs.screened).toEqual([
        { patterns: [...DOCKERFILE_GLOBS], screen: 'lockfile-image-copies:package.json' },
      ]);
      repo.commit({ 'svc/Dockerfile': dockerfile });
      const { report, reused } = await prCheckReusing(repo.dir, base, results!);
      expect(reused.includes('lockfile-missing')).toBe(!again);
      expect(
        report.findings
          .filter((f) => f.ruleId === 'lockfile-missing')
          .map((f) => `${f.location?.path} ${f.isNew ? 'new' : 'existing'}`),
      ).toEqual(expected);
    },
  );

  it.each<[string, boolean, Record<string, string>, string[]]>([
    [
      'a build step',
      false,
      { '.github/workflows/ci.yml': `${WORKFLOW}      - run: make\n` },
      ['java/pom.xml'],
    ],
    [
      'an SBOM generator',
      true,
      { '.github/workflows/ci.yml': `${WORKFLOW}      - run: syft . -o cyclonedx-json\n` },
      [],
    ],
    // A Dockerfile's images are no packages an SBOM of the lockfiles lists: the rule does not read it.
    ['a base image bumped', false, { 'svc/Dockerfile': 'FROM node:22.1.0\n' }, ['java/pom.xml']],
  ])('with %s, the SBOM rule is evaluated again: %s', async (_name, again, change, expected) => {
    const repo = scratchRepo();
    const base = repo.commit({
      ...TREE,
      'java/pom.xml': '<project><dependencies><dependency/></dependencies></project>\n',
      '.github/workflows/ci.yml': WORKFLOW,
      'svc/Dockerfile': 'FROM node:20.1.0\n',
    });
    let results: BaseResults | undefined;
    await runCheck({ root: repo.dir, now: NOW, collectBaseResults: (r) => (results = r) });
    repo.commit(change);
    const { report, reused } = await prCheckReusing(repo.dir, base, results!);
    expect(reused.includes('sbom-coverage')).toBe(!again);
    expect(report.findings.filter((f) => f.ruleId === 'sbom-coverage').map((f) => f.location?.path)).toEqual(
      expected,
    );
  });

  it.each<[string, (r: BaseResults) => BaseResults, string]>([
    [
      'another commit',
      (r) => ({ ...r, commit: 'a'.repeat(40) }),
      'they are of commit aaaaaaaaaaaa, the base is ',
    ],
    [
      'another version',
      (r) => ({ ...r, version: '0.0.1' }),
      'they were written by controlgate 0.0.1, this is ',
    ],
    [
      'other rules or settings',
      (r) => ({ ...r, key: 'b'.repeat(64) }),
      'they were written with other rules or settings than the policy in force',
    ],
  ])('does not use results of %s, and says why', async (_name, alter, reason) => {
    const { repo, base, results } = await changed({ 'src/index.js': 'export const a = 2;\n' });
    const log = logger();
    const report = await prCheck(repo.dir, base, alter(results), log);
    expect(report.summary.reused).toBeUndefined();
    expect(log.lines.find((l) => l.startsWith('info: base results'))).toContain(
      `info: base results from the test not used: ${reason}`,
    );
  });

  it('does not use results written under another configuration', async () => {
    const repo = scratchRepo();
    repo.commit(TREE, 'base');
    let results: BaseResults | undefined;
    await runCheck({ root: repo.dir, now: NOW, collectBaseResults: (r) => (results = r) });
    // The base commit's own configuration is the policy in force: a change to it is another key.
    repo.commit({ '.controlgate.yml': 'version: 1\nrules:\n  lockfile-missing:\n    severity: low\n' });
    const base2 = repo.git('rev-parse', 'HEAD').trim();
    repo.commit({ 'src/index.js': 'export const a = 3;\n' });
    const log = logger();
    const report = await prCheck(repo.dir, base2, { ...results!, commit: base2 }, log);
    expect(report.summary.reused).toBeUndefined();
    expect(log.lines).toContain(
      'info: base results from the test not used: they were written with other rules or settings than the policy in force',
    );
  });

  it('writes none for a work tree that is not its commit', async () => {
    const repo = scratchRepo();
    repo.commit(TREE, 'base');
    writeFileSync(path.join(repo.dir, 'src/extra.js'), 'export const b = 1;\n');
    const log = logger();
    let results: BaseResults | undefined;
    await runCheck({ root: repo.dir, now: NOW, logger: log, collectBaseResults: (r) => (results = r) });
    expect(results).toBeUndefined();
    expect(log.lines.filter((l) => l.includes('base results'))).toEqual([
      expect.stringMatching(
        /^warning: base results not written: the work tree differs from commit [0-9a-f]{12} \(src\/extra\.js\); check a clean checkout$/,
      ),
    ]);
  });

  it('keys results on what shapes findings, not on where a custom rule file lies', async () => {
    const rule = loadRules().find((x) => x.id === 'lockfile-missing');
    const config = {
      ...parseConfig('version: 1\nrules:\n  lockfile-missing:\n    severity: high\n', '.controlgate.yml'),
      ruleDirs: ['policy'],
    };
    const key = (r: Rule, c = config) =>
      resultsKey({ rules: [r], config: c, maxFileBytes: 1024, prefix: '' });
    const custom = { ...rule!, source: '/home/runner/work/x/policy', file: 'lockfile-missing.yml' };
    expect(key({ ...custom, source: 'policy', file: 'deps/lockfile-missing.yml' })).toBe(key(custom));
    expect(
      key({ ...custom, source: 'policy' }, { ...config, ruleDirs: ['/abs/policy'], failOnGap: false }),
    ).toBe(key(custom));
    // A built-in rule is not a custom one with the same definition; another severity is another key.
    expect(key(rule!)).not.toBe(key(custom));
    expect(key({ ...custom, severity: 'low' })).not.toBe(key(custom));
    expect(key(custom, { ...config, exclude: ['vendor/**'] })).not.toBe(key(custom));
  });

  // Results written before an evaluator changed how it keys its findings (the same version and rule
  // definitions) would key the base one way and the head the other: every stored finding new, or a
  // new one taken for a stored one. The evaluator's revision makes them not fit.
  it.each(['k8s-env-secret-literal', 'dockerfile-secret-env'])(
    "keys results on the revision of each rule's evaluator: %s",
    (id) => {
      const rule = loadRules().find((x) => x.id === id)!;
      const config = parseConfig('version: 1\n', '.controlgate.yml');
      const key = () => resultsKey({ rules: [rule], config, maxFileBytes: 1024, prefix: '' });
      const evaluator = getEvaluator(rule.check.kind)!;
      const revision = evaluator.revision;
      const now = key();
      try {
        evaluator.revision = (revision ?? 1) + 1;
        expect(key()).not.toBe(now);
      } finally {
        if (revision === undefined) delete evaluator.revision;
        else evaluator.revision = revision;
      }
      expect(key()).toBe(now);
    },
  );

  /** Results with one rule, `r`, whose stored parts are overridden. */
  const withRule = (rule: Record<string, unknown>, top: Record<string, unknown> = {}) =>
    JSON.stringify({
      format: BASE_RESULTS_FORMAT,
      version: '1',
      commit: 'a'.repeat(40),
      key: 'a'.repeat(64),
      rules: {
        r: {
          inputs: { paths: [], globs: [], screened: [], selected: [], listed: false },
          raw: [],
          scope: { files: 0, examples: [], settings: [], basis: 'tree' },
          ...rule,
        },
      },
      ...top,
    });

  it.each<[string, string, string]>([
    ['not JSON', '{', 'not JSON'],
    ['another format', JSON.stringify({ format: 'x' }), 'format is "x", expected controlgate-base-results/1'],
    ['a short commit id', withRule({}, { commit: 'abc' }), 'commit is not a full commit id'],
    [
      'a finding without a message',
      withRule({ raw: [{ location: null }] }),
      'rules.r: raw[0] has no message',
    ],
    [
      'a negative line',
      withRule({ raw: [{ message: 'm', location: { path: 'a', startLine: -1 } }] }),
      'rules.r: raw[0].location.startLine is not a line or column',
    ],
    [
      'a screened glob without its screen',
      withRule({
        inputs: { paths: [], globs: [], screened: [{ patterns: ['**/*.yml'] }], selected: [], listed: false },
      }),
      'rules.r: inputs.screened is not a list of screened globs',
    ],
    ['subjects that are not a list', withRule({ subjects: {} }), 'rules.r: subjects is not a list'],
    [
      'a subject without its path',
      withRule({ subjects: [{ inputs: {}, raw: [], files: [] }] }),
      'rules.r: subjects[0] has no path',
    ],
    [
      'a subject whose inputs are not inputs',
      withRule({ subjects: [{ path: 'a.yml', inputs: { paths: 'a.yml' }, raw: [], files: [] }] }),
      'rules.r: subjects[0].inputs.paths is not a list of paths',
    ],
    [
      'a subject whose finding has no message',
      withRule({
        subjects: [
          {
            path: 'a.yml',
            inputs: { paths: [], globs: [], screened: [], selected: [], listed: false },
            raw: [{}],
            files: [],
          },
        ],
      }),
      'rules.r: subjects[0].raw[0] has no message',
    ],
    [
      'a subject without the files it examined',
      withRule({
        subjects: [
          {
            path: 'a.yml',
            inputs: { paths: [], globs: [], screened: [], selected: [], listed: false },
            raw: [],
          },
        ],
      }),
      'rules.r: subjects[0].files is not a list of paths',
    ],
    [
      'a glob list holding a number',
      withRule({
        inputs: { paths: [], globs: [['**/*.yml', 1]], screened: [], selected: [], listed: false },
      }),
      'rules.r: inputs.globs is not a list of globs',
    ],
    [
      'left-out files listed where the scope counts them',
      withRule({
        scope: {
          files: 0,
          examples: [],
          settings: [],
          basis: 'tree',
          leftOut: [{ kind: 'k', reason: 'r', files: ['a'], examples: [] }],
        },
      }),
      'rules.r: scope.leftOut is not a list of left-out files',
    ],
    [
      'left-out files counted where a subject lists them',
      withRule({
        subjects: [
          {
            path: 'a.yml',
            inputs: { paths: [], globs: [], screened: [], selected: [], listed: false },
            raw: [],
            files: [],
            leftOut: [{ kind: 'k', reason: 'r', files: 1 }],
          },
        ],
      }),
      'rules.r: subjects[0].leftOut is not a list of left-out files',
    ],
    [
      'findings taken from subjects it does not have',
      withRule({ rawFromSubjects: true }),
      'rules.r: rawFromSubjects is not true beside subjects and no findings of its own',
    ],
    [
      'files with inline ignores that are not paths',
      withRule({}, { inlineIgnores: [1] }),
      'inlineIgnores is not a list of paths',
    ],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseBaseResults(text)).toThrow(message);
  });
});

describe('controlgate check --write-base-results / --base-results', () => {
  it('writes the results of a clean checkout and reads them in a check with --base', async () => {
    const repo = scratchRepo();
    const base = repo.commit(TREE, 'base');
    const file = path.join(repo.dir, '..', `${path.basename(repo.dir)}-base-results.json`);
    const wrote = await cli('check', repo.dir, '--format', 'json', '--write-base-results', file);
    expect(wrote.code).toBe(1);
    expect(parseBaseResults(readFileSync(file, 'utf8')).commit).toBe(base);
    repo.commit({ 'src/index.js': 'export const a = 2;\n' });
    const plain = await cli('check', repo.dir, '--format', 'json', '--base', base);
    const reused = await cli('check', repo.dir, '--format', 'json', '--base', base, '--base-results', file);
    expect(reused.code).toBe(plain.code);
    const { run: _a, ...withResults } = JSON.parse(reused.stdout);
    const { run: _b, ...without } = JSON.parse(plain.stdout);
    expect(withResults.summary.reused).toEqual({ rules: expect.any(Number), source: `the file ${file}` });
    delete withResults.summary.reused;
    expect(withResults).toEqual(without);
  });

  it('refuses --base-results without --base, and a file that is not base results', async () => {
    const repo = scratchRepo();
    const base = repo.commit(TREE, 'base');
    const bad = path.join(tmpdir(), `cg-bad-results-${process.pid}.json`);
    writeFileSync(bad, JSON.stringify({ format: 'x' }));
    expect(await cli('check', repo.dir, '--base-results', bad)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'controlgate: --base-results needs --base <ref>\n',
    });
    expect(await cli('check', repo.dir, '--base', base, '--base-results', bad)).toEqual({
      code: 2,
      stdout: '',
      stderr: `controlgate: --base-results ${bad}: not base results (format is "x", expected controlgate-base-results/1); write them with check --write-base-results\n`,
    });
  });
});
