/**
 * Random repositories and changes for the differential tests (incremental.test.ts, file-cache.test.ts):
 * files of many kinds whose findings depend on each other, drawn from a seeded generator so that a
 * failing case can be replayed from its seed.
 */
import { prng } from '../../bench/prng.mjs';
import type { Report } from '../../src/core/types.js';

/** A seeded generator (mulberry32), so a failing case can be replayed from its seed. */
export const rng: (seed: number) => () => number = prng;

export const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';
/** Distinct, random-looking tokens (the detectors skip placeholders). */
export const TOKEN = (n: number) =>
  `ghp_${'R8kq2ZxV7pLm4TnW9sYb3HcJ6fDg1QaE5uKo0XiMvB7nC2wQ'.slice(n % 12, (n % 12) + 36)}`;

/** A GitHub Actions expression, as a workflow writes it. */
export const expr = (e: string) => `\${{ ${e} }}`;

/** Content of each kind of file, by variant: debt and the absence of it, and references across files. */
export const KINDS: Record<string, { path: (n: number) => string; variants: ((n: number) => string)[] }> = {
  workflow: {
    path: (n) => `.github/workflows/wf-${n}.yml`,
    variants: [
      () =>
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
      () =>
        `on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${expr('github.event.pull_request.head.sha')}\n      - run: echo "${expr('github.event.pull_request.title')}"\n`,
      () =>
        `on: pull_request\npermissions:\n  contents: read\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@${SHA}\n      - run: npm test\n`,
      // Keeps the token for a repository script, which may push with it (or not, as its text says).
      (n) =>
        `on: push\npermissions:\n  contents: write\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./scripts/s-${n}.sh\n`,
      () =>
        `on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "T=${expr('github.event.issue.title')}" >> $GITHUB_ENV\n`,
      (n) =>
        `on: push\njobs:\n  call:\n    uses: ./.github/workflows/wf-${n + 1}.yml\n    secrets: inherit\n`,
      () =>
        `on:\n  workflow_call:\njobs:\n  sbom:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: anchore/sbom-action@${SHA}\n`,
      // Builds a service's image, which another service's Dockerfile is built FROM (its own image).
      (n) =>
        `on: push\njobs:\n  img:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: docker build -t acme/s${n}:1.0 services/s${n}\n`,
    ],
  },
  dockerfile: {
    path: (n) => `services/s${n}/Dockerfile`,
    variants: [
      () => 'FROM node:latest\nRUN curl -fsSL https://example.com/i.sh | sh\n',
      () => `FROM node:20@sha256:${'a'.repeat(64)}\nUSER app\nCMD ["node", "x.js"]\n`,
      () => 'FROM python:3.12\nADD http://example.com/x.tar.gz /opt/\nUSER root\n',
      (n) => `FROM acme/s${(n + 1) % 4}:1.0\nUSER app\n`,
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
  script: {
    path: (n) => `scripts/s-${n}.sh`,
    variants: [
      () => '#!/bin/sh\nset -e\ngit push origin HEAD:gh-pages\n',
      () => '#!/bin/sh\nset -e\necho built\n',
      // Hands over to another script: whether it pushes is that one's.
      (n) => `#!/bin/sh\nset -e\n./scripts/s-${(n + 1) % 4}.sh\n`,
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
    variants: [
      (n) => `{"name":"p${n}","lockfileVersion":3,"packages":{}}\n`,
      // Locks the manifest's git dependency on a branch to a commit (deps.git-branch: low).
      (n) =>
        `{"name":"p${n}","lockfileVersion":3,"packages":{"node_modules/x":{"version":"1.0.0","resolved":"git+https://example.com/x.git#${'c'.repeat(40)}"}}}\n`,
    ],
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
export const CALLING_KINDS: typeof KINDS = {
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

/**
 * Packages of an npm workspace, their lockfiles, and what else decides whether a manifest's lockfile
 * is missing: the root manifest's `workspaces`, a lockfile at the root, `.npmrc`'s `package-lock`, a
 * `.gitignore` that keeps lockfiles out, Dockerfiles that copy a manifest beside its lockfile: for
 * lockfile-missing, kept and reused manifest by manifest.
 */
export const PACKAGE_KINDS: typeof KINDS = {
  manifest: KINDS.manifest!,
  lockfile: KINDS.lockfile!,
  root: {
    path: () => 'package.json',
    variants: [
      () => '{"name":"root","private":true,"workspaces":["packages/*"],"dependencies":{"y":"1.0.0"}}\n',
      () => '{"name":"root","private":true,"workspaces":["packages/p0","packages/p1"]}\n',
      () => '{"name":"root","private":true}\n',
      () => '{"name":"root","dependencies":{"y":"1.0.0"}}\n',
    ],
  },
  rootLock: {
    path: () => 'package-lock.json',
    variants: [() => '{"name":"root","lockfileVersion":3,"packages":{}}\n'],
  },
  npmrc: {
    path: (n) => (n < 2 ? '.npmrc' : `packages/p${n}/.npmrc`),
    variants: [() => 'package-lock=false\n', () => 'save-exact=true\n'],
  },
  gitignore: {
    path: (n) => (n < 2 ? '.gitignore' : `packages/p${n}/.gitignore`),
    variants: [() => 'package-lock.json\n', () => 'node_modules/\n'],
  },
  image: {
    path: (n) => `services/s${n}/Dockerfile`,
    variants: [
      // Builds a package beside the root's lockfile: locked there, whether or not it has its own.
      (n) => `FROM node:20\nCOPY packages/p${n}/package.json package-lock.json ./\nRUN npm ci\n`,
      (n) => `FROM node:20\nCOPY packages/p${n}/package.json ./\nRUN npm install\n`,
      () => 'FROM node:20\nCOPY . .\nRUN npm install\n',
    ],
  },
};

/** A file of a random kind and variant; numbers are small so that files refer to each other. */
export function randomFile(rand: () => number, kinds = KINDS): [string, string] {
  const names = Object.keys(kinds);
  const kind = kinds[names[Math.floor(rand() * names.length)]!]!;
  const n = Math.floor(rand() * 4);
  const variant = kind.variants[Math.floor(rand() * kind.variants.length)]!;
  return [kind.path(n), variant(n)];
}

/** A base tree of `size` files (no more than the kinds have paths). */
export function baseTree(rand: () => number, size: number, kinds = KINDS): Record<string, string> {
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
export function pullRequest(
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
export function judgement(report: Report): unknown {
  const { run: _run, ...rest } = report as Report & { run?: unknown };
  return JSON.parse(JSON.stringify(rest));
}

/**
 * Workflows linked to each other in every way a workflow rule reads across files: named `workflow_run`
 * chains (names changed by an edit, and workflows going by their file name), reusable workflows
 * called with `secrets: inherit` that read a secret or none, callers granting or not, caches written
 * by one workflow and restored by another, and local actions; with the calling workflows above.
 */
export const LINKED_KINDS: typeof KINDS = {
  calling: CALLING_KINDS.calling!,
  action: CALLING_KINDS.action!,
  workflow: KINDS.workflow!,
  linked: {
    path: (n) => `.github/workflows/lk-${n}.yml`,
    variants: [
      // Upstreams of a workflow_run chain, by name: on pull requests (outsiders cause their runs) or not.
      () =>
        `name: build\non: pull_request\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/cache@v4\n        with:\n          path: ~/.npm\n          key: npm-${expr("hashFiles('package-lock.json')")}\n      - run: npm test\n`,
      () =>
        `name: build\non: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n`,
      () =>
        `name: release\non: pull_request\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n`,
      // Followers: privileged by what the upstream they name runs on.
      (n) =>
        `name: deploy-${n}\non:\n  workflow_run:\n    workflows: [build]\n    types: [completed]\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${expr('github.event.workflow_run.head_sha')}\n      - uses: actions/cache/restore@v4\n        with:\n          path: ~/.npm\n          key: npm-${expr("hashFiles('package-lock.json')")}\n      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: ${expr('secrets.NPM_TOKEN')}\n`,
      (n) =>
        `on:\n  workflow_run:\n    workflows: ["release", "lk-${(n + 1) % 4}.yml"]\n    types: [completed]\npermissions: write-all\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: git push origin HEAD:main\n`,
      // A release that restores a cache, poisoned by whatever runs on the default branch, if anything does.
      () =>
        `name: release\non:\n  push:\n    tags: ["v*"]\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: actions/cache@v4\n        with:\n          path: ~/.npm\n          key: npm-${expr("hashFiles('package-lock.json')")}\n      - run: npm publish\n`,
      // Callers and called workflows: what is inherited, granted and run.
      (n) =>
        `on: pull_request_target\njobs:\n  call:\n    uses: ./.github/workflows/lk-${(n + 1) % 4}.yml\n    secrets: inherit\n`,
      (n) =>
        `on: push\npermissions:\n  contents: write\njobs:\n  call:\n    uses: ./.github/workflows/lk-${(n + 3) % 4}.yml\n    secrets: inherit\n`,
      () =>
        `on: workflow_call\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: echo "${expr('secrets.DEPLOY_KEY')}" > key\n      - uses: softprops/action-gh-release@v2\n`,
      (n) =>
        `on: workflow_call\njobs:\n  r:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./actions/act-${n}\n      - uses: actions/cache@v4\n        with:\n          path: dist\n          key: build-${expr('github.sha')}\n      - run: git push origin HEAD:gh-pages\n`,
    ],
  },
};
