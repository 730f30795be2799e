/**
 * Which files a change leaves as they are but grades differently (context-shift.ts): a file in a test
 * path stops being test material when a file the change edits starts to deploy, build, list or run
 * it, and the per-file rules must then read it on both trees. Each row is a pull request on the same
 * base tree and the files it shifts; a change to nothing the context reads shifts none.
 */
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBaseWorkspace } from '../../src/core/base-tree.js';
import {
  contextUsesOf,
  contextVerdict,
  DEFAULT_TEST_PATHS,
  readByContext,
} from '../../src/core/confidence.js';
import { contextShift } from '../../src/core/context-shift.js';
import type { FileContent } from '../../src/core/workspace/workspace.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { scratchRepo } from '../helpers/git-repo.js';
import { makeTree } from '../helpers/run-action.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const pod =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: demo\nspec:\n  containers: [{name: a, image: a}]\n';
const kustomization = (...resources: string[]) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;
const workflow = (on: string, jobs: string) => `name: w\non: ${on}\npermissions: {}\njobs:\n${jobs}`;
const job = (steps: string, extra = '') =>
  `  build:\n    runs-on: ubuntu-latest\n${extra}    steps:\n      - run: make\n${steps}`;
const deployJob = (command: string) =>
  `  deploy:\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - run: ${command}\n`;

/** The base tree every pull request below starts from. */
const BASE: Record<string, string> = {
  'src/app.js': 'ok();\n',
  '.github/workflows/ci.yml': workflow('push', job('')),
  '.github/workflows/shared.yml': workflow('workflow_call', job('      - uses: ./examples/setup\n')),
  'examples/setup/action.yml': 'name: s\ndescription: d\nruns:\n  using: composite\n  steps: []\n',
  'examples/pod.yaml': pod,
  'examples/app/Dockerfile': 'FROM scratch\n',
  'examples/sg/main.tf': 'resource "aws_security_group" "sg" {}\n',
  'infra/main.tf': 'module "vpc" {\n  source = "./vpc"\n}\n',
  'infra/vpc/main.tf': 'resource "aws_vpc" "v" {}\n',
  'compose.yaml': 'services:\n  web:\n    image: nginx\n',
  'ci/docker-compose.yml': 'services:\n  db:\n    image: postgres\n',
  'overlays/prod/kustomization.yaml': kustomization('../../deploy'),
  'deploy/kustomization.yaml': kustomization('svc.yaml'),
  'deploy/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n',
  'quickstart/kustomization.yaml': kustomization('../shared'),
  'shared/kustomization.yaml': kustomization('pod.yaml'),
  'shared/pod.yaml': pod,
  'lib/zstd-1.5.7/LICENSE': 'BSD\n',
  'lib/zstd-1.5.7/Makefile': 'all:\n',
  'lib/zstd-1.5.7/Dockerfile': 'FROM scratch\n',
  'certs/test-server.pem': 'not a key\n',
};

async function shifted(change: Record<string, string | null>): Promise<string[]> {
  const repo = scratchRepo();
  dirs.push(repo.dir);
  const base = repo.commit(BASE, 'base');
  repo.commit(change, 'change');
  const head = new Workspace(repo.dir);
  const tree = await buildBaseWorkspace(head, base);
  return contextShift(DEFAULT_TEST_PATHS, head, tree!);
}

describe('the files a change grades differently without touching them', () => {
  it.each([
    {
      name: 'an edit of a file the context does not read',
      change: { 'src/app.js': 'ok(1);\n' },
      shifted: [],
    },
    {
      name: 'a workflow edit that uses nothing new',
      change: { '.github/workflows/ci.yml': workflow('push', job('      - run: make test\n')) },
      shifted: [],
    },
    {
      name: 'a job that now deploys an example manifest',
      change: {
        '.github/workflows/ci.yml': workflow(
          'push',
          job('') + deployJob('kubectl apply -f examples/pod.yaml'),
        ),
      },
      shifted: ['examples/pod.yaml'],
    },
    {
      name: 'a compose file that now builds an example',
      change: { 'compose.yaml': 'services:\n  web:\n    image: nginx\n  app:\n    build: examples/app\n' },
      shifted: ['examples/app/Dockerfile'],
    },
    {
      name: 'a compose file that now builds with an example Dockerfile from another folder',
      change: {
        'compose.yaml':
          'services:\n  web:\n    build:\n      context: src\n      dockerfile: ../examples/app/Dockerfile\n',
      },
      shifted: ['examples/app/Dockerfile'],
    },
    {
      name: 'a workflow that now runs an example action',
      change: { '.github/workflows/ci.yml': workflow('push', job('      - uses: ./examples/setup\n')) },
      shifted: ['examples/setup/action.yml'],
    },
    {
      // No path use changes: the reusable workflow that runs the action now runs on pushes.
      name: 'a workflow that already ran an example action, now triggered',
      change: { '.github/workflows/shared.yml': workflow('push', job('      - uses: ./examples/setup\n')) },
      shifted: ['examples/setup/action.yml'],
    },
    {
      // prod -> quickstart -> shared: the quick start is deployed, and shared/ is no longer built
      // only for it.
      name: 'a production overlay that now includes the quick start',
      change: { 'overlays/prod/kustomization.yaml': kustomization('../../deploy', '../../quickstart') },
      shifted: ['quickstart/kustomization.yaml', 'shared/pod.yaml'],
    },
    {
      name: 'a Terraform root module that now calls an example module',
      change: {
        'infra/main.tf':
          'module "vpc" {\n  source = "./vpc"\n}\nmodule "sg" {\n  source = "../examples/sg"\n}\n',
      },
      shifted: ['examples/sg/main.tf'],
    },
    {
      name: 'a job that deploys and now starts the CI stack',
      change: {
        '.github/workflows/ci.yml': workflow(
          'push',
          job('') + deployJob('docker compose -f ci/docker-compose.yml up -d'),
        ),
      },
      shifted: ['ci/docker-compose.yml'],
    },
    {
      name: 'a folder named for a release that gets its README (a vendored copy)',
      change: { 'lib/zstd-1.5.7/README.md': 'zstd\n' },
      shifted: ['lib/zstd-1.5.7/Dockerfile', 'lib/zstd-1.5.7/LICENSE', 'lib/zstd-1.5.7/Makefile'],
    },
    {
      name: 'test code added beside a key file named for a test',
      change: { 'certs/server_test.go': 'package certs\n' },
      shifted: ['certs/test-server.pem'],
    },
    { name: 'a README added where no release is', change: { 'docs2/README.md': 'x\n' }, shifted: [] },
  ] as { name: string; change: Record<string, string | null>; shifted: string[] }[])(
    '$name',
    async ({ change, shifted: expected }) => {
      expect(await shifted(change)).toEqual(expected);
    },
  );
});

/**
 * What one file tells the context: a change that leaves it as it was shifts nothing, and costs the
 * reading of the files it touches only (the trees' uses are compared only when one tells otherwise).
 */
describe('what a file the context reads tells it', () => {
  const action = (description: string, steps: string) =>
    `name: a\ndescription: ${description}\nruns:\n  using: composite\n  steps:${steps}\n`;
  it.each([
    {
      name: 'a kustomization that sets images',
      file: 'kustomization.yaml',
      before: kustomization('deploy'),
      after: `${kustomization('deploy')}images:\n  - name: app\n    newTag: "2"\n`,
      same: true,
    },
    {
      name: 'a kustomization that lists one more resource',
      file: 'kustomization.yaml',
      before: kustomization('deploy'),
      after: kustomization('deploy', 'examples'),
      same: false,
    },
    {
      name: 'a workflow step that deploys nothing',
      file: '.github/workflows/ci.yml',
      before: workflow('push', job('')),
      after: workflow('push', job('      - run: make test\n')),
      same: true,
    },
    {
      name: 'a workflow that uses a local action',
      file: '.github/workflows/ci.yml',
      before: workflow('push', job('')),
      after: workflow('push', job('      - uses: ./examples/setup\n')),
      same: false,
    },
    {
      name: 'a called workflow, with a local action, that now runs on pushes',
      file: '.github/workflows/ci.yml',
      before: workflow('workflow_call', job('      - uses: ./tools/setup\n')),
      after: workflow('push', job('      - uses: ./tools/setup\n')),
      same: false,
    },
    {
      name: 'a called workflow, with no local action, that now runs on pushes',
      file: '.github/workflows/ci.yml',
      before: workflow('workflow_call', job('')),
      after: workflow('push', job('')),
      same: true,
    },
    {
      name: 'a job that now deploys to an environment',
      file: '.github/workflows/ci.yml',
      before: workflow('push', job('')),
      after: workflow('push', job('', '    environment: production\n')),
      same: false,
    },
    {
      name: 'a compose service that restarts',
      file: 'compose.yaml',
      before: 'services:\n  web:\n    image: nginx\n',
      after: 'services:\n  web:\n    image: nginx\n    restart: always\n',
      same: true,
    },
    {
      name: 'a compose service that builds',
      file: 'compose.yaml',
      before: 'services:\n  web:\n    image: nginx\n',
      after: 'services:\n  web:\n    build: examples/app\n',
      same: false,
    },
    {
      name: 'a Terraform resource',
      file: 'infra/main.tf',
      before: BASE['infra/main.tf']!,
      after: `${BASE['infra/main.tf']}resource "aws_s3_bucket" "b" {}\n`,
      same: true,
    },
    {
      name: 'a Terraform module call',
      file: 'infra/main.tf',
      before: BASE['infra/main.tf']!,
      after: `${BASE['infra/main.tf']}module "sg" {\n  source = "../examples/sg"\n}\n`,
      same: false,
    },
    {
      name: "an action's description",
      file: 'tools/setup/action.yml',
      before: action('one', ' []'),
      after: action('two', ' []'),
      same: true,
    },
    {
      name: "an action's steps",
      file: 'tools/setup/action.yml',
      before: action('one', ' []'),
      after: action('one', '\n    - run: kubectl apply -f k8s/\n      shell: bash'),
      same: false,
    },
  ])('$name', ({ file, before, after, same }) => {
    const told = (text: string) => contextUsesOf(new Workspace(makeTree({ [file]: text })), file);
    expect(told(after) === told(before)).toBe(same);
  });
});

/**
 * A workspace that notes every file whose content is read: what the context reads of a tree besides
 * which files it has.
 */
class ReadNoting extends Workspace {
  readonly reads = new Set<string>();
  override read(file: string): FileContent {
    this.reads.add(file);
    return super.read(file);
  }
}

describe('what the context reads', () => {
  it('is what readByContext names: a change to any other file cannot shift another', () => {
    const repo = scratchRepo();
    dirs.push(repo.dir);
    repo.commit(
      {
        ...BASE,
        '.github/workflows/ci.yml': workflow(
          'push',
          job('      - uses: ./examples/setup\n') +
            deployJob('kubectl apply -f examples/pod.yaml && docker compose -f ci/docker-compose.yml up -d'),
        ),
        'compose.yaml': 'include: [ci/docker-compose.yml]\nservices:\n  app:\n    build: examples/app\n',
        'project_template/manage.py-tpl': 'x\n',
        'certs/server_test.go': 'package certs\n',
        'lib/zstd-1.5.7/README.md': 'zstd\n',
      },
      'tree',
    );
    const tree = new ReadNoting(repo.dir);
    const verdict = contextVerdict(DEFAULT_TEST_PATHS, tree);
    for (const file of tree.files) verdict(file);
    const reads = [...tree.reads].sort();
    // Workflows and actions, kustomizations, Terraform and compose files: nothing else.
    expect(reads.filter((f) => !readByContext(f))).toEqual([]);
    expect(reads).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        'examples/setup/action.yml',
        'overlays/prod/kustomization.yaml',
        'infra/main.tf',
        'compose.yaml',
      ]),
    );
  });
});

describe('a symbolic link to a directory, which a use of its path reads through', () => {
  const deploys = {
    '.github/workflows/deploy.yml': workflow('push', deployJob('kubectl apply -R -f deploy/')),
  };
  /** The files shifted by a change that makes (`add`) and removes (`remove`) links, on BASE with `links`. */
  async function linked(
    links: [string, string][],
    add: [string, string][],
    remove: string[] = [],
  ): Promise<string[]> {
    const repo = scratchRepo();
    dirs.push(repo.dir);
    const make = (all: [string, string][]) => {
      for (const [link, target] of all) {
        mkdirSync(path.dirname(path.join(repo.dir, link)), { recursive: true });
        symlinkSync(target, path.join(repo.dir, link));
      }
    };
    repo.commit(BASE, 'files');
    make(links);
    const base = repo.commit(deploys, 'base');
    for (const link of remove) rmSync(path.join(repo.dir, link));
    make(add);
    repo.commit({}, 'change');
    const head = new Workspace(repo.dir);
    const tree = await buildBaseWorkspace(head, base);
    return contextShift(DEFAULT_TEST_PATHS, head, tree!);
  }
  const examples = [
    'examples/app/Dockerfile',
    'examples/pod.yaml',
    'examples/setup/action.yml',
    'examples/sg/main.tf',
  ];

  it.each([
    {
      name: 'added under a deployed folder',
      links: [],
      add: [['deploy/more', '../examples']],
      shifted: examples,
    },
    {
      name: 'retargeted under a deployed folder',
      links: [['deploy/live', '../src']],
      remove: ['deploy/live'],
      add: [['deploy/live', '../examples']],
      shifted: examples,
    },
    {
      name: 'removed from a deployed folder',
      links: [['deploy/more', '../examples']],
      remove: ['deploy/more'],
      add: [],
      shifted: examples,
    },
    { name: 'added where nothing uses it', links: [], add: [['docs/more', '../examples']], shifted: [] },
    {
      name: 'a link to a file added under a deployed folder',
      links: [],
      add: [['deploy/pod.yaml', '../examples/pod.yaml']],
      shifted: [],
    },
  ] as {
    name: string;
    links: [string, string][];
    add: [string, string][];
    remove?: string[];
    shifted: string[];
  }[])('$name', async (row) => {
    expect(await linked(row.links, row.add, row.remove)).toEqual(row.shifted);
  });
});
