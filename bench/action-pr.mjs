// The Action's pull-request check, timed: what runs on a pull request in GitHub Actions, as the CLI's
// `--base` check of the benchmark does not show it. The built bundle (dist/index.js) runs on a
// `pull_request` event against the fake GitHub API of the end-to-end tests (127.0.0.1; nothing leaves
// the machine), which serves the pull request's files and, with `--base-results`, the artifact of a
// push run on the default branch holding the base commit's results, found and checked as on GitHub.
// Unlike the CLI, the Action lists no untracked files (a pull request is what git tracks).
//
//   node --experimental-transform-types --no-warnings bench/action-pr.mjs \
//     --repo <work tree at the head> --base <commit> [--base-results <file>] [--runs 3] \
//     [--dist <another build's dist/, to compare builds with one harness>]
//
// BENCH_NODE_OPTIONS is passed to the Action's Node as NODE_OPTIONS (e.g. '--cpu-prof
// --cpu-prof-dir=/tmp/prof' to profile it); of this process's environment, only it and PATH are.
//
// The run names the repository BENCH_REPOSITORY (generate.mjs), the `origin` remote of the generated
// repository: base results written by the CLI elsewhere fit only under that name.
//
// Prints one JSON line: the medians of wall and CPU milliseconds (the process and its children, GNU
// time), the rules the run said it took from the base results, and the API requests of one run. Run
// by bench/run.mjs; CI has no timing: a script to quote.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FakeGitHub } from '../test/helpers/fake-github.ts';
import { writeZip } from '../test/helpers/zip-writer.ts';
import { BENCH_REPOSITORY } from './generate.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    repo: { type: 'string' },
    base: { type: 'string' },
    'base-results': { type: 'string' },
    runs: { type: 'string', default: '3' },
    dist: { type: 'string' },
  },
});
if (!args.repo || !args.base) throw new Error('--repo and --base are needed');
const REPO = path.resolve(args.repo);
const [OWNER, NAME] = BENCH_REPOSITORY.split('/');
const ARTIFACT = 'controlgate-base-results';
const DIST = path.resolve(args.dist ?? path.join(ROOT, 'dist'));
const git = (...a) => execFileSync('git', a, { cwd: REPO, maxBuffer: 1 << 30 }).toString();
const head = git('rev-parse', 'HEAD').trim();
const base = git('rev-parse', `${args.base}^{commit}`).trim();

const fake = await FakeGitHub.start();
try {
  // The pull request's files as the API lists them (no patches: the bench's changes are appends).
  const status = { A: 'added', M: 'modified', D: 'removed' };
  const listed = git('diff', '--name-status', '-z', '--no-renames', `${base}...${head}`).split('\0');
  for (let i = 0; i + 1 < listed.length; i += 2) {
    fake.state.files.push({
      filename: listed[i + 1],
      status: status[listed[i][0]] ?? 'modified',
      changes: 1,
    });
  }
  if (args['base-results']) {
    const zip = writeZip([{ name: 'base-results.json', data: readFileSync(args['base-results'], 'utf8') }]);
    fake.addArtifact(ARTIFACT, zip, { id: 77, head_sha: base });
  }
  const work = mkdtempSync(path.join(os.tmpdir(), 'controlgate-bench-action-'));
  const event = path.join(work, 'event.json');
  writeFileSync(
    event,
    JSON.stringify({
      action: 'synchronize',
      number: 7,
      pull_request: {
        number: 7,
        draft: false,
        base: { sha: base, ref: 'main', repo: { full_name: `${OWNER}/${NAME}` } },
        head: { sha: head, ref: 'feature', repo: { full_name: `${OWNER}/${NAME}`, fork: false } },
      },
      repository: { full_name: `${OWNER}/${NAME}`, default_branch: 'main' },
    }),
  );
  const runOnce = (n) => {
    const runner = path.join(work, `runner-${n}`);
    mkdirSync(runner);
    // The runner creates the step's output and summary files before the step starts; the Action
    // appends to them (and only warns when they are missing, skipping that work).
    writeFileSync(path.join(runner, 'output'), '');
    writeFileSync(path.join(runner, 'summary.md'), '');
    const env = {
      PATH: process.env.PATH,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: REPO,
      GITHUB_OUTPUT: path.join(runner, 'output'),
      GITHUB_STEP_SUMMARY: path.join(runner, 'summary.md'),
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
      GITHUB_API_URL: fake.url,
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_REPOSITORY: `${OWNER}/${NAME}`,
      GITHUB_SHA: 'f'.repeat(40),
      GITHUB_RUN_ID: '4242',
      RUNNER_TEMP: runner,
      INPUT_TOKEN: 'ghs_bench_token',
      'INPUT_FAIL-ON': 'never',
      ...(args['base-results'] ? { 'INPUT_BASE-RESULTS': ARTIFACT } : {}),
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    };
    const timing = path.join(runner, 'time');
    // Asynchronous: the fake API answers on this thread while the Action runs.
    return new Promise((resolve, reject) => {
      const node = path.join(ROOT, 'node_modules/.bin/node');
      const p = spawn('/usr/bin/time', ['-f', '%e %U %S', '-o', timing, node, path.join(DIST, 'index.js')], {
        cwd: REPO,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => {
        stdout += d;
      });
      p.stderr.on('data', (d) => {
        stderr += d;
      });
      p.on('close', (code) => {
        if (code !== 0) return reject(new Error(`the Action exited ${code}: ${stderr.slice(-2000)}`));
        // Every sink the run would use on GitHub must have done its work, or the time is not the Action's.
        const skipped = /^::warning::controlgate could not write .*$/m.exec(stdout);
        if (skipped) return reject(new Error(`the Action left a sink out: ${skipped[0]}`));
        const [wall, user, sys] = readFileSync(timing, 'utf8').trim().split(/\s+/).map(Number);
        // The log says how many rules were taken from the base commit's results.
        const taken = /(\d+) rules? that read across files not evaluated again/.exec(stdout);
        resolve({ wall: wall * 1000, cpu: (user + sys) * 1000, reused: taken ? Number(taken[1]) : 0 });
      });
    });
  };
  const runs = [];
  for (let i = 0; i < Number(args.runs); i++) runs.push(await runOnce(i));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    JSON.stringify({
      wall: median(runs.map((r) => r.wall)),
      cpu: median(runs.map((r) => r.cpu)),
      reused: runs.at(-1).reused,
      requests: fake.requests.length / runs.length,
    }),
  );
  rmSync(work, { recursive: true, force: true });
} finally {
  await fake.close();
}
