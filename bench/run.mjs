// `npm run bench`: controlgate at scale, against the peers that can be installed here, in one run.
//
// Generates a seeded 100,000-file git repository (committed, then packed with automatic gc off, so no
// background gc runs during the measurements), then measures (medians of BENCH_RUNS, default 5; wall
// time, CPU time and peak RSS from GNU time): the full check (CLI, JSON out) in turns with ripgrep
// running the equivalent secret patterns over the same tree without .git (the floor for content
// scanning); pull-request checks of 5, 50 and 500 changed files (policy from the base), by the CLI
// without and with the base commit's results and by the Action (bench/action-pr.mjs), each in turns
// with a full check that its share is of; the cold start
// of dist/index.js with nothing to do; the full check of a second, 200,000-file repository; and
// secretlint and repolinter when they can be installed (into .bench/peers, from the npm registry; one
// run each, stopped after BENCH_PEER_TIMEOUT_MS). Prints a Markdown table.
//
// Environment: BENCH_FILES (default 100000), BENCH_LARGE (default 200000; 0 skips it), BENCH_RUNS
// (default 5), BENCH_DIR (default .bench), BENCH_PEER_TIMEOUT_MS (default 150000). Needs GNU time
// (/usr/bin/time) and, for the floor, ripgrep (apt-get install -y ripgrep).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_REPOSITORY, generateRepository, makePullRequest } from './generate.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FILES = Number(process.env.BENCH_FILES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WORK = path.resolve(process.env.BENCH_DIR ?? path.join(ROOT, '.bench'));
const REPO = path.join(WORK, 'repo');
const NODE = process.execPath;
const CLI = path.join(ROOT, 'dist', 'cli.js');
const ACTION = path.join(ROOT, 'dist', 'index.js');
/** Pull-request sizes of the sweep, ascending. */
const PR_SIZES = [5, 50, 500];
/** A second, larger repository for the full check and its peak RSS (0: skip). */
const LARGE = Number(process.env.BENCH_LARGE ?? 200_000);

/** Secret patterns equivalent to what controlgate's secret and key rules look for. */
const RG_PATTERNS = [
  '-----BEGIN [A-Z ]*PRIVATE KEY-----',
  '(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}',
  'github_pat_[A-Za-z0-9_]{60,}',
  'glpat-[A-Za-z0-9_-]{20}',
  'xox[baprs]-[A-Za-z0-9-]{10,}',
  '(sk|rk)_live_[A-Za-z0-9]{20,}',
  'npm_[A-Za-z0-9]{36}',
  'AKIA[0-9A-Z]{16}',
  'eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}',
  '[a-z][a-z0-9+.-]*://[^/\\s:@]+:[^/\\s:@]+@',
  '(password|secret|token|api_?key)\\s*[:=]\\s*["\'][^"\']{8,}',
  'curl\\s.*(\\s-[a-zA-Z]*k|--insecure)',
  'NODE_TLS_REJECT_UNAUTHORIZED',
];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Runs a command under GNU time and returns its wall time, CPU time (user + system, all threads and
 * waited-for children) in ms and peak RSS in MB: the same figures for controlgate and for the peers.
 */
function measure(cmd, args, options = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', 'BENCHTIME %e %U %S %M', cmd, ...args], {
    maxBuffer: 1 << 30,
    encoding: 'utf8',
    ...options,
  });
  if (r.error) throw r.error;
  const m = /BENCHTIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no timing from ${cmd}: ${r.stderr.slice(-500)}`);
  return {
    status: r.status,
    stderr: r.stderr,
    wall: Number(m[1]) * 1000,
    cpu: (Number(m[2]) + Number(m[3])) * 1000,
    rss: Number(m[4]) / 1024,
  };
}

/**
 * The Action's pull-request check of the work tree checked out (bench/action-pr.mjs, which starts the
 * end-to-end tests' fake GitHub API; Node strips the helpers' TypeScript), medians of `runs`.
 */
function actionPullRequest(base, results, runs = RUNS) {
  const r = spawnSync(
    NODE,
    [
      '--experimental-transform-types',
      '--no-warnings',
      path.join(ROOT, 'bench', 'action-pr.mjs'),
      ...['--repo', REPO, '--base', base, '--base-results', results, '--runs', String(runs)],
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) throw new Error(`bench/action-pr.mjs exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

/**
 * The Action's check of a push to main (dist/index.js on a `push` event, no token: nothing is asked
 * of the API), with the results cache at `cache` when given. A runner's files are made in `dir`.
 */
function actionPush(dir, cache) {
  const event = path.join(dir, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({
      ref: 'refs/heads/main',
      repository: { full_name: BENCH_REPOSITORY, default_branch: 'main' },
    }),
  );
  for (const f of ['output', 'summary.md']) writeFileSync(path.join(dir, f), '');
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: REPO,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: event,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO }).toString().trim(),
    GITHUB_REPOSITORY: BENCH_REPOSITORY,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
    'INPUT_FAIL-ON': 'never',
    ...(cache ? { 'INPUT_RESULTS-CACHE': cache } : {}),
  };
  const t = measure(NODE, [ACTION], { env, cwd: REPO });
  if (t.status !== 0) throw new Error(`the Action's push run exited ${t.status}`);
  return t;
}

const fmt = (t) => `${(t.wall / 1000).toFixed(2)} s wall, ${(t.cpu / 1000).toFixed(2)} s CPU`;

/** The median wall time, CPU time and RSS of a list of measurements. */
function medians(list) {
  return {
    wall: median(list.map((t) => t.wall)),
    cpu: median(list.map((t) => t.cpu)),
    rss: Math.max(...list.map((t) => t.rss)),
  };
}

/** Runs each labelled measurement once per round, `runs` rounds; the medians of each. */
function timeInTurns(runs, labelled) {
  const times = labelled.map(() => []);
  for (let i = 0; i < runs; i++) {
    labelled.forEach(([, fn], j) => {
      times[j].push(fn());
    });
  }
  return labelled.map(([label], j) => {
    const m = medians(times[j]);
    console.error(
      `  ${label}: median ${fmt(m)} over ${runs} (${times[j].map((t) => (t.wall / 1000).toFixed(2)).join(', ')} s)`,
    );
    return m;
  });
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { maxBuffer: 1 << 30, encoding: 'utf8', ...options });
  if (r.error) throw r.error;
  return r;
}

/** Longest a peer may run before it is stopped; its time is then reported as at least this. */
const PEER_TIMEOUT_MS = Number(process.env.BENCH_PEER_TIMEOUT_MS ?? 150_000);

function peerRun(label, bin, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(bin, args, {
    cwd: REPO,
    timeout: PEER_TIMEOUT_MS,
    maxBuffer: 1 << 30,
    stdio: 'ignore',
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const stopped = r.signal !== null;
  console.error(`  ${label}: ${ms.toFixed(0)} ms${stopped ? ' (stopped: timeout)' : ''}`);
  return { ms, note: stopped ? `stopped after ${(PEER_TIMEOUT_MS / 1000).toFixed(0)} s, so at least ` : '' };
}

function installPeers() {
  const dir = path.join(WORK, 'peers');
  const bin = (name) => path.join(dir, 'node_modules', '.bin', name);
  if (!existsSync(bin('secretlint')) || !existsSync(bin('repolinter'))) {
    mkdirSync(dir, { recursive: true });
    if (!existsSync(path.join(dir, 'package.json')))
      writeFileSync(path.join(dir, 'package.json'), '{"private":true}\n');
    const r = run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        'secretlint',
        '@secretlint/secretlint-rule-preset-recommend',
        'repolinter',
      ],
      { cwd: dir },
    );
    if (r.status !== 0)
      console.error(`  peers: npm install failed; secretlint/repolinter skipped\n${r.stderr.slice(-2000)}`);
  }
  return {
    secretlint: existsSync(bin('secretlint')) ? bin('secretlint') : undefined,
    repolinter: existsSync(bin('repolinter')) ? bin('repolinter') : undefined,
  };
}

function main() {
  if (!existsSync(CLI) || !existsSync(ACTION)) throw new Error('dist/ is missing: run npm run build first');
  if (spawnSync('/usr/bin/time', ['true']).status !== 0)
    throw new Error('GNU time (/usr/bin/time) is needed');
  mkdirSync(WORK, { recursive: true });
  console.error(`generating ${FILES} files in ${REPO} ...`);
  const t0 = Date.now();
  const tracked = generateRepository(REPO, { files: FILES });
  const bytes = contentBytes(REPO);
  console.error(
    `  ${tracked} tracked files, ${(bytes / 1e6).toFixed(1)} MB, packed, in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  const rows = [];
  const out = path.join(WORK, 'report.json');
  const check = (repo, ...extra) => {
    const t = measure(NODE, [
      CLI,
      'check',
      repo,
      '--format',
      'json',
      '--output',
      out,
      '--fail-on',
      'never',
      ...extra,
    ]);
    if (t.status !== 0) throw new Error(`check exited ${t.status}: ${t.stderr.slice(-2000)}`);
    return t;
  };
  // ripgrep reads what a scanner of the tree reads: the working tree without .git (it honours
  // .gitignore, like controlgate's index), hidden files included.
  const hasRg = spawnSync('rg', ['--version']).status === 0;
  const rgArgs = [
    '--no-messages',
    '--count-matches',
    '--hidden',
    '--glob',
    '!.git',
    '-e',
    RG_PATTERNS.join('|'),
    '.',
  ];
  const rgRun = (repo) => measure('rg', rgArgs, { cwd: repo });
  // The freshly written tree is flushed, then read once untimed by both: every tool is then measured
  // on the same warm file-system cache, not on the disk's write-back.
  execFileSync('sync');
  check(REPO);
  if (hasRg) rgRun(REPO);
  console.error('controlgate');
  // The full check and ripgrep run in turns, so that the ratio between them does not depend on
  // when, in a run of several minutes, the shared machine was busy.
  const [full, rg] = hasRg
    ? timeInTurns(RUNS, [
        ['full check', () => check(REPO)],
        ['rg', () => rgRun(REPO)],
      ])
    : timeInTurns(RUNS, [['full check', () => check(REPO)]]);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  rows.push([
    'controlgate full check (CLI, JSON out)',
    full,
    `${report.summary.findings} findings, ${report.summary.files} files`,
  ]);
  if (rg) {
    rows.push([
      'rg, equivalent secret/TLS patterns, .git excluded (floor)',
      rg,
      `controlgate = ${(full.wall / rg.wall).toFixed(1)}x rg by wall time, ${(full.cpu / rg.cpu).toFixed(1)}x by CPU`,
    ]);
  } else {
    rows.push(['rg', undefined, 'not installed: apt-get install -y ripgrep']);
  }
  rows.push(['peak RSS of the full check', undefined, `${full.rss.toFixed(0)} MB`]);

  // The base commit's results, as a push run on the default branch keeps them (main is checked out,
  // clean): the pull requests are measured without and with them.
  const baseResults = path.join(WORK, 'base-results.json');
  check(REPO, '--write-base-results', baseResults);
  // Each pull request's share is of a full check timed in the same turns: the machine's speed moves
  // within a run of the benchmark (by a tenth or more between its first rows and its last).
  const share = (t, of) =>
    `${((t.wall / of.wall) * 100).toFixed(0)}% of the full check (CPU ${((t.cpu / of.cpu) * 100).toFixed(0)}%; the full check in the same turns: ${(of.cpu / 1000).toFixed(2)} s CPU)`;
  // One pull request, timed without and with the base commit's results, and as the Action runs it
  // (one run per turn), in turns with the full check.
  const pullRequest = (label, prBase) => {
    let taken = 0;
    let action;
    const [of, pr, reused, actionTimes] = timeInTurns(RUNS, [
      [`full check (in turns with ${label})`, () => check(REPO)],
      [`pull-request check, ${label}`, () => check(REPO, '--base', prBase)],
      [
        `pull-request check, ${label}, base results`,
        () => {
          const t = check(REPO, '--base', prBase, '--base-results', baseResults);
          taken = JSON.parse(readFileSync(out, 'utf8')).summary.reused?.rules ?? 0;
          return t;
        },
      ],
      // What runs in GitHub Actions: the Action on a pull_request event, the results from the
      // artifact of a push run (served by the fake GitHub API), no untracked files listed.
      [
        `the Action's pull request, ${label}`,
        () => {
          action = actionPullRequest(prBase, baseResults, 1);
          return { ...action, rss: 0 };
        },
      ],
    ]);
    rows.push([`controlgate pull-request check (${label}, --base)`, pr, share(pr, of)]);
    rows.push([
      `  the same with the base commit's results (--base-results)`,
      reused,
      `${share(reused, of)}; ${taken} rules taken from them`,
    ]);
    rows.push([
      `  the Action on it (results from an artifact, fake API)`,
      actionTimes,
      `${share(actionTimes, of)}; ${action.reused} rules taken, ${action.requests} API requests each`,
    ]);
  };
  // Pull requests of 5, 50 and 500 changed files (five of them workflows): the cost should follow
  // the change.
  for (const size of PR_SIZES) pullRequest(`${size} changed files`, makePullRequest(REPO, size));
  // The same 50 files where each workflow's edit changes what it runs, not only its comments.
  pullRequest(
    '50 changed files, a step added to each of the 5 workflows',
    makePullRequest(REPO, 50, { steps: true }),
  );
  // Five source files only: no rule that reads across files reads them.
  pullRequest('5 changed source files, no workflow', makePullRequest(REPO, 5, { workflows: false }));
  // A dependency update: the rules about packages and lockfiles read across the tree.
  pullRequest(
    'a dependency bumped in 5 packages (manifest and lockfile)',
    makePullRequest(REPO, 5, { bump: true }),
  );

  // The results cache between full checks (what a push run of the default branch keeps with
  // actions/cache): written on main, then taken on main (nothing changed) and on commits of 5, 50
  // and 500 changed files. A run rewrites the cache, so each starts from a copy of main's, and the
  // full check runs in the same turns for the ratio.
  const cacheMain = path.join(WORK, 'results-cache.json');
  const cacheRun = path.join(WORK, 'results-cache-run.json');
  const withCache = (label) => [
    label,
    () => {
      copyFileSync(cacheMain, cacheRun);
      return check(REPO, '--cache', cacheRun);
    },
  ];
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: REPO });
  rmSync(cacheMain, { force: true });
  check(REPO, '--cache', cacheMain);
  const cacheRows = [];
  const ratio = (t, of) =>
    `${((t.cpu / of.cpu) * 100).toFixed(0)}% of the full check's CPU in the same turns (${(of.cpu / 1000).toFixed(2)} s)${rg ? `, ${(t.cpu / rg.cpu).toFixed(1)}x rg` : ''}; peak RSS ${t.rss.toFixed(0)} MB`;
  // The run that writes it, with none to take (the first push with the input).
  const [writing, plain] = timeInTurns(RUNS, [
    [
      'results cache, written',
      () => {
        rmSync(cacheRun, { force: true });
        return check(REPO, '--cache', cacheRun);
      },
    ],
    ['full check', () => check(REPO)],
  ]);
  cacheRows.push([
    'controlgate full check writing the results cache (--cache, none yet)',
    writing,
    `${ratio(writing, plain)}; the cache ${(statSync(cacheMain).size / 1e6).toFixed(1)} MB`,
  ]);
  for (const size of [0, ...PR_SIZES]) {
    if (size > 0) makePullRequest(REPO, size);
    const [warm, again] = timeInTurns(RUNS, [
      withCache(`results cache, ${size} changed`),
      ['full check', () => check(REPO)],
    ]);
    cacheRows.push([
      `  taking it, ${size === 0 ? 'nothing changed' : `${size} files changed since it was written`}`,
      warm,
      ratio(warm, again),
    ]);
  }
  rows.push(...cacheRows);
  // The same in the Action, on a push to main: without the cache, and taking the cache of main's
  // previous push (nothing changed).
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: REPO });
  const runner = mkdtempSync(path.join(os.tmpdir(), 'controlgate-bench-runner-'));
  const pushCache = path.join(runner, 'results-cache.json');
  const written = path.join(runner, 'written.json');
  actionPush(runner, written);
  const [pushFull, pushWarm] = timeInTurns(RUNS, [
    ['the Action, push', () => actionPush(runner)],
    [
      'the Action, push with the cache',
      () => {
        copyFileSync(written, pushCache);
        const t = actionPush(runner, pushCache);
        if (!readFileSync(path.join(runner, 'summary.md'), 'utf8').includes('come from the results cache')) {
          throw new Error("the Action's push run did not take the results cache");
        }
        return t;
      },
    ],
  ]);
  rows.push(['the Action on a push to main (no token)', pushFull, `peak RSS ${pushFull.rss.toFixed(0)} MB`]);
  rows.push([
    '  taking the results cache of the previous push (input results-cache), nothing changed',
    pushWarm,
    `${((pushWarm.cpu / pushFull.cpu) * 100).toFixed(0)}% of the Action's push by CPU${rg ? `, ${(pushWarm.cpu / rg.cpu).toFixed(1)}x rg` : ''}; peak RSS ${pushWarm.rss.toFixed(0)} MB`,
  ]);

  // Outside any git work tree (BENCH_DIR defaults to .bench inside this repository, and a folder of
  // a repository is checked with the repository's own top-level files).
  const empty = mkdtempSync(path.join(os.tmpdir(), 'controlgate-bench-empty-'));
  const env = {
    PATH: process.env.PATH,
    INPUT_PATH: empty,
    'INPUT_FAIL-ON': 'never',
    GITHUB_WORKSPACE: empty,
  };
  const [cold, bare] = timeInTurns(Math.max(RUNS, 10), [
    [
      'cold start',
      () => {
        const t = measure(NODE, [ACTION], { env, cwd: empty });
        if (t.status !== 0) throw new Error(`cold start exited ${t.status}: ${t.stderr}`);
        return t;
      },
    ],
    ['node -e 0', () => measure(NODE, ['-e', '0'])],
  ]);
  rows.push([
    'dist/index.js cold start, nothing to check (outside a git work tree)',
    cold,
    `Node itself (\`node -e 0\`): ${(bare.wall / 1000).toFixed(2)} s`,
  ]);

  if (LARGE > 0) {
    const large = path.join(WORK, 'repo-large');
    console.error(`generating ${LARGE} files in ${large} ...`);
    const n = generateRepository(large, { files: LARGE });
    execFileSync('sync');
    check(large);
    if (hasRg) rgRun(large);
    const runs = Math.max(1, Math.min(RUNS, 3));
    const [big, bigRg] = hasRg
      ? timeInTurns(runs, [
          [`full check, ${n} files`, () => check(large)],
          [`rg, ${n} files`, () => rgRun(large)],
        ])
      : timeInTurns(runs, [[`full check, ${n} files`, () => check(large)]]);
    rows.push([
      `controlgate full check, ${n} files`,
      big,
      `peak RSS ${big.rss.toFixed(0)} MB${bigRg ? `; ${(big.wall / bigRg.wall).toFixed(1)}x rg (${(bigRg.wall / 1000).toFixed(2)} s)` : ''}`,
    ]);
  }

  console.error('peers');
  const peers = installPeers();
  // The peers take minutes each over the whole tree: one run each, stopped at PEER_TIMEOUT_MS (a
  // stopped run is reported as "more than"), so the benchmark stays within its ten minutes.
  if (peers.secretlint) {
    const sl = peerRun('secretlint', peers.secretlint, [
      '**/*',
      '--secretlintrc',
      writeSecretlintrc(),
      '--format',
      'json',
    ]);
    rows.push([
      'secretlint, recommended preset (1 run)',
      { wall: sl.ms },
      `${sl.note}${(sl.ms / full.wall).toFixed(1)}x controlgate`,
    ]);
  }
  if (peers.repolinter) {
    const rl = peerRun('repolinter', peers.repolinter, ['lint', '--format', 'json', REPO]);
    rows.push([
      'repolinter, default ruleset (1 run)',
      { wall: rl.ms },
      `${rl.note}${(rl.ms / full.wall).toFixed(1)}x controlgate`,
    ]);
  }

  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const seconds = (ms) => (ms === undefined ? '' : `${(ms / 1000).toFixed(2)} s`);
  const table = [
    `Machine: ${machine}. Repository: ${tracked} tracked files, ${(bytes / 1e6).toFixed(1)} MB (seed 27002), packed. Medians of ${RUNS} runs; wall and CPU (user + system, every thread) from GNU time.`,
    '',
    '| measurement | wall | CPU | notes |',
    '| --- | ---: | ---: | --- |',
    ...rows.map(([what, t, note]) => `| ${what} | ${seconds(t?.wall)} | ${seconds(t?.cpu)} | ${note} |`),
  ].join('\n');
  console.log(table);
}

/** Bytes of content of the tracked files (what a scanner reads), not blocks on disk. */
function contentBytes(repo) {
  return execFileSync('git', ['ls-files', '-z'], { cwd: repo, maxBuffer: 1 << 30 })
    .toString()
    .split('\0')
    .filter(Boolean)
    .reduce((sum, f) => sum + statSync(path.join(repo, f)).size, 0);
}

function writeSecretlintrc() {
  const file = path.join(WORK, 'secretlintrc.json');
  writeFileSync(file, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  return file;
}

main();
