// Deterministic generator of a large repository for `npm run bench`: the same seed gives the same
// tree byte for byte, so runs on different days and machines compare like with like.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { prng as rng } from './prng.mjs';

/** The repository's name on GitHub, as its `origin` remote and the benchmark's Action runs say it. */
export const BENCH_REPOSITORY = 'acme/payments-api';

const WORDS =
  'account audit balance cache client config debit event handler invoice ledger merchant order payment queue record refund report request route service session settle token transfer user'.split(
    ' ',
  );

function sourceFile(rand, lang, lines) {
  const word = () => WORDS[Math.floor(rand() * WORDS.length)];
  const out = [];
  for (let i = 0; i < lines; i++) {
    const a = word();
    const b = word();
    if (lang === 'py') out.push(`def ${a}_${b}_${i}(value):\n    return value.get("${b}", ${i})`);
    else if (lang === 'go') out.push(`func ${a}${b}${i}(v map[string]int) int { return v["${b}"] + ${i} }`);
    else
      out.push(
        `export function ${a}${b[0].toUpperCase()}${b.slice(1)}${i}(input) { return input?.${b} ?? ${i}; }`,
      );
  }
  return `${out.join('\n')}\n`;
}

const WORKFLOW = (i, pinned) => `name: ci-${i}
on:
  pull_request:
  push:
    branches: [main]
${i % 3 === 0 ? '' : 'permissions:\n  contents: read\n'}jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@${pinned ? '11bd71901bbe5b1630ceea73d27597364c9af683' : 'v4'}
      - uses: actions/setup-node@v4
      - run: npm ci && npm test -- --shard=${i}
      - run: echo "title ${'${{ github.event.pull_request.title }}'}"
`;

const DOCKERFILE = (i) => `ARG NODE=${20 + (i % 3)}
FROM node:\${NODE}-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build
FROM ${i % 4 === 0 ? 'node:latest' : 'gcr.io/distroless/nodejs22-debian12'}
COPY --from=build /app/dist /app
${i % 2 === 0 ? 'USER 10001\n' : ''}CMD ["/app/index.js"]
`;

const K8S = (i) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-${i}
spec:
  selector:
    matchLabels: { app: svc-${i} }
  template:
    metadata:
      labels: { app: svc-${i} }
    spec:
      containers:
        - name: app
          image: registry.example.test/svc-${i}:${i % 5 === 0 ? 'latest' : `1.${i}.0`}
          securityContext:
            allowPrivilegeEscalation: ${i % 3 === 0}
            runAsNonRoot: true
${i % 2 === 0 ? '          resources:\n            limits: { cpu: 500m, memory: 256Mi }\n' : ''}`;

const TERRAFORM = (i) => `resource "aws_db_instance" "db_${i}" {
  engine                  = "postgres"
  instance_class          = "db.t3.micro"
  storage_encrypted       = ${i % 4 !== 0}
  publicly_accessible     = ${i % 7 === 0}
  backup_retention_period = ${i % 5 === 0 ? 0 : 7}
}

resource "aws_security_group_rule" "ssh_${i}" {
  type        = "ingress"
  from_port   = 22
  to_port     = 22
  protocol    = "tcp"
  cidr_blocks = ["${i % 6 === 0 ? '0.0.0.0/0' : '10.0.0.0/8'}"]
}
`;

/**
 * Writes the repository under `dir` and commits it (git's index is the file index controlgate uses):
 * about `files` tracked files, plus an ignored build folder. Returns the number of tracked files.
 */
export function generateRepository(dir, { files = 100_000, seed = 27002 } = {}) {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rand = rng(seed);
  let count = 0;
  const write = (rel, content) => {
    const abs = path.join(dir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    count++;
  };
  write('.gitignore', 'node_modules/\nbuild/\n*.log\n.env\n');
  write('README.md', '# Generated monorepo for controlgate benchmarks\n');
  write('.github/CODEOWNERS', '* @bench/owners\n');
  for (let i = 0; i < 500; i++) write(`.github/workflows/ci-${i}.yml`, WORKFLOW(i, rand() < 0.5));
  for (let i = 0; i < 300; i++) write(`services/svc-${i}/Dockerfile`, DOCKERFILE(i));
  for (let i = 0; i < 300; i++) write(`deploy/k8s/svc-${i}.yaml`, K8S(i));
  for (let i = 0; i < 200; i++) write(`infra/module-${i}/main.tf`, TERRAFORM(i));
  for (let i = 0; i < 500; i++) {
    write(
      `packages/pkg-${i}/package.json`,
      `${JSON.stringify({ name: `pkg-${i}`, version: '1.0.0', dependencies: { lodash: '^4.17.21' } }, null, 2)}\n`,
    );
    if (i % 10 !== 0)
      write(
        `packages/pkg-${i}/package-lock.json`,
        `${JSON.stringify({ name: `pkg-${i}`, lockfileVersion: 3, packages: {} }, null, 2)}\n`,
      );
  }
  // A few secrets (fake shapes, generated) and binaries, as a real monorepo accumulates.
  for (let i = 0; i < 5; i++) {
    const body = Array.from(
      { length: 36 },
      () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(rand() * 62)],
    ).join('');
    write(`services/svc-${i}/config/settings.py`, `GITHUB_TOKEN = "ghp_${body}"\n`);
  }
  for (let i = 0; i < 5; i++)
    write(
      `tools/bin/tool-${i}`,
      Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]),
    );
  const langs = ['js', 'ts', 'py', 'go'];
  // About four source files per directory whatever the size (250 modules per area at 100,000 files,
  // the tree every earlier benchmark used), so a larger repository also has more directories.
  const modules = Math.max(250, Math.ceil(files / 400));
  let n = 0;
  while (count < files) {
    const lang = langs[n % langs.length];
    write(
      `src/area-${n % 100}/mod-${Math.floor(n / 100) % modules}/file-${n}.${lang}`,
      sourceFile(rand, lang, 8 + Math.floor(rand() * 24)),
    );
    n++;
  }
  for (let i = 0; i < 2000; i++)
    writeFileSync(path.join(mkdirp(path.join(dir, 'build', `chunk-${i % 20}`)), `out-${i}.js`), 'x');
  const git = (...args) =>
    execFileSync('git', args, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
  git('init', '-q', '-b', 'main');
  // No automatic gc: the commit below would start one in the background, during the measurements.
  git('config', 'gc.auto', '0');
  git('config', 'gc.autoDetach', 'false');
  // The repository the benchmark's Action runs name (GITHUB_REPOSITORY): the CLI takes its name from
  // this remote, so the base results and results cache it writes fit the Action's runs (their key
  // holds the repository's name, see resultsKey).
  git('remote', 'add', 'origin', `https://github.com/${BENCH_REPOSITORY}.git`);
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.test', 'add', '-A');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.test', 'commit', '-q', '-m', 'base');
  packRepository(dir);
  return count;
}

/** Packs the objects: a fresh commit of 100,000 files leaves as many loose objects. */
export function packRepository(dir) {
  execFileSync('git', ['gc', '-q', '--prune=now'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * Changes `changed` tracked files on a branch `pr` (a pull request's head, made afresh from main) and
 * commits them; returns main's commit, the pull request's base. The first five are workflows unless
 * `workflows` is false (then every changed file is a source file). Each file gets a comment line;
 * with `steps`, each workflow also a step of its last job (a change to what it runs, as most edits
 * of a workflow are, where a comment leaves its parsed values as they were). With `bump`, the change
 * is a dependency update as Dependabot makes one: `changed` packages' manifests get a newer version of
 * their dependency, and their lockfiles (packages/pkg-1 and on: each of those has one) the version
 * it resolves to.
 */
export function makePullRequest(dir, changed = 50, { workflows = true, steps = false, bump = false } = {}) {
  const git = (...args) =>
    execFileSync('git', args, { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 });
  git('checkout', '-q', '-f', 'main');
  git('checkout', '-q', '-B', 'pr');
  for (let i = 0; bump && i < changed; i++) {
    const name = `pkg-${i + 1}`;
    const manifest = { name, version: '1.0.0', dependencies: { lodash: '^4.17.23' } };
    const lock = {
      name,
      lockfileVersion: 3,
      packages: { 'node_modules/lodash': { version: '4.17.23' } },
    };
    mkdirSync(path.join(dir, 'packages', name), { recursive: true });
    writeFileSync(path.join(dir, 'packages', name, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(
      path.join(dir, 'packages', name, 'package-lock.json'),
      `${JSON.stringify(lock, null, 2)}\n`,
    );
  }
  for (let i = 0; !bump && i < changed; i++) {
    const rel =
      workflows && i < 5
        ? `.github/workflows/ci-${i}.yml`
        : `src/area-${i % 100}/mod-${Math.floor(i / 100)}/file-${i}.${['js', 'ts', 'py', 'go'][i % 4]}`;
    const abs = path.join(dir, rel);
    // A small tree may not have this source file: the pull request then adds it.
    mkdirSync(path.dirname(abs), { recursive: true });
    const comment = /\.(yml|py)$/.test(rel) ? '#' : '//';
    writeFileSync(abs, `${comment} changed by the pull request ${i}\n`, { flag: 'a' });
    if (steps && rel.endsWith('.yml')) {
      writeFileSync(abs, `      - run: echo "step added by the pull request ${i}"\n`, { flag: 'a' });
    }
  }
  git('add', '-A');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.test', 'commit', '-q', '-m', 'pr');
  // Packed, as a runner's checkout has them: actions/checkout fetches the pull request's commits in a
  // pack (git explodes only fetches under 100 objects). Loose, git's diff of 500 changed files took
  // 50 ms of CPU instead of 20 (it opens and inflates each object file).
  git('repack', '-q', '-d');
  return git('rev-parse', 'main').toString().trim();
}

function mkdirp(dir) {
  mkdirSync(dir, { recursive: true });
  return dir;
}
