import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { REPO_ROOT } from './fixtures.js';

/** The bundled Action entry, as the runner executes it. */
export const ACTION_ENTRY = path.join(REPO_ROOT, 'dist', 'index.js');

let entry = ACTION_ENTRY;
const tempDirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes every directory this helper created (bundle copy, runner files, trees). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Copies the freshly built bundle to a private directory and runs that copy from then on, so a build
 * started elsewhere meanwhile (it begins with `rm -rf dist`) cannot pull it away mid-test. The data the
 * bundle reads at run time (rules/, schemas/, data/) is linked beside it, as in the Action's checkout.
 */
export function snapshotBundle(): string {
  const dir = tempDir('controlgate-dist-');
  cpSync(path.dirname(ACTION_ENTRY), path.join(dir, 'dist'), { recursive: true });
  for (const data of ['rules', 'schemas', 'data'])
    symlinkSync(path.join(REPO_ROOT, data), path.join(dir, data));
  entry = path.join(dir, 'dist', 'index.js');
  return entry;
}

/**
 * For a suite of end-to-end tests: builds the private bundle once before its tests (ncc takes up to
 * a few minutes on a busy machine) and removes every directory the helpers made after them.
 */
export function useBuiltBundle(): void {
  beforeAll(() => {
    buildPrivateBundle();
  }, 240_000);
  afterAll(removeTempDirs);
}

/**
 * Builds the Action bundle from the current sources into a private directory (tsc, then ncc, as
 * `npm run build` does) and runs that from then on. Nothing in the checkout is written, so test files
 * that build in parallel, or a build started by hand, cannot race with it, and `npm test` never
 * deletes the committed dist/. With `cli`, the CLI bundle and everything `scripts/finish-build.mjs`
 * adds (dist/cli.js, the validated rule snapshot, the licence list) are built too: the whole of
 * `npm run build`, in the private directory.
 */
export function buildPrivateBundle(options: { cli?: boolean } = {}): string {
  const dir = tempDir('controlgate-build-');
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  // The data the bundle (and the rule snapshot) reads at run time lies beside it, as in a checkout.
  for (const data of ['rules', 'schemas', 'data'])
    symlinkSync(path.join(REPO_ROOT, data), path.join(dir, data));
  // The package's manifest too: ncc writes ES modules for a package of `"type": "module"`, as in the
  // checkout, and would otherwise take the module type of whatever folder the build sits in.
  symlinkSync(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json'));
  const bin = (name: string) => path.join(REPO_ROOT, 'node_modules', '.bin', name);
  const run = (file: string, args: string[], cwd: string) => execFileSync(file, args, { cwd, stdio: 'pipe' });
  const lib = path.join(dir, 'lib');
  run(bin('tsc'), ['-p', path.join(REPO_ROOT, 'tsconfig.json'), '--outDir', lib], REPO_ROOT);
  const ncc = (entryFile: string, out: string, extra: string[] = []) =>
    run(
      bin('ncc'),
      ['build', path.join(lib, entryFile), '-o', out, '--target', 'es2023', '--quiet', ...extra],
      dir,
    );
  // The libraries loaded on first use are bundled beside each bundle (scripts/build-vendored.mjs).
  const vendored = () => run(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build-vendored.mjs')], dir);
  if (!options.cli) {
    ncc('index.js', path.join(dir, 'dist'));
    vendored();
  } else {
    ncc('index.js', path.join(dir, 'dist'), ['--stats-out', path.join(lib, 'action-stats.json')]);
    ncc('cli.js', path.join(dir, 'dist', 'cli'));
    vendored();
    run(process.execPath, [path.join(REPO_ROOT, 'scripts', 'finish-build.mjs')], dir);
  }
  entry = path.join(dir, 'dist', 'index.js');
  return entry;
}

/**
 * Builds the CLI bundle from the current sources into a private directory, as `npm run build` does,
 * and returns its entry (`dist/cli/index.js`), for tests that run the CLI as a process.
 */
export function buildPrivateCli(): string {
  const dir = tempDir('controlgate-cli-build-');
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  // The package's module type, as in the checkout (see buildPrivateBundle).
  symlinkSync(path.join(REPO_ROOT, 'package.json'), path.join(dir, 'package.json'));
  const bin = (name: string) => path.join(REPO_ROOT, 'node_modules', '.bin', name);
  execFileSync(bin('tsc'), ['-p', path.join(REPO_ROOT, 'tsconfig.json'), '--outDir', path.join(dir, 'lib')], {
    cwd: REPO_ROOT,
    stdio: 'pipe',
  });
  execFileSync(
    bin('ncc'),
    [
      'build',
      path.join(dir, 'lib', 'cli.js'),
      '-o',
      path.join(dir, 'dist', 'cli'),
      '--target',
      'es2023',
      '--quiet',
    ],
    { cwd: dir, stdio: 'pipe' },
  );
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build-vendored.mjs')], {
    cwd: dir,
    stdio: 'pipe',
  });
  for (const data of ['rules', 'schemas', 'data'])
    symlinkSync(path.join(REPO_ROOT, data), path.join(dir, data));
  return path.join(dir, 'dist', 'cli', 'index.js');
}

export interface ActionRun {
  /** Exit code of the process (the runner's step result). */
  code: number;
  stdout: string;
  stderr: string;
  /** stdout split into lines, without the trailing empty line. */
  lines: string[];
  /** Step outputs parsed from the GITHUB_OUTPUT file. */
  outputs: Record<string, string>;
  /** Contents of the GITHUB_STEP_SUMMARY file. */
  summary: string;
  /** The temporary directory holding the runner files of this run. */
  runnerDir: string;
}

export interface RunActionOptions {
  /** The checkout: GITHUB_WORKSPACE and the process's working directory. */
  workspace: string;
  /** Inputs by their action.yml names, e.g. `{ 'fail-on': 'never' }`. */
  inputs?: Record<string, string>;
  /** Extra environment variables (applied last). */
  env?: Record<string, string>;
  /** Leave GITHUB_STEP_SUMMARY unset, as outside a runner. */
  noSummaryFile?: boolean;
}

/**
 * Runs dist/index.js as the runner would: a fresh Node process with `INPUT_*` variables and the
 * runner's file-command files, in a scrubbed environment (no token, no proxy settings, and an API URL
 * that cannot reach anything) so no test can talk to github.com.
 */
export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const runnerDir = tempDir('controlgate-runner-');
  const outputFile = path.join(runnerDir, 'github_output');
  const summaryFile = path.join(runnerDir, 'step_summary');
  const home = path.join(runnerDir, 'home');
  mkdirSync(home);
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_API_URL: 'http://127.0.0.1:1',
    GITHUB_SERVER_URL: 'http://127.0.0.1:1',
    GITHUB_REPOSITORY: 'acme/payments-api',
    RUNNER_TEMP: runnerDir,
  };
  if (!options.noSummaryFile) env.GITHUB_STEP_SUMMARY = summaryFile;
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  Object.assign(env, options.env ?? {});

  const { code, stdout, stderr } = await spawnNode(entry, options.workspace, env);
  return {
    code,
    stdout,
    stderr,
    lines: stdout.replace(/\n$/, '').split('\n'),
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    runnerDir,
  };
}

function spawnNode(
  entry: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({
        code: code ?? (signal ? 128 : -1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/**
 * Parses the GITHUB_OUTPUT file: `name<<delimiter`, the value's lines, `delimiter` (the only form
 * @actions/core writes), plus the single-line `name=value` form for completeness.
 */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`output "${name}" has no closing delimiter`);
      outputs[name!] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`unparsable GITHUB_OUTPUT line: ${line}`);
    outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}

/** Writes a tree of files (POSIX paths -> content) under a new temporary directory. */
export function makeTree(files: Record<string, string>, prefix = 'controlgate-repo-'): string {
  const root = tempDir(prefix);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, ...rel.split('/'));
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return root;
}

/**
 * The workflow-command lines the runner would act on, in order: lines starting with `::`, except
 * inside a `::stop-commands::<token>` ... `::<token>::` section, which the runner prints verbatim.
 * With `name`, only that command (`error`, `warning`, ...).
 */
export function commandLines(run: ActionRun, name?: string): string[] {
  const out: string[] = [];
  let pausedUntil: string | undefined;
  for (const line of run.lines) {
    if (pausedUntil !== undefined) {
      if (line === pausedUntil) pausedUntil = undefined;
      continue;
    }
    const stop = /^::stop-commands::(.+)$/.exec(line);
    if (stop) {
      pausedUntil = `::${stop[1]}::`;
      continue;
    }
    if (!line.startsWith('::')) continue;
    if (!name || line.startsWith(`::${name} `) || line.startsWith(`::${name}::`)) out.push(line);
  }
  return out;
}

/**
 * A custom `content.forbidden` rule file for end-to-end fixtures, matching `pattern` line by line in
 * src/. JSON strings are YAML double-quoted scalars, so escapes in the pattern survive exactly.
 */
export function fixtureRule(
  id: string,
  severity: string,
  title: string,
  pattern: string,
  message: string,
  controls: string[] = ['8.28'],
): string {
  return [
    `id: ${id}`,
    `title: ${title}`,
    `severity: ${severity}`,
    `controls: ${JSON.stringify(controls)}`,
    'rationale: Fixture rule for the end-to-end tests.',
    `remediation: Remove the ${id.replace(/-/g, ' ')}.`,
    'check:',
    '  kind: content.forbidden',
    '  with:',
    '    paths: ["src/**"]',
    '    patterns:',
    `      - pattern: ${JSON.stringify(pattern)}`,
    `        message: ${JSON.stringify(message)}`,
    '',
  ].join('\n');
}
