/**
 * A symbolic link to another file of the tree (`Dockerfile` -> `docker/Dockerfile.debian`, both
 * tracked) is another name for that file: a rule's finding at the link that repeats its finding at
 * the target is reported once, at the target, over the whole tree and on a change alike. A finding
 * the link's own path changes, and a link whose target no rule judges, stay at the link.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import type { Report } from '../../src/core/types.js';
import { scratchRepo } from '../helpers/git-repo.js';

const RULES = ['dockerfile-root-user', 'dockerfile-base-image-digest', 'k8s-privileged-container'];

const DOCKERFILE = 'FROM debian:12.8-slim\nRUN echo hi > /hello\nCMD ["cat", "/hello"]\n';
const NON_ROOT = 'FROM debian:12.8-slim\nUSER 10001\nCMD ["cat", "/hello"]\n';
const POD =
  'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: nginx@sha256:' +
  `${'0'.repeat(64)}\n      securityContext: {privileged: true}\n`;

type Tree = Record<string, string | { link: string } | null>;

/** A repository with a base commit and, when given, a change committed on a branch. */
function repository(base: Tree, change?: Tree) {
  const repo = scratchRepo();
  const write = (files: Tree) => {
    const plain: Record<string, string | null> = {};
    for (const [at, content] of Object.entries(files)) {
      if (content === null || typeof content === 'string') {
        rmSync(path.join(repo.dir, at), { force: true });
        plain[at] = content;
      } else {
        rmSync(path.join(repo.dir, at), { force: true });
        mkdirSync(path.dirname(path.join(repo.dir, at)), { recursive: true });
        symlinkSync(content.link, path.join(repo.dir, at));
      }
    }
    return repo.commit(plain);
  };
  const baseSha = write(base);
  if (!change) return { dir: repo.dir, baseSha };
  repo.git('checkout', '-q', '-b', 'feature');
  write(change);
  return { dir: repo.dir, baseSha };
}

/** `rule path:line`, with the confidence, or `new`/`existing` on a change; sorted. */
const where = (r: Report, confidence = false) =>
  r.findings
    .map(
      (f) =>
        `${f.ruleId} ${f.location?.path}:${f.location?.startLine}${confidence ? ` ${f.confidence}` : ''}${f.isNew === undefined ? '' : f.isNew ? ' new' : ' existing'}`,
    )
    .sort();

describe('a symbolic link to another file of the tree', () => {
  const TOOL = 'docker build -f Dockerfile -t acme/gen .\ndocker run --rm -v "$PWD:/src" acme/gen\n';
  const rows: [string, Tree, string[]][] = [
    [
      'a link to a Dockerfile of the tree: one finding per rule, at the target',
      { 'build/Dockerfile.slim': DOCKERFILE, Dockerfile: { link: 'build/Dockerfile.slim' } },
      [
        'dockerfile-base-image-digest build/Dockerfile.slim:1 high',
        'dockerfile-root-user build/Dockerfile.slim:1 medium',
      ],
    ],
    [
      'two links, one through the other, to the same file',
      {
        'build/Dockerfile.slim': DOCKERFILE,
        Dockerfile: { link: 'build/Dockerfile.slim' },
        'app/Dockerfile': { link: '../Dockerfile' },
      },
      [
        'dockerfile-base-image-digest build/Dockerfile.slim:1 high',
        'dockerfile-root-user build/Dockerfile.slim:1 medium',
      ],
    ],
    [
      "a script that builds the link's path: the target is judged as that build's Dockerfile (a tool image)",
      { 'build/Dockerfile.slim': DOCKERFILE, Dockerfile: { link: 'build/Dockerfile.slim' }, 'gen.sh': TOOL },
      [
        'dockerfile-base-image-digest build/Dockerfile.slim:1 high',
        'dockerfile-root-user build/Dockerfile.slim:1 low',
      ],
    ],
    [
      "a script that builds the target's path: the link is judged as that build's Dockerfile too",
      {
        'build/Dockerfile.slim': DOCKERFILE,
        Dockerfile: { link: 'build/Dockerfile.slim' },
        'gen.sh': TOOL.replace('-f Dockerfile', '-f build/Dockerfile.slim'),
      },
      [
        'dockerfile-base-image-digest build/Dockerfile.slim:1 high',
        'dockerfile-root-user build/Dockerfile.slim:1 low',
      ],
    ],
    [
      'a link to a file with no Dockerfile name, which no Dockerfile rule lists: judged at the link',
      { 'build/image.txt': DOCKERFILE, Dockerfile: { link: 'build/image.txt' } },
      ['dockerfile-base-image-digest Dockerfile:1 high', 'dockerfile-root-user Dockerfile:1 medium'],
    ],
    [
      'a link to a file the index lacks (ignored): not read, as before',
      { '.gitignore': 'build/\n', Dockerfile: { link: 'build/Dockerfile.slim' } },
      [],
    ],
    [
      "a finding the link's path grades otherwise stays at the link (a manifest that links to a test fixture)",
      { 'test/e2e/pod.yaml': POD, 'deploy/pod.yaml': { link: '../test/e2e/pod.yaml' } },
      ['k8s-privileged-container deploy/pod.yaml:8 high', 'k8s-privileged-container test/e2e/pod.yaml:8 low'],
    ],
  ];
  it.each(rows)('%s', async (_name, files, expected) => {
    const { dir } = repository(files);
    if (files['.gitignore']) {
      mkdirSync(path.join(dir, 'build'));
      writeFileSync(path.join(dir, 'build/Dockerfile.slim'), DOCKERFILE);
    }
    const report = await runCheck({ root: dir, onlyRules: RULES, failOn: 'never', persona: 'auditor' });
    expect(where(report, true)).toEqual(expected);
    expect(report.errors).toEqual([]);
  });
});

describe('a change to a link or to the file it leads to', () => {
  const OTHER = 'FROM alpine:3.20.3\nCMD ["true"]\n';
  const LINKED: Tree = { 'build/Dockerfile.slim': DOCKERFILE, Dockerfile: { link: 'build/Dockerfile.slim' } };
  const rows: [string, Tree, Tree, string[]][] = [
    [
      "an edit of the target: its findings are new at the target, as before, and the link's are not repeated",
      { 'build/Dockerfile.slim': NON_ROOT, Dockerfile: { link: 'build/Dockerfile.slim' } },
      { 'build/Dockerfile.slim': DOCKERFILE },
      [
        'dockerfile-base-image-digest build/Dockerfile.slim:1 existing',
        'dockerfile-root-user build/Dockerfile.slim:1 new',
      ],
    ],
    [
      'a file turned into a link to another: the findings move to the target, where the base has them',
      { 'build/Dockerfile.slim': DOCKERFILE, Dockerfile: OTHER },
      { Dockerfile: { link: 'build/Dockerfile.slim' } },
      [
        'dockerfile-base-image-digest build/Dockerfile.slim:1 existing',
        'dockerfile-root-user build/Dockerfile.slim:1 existing',
      ],
    ],
    [
      'a link added to a file the base has: nothing new',
      { 'build/Dockerfile.slim': DOCKERFILE },
      { Dockerfile: { link: 'build/Dockerfile.slim' } },
      [
        'dockerfile-base-image-digest build/Dockerfile.slim:1 existing',
        'dockerfile-root-user build/Dockerfile.slim:1 existing',
      ],
    ],
    [
      'a link replaced by a copy of its file: the copy says what the base said at the link, not new',
      LINKED,
      { Dockerfile: DOCKERFILE },
      [
        'dockerfile-base-image-digest Dockerfile:1 existing',
        'dockerfile-base-image-digest build/Dockerfile.slim:1 existing',
        'dockerfile-root-user Dockerfile:1 existing',
        'dockerfile-root-user build/Dockerfile.slim:1 existing',
      ],
    ],
  ];
  for (const scan of ['all', 'changed'] as const) {
    it.each(rows)(`scan: ${scan}: %s`, async (_name, base, change, expected) => {
      const { dir, baseSha } = repository(base, change);
      const report = await runCheck({
        root: dir,
        onlyRules: RULES,
        failOn: 'never',
        persona: 'auditor',
        change: { scope: 'new', baseline: baseSha, scan },
      });
      // A changed-files scan shows the per-file rules' findings in the changed files only.
      const shown =
        scan === 'all' ? expected : expected.filter((w) => w.endsWith(' new') || changedIn(w, change));
      expect(where(report)).toEqual(shown);
      expect(report.errors).toEqual([]);
    });
  }
});

/** Whether the finding `rule path:line state` lies in a path the change wrote. */
function changedIn(finding: string, change: Tree): boolean {
  const at = finding.split(' ')[1]!.replace(/:\d+$/, '');
  return at in change;
}
