/**
 * Files a rule leaves out on purpose (Helm chart templates, kustomize patches) are said in its scope
 * and in the reports, never skipped silently: a repository whose Kubernetes content is a Helm chart
 * must not look assessed. The same account comes out of a full check, the results cache and a pull
 * request's check that takes base results.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBaseResults } from '../../src/core/base-results.js';
import { CacheCollector } from '../../src/core/cache-run.js';
import { runCheck } from '../../src/core/engine.js';
import type { LeftOut, Report } from '../../src/core/types.js';
import { schemaValidator, validate } from '../../src/core/validate.js';
import { ScopeTally } from '../../src/core/workspace/scope.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { renderJson, renderMarkdown, renderText } from '../../src/reporters/index.js';
import { renderJunit } from '../../src/reporters/junit.js';
import { renderSarif } from '../../src/reporters/sarif.js';
import { renderSoaMarkdown } from '../../src/reporters/soa.js';
import { claimEverything } from '../helpers/claims.js';
import { cli } from '../helpers/cli.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { makeTree, removeTempDirs } from '../helpers/run-action.js';

const NOW = new Date('2026-06-01T00:00:00Z');

afterAll(removeTempDirs);

const CHART = 'apiVersion: v2\nname: app\nversion: 0.1.0\n';
// A template whose kind and apiVersion its values and helpers write: no rule can place its object unrendered.
const TEMPLATE =
  'apiVersion: {{ include "app.workload.apiVersion" . }}\nkind: {{ .Values.workload.kind }}\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: "{{ .Values.image }}"\n';
const POD =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n';

/** A Helm chart with one template, and one plain manifest. */
const HELM_TREE = {
  'charts/app/Chart.yaml': CHART,
  'charts/app/templates/deployment.yaml': TEMPLATE,
  'k8s/pod.yaml': POD,
};

const HELM: LeftOut = {
  kind: 'Helm chart template',
  reason: 'rendered at install time: check the output of helm template',
  files: 1,
  examples: ['charts/app/templates/deployment.yaml'],
};

const HELM_LINE = '1 Helm chart template file (rendered at install time: check the output of helm template)';

const rule = (r: Report, id: string) => r.rules.find((x) => x.id === id)!;
const leaving = (r: Report) => r.rules.filter((x) => x.scope?.leftOut).map((x) => x.id);
const check = (files: Record<string, string>) =>
  runCheck({ root: makeTree(files, 'cg-left-out-'), now: NOW, defaultBranch: 'main' });

describe('files the Kubernetes rules leave out', () => {
  it('are in the JSON report: each Kubernetes rule lists the Helm chart template with its reason', async () => {
    const report = await check(HELM_TREE);
    const json = JSON.parse(renderJson(report));
    expect(validate(schemaValidator('report.schema.json'), json)).toEqual([]);
    const rules = (json as { rules: { id: string; scope?: unknown }[] }).rules;
    expect(rules.find((r) => r.id === 'k8s-privileged-container')?.scope).toEqual({
      files: 1,
      examples: ['k8s/pod.yaml'],
      settings: [],
      basis: 'tree',
      leftOut: [HELM],
    });
    // An RBAC rule examined nothing here, and says what it did not examine.
    expect(rules.find((r) => r.id === 'k8s-rbac-wildcard')?.scope).toEqual({
      files: 0,
      examples: [],
      settings: [],
      basis: 'tree',
      leftOut: [HELM],
    });
    // Every Kubernetes rule, and only they.
    const ids = leaving(report);
    expect(ids.length).toBeGreaterThanOrEqual(15);
    expect(ids.every((id) => id.startsWith('k8s-'))).toBe(true);
    expect(report.rules.filter((r) => r.id.startsWith('k8s-') && r.scope).map((r) => r.id)).toEqual(ids);
  });

  it('are absent from a tree without a chart or a kustomization, and only there', async () => {
    const plain = await check({ 'k8s/pod.yaml': POD });
    expect(leaving(plain)).toEqual([]);
    expect(rule(plain, 'k8s-privileged-container').scope).toEqual({
      files: 1,
      examples: ['k8s/pod.yaml'],
      settings: [],
      basis: 'tree',
    });
    expect(renderJson(plain)).not.toContain('leftOut');
    expect(renderText(plain)).not.toContain('Left out');
    expect(renderMarkdown(plain)).not.toContain('Left out');
    expect(renderSarif(plain).runs[0]!.invocations[0]!.toolExecutionNotifications).toEqual([]);
    expect(renderJunit(plain, { timestamp: NOW })).not.toContain('Left out');
    // The same tree with a chart beside it.
    const helm = await check(HELM_TREE);
    expect(renderJson(helm)).toContain('"leftOut"');
    expect(renderText(helm)).toContain('Left out');
    expect(renderMarkdown(helm)).toContain('Left out');
    expect(renderSarif(helm).runs[0]!.invocations[0]!.toolExecutionNotifications).toHaveLength(
      leaving(helm).length,
    );
    expect(renderJunit(helm, { timestamp: NOW })).toContain('Left out (not examined):');
  });

  it('are said in the text and Markdown reports, with what to check instead', async () => {
    const report = await check(HELM_TREE);
    const n = leaving(report).length;
    const text = renderText(report);
    expect(text).toContain(
      `\nLeft out (not examined)\n  - ${HELM_LINE}, by ${n} rules: charts/app/templates/deployment.yaml\n\n`,
    );
    expect(renderMarkdown(report)).toContain(
      `\nLeft out, not examined:\n\n- ${HELM_LINE}, by ${n} rules: <code>charts/app/templates/deployment.yaml</code>\n`,
    );
  });

  it('are notes in SARIF: one per rule, naming it, the kind, why and the files, which are its locations', async () => {
    const report = await runCheck({
      root: makeTree(HELM_TREE, 'cg-left-out-'),
      now: NOW,
      defaultBranch: 'main',
      onlyRules: ['k8s-privileged-container', 'k8s-run-as-root'],
    });
    const [run] = renderSarif(report, { pathPrefix: 'deploy/' }).runs;
    const note = (id: string) => ({
      level: 'note',
      message: {
        text: `${id} left out ${HELM_LINE}, not examined: charts/app/templates/deployment.yaml`,
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'deploy/charts/app/templates/deployment.yaml', uriBaseId: '%SRCROOT%' },
          },
        },
      ],
      associatedRule: { id, index: run!.tool.driver.rules.findIndex((r) => r.id === id) },
    });
    expect(run!.invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [note('k8s-privileged-container'), note('k8s-run-as-root')],
      },
    ]);
  });

  it('are in the JUnit output of each control suite whose test cases left them out, naming the rules', async () => {
    const report = await runCheck({
      root: makeTree(HELM_TREE, 'cg-left-out-'),
      now: NOW,
      defaultBranch: 'main',
      onlyRules: ['k8s-privileged-container', 'k8s-run-as-root'],
    });
    const xml = renderJunit(report, { timestamp: NOW });
    const out = (control: string) =>
      new RegExp(
        `<testsuite id="\\d+" package="controlgate" name="${control.replace('.', '\\.')} [\\s\\S]*?<system-out>([\\s\\S]*?)</system-out>`,
      ).exec(xml)?.[1];
    expect(out('8.2')).toBe(
      [
        '8.2 Privileged access rights: undeclared',
        '- rule k8s-run-as-root has 1 open finding',
        'Open findings that do not block:',
        '- [medium] k8s/pod.yaml:7:7: The container "web" of Pod "web" sets neither runAsNonRoot: true nor a non-zero runAsUser (in its own or the pod\'s securityContext), so it runs as root whenever the image\'s user is root.',
        'Left out (not examined):',
        `- ${HELM_LINE}, by rules k8s-privileged-container, k8s-run-as-root: charts/app/templates/deployment.yaml`,
      ].join('\n'),
    );
    expect(out('8.18')).toBe(
      [
        '8.18 Use of privileged utility programs: undeclared',
        'Left out (not examined):',
        `- ${HELM_LINE}, by rule k8s-privileged-container: charts/app/templates/deployment.yaml`,
      ].join('\n'),
    );
  });

  it('says a patch fragment that a build step adds to a kustomization is left out, not judged', async () => {
    const manager =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: manager\nspec:\n  selector:\n    matchLabels: { app: manager }\n  template:\n    metadata:\n      labels: { app: manager }\n    spec:\n      containers:\n        - name: manager\n          image: controller:1.0.0\n';
    const report = await check({
      'config/manager/kustomization.yaml': 'resources:\n  - manager.yaml\n',
      'config/manager/manager.yaml': manager,
      // Only `kustomize edit add patch` in a Makefile names these two.
      'config/manager/env_override.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: manager\nspec:\n  template:\n    spec:\n      containers:\n        - name: manager\n          env: [{ name: LOG, value: debug }]\n',
      'config/default/kustomization.yaml': 'resources:\n  - ../manager\n',
      'config/default/manager_image_pull_secret.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: manager\nspec:\n  template:\n    spec:\n      imagePullSecrets: [{ name: regcred }]\n',
    });
    const seccomp = rule(report, 'k8s-seccomp-profile');
    expect(seccomp.scope?.leftOut).toEqual([
      {
        kind: 'kustomize patch',
        reason: 'merged into their base, which is checked',
        files: 2,
        examples: ['config/default/manager_image_pull_secret.yaml', 'config/manager/env_override.yaml'],
      },
    ]);
    expect(seccomp.scope?.examples).toEqual(['config/manager/manager.yaml']);
    // The complete Deployment is judged as before; the fragments are not.
    const judged = report.findings.filter((f) => f.ruleId.startsWith('k8s-')).map((f) => f.location?.path);
    expect(judged.length).toBeGreaterThan(0);
    expect(new Set(judged)).toEqual(new Set(['config/manager/manager.yaml']));
  });

  it('counts kustomize patches apart, and lists at most five of many templates', async () => {
    const templates: Record<string, string> = {};
    for (let i = 1; i <= 7; i++) templates[`charts/app/templates/t${i}.yaml`] = TEMPLATE;
    const report = await check({
      ...HELM_TREE,
      ...templates,
      'overlays/prod/kustomization.yaml':
        'resources:\n  - ../../k8s/pod.yaml\npatches:\n  - path: replicas.yaml\n',
      'overlays/prod/replicas.yaml': POD,
    });
    expect(rule(report, 'k8s-run-as-root').scope?.leftOut).toEqual([
      {
        ...HELM,
        files: 8,
        examples: [
          'charts/app/templates/deployment.yaml',
          'charts/app/templates/t1.yaml',
          'charts/app/templates/t2.yaml',
          'charts/app/templates/t3.yaml',
          'charts/app/templates/t4.yaml',
        ],
      },
      {
        kind: 'kustomize patch',
        reason: 'merged into their base, which is checked',
        files: 1,
        examples: ['overlays/prod/replicas.yaml'],
      },
    ]);
    const n = leaving(report).length;
    const text = renderText(report);
    expect(text).toContain(
      `  - 8 Helm chart template files (rendered at install time: check the output of helm template), by ${n} rules: charts/app/templates/deployment.yaml, charts/app/templates/t1.yaml, charts/app/templates/t2.yaml, charts/app/templates/t3.yaml, charts/app/templates/t4.yaml, and 3 more\n`,
    );
    expect(text).toContain(
      `  - 1 kustomize patch file (merged into their base, which is checked), by ${n} rules: overlays/prod/replicas.yaml\n`,
    );
  });
});

describe('verdicts that rest on what the rules examined', () => {
  it('never say a repository whose Kubernetes content is a Helm chart has none', async () => {
    const report = await runCheck({
      root: makeTree(
        {
          '.github/controls.yml': claimEverything(),
          'charts/app/Chart.yaml': CHART,
          'charts/app/templates/deployment.yaml': TEMPLATE,
        },
        'cg-left-out-',
      ),
      now: NOW,
      defaultBranch: 'main',
      failOnGap: false,
    });
    const control = report.controls.find((c) => c.id === '8.6')!;
    expect(control.verdict).toBe('not-assessed');
    expect(control.reasons).toContain(
      `rule k8s-resource-limits examined nothing: no Kubernetes workloads with pod specs (Pods, Deployments, Jobs, other pod templates) in this repository besides what it left out: ${HELM_LINE}`,
    );
  });

  it('say what was left out when a control is satisfied, in the report and the SoA', async () => {
    const report = await runCheck({
      root: makeTree(
        {
          '.github/controls.yml': claimEverything(),
          ...HELM_TREE,
          'k8s/pod.yaml': POD.replace(
            '      image: nginx:1.27\n',
            '      image: nginx:1.27\n      resources:\n        limits:\n          cpu: 500m\n          memory: 128Mi\n        requests:\n          cpu: 100m\n          memory: 64Mi\n',
          ),
        },
        'cg-left-out-',
      ),
      now: NOW,
      defaultBranch: 'main',
      failOnGap: false,
    });
    const control = report.controls.find((c) => c.id === '8.6')!;
    expect(control.verdict).toBe('satisfied');
    expect(control.reasons).toContain(`rule k8s-resource-limits left out ${HELM_LINE}`);
    expect(renderSoaMarkdown(report)).toContain(
      'k8s-resource-limits (pass; 1 file, left out 1 Helm chart template file)',
    );
  });
});

describe('what was left out, through stored results', () => {
  it('is the same when the rules come from the results cache (--cache)', async () => {
    const repo = scratchRepo();
    repo.commit({ ...HELM_TREE, 'README.md': 'x\n' }, 'first');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'cg-left-out-cache-')), 'cache.json');
    await cli('check', repo.dir, '--format', 'json', '--cache', file);
    repo.commit({ 'README.md': 'y\n' }, 'second');
    const cached = JSON.parse((await cli('check', repo.dir, '--format', 'json', '--cache', file)).stdout);
    expect(cached.summary.cached.across).toBeGreaterThan(0);
    const scope = cached.rules.find((r: { id: string }) => r.id === 'k8s-privileged-container').scope;
    expect(scope.leftOut).toEqual([HELM]);
    const plain = JSON.parse((await cli('check', repo.dir, '--format', 'json')).stdout);
    const scopes = (r: { rules: { id: string; scope?: unknown }[] }) => r.rules.map((x) => [x.id, x.scope]);
    expect(scopes(cached)).toEqual(scopes(plain));
  });

  it('is the same in a pull request that takes base results (--write-base-results, --base-results)', async () => {
    const repo = scratchRepo();
    const base = repo.commit({ ...HELM_TREE, 'README.md': 'x\n' }, 'base');
    const file = path.join(repo.dir, '..', `${path.basename(repo.dir)}-base-results.json`);
    await cli('check', repo.dir, '--format', 'json', '--write-base-results', file);
    expect(
      parseBaseResults(readFileSync(file, 'utf8')).rules['k8s-privileged-container']?.scope.leftOut,
    ).toEqual([HELM]);
    repo.commit({ 'README.md': 'y\n' });
    const reused = JSON.parse(
      (await cli('check', repo.dir, '--format', 'json', '--base', base, '--base-results', file)).stdout,
    );
    expect(reused.summary.reused.rules).toBeGreaterThan(0);
    const plain = JSON.parse((await cli('check', repo.dir, '--format', 'json', '--base', base)).stdout);
    const scope = reused.rules.find((r: { id: string }) => r.id === 'k8s-privileged-container').scope;
    expect(scope.leftOut).toEqual([HELM]);
    const scopes = (r: { rules: { id: string; scope?: unknown }[] }) => r.rules.map((x) => [x.id, x.scope]);
    expect(scopes(reused)).toEqual(scopes(plain));
  });
});

describe('recording what a rule leaves out', () => {
  const KIND = { kind: 'Helm chart template', reason: 'rendered at install time' };

  it('counts a file once per rule, and credits every rule that gets a cached computation with it', () => {
    const ws = new Workspace(tmpdir(), { files: ['a/t.yaml', 'b/t.yaml', 'c.yaml'] });
    const compute = () => {
      ws.leaveOut('b/t.yaml', KIND);
      ws.leaveOut('a/t.yaml', KIND);
      ws.leaveOut('a/t.yaml', KIND);
      return 1;
    };
    for (let i = 0; i < 2; i++) {
      ws.scope.begin();
      ws.memo('paths', '', compute);
      ws.scope.end();
      expect(ws.scope.leftOut()).toEqual([{ ...KIND, files: [1, 0] }]);
    }
    ws.scope.begin();
    ws.scope.end();
    expect(ws.scope.leftOut()).toBeUndefined();
  });

  it('gathers the runs of a rule (slices) into one account per kind, in path order', () => {
    const files = Array.from({ length: 40 }, (_, i) => `f${String(i).padStart(2, '0')}.yaml`);
    const tally = new ScopeTally(files);
    tally.addLeftOut([{ ...KIND, files: [33, 2, 7] }]);
    tally.addLeftOut([
      { ...KIND, files: [7, 1, 39, 20] },
      { kind: 'kustomize patch', reason: 'merged', files: [5] },
    ]);
    expect(tally.result().leftOut).toEqual([
      { ...KIND, files: 6, examples: ['f01.yaml', 'f02.yaml', 'f07.yaml', 'f20.yaml', 'f33.yaml'] },
      { kind: 'kustomize patch', reason: 'merged', files: 1, examples: ['f05.yaml'] },
    ]);
  });

  it('keeps no per-file rule that left files out in the results cache', () => {
    const ws = new Workspace(tmpdir(), { files: ['a.yaml'] });
    const collector = new CacheCollector(ws, {
      key: 'k'.repeat(64),
      blobs: { ids: new Map([['a.yaml', '100644 x']]), modified: new Set() },
      collect: true,
    });
    collector.add('kept', { raw: [], examined: { files: [0], settings: [] } });
    collector.add('leaving', {
      raw: [],
      examined: { files: [], settings: [], leftOut: [{ ...KIND, files: [0] }] },
    });
    expect(collector.result().rules.map((r) => r.id)).toEqual(['kept']);
  });
});
