import { closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BaseResults } from '../core/base-results.js';
import { resolveBaseline } from '../core/base-tree.js';
import { draftDeclarations } from '../core/declarations/init.js';
import { type CheckOptions, runCheck } from '../core/engine.js';
import { FILE_CACHE_MAX_BYTES, type FileCache, fileCacheText, parseFileCache } from '../core/file-cache.js';
import { GitRepository, withGitSession } from '../core/git.js';
import { identityOf } from '../core/identity.js';
import type { ChangeOptions, GateScope, ScanScope } from '../core/pr.js';
import { sliceThreads } from '../core/slices.js';
import {
  CONFIDENCES,
  type FailOn,
  type Logger,
  PERSONAS,
  type Report,
  type RequireDeclarations,
  SEVERITIES,
  UsageError,
} from '../core/types.js';
import { VERSION } from '../core/version.js';
import { renderSoaCsv, renderSoaMarkdown } from '../reporters/index.js';
import { AGGREGATE_FORMATS, aggregate } from './aggregate.js';
import { baseResultsText, readBaseResultsFile, readBoundedFile } from './base-results.js';
import { controlsCommand, explainCommand, initSummary, rulesCommand } from './commands.js';
import { onlineApi, writeEvidenceFiles } from './evidence.js';
import { fixCommand } from './fix.js';
import { FORMATS, parseFormat, renderReport, standInStream, useColor } from './format.js';
import { startProgress } from './progress.js';
import { argumentError, unknownCommand } from './suggest.js';

/** Process exit codes: the contract scripts rely on. */
export const EXIT = { passed: 0, gateFailed: 1, usage: 2, internal: 3 } as const;

export const USAGE = `controlgate ${VERSION} — ISO/IEC 27002:2022 controls, checked as code

Usage:
  controlgate check [dir]     check a repository (default: the current directory)
  controlgate fix [dir]       apply the mechanical fixes of the findings and print them as a diff
  controlgate soa [dir]       check, and write the Statement of Applicability (Markdown or CSV)
  controlgate init [dir]      draft .github/controls.yml (the declarations) for a repository
  controlgate rules           list the rules (--kinds: the check kinds for custom rules)
  controlgate controls        list the 34 technological controls and the rules covering each
  controlgate explain <id>    explain a rule id or a control id (e.g. 8.28)
  controlgate aggregate <report.json|dir>...
                              one organisation summary from many repositories' JSON reports

Options for check (soa takes them too):
  --format <f>      ${FORMATS.join(' | ')} (default: text); soa: markdown | csv
  --output <file>   write the report to a file instead of stdout
  --oscal-file <file>  also write the OSCAL Assessment Results document of the same run
  --soa-file <file>    also write the Statement of Applicability: Markdown there, CSV beside it
                    (soa.md and soa.csv)
  --offline         never read repository settings through the GitHub API (by default they are
                    read when GITHUB_TOKEN and GITHUB_REPOSITORY are set; GITHUB_API_URL for
                    GitHub Enterprise Server)
  --config <file>   configuration file (default: .controlgate.yml in the checked directory)
  --controls <file> declarations file (default: config's controls, else .github/controls.yml)
  --base <ref>      check as a pull request against this commit: the policy is read from it,
                    findings are marked new or existing, and policy changes are reported
  --gate <g>        new | all: which findings fail the gate (default: new with --base, else all)
  --scan <s>        changed | all: files the per-file rules look at with --base (default:
                    changed under --gate new, all under --gate all)
  --write-base-results <file>  also write what the rules that read across files found, for later
                    checks with --base of this commit (a clean checkout of a commit only)
  --base-results <file>  with --base: results written by --write-base-results for the base commit;
                    rules the change does not touch are not evaluated again
  --cache <file>    results cache of the per-file rules: read when it exists, written after the
                    check; files whose blob in git's index is unchanged are not read again
                    (a full check only, not with --base)
  --rules <dir>     extra rule directory (repeatable)
  --rule <id>       evaluate only this rule (repeatable)
  --fail-on <s>     info | low | medium | high | critical | never (default: config, else high)
  --fail-on-confidence <c>  low | medium | high: the least sure finding that can fail the gate
                    (default: config, else medium)
  --persona <p>     regular | pedantic | auditor: which findings that do not block are shown
                    (default: config, else regular; hidden findings are counted)
  --fail-on-gap/--no-fail-on-gap  fail when a declared control has a gap (default: config, else on)
  --require-declarations <r>  none | technological | all (default: config, else none)
  --default-branch <name>  branch that workflows cited as evidence must run on pushes to
  --jobs <n>        threads for the per-file rules over trees of more than 2,000 files
                    (default: one per CPU, at most 4; 1: no worker threads)
  --verbose         print what the check does (index, threads) on stderr
  --compact         text: one line per finding, each rule's fix once after the findings
  --blocking-only   text: list only the findings that fail the gate (the others are counted)
  --color/--no-color  force or disable colours in the text report (default: on for a terminal;
                    FORCE_COLOR and NO_COLOR are honoured)

Options for fix (also --config, --controls, --rules, --persona, --fail-on, --fail-on-confidence):
  --rule <id>       fix only this rule's findings (repeatable)
  --dry-run         print the diff, write nothing
  --offline         never ask the GitHub API (pins are then listed as not fixed)
  Pins of actions are resolved through the GitHub API when GITHUB_TOKEN is set (GITHUB_API_URL
  for GitHub Enterprise Server); without it they are listed as not fixed. Exit code 1 when findings
  that fail the gate remain after the fixes.

Options for init:
  --controls <file> where to write the draft (default: .github/controls.yml); never overwritten
  --default-branch <name>  the branch workflows cited as evidence must run on (default: git's
                    origin/HEAD, else main or master, as check takes it)
  --offline         never read repository settings through the GitHub API

Options for aggregate (a repository is named by its report's path, e.g. reports/acme/api.json
under reports/ is acme/api):
  --format <f>      ${AGGREGATE_FORMATS.join(' | ')} (default: markdown)
  --output <file>   write the summary to a file instead of stdout
  --fail-on-gate    exit 1 when a repository's gate failed

Other options:
  --json            (rules, controls, explain) print JSON
  -h, --help        show this help
  -v, --version     print the version

Exit codes: 0 passed, 1 gate failed, 2 usage or configuration error, 3 internal error.`;

/** Streams the CLI writes to; injectable so tests can capture them. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  /**
   * The stream behind `stdout`, asked whether it takes colours (a terminal, FORCE_COLOR, NO_COLOR);
   * absent: a stand-in that is a terminal when `isTTY` is.
   */
  stdoutStream?: NodeJS.WritableStream;
  /** Whether stderr is a terminal: the progress line of a long check is drawn only there. */
  stderrIsTTY?: boolean;
}

/** Streams whose reader went away (`check | head`): later writes to them are dropped. */
const closed = new Set<NodeJS.WriteStream>();

const processIo: Io = {
  stdout: (t) => write(process.stdout, t),
  stderr: (t) => write(process.stderr, t),
  isTTY: Boolean(process.stdout.isTTY),
  stdoutStream: process.stdout,
  stderrIsTTY: Boolean(process.stderr.isTTY),
};

function write(stream: NodeJS.WriteStream, text: string): void {
  if (!closed.has(stream)) stream.write(text);
}

/**
 * A reader that closes the pipe early (`controlgate rules --json | head`) is not an error: the rest
 * of the output is dropped and the command ends quietly with its own exit code, as Unix tools do.
 */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount('error') > 0) continue;
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      closed.add(stream);
    });
  }
}

export interface MainOptions {
  /** The script slice workers start from (the bundle's own entry); absent: no worker threads. */
  workerScript?: string | URL;
  /** How long a check runs before the progress line appears on a terminal (default 2,000 ms). */
  progressDelayMs?: number;
  /**
   * The environment: GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL turn on the online mode,
   * GITHUB_* variables name the run. Default: the process's.
   */
  env?: NodeJS.ProcessEnv;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: Io = processIo, options: MainOptions = {}): Promise<number> {
  if (io === processIo) endQuietlyOnClosedPipe();
  try {
    return await dispatch(argv, io, options);
  } catch (err) {
    if (isArgError(err)) {
      io.stderr(`controlgate: ${argumentError(err as Error, argv, Object.keys(CLI_OPTIONS))}\n`);
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      io.stderr(`controlgate: ${err.message}\n`);
      return EXIT.usage;
    }
    io.stderr(
      `controlgate: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return EXIT.internal;
  }
}

/** Every option of every command (parseArgs needs one table). */
const CLI_OPTIONS = {
  format: { type: 'string' },
  output: { type: 'string', short: 'o' },
  config: { type: 'string', short: 'c' },
  rules: { type: 'string', multiple: true },
  rule: { type: 'string', multiple: true },
  'fail-on': { type: 'string' },
  'fail-on-confidence': { type: 'string' },
  persona: { type: 'string' },
  controls: { type: 'string' },
  base: { type: 'string' },
  gate: { type: 'string' },
  scan: { type: 'string' },
  'fail-on-gap': { type: 'boolean' },
  'no-fail-on-gap': { type: 'boolean' },
  'require-declarations': { type: 'string' },
  'default-branch': { type: 'string' },
  'oscal-file': { type: 'string' },
  'soa-file': { type: 'string' },
  offline: { type: 'boolean' },
  jobs: { type: 'string' },
  verbose: { type: 'boolean' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  compact: { type: 'boolean' },
  'blocking-only': { type: 'boolean' },
  'base-results': { type: 'string' },
  'write-base-results': { type: 'string' },
  cache: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'fail-on-gate': { type: 'boolean' },
  json: { type: 'boolean' },
  kinds: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

async function dispatch(argv: string[], io: Io, options: MainOptions): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: CLI_OPTIONS,
  });
  if (values.version) {
    io.stdout(`${VERSION}\n`);
    return EXIT.passed;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    io.stdout(`${USAGE}\n`);
    return values.help ? EXIT.passed : EXIT.usage;
  }
  const extraRuleDirs = values.rules ?? [];
  switch (command) {
    case 'check': {
      if (rest.length > 1) throw new UsageError(`check takes one directory, got: ${rest.join(' ')}`);
      return check(rest[0] ?? '.', values, io, options);
    }
    case 'fix': {
      if (rest.length > 1) throw new UsageError(`fix takes one directory, got: ${rest.join(' ')}`);
      const failOn = parseFailOn(values['fail-on']);
      const failOnConfidence = parseChoice('--fail-on-confidence', values['fail-on-confidence'], CONFIDENCES);
      const persona = parseChoice('--persona', values.persona, PERSONAS);
      return fixCommand(
        rest[0] ?? '.',
        values,
        {
          ...(failOn ? { failOn } : {}),
          ...(failOnConfidence ? { failOnConfidence } : {}),
          ...(persona ? { persona } : {}),
        },
        io,
        options.env ?? process.env,
      );
    }
    case 'soa': {
      if (rest.length > 1) throw new UsageError(`soa takes one directory, got: ${rest.join(' ')}`);
      return soa(rest[0] ?? '.', values, io, options);
    }
    case 'init': {
      if (rest.length > 1) throw new UsageError(`init takes one directory, got: ${rest.join(' ')}`);
      return init(rest[0] ?? '.', values, io, options);
    }
    case 'rules':
      io.stdout(
        rulesCommand({ json: Boolean(values.json), kinds: Boolean(values.kinds), ruleDirs: extraRuleDirs }),
      );
      return EXIT.passed;
    case 'controls':
      io.stdout(controlsCommand({ json: Boolean(values.json), ruleDirs: extraRuleDirs }));
      return EXIT.passed;
    case 'explain': {
      const id = rest[0];
      if (!id || rest.length > 1)
        throw new UsageError('explain takes one rule id or control id, e.g. `explain 8.28`');
      io.stdout(explainCommand(id, { json: Boolean(values.json), ruleDirs: extraRuleDirs }));
      return EXIT.passed;
    }
    case 'aggregate': {
      const result = aggregate(rest, values.format);
      if (values.output) {
        writeOutput(values.output, result.text);
        io.stderr(
          `controlgate: ${result.reports} reports, ${result.failed} failed the gate; ${values.format ?? 'markdown'} summary written to ${values.output}\n`,
        );
      } else {
        io.stdout(result.text);
      }
      for (const file of result.skipped)
        io.stderr(`controlgate: skipped ${file}: not a controlgate JSON report\n`);
      return values['fail-on-gate'] && result.failed > 0 ? EXIT.gateFailed : EXIT.passed;
    }
    default:
      throw new UsageError(unknownCommand(command));
  }
}

interface CheckValues {
  format?: string;
  output?: string;
  config?: string;
  rules?: string[];
  rule?: string[];
  'fail-on'?: string;
  'fail-on-confidence'?: string;
  persona?: string;
  controls?: string;
  base?: string;
  gate?: string;
  scan?: string;
  'fail-on-gap'?: boolean;
  'no-fail-on-gap'?: boolean;
  'require-declarations'?: string;
  'default-branch'?: string;
  'oscal-file'?: string;
  'soa-file'?: string;
  offline?: boolean;
  jobs?: string;
  verbose?: boolean;
  color?: boolean;
  'no-color'?: boolean;
  compact?: boolean;
  'blocking-only'?: boolean;
  'base-results'?: string;
  'write-base-results'?: string;
  cache?: string;
}

async function check(dir: string, values: CheckValues, io: Io, options: MainOptions): Promise<number> {
  const started = new Date();
  const format = parseFormat(values.format);
  const report = await checkReport(dir, values, io, options);
  const color = useColor(values, io.stdoutStream ?? standInStream(io.isTTY));
  const rendered = await renderReport(
    report,
    format,
    dir,
    { color, compact: values.compact === true, blockingOnly: values['blocking-only'] === true },
    started,
  );
  emit(report, rendered, `${format} report`, values, io);
  return report.summary.gate.result === 'fail' ? EXIT.gateFailed : EXIT.passed;
}

/**
 * `soa [dir]`: the check, written as the Statement of Applicability (Markdown, or CSV with
 * `--format csv` or an `--output` ending in .csv). An export: its exit code is 0 whatever the gate
 * says (`check` is the gate).
 */
async function soa(dir: string, values: CheckValues, io: Io, options: MainOptions): Promise<number> {
  const format = values.format ?? (values.output?.toLowerCase().endsWith('.csv') ? 'csv' : 'markdown');
  if (format !== 'markdown' && format !== 'csv') {
    throw new UsageError(`soa --format must be markdown or csv; got "${values.format}"`);
  }
  const report = await checkReport(dir, values, io, options);
  const rendered = format === 'csv' ? renderSoaCsv(report) : renderSoaMarkdown(report);
  emit(report, rendered, `Statement of Applicability (${format})`, values, io);
  return EXIT.passed;
}

/** Prints the rendered report, or writes it and says so; writes the evidence files asked for too. */
function emit(
  report: Report,
  rendered: string | Iterable<string>,
  what: string,
  values: CheckValues,
  io: Io,
): void {
  const written = writeEvidenceFiles(report, {
    ...(values['oscal-file'] ? { oscal: values['oscal-file'] } : {}),
    ...(values['soa-file'] ? { soa: values['soa-file'] } : {}),
  });
  if (values.output) {
    writeOutput(values.output, rendered);
    written.unshift(`${what} written to ${values.output}`);
  } else if (typeof rendered === 'string') {
    io.stdout(rendered.endsWith('\n') ? rendered : `${rendered}\n`);
  } else {
    // In pieces (the JSON report), the last ending its line.
    for (const piece of rendered) io.stdout(piece);
  }
  if (written.length > 0) {
    const gate = report.summary.gate;
    io.stderr(
      `controlgate: ${report.summary.findings} findings, ${report.summary.blocking} blocking; gate ${gate.result}; ${written.join('; ')}\n`,
    );
  }
}

/**
 * Runs the check as the options say: the report every command of the CLI renders. One git session
 * for the whole command: the questions the options ask (the base commit, the identity) are the run's.
 */
function checkReport(dir: string, values: CheckValues, io: Io, options: MainOptions): Promise<Report> {
  return withGitSession(() => checkReportNow(dir, values, io, options));
}

async function checkReportNow(
  dir: string,
  values: CheckValues,
  io: Io,
  options: MainOptions,
): Promise<Report> {
  const failOn = parseFailOn(values['fail-on']);
  const failOnConfidence = parseChoice('--fail-on-confidence', values['fail-on-confidence'], CONFIDENCES);
  const persona = parseChoice('--persona', values.persona, PERSONAS);
  const requireDeclarations = parseRequireDeclarations(values['require-declarations']);
  const jobs = parseJobs(values.jobs);
  const threads = options.workerScript ? sliceThreads(options.workerScript, jobs) : undefined;
  const change = await changeOptions(dir, values);
  if (values['base-results'] && !change) throw new UsageError('--base-results needs --base <ref>');
  const baseResults = values['base-results'] ? readBaseResultsFile(values['base-results']) : undefined;
  if (values.cache && change) {
    throw new UsageError(
      "--cache is for a full check; with --base, hand over the base commit's results with --base-results",
    );
  }
  const progress = startProgress({
    write: io.stderr,
    enabled: io.stderrIsTTY === true,
    label: `checking ${dir}`,
    ...(options.progressDelayMs !== undefined ? { delayMs: options.progressDelayMs } : {}),
  });
  // Anything else on stderr first erases the progress line, so the two never share a line.
  const stderr = (text: string) => {
    progress.clear();
    io.stderr(text);
  };
  const logger: Logger = {
    debug: (m) => {
      progress.phase(m);
      if (values.verbose) stderr(`debug: ${m}\n`);
    },
    info: (m) => {
      if (values.verbose) stderr(`info: ${m}\n`);
    },
    warning: (m) => stderr(`warning: ${m}\n`),
    error: (m) => stderr(`error: ${m}\n`),
  };
  const env = options.env ?? process.env;
  const online = onlineApi(env, Boolean(values.offline));
  logger.debug(
    online.api
      ? `reading the repository settings of ${online.repository} through the GitHub API (${online.host})`
      : `repository settings are not read: ${online.why}`,
  );
  return runCheck({
    root: dir,
    identity: identityOf(GitRepository.open(dir), env),
    ...(online.api ? { github: online.api } : {}),
    ...(values.config ? { configPath: values.config } : {}),
    ...(values.rules ? { ruleDirs: values.rules } : {}),
    ...(values.rule ? { onlyRules: values.rule, discloseUnselected: true } : {}),
    ...(failOn ? { failOn } : {}),
    ...(failOnConfidence ? { failOnConfidence } : {}),
    ...(persona ? { persona } : {}),
    ...(values.controls ? { controlsPath: values.controls } : {}),
    ...(values.base ? { base: values.base } : {}),
    ...(change ? { change } : {}),
    ...(values['no-fail-on-gap'] ? { failOnGap: false } : values['fail-on-gap'] ? { failOnGap: true } : {}),
    ...(requireDeclarations ? { requireDeclarations } : {}),
    ...(values['default-branch'] ? { defaultBranch: values['default-branch'] } : {}),
    ...(threads ? { threads } : {}),
    ...(baseResults ? { baseResults } : {}),
    ...(values['write-base-results']
      ? { collectBaseResults: writeBaseResults(values['write-base-results']) }
      : {}),
    ...(values.cache ? { fileCache: fileCacheOption(values.cache, dir, logger) } : {}),
    logger,
  }).finally(() => progress.stop()); // the report goes out on a clean line
}

/**
 * `--cache <file>`: taken when it exists and reads as a cache (a broken one is said and replaced: it
 * is only a cache), and written after the check.
 */
function fileCacheOption(file: string, dir: string, log: Logger): NonNullable<CheckOptions['fileCache']> {
  const flag = `--cache ${file}`;
  const inside = path.relative(path.resolve(dir), path.resolve(file));
  if (!inside.startsWith('..') && !path.isAbsolute(inside)) {
    throw new UsageError(
      `${flag}: the file lies inside the checked folder, where the check would read it as a file of the repository; give a path outside it (e.g. under ~/.cache)`,
    );
  }
  let previous: FileCache | undefined;
  if (existsSync(file)) {
    try {
      previous = parseFileCache(readBoundedFile(file, FILE_CACHE_MAX_BYTES, flag));
    } catch (err) {
      log.warning(`${flag}: not taken (${(err as Error).message}); it is written again after this check`);
    }
  }
  return {
    ...(previous ? { previous } : {}),
    source: `the file ${file}`,
    collect: (cache) => writeOutput(file, fileCacheText(cache), '--cache'),
  };
}

/** Writes the collected results to `file` (created with its directory), or says why it cannot. */
function writeBaseResults(file: string): (results: BaseResults) => void {
  return (results) => writeOutput(file, baseResultsText(results), '--write-base-results');
}

/**
 * Writes a report or summary to `file`, creating its directory. A path that cannot be written (a
 * directory, no permission) is the user's to fix: a usage error, not a crash.
 */
function writeOutput(file: string, text: string | Iterable<string>, flag = '--output'): void {
  const out = path.resolve(file);
  try {
    mkdirSync(path.dirname(out), { recursive: true });
    if (typeof text === 'string') writeFileSync(out, text);
    else {
      // In pieces, as they are made (see fileCacheText).
      const fd = openSync(out, 'w');
      try {
        for (const piece of text) {
          const bytes = Buffer.from(piece, 'utf8');
          for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
        }
      } finally {
        closeSync(fd);
      }
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'EISDIR'
        ? 'it is a directory'
        : e.code === 'EACCES'
          ? 'permission denied'
          : (e.code ?? e.message);
    throw new UsageError(
      `${flag} ${file}: cannot write ${flag === '--output' ? 'the report' : 'it'} there (${why}); give a file path`,
    );
  }
}

/**
 * `init [dir]`: writes the draft declarations file. Never overwrites: an existing file is a usage
 * error (exit 2), and the write itself is exclusive, so a file created meanwhile is not clobbered.
 */
async function init(dir: string, values: CheckValues, io: Io, options: MainOptions): Promise<number> {
  const root = path.resolve(dir);
  if (!existsSync(root)) throw new UsageError(`path not found or not a directory: ${dir}`);
  const online = onlineApi(options.env ?? process.env, Boolean(values.offline));
  const draft = await draftDeclarations({
    root,
    ...(values.controls ? { controlsPath: values.controls } : {}),
    ...(values.rules ? { ruleDirs: values.rules } : {}),
    ...(values['default-branch'] ? { defaultBranch: values['default-branch'] } : {}),
    ...(online.api ? { github: online.api } : {}),
  });
  const target = path.resolve(root, draft.file);
  const exists = () =>
    new UsageError(
      `${path.join(dir, draft.file)} already exists; init never overwrites it (remove it or use --controls)`,
    );
  if (existsSync(target)) throw exists();
  mkdirSync(path.dirname(target), { recursive: true });
  try {
    writeFileSync(target, draft.text, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw exists();
    throw err;
  }
  io.stdout(initSummary(draft, path.join(dir, draft.file), online.api ? undefined : online.why));

  return EXIT.passed;
}

function parseRequireDeclarations(value: string | undefined): RequireDeclarations | undefined {
  if (value === undefined) return undefined;
  if (value !== 'none' && value !== 'technological' && value !== 'all') {
    throw new UsageError(`--require-declarations must be none, technological or all; got "${value}"`);
  }
  return value;
}

function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const jobs = Number(value);
  if (!/^\d+$/.test(value) || jobs < 1 || jobs > 64) {
    throw new UsageError(`--jobs must be a whole number from 1 to 64; got "${value}"`);
  }
  return jobs;
}

function parseFailOn(value: string | undefined): FailOn | undefined {
  if (value === undefined) return undefined;
  const allowed = [...SEVERITIES, 'never'];
  if (!allowed.includes(value))
    throw new UsageError(`--fail-on must be one of ${allowed.join(', ')}; got "${value}"`);
  return value as FailOn;
}

function isArgError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** With --base: the change against the base (its merge base with HEAD) and the gate and scan scopes. */
async function changeOptions(dir: string, values: CheckValues): Promise<ChangeOptions | undefined> {
  const scope = parseChoice<GateScope>('--gate', values.gate, ['new', 'all']);
  const scan = parseChoice<ScanScope>('--scan', values.scan, ['changed', 'all']);
  if (!values.base) {
    if (scope === 'new' || scan) throw new UsageError('--gate new and --scan need --base <ref>');
    return undefined;
  }
  const repo = GitRepository.open(dir);
  const base = repo?.resolveCommit(values.base);
  if (!repo || !base) {
    throw new UsageError(`--base ${values.base}: no such commit in the repository at ${dir}`);
  }
  const head = repo.head();
  const baseline = head ? await resolveBaseline(dir, base, head) : undefined;
  // The working tree is the change: an edit not yet staged, a file not yet added to git are part of it.
  return {
    scope: scope ?? 'new',
    worktree: true,
    ...(baseline ? { baseline } : {}),
    ...(scan ? { scan } : {}),
  };
}

function parseChoice<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T))
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
  return value as T;
}
