/**
 * k8s-image-unpinned reads the Skaffold configuration besides the manifests (an image Skaffold builds
 * is replaced at deploy time), and the kustomizations that build them (their `images:` set its tag):
 * a pull request that edits only `skaffold.yaml` or a `kustomization.yaml` must evaluate it again,
 * not take the base commit's results. The results cache's case is in file-cache.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { BaseResults } from '../../src/core/base-results.js';
import { runCheck } from '../../src/core/engine.js';
import type { Report } from '../../src/core/types.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { recordingLogger as logger } from '../helpers/logger.js';

const NOW = new Date('2026-06-01T00:00:00Z');

const skaffold = (image: string) =>
  `apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n    - image: ${image}\n      context: src/shop\n`;
const MANIFEST =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: shop\nspec:\n  containers:\n    - name: shop\n      image: acme/shop\n';

function unpinned(report: Report): string[] {
  return report.findings
    .filter((f) => f.ruleId === 'k8s-image-unpinned')
    .map((f) => `${f.location?.path}:${f.location?.startLine} ${f.isNew ? 'new' : 'existing'}`);
}

/** The pull request's check of the work tree against `base`, with the base commit's stored results. */
function checkChange(root: string, base: string, results: BaseResults) {
  return runCheck({
    root,
    base,
    now: NOW,
    logger: logger(),
    change: { scope: 'new', baseline: base, scan: 'changed' },
    baseResults: { results, source: 'the test' },
  });
}

describe('k8s-image-unpinned on a pull request with base results', () => {
  it.each([
    ['the Skaffold file stops building the image', skaffold('acme/shop-api'), ['k8s/shop.yaml:8 new']],
    ['the Skaffold file is deleted', null, ['k8s/shop.yaml:8 new']],
  ] as const)('reports the manifest the change leaves alone when %s', async (_what, edit, expected) => {
    const repo = scratchRepo();
    const base = repo.commit(
      { 'skaffold.yaml': skaffold('acme/shop'), 'k8s/shop.yaml': MANIFEST, 'README.md': 'x\n' },
      'base',
    );
    let results: BaseResults | undefined;
    const before = await runCheck({ root: repo.dir, now: NOW, collectBaseResults: (r) => (results = r) });
    expect(unpinned(before)).toEqual([]);
    expect(results?.rules['k8s-image-unpinned']?.raw).toEqual([]);
    // The change: the artifact renamed, or the file deleted (and its one artifact with it).
    repo.commit({ 'skaffold.yaml': edit }, 'change');
    const report = await checkChange(repo.dir, base, results!);
    expect(unpinned(report)).toEqual(expected);
  });

  it('keeps the base results when the change touches neither manifests nor Skaffold files', async () => {
    const repo = scratchRepo();
    const base = repo.commit({ 'skaffold.yaml': skaffold('acme/shop'), 'k8s/shop.yaml': MANIFEST }, 'base');
    let results: BaseResults | undefined;
    const before = await runCheck({ root: repo.dir, now: NOW, collectBaseResults: (r) => (results = r) });
    expect(unpinned(before)).toEqual([]);
    // Stored results that claim a finding: taken as they are, the rule is not evaluated again.
    const stored = results!.rules['k8s-image-unpinned']!;
    stored.raw = [{ message: 'stored', location: { path: 'k8s/shop.yaml', startLine: 8 }, key: 'x' }];
    repo.commit({ 'README.md': 'x\n' }, 'change');
    const report = await checkChange(repo.dir, base, results!);
    expect(unpinned(report)).toEqual(['k8s/shop.yaml:8 existing']);
  });
});

describe('k8s-image-unpinned on a pull request that edits only a kustomization', () => {
  const kustomization = (tag: string) =>
    `resources:\n  - shop.yaml\nimages:\n  - name: acme/shop\n    newTag: ${tag}\n`;

  it('reports the manifest whose version the change takes away', async () => {
    const repo = scratchRepo();
    const base = repo.commit(
      { 'k8s/kustomization.yaml': kustomization('v1.9.0'), 'k8s/shop.yaml': MANIFEST },
      'base',
    );
    let results: BaseResults | undefined;
    const before = await runCheck({ root: repo.dir, now: NOW, collectBaseResults: (r) => (results = r) });
    expect(unpinned(before)).toEqual([]);
    repo.commit({ 'k8s/kustomization.yaml': kustomization('latest') }, 'change');
    const report = await checkChange(repo.dir, base, results!);
    expect(unpinned(report)).toEqual(['k8s/shop.yaml:8 new']);
    expect(report.findings.find((f) => f.ruleId === 'k8s-image-unpinned')?.message).toContain(
      'which the images: of k8s/kustomization.yaml make "acme/shop:latest", uses the "latest" tag',
    );
  });
});
