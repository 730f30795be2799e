// Pull-request replay: real changes of real repositories, checked as pull requests with and without
// the base commit's stored results (`--base-results`), to measure what the stored results save and
// to check that they change nothing a user sees.
//
//   node bench/pr-replay.mjs [--repos bench/crater/repos.txt] [--mirrors /work/.mirror]
//                            [--out /tmp/controlgate-pr-replay] [--cli dist/cli.js] [--changes 3]
//
// The repositories are the crater run's snapshots (`<mirrors>/<owner>+<name>/repo`, bare git
// directories with their history). For each, the newest `--changes` commits of the default branch's
// first-parent history are replayed: on the default branch of a project that merges pull requests,
// such a commit's diff against its first parent is a merged pull request. For each change:
//   1. the parent is checked out (a local clone sharing the mirror's objects; nothing in it runs) and
//      checked with --write-base-results, as a push run on the default branch does;
//   2. the commit is checked out and checked with --base <parent>, without and then with
//      --base-results (alternated, `--runs` times each, CPU time of the process and its children);
//   3. the two JSON reports must be equal but for `run` and `summary.reused`.
// It prints one line per change and a summary, and writes <out>/replay.tsv. CI has no network: a
// script to run and quote, never a test.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    repos: { type: 'string', default: path.join(ROOT, 'bench/crater/repos.txt') },
    mirrors: { type: 'string', default: '/work/.mirror' },
    out: { type: 'string', default: '/tmp/controlgate-pr-replay' },
    cli: { type: 'string', default: path.join(ROOT, 'dist/cli.js') },
    changes: { type: 'string', default: '3' },
    runs: { type: 'string', default: '1' },
  },
});
const NODE = path.join(ROOT, 'node_modules/.bin/node');
const CHANGES = Number(args.changes);
const RUNS = Number(args.runs);

const repos = readFileSync(args.repos, 'utf8')
  .split('\n')
  .map((l) => l.replace(/#.*/, '').trim())
  .filter(Boolean);
mkdirSync(args.out, { recursive: true });

const git = (cwd, ...a) =>
  execFileSync('git', a, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 })
    .toString()
    .trim();

/** CPU seconds (user + system, children included) and wall seconds of one CLI run. */
function check(tree, out, ...extra) {
  const r = spawnSync(
    '/usr/bin/time',
    [
      '-f',
      '%e %U %S',
      NODE,
      args.cli,
      'check',
      tree,
      '--format',
      'json',
      '--output',
      out,
      '--fail-on',
      'never',
      ...extra,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const times = r.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  if (r.status !== 0 || times.length !== 3 || times.some(Number.isNaN)) {
    throw new Error(`check ${extra.join(' ')} exited ${r.status}: ${r.stderr.slice(-800)}`);
  }
  return { wall: times[0], cpu: times[1] + times[2], stderr: r.stderr };
}

const judgement = (file) => {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  delete report.run;
  const reused = report.summary.reused;
  delete report.summary.reused;
  return { text: JSON.stringify(report), reused };
};

const rows = [
  ['repo', 'commit', 'added', 'modified', 'deleted', 'stored', 'reused', 'cpu_without', 'cpu_with', 'same'],
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const repo of repos) {
  const mirror = path.join(args.mirrors, repo.replace('/', '+'), 'repo');
  if (!existsSync(mirror)) {
    console.log(`${repo}: not fetched`);
    continue;
  }
  const tree = path.join(args.out, 'tree');
  rmSync(tree, { recursive: true, force: true });
  execFileSync('git', ['clone', '-q', '--shared', '--no-checkout', mirror, tree]);
  const commits = git(tree, 'rev-list', '--first-parent', `--max-count=${CHANGES}`, 'HEAD').split('\n');
  for (const commit of commits) {
    const parent = git(tree, 'rev-parse', `${commit}^1`);
    const status = git(tree, 'diff', '--name-status', '--no-renames', parent, commit)
      .split('\n')
      .filter(Boolean)
      .map((l) => l[0]);
    const count = (s) => status.filter((x) => x === s).length;
    // A snapshot may lack its largest blobs: such a change cannot be checked out, and is skipped.
    const checkout = (rev) => {
      try {
        git(tree, 'checkout', '-q', '-f', rev);
        return true;
      } catch {
        console.log(
          `${repo} ${commit.slice(0, 10)}: ${rev.slice(0, 10)} cannot be checked out (objects missing)`,
        );
        return false;
      }
    };
    if (!checkout(parent)) continue;
    const stored = path.join(args.out, 'base-results.json');
    rmSync(stored, { force: true });
    check(tree, path.join(args.out, 'base.json'), '--write-base-results', stored);
    if (!existsSync(stored)) {
      console.log(`${repo} ${commit.slice(0, 10)}: no base results written`);
      continue;
    }
    const storedRules = Object.keys(JSON.parse(readFileSync(stored, 'utf8')).rules).length;
    if (!checkout(commit)) continue;
    const without = [];
    const withResults = [];
    for (let i = 0; i < RUNS; i++) {
      without.push(check(tree, path.join(args.out, 'without.json'), '--base', parent).cpu);
      withResults.push(
        check(tree, path.join(args.out, 'with.json'), '--base', parent, '--base-results', stored).cpu,
      );
    }
    const a = judgement(path.join(args.out, 'without.json'));
    const b = judgement(path.join(args.out, 'with.json'));
    const same = a.text === b.text;
    const row = [
      repo,
      commit.slice(0, 10),
      count('A'),
      count('M'),
      count('D'),
      storedRules,
      b.reused?.rules ?? 0,
      median(without).toFixed(2),
      median(withResults).toFixed(2),
      same ? 'yes' : 'NO',
    ];
    rows.push(row);
    console.log(row.join('\t'));
    if (!same) {
      writeFileSync(
        path.join(args.out, `differs-${repo.replace('/', '+')}-${commit.slice(0, 10)}.json`),
        `${a.text}\n${b.text}\n`,
      );
    }
  }
  rmSync(tree, { recursive: true, force: true });
}
writeFileSync(path.join(args.out, 'replay.tsv'), `${rows.map((r) => r.join('\t')).join('\n')}\n`);
const data = rows.slice(1);
const sum = (i) => data.reduce((s, r) => s + Number(r[i]), 0);
console.log(
  `\n${data.length} changes; reports equal in ${data.filter((r) => r[9] === 'yes').length}; rules taken from the stored results: ${sum(6)} of ${sum(5)} stored (${((sum(6) / Math.max(1, sum(5))) * 100).toFixed(0)}%); CPU ${sum(7).toFixed(1)} s without, ${sum(8).toFixed(1)} s with (${((sum(8) / Math.max(0.01, sum(7))) * 100).toFixed(0)}%)`,
);
