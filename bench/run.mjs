// `npm run bench`: controlgate at scale, against the peers that can be installed here, in one run.
//
// Generates a seeded 100,000-file git repository, then measures (median of BENCH_RUNS, default 5):
// the full check (CLI, JSON out), a pull-request check (50 changed files, policy from the base), the
// cold start of dist/index.js with nothing to do, and peak RSS; and in the same run ripgrep with the
// equivalent secret patterns (the floor for content scanning, median of BENCH_RUNS too), secretlint
// and repolinter when they can be installed (into .bench/peers, from the npm registry; one run each,
// stopped after BENCH_PEER_TIMEOUT_MS). Prints a Markdown table.
//
// Environment: BENCH_FILES (default 100000), BENCH_RUNS (default 5), BENCH_DIR (default .bench),
// BENCH_PEER_TIMEOUT_MS (default 150000).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRepository, makePullRequest } from './generate.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FILES = Number(process.env.BENCH_FILES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WORK = path.resolve(process.env.BENCH_DIR ?? path.join(ROOT, '.bench'));
const REPO = path.join(WORK, 'repo');
const NODE = process.execPath;
const CLI = path.join(ROOT, 'dist', 'cli.js');
const ACTION = path.join(ROOT, 'dist', 'index.js');
const RSS_WRAPPER = path.join(ROOT, 'bench', 'rss.mjs');

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

function timeRuns(label, runs, fn) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const m = median(times);
  console.error(
    `  ${label}: median ${m.toFixed(0)} ms over ${runs} (${times.map((t) => t.toFixed(0)).join(', ')})`,
  );
  return m;
}

/** Runs each labelled function once per round, `runs` rounds; the median time of each. */
function timeInTurns(runs, labelled) {
  const times = labelled.map(() => []);
  for (let i = 0; i < runs; i++) {
    labelled.forEach(([, fn], j) => {
      const t0 = process.hrtime.bigint();
      fn();
      times[j].push(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  }
  return labelled.map(([label], j) => {
    const m = median(times[j]);
    console.error(
      `  ${label}: median ${m.toFixed(0)} ms over ${runs} (${times[j].map((t) => t.toFixed(0)).join(', ')})`,
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
  mkdirSync(WORK, { recursive: true });
  console.error(`generating ${FILES} files in ${REPO} ...`);
  const t0 = Date.now();
  const tracked = generateRepository(REPO, { files: FILES });
  const base = makePullRequest(REPO, 50);
  // Bytes of content of the tracked files (what a scanner reads), not blocks on disk.
  const bytes = execFileSync('git', ['ls-files', '-z'], { cwd: REPO, maxBuffer: 1 << 30 })
    .toString()
    .split('\0')
    .filter(Boolean)
    .reduce((sum, f) => sum + statSync(path.join(REPO, f)).size, 0);
  console.error(
    `  ${tracked} tracked files, ${(bytes / 1e6).toFixed(1)} MB, in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  const rows = [];
  const out = path.join(WORK, 'report.json');
  // The freshly written tree is flushed, then read once untimed: every tool is then measured on
  // the same warm file-system cache, not on the disk's write-back.
  execFileSync('sync');
  run(NODE, [CLI, 'check', REPO, '--format', 'json', '--output', out, '--fail-on', 'never']);
  console.error('controlgate');
  const fullCheck = () => {
    const r = run(NODE, [CLI, 'check', REPO, '--format', 'json', '--output', out, '--fail-on', 'never']);
    if (r.status !== 0) throw new Error(`full check exited ${r.status}: ${r.stderr}`);
  };
  // The full check and ripgrep run in turns, so that the ratio between them does not depend on
  // when, in a run of several minutes, the shared machine was busy.
  const hasRg = spawnSync('rg', ['--version']).status === 0;
  const rgArgs = ['--no-messages', '--count-matches', '--hidden', '-e', RG_PATTERNS.join('|'), '.'];
  const [full, rg] = hasRg
    ? timeInTurns(RUNS, [
        ['full check', fullCheck],
        ['rg', () => run('rg', rgArgs, { cwd: REPO })],
      ])
    : [timeRuns('full check', RUNS, fullCheck), undefined];
  const report = JSON.parse(readFileSync(out, 'utf8'));
  rows.push([
    'controlgate full check (CLI, JSON out)',
    full,
    `${report.summary.findings} findings, ${report.summary.files} files`,
  ]);
  const pr = timeRuns('pull-request check', RUNS, () => {
    const r = run(NODE, [
      CLI,
      'check',
      REPO,
      '--base',
      base,
      '--format',
      'json',
      '--output',
      out,
      '--fail-on',
      'never',
    ]);
    if (r.status !== 0) throw new Error(`PR check exited ${r.status}: ${r.stderr}`);
  });
  rows.push([
    'controlgate pull-request check (50 changed files, --base)',
    pr,
    `${((pr / full) * 100).toFixed(0)}% of the full check`,
  ]);
  const empty = path.join(WORK, 'empty');
  mkdirSync(empty, { recursive: true });
  const cold = timeRuns('cold start', Math.max(RUNS, 10), () => {
    const r = run(NODE, [ACTION], {
      env: { PATH: process.env.PATH, INPUT_PATH: empty, 'INPUT_FAIL-ON': 'never', GITHUB_WORKSPACE: empty },
    });
    if (r.status !== 0) throw new Error(`cold start exited ${r.status}: ${r.stdout}${r.stderr}`);
  });
  const bare = timeRuns('node -e 0', Math.max(RUNS, 10), () => run(NODE, ['-e', '0']));
  rows.push([
    'dist/index.js cold start, nothing to check',
    cold,
    `Node itself (\`node -e 0\`): ${(bare / 1000).toFixed(2)} s`,
  ]);
  const rss = run(NODE, [
    RSS_WRAPPER,
    CLI,
    'check',
    REPO,
    '--format',
    'json',
    '--output',
    out,
    '--fail-on',
    'never',
  ]);
  const peakMb = Number(/maxRSS=(\d+)/.exec(rss.stderr)?.[1] ?? 0) / 1024;
  rows.push(['peak RSS of the full check', undefined, `${peakMb.toFixed(0)} MB`]);

  console.error('peers');
  if (rg !== undefined) {
    rows.push([
      'rg, equivalent secret/TLS patterns (floor)',
      rg,
      `controlgate full check = ${(full / rg).toFixed(1)}x rg`,
    ]);
  } else {
    rows.push(['rg', undefined, 'not installed: apt-get install -y ripgrep']);
  }
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
      sl.ms,
      `${sl.note}${(sl.ms / full).toFixed(1)}x controlgate`,
    ]);
  }
  if (peers.repolinter) {
    const rl = peerRun('repolinter', peers.repolinter, ['lint', '--format', 'json', REPO]);
    rows.push([
      'repolinter, default ruleset (1 run)',
      rl.ms,
      `${rl.note}${(rl.ms / full).toFixed(1)}x controlgate`,
    ]);
  }

  const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const table = [
    `Machine: ${machine}. Repository: ${tracked} tracked files, ${(bytes / 1e6).toFixed(1)} MB (seed 27002). Medians of ${RUNS} runs.`,
    '',
    '| measurement | time | notes |',
    '| --- | ---: | --- |',
    ...rows.map(
      ([what, ms, note]) =>
        `| ${what} | ${ms === undefined ? '' : `${(ms / 1000).toFixed(2)} s`} | ${note} |`,
    ),
  ].join('\n');
  console.log(table);
}

function writeSecretlintrc() {
  const file = path.join(WORK, 'secretlintrc.json');
  writeFileSync(file, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  return file;
}

main();
