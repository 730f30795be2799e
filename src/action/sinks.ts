import path from 'node:path';
import type { Report } from '../core/index.js';
import type { GateScope } from '../core/pr.js';
import { directoryProbe } from '../core/workspace/probe.js';
import {
  planAnnotations,
  renderJsonPieces,
  renderMarkdown,
  renderOscalString,
  renderSarifString,
  renderSoaCsv,
  renderSoaMarkdown,
  renderText,
  sarifRepositoryFile,
  soaPaths,
  workflowFromRef,
} from '../reporters/index.js';
import { repositoryPath } from '../reporters/shared.js';
import type { Annotation } from '../reporters/types.js';
import { checkRunSink, refusalsSink, stickyCommentSink } from './api-sinks.js';
import * as runner from './commands.js';
import type { ApiClient } from './github.js';
import { type AnnotationLevel, infoVerbatim } from './logger.js';
import { onChangedLine, type PullRequestRun, workspacePrefix } from './pull-request.js';
import { reviewCommentsSink } from './review-sink.js';
import type { Settings } from './settings.js';

/** Names of the files an Action run can write, as its outputs name them. */
export type FileOutput = 'sarif-file' | 'json-file' | 'oscal-file' | 'soa-file' | 'soa-csv-file';

/** What every sink may read besides the report. */
export interface SinkContext {
  settings: Settings;
  env: NodeJS.ProcessEnv;
  /** Files written so far, so the outputs sink names only files that really exist. */
  files: Partial<Record<FileOutput, string>>;
  /**
   * Annotations of each level issued or promised outside the annotation sink (engine warnings, the
   * gate's error, the rule-error warning). The sink leaves room for them under the per-step limit.
   */
  reservedAnnotations: Record<AnnotationLevel, number>;
  /** Which findings the gate counted (`new` on pull requests by default). */
  scope: GateScope;
  /** The pull request under review, with its diff; absent on other events. */
  pr?: PullRequestRun;
  /** The API client; absent without a token (only the write-free sinks run then). */
  client?: ApiClient;
  /** The commit check runs belong to: the pull request's head, else `GITHUB_SHA`. */
  sha?: string;
  /** The workflow run's page, for links. */
  runUrl?: string;
  /** Features the API refused or could not reach; reported in one warning at the end. */
  refusals: Refusal[];
  /** Fingerprints of findings with an inline review comment (posted now or before). */
  inline: Set<string>;
}

/** A feature that could not be written through the API, and why. */
export interface Refusal {
  /** `the check run`, `review comments`, `the sticky comment`. */
  feature: string;
  /** The token permission that would allow it (`checks: write`), when a permission is the cause. */
  permission?: string;
  /** Otherwise what went wrong, on one line. */
  reason?: string;
}

/**
 * One destination of the report (log, annotations, job summary, a file, step outputs; later the check
 * run, review comments and the sticky comment). A sink only does I/O: rendering is the reporters' job.
 * It may throw: {@link writeSinks} contains the failure so it can never change the gate decision.
 */
export interface Sink {
  readonly name: string;
  /** Whether the settings ask for this sink; a disabled sink is skipped without a word. */
  enabled(context: SinkContext): boolean;
  write(report: Report, context: SinkContext): Promise<void>;
}

/** How one sink fared, for the debug log and tests. */
export interface SinkOutcome {
  name: string;
  status: 'written' | 'skipped' | 'failed';
  error?: string;
}

/** GitHub shows this many annotations of each level per step and drops the rest. */
export const ANNOTATIONS_PER_LEVEL = 10;

/** GitHub rejects a step summary above 1 MiB; the margin covers the line break `addRaw` appends. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 1024;

/**
 * Runs the sinks in order. A failing sink is reported with one warning naming it and the run goes on:
 * reporting is best-effort, the gate is not.
 */
export async function writeSinks(
  sinks: readonly Sink[],
  report: Report,
  context: SinkContext,
): Promise<SinkOutcome[]> {
  const outcomes: SinkOutcome[] = [];
  for (const sink of sinks) {
    if (!sink.enabled(context)) {
      outcomes.push({ name: sink.name, status: 'skipped' });
      continue;
    }
    try {
      await sink.write(report, context);
      outcomes.push({ name: sink.name, status: 'written' });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      runner.warning(`controlgate could not write the ${sink.name}: ${message}`);
      if (err instanceof Error && err.stack) runner.debug(err.stack);
      outcomes.push({ name: sink.name, status: 'failed', error: message });
    }
  }
  return outcomes;
}

/** The log: the text report, folded into a group; repository text in it cannot issue commands. */
export const logSink: Sink = {
  name: 'log',
  enabled: () => true,
  async write(report) {
    const { findings, blocking } = report.summary;
    await runner.group(`controlgate: ${plural(findings, 'finding')}, ${blocking} blocking`, async () => {
      infoVerbatim(renderText(report).trimEnd());
    });
  },
};

/** Workflow-command annotations; need no token permission, so they work on fork PRs too. */
export const annotationsSink: Sink = {
  name: 'annotations',
  enabled: ({ settings }) => settings.annotations,
  async write(report, context) {
    const prefix = repoPrefix(context.settings);
    // One limit for all levels (the planner's), lowered by the busiest level's reservations, so the
    // overflow notice still counts exactly what GitHub will not show.
    const reserved = Math.max(...Object.values(context.reservedAnnotations));
    const index = context.pr?.index;
    const annotations = planAnnotations(report, {
      maxPerLevel: Math.max(1, ANNOTATIONS_PER_LEVEL - reserved),
      fullReportHint: fullReportHint(context),
      ...(index ? { onChangedLine: (f) => onChangedLine(f, index) } : {}),
    });
    for (const a of annotations) emitAnnotation(a, prefix);
  },
};

/** The Markdown report in the job summary (only where the runner provides a summary file). */
export const jobSummarySink: Sink = {
  name: 'job summary',
  enabled: ({ settings, env }) => settings.jobSummary && Boolean(env.GITHUB_STEP_SUMMARY),
  async write(report, context) {
    const markdown = renderMarkdown(report, {
      maxBytes: SUMMARY_LIMIT_BYTES,
      fullReportHint: summaryHint(context),
    });
    runner.appendSummary(markdown);
  },
};

/** The SARIF 2.1.0 log, for github/codeql-action/upload-sarif. */
export const sarifSink: Sink = {
  name: 'SARIF file',
  enabled: ({ settings }) => Boolean(settings.sarifFile),
  async write(report, context) {
    const file = context.settings.sarifFile!;
    // Code scanning reads paths from the repository's root, like the review comments.
    const pathPrefix = context.pr?.prefix ?? repoPrefix(context.settings);
    // Repository-level findings go on a real file; the workflow running this step is one.
    const workflow = workflowFromRef(context.env.GITHUB_WORKFLOW_REF);
    const probe = directoryProbe(context.settings.root);
    const repositoryFile = sarifRepositoryFile(report, pathPrefix, {
      ...probe,
      workflow:
        workflow && directoryProbe(context.settings.workspace).exists(workflow) ? workflow : undefined,
    });
    await writeText(file, renderSarifString(report, { pathPrefix, repositoryFile }));
    context.files['sarif-file'] = file;
  },
};

/** The versioned JSON report. */
export const jsonSink: Sink = {
  name: 'JSON report',
  enabled: ({ settings }) => Boolean(settings.jsonFile),
  async write(report, context) {
    const file = context.settings.jsonFile!;
    await writeText(file, renderJsonPieces(report));
    context.files['json-file'] = file;
  },
};

/** The OSCAL Assessment Results document, for GRC tools and auditors. */
export const oscalSink: Sink = {
  name: 'OSCAL file',
  enabled: ({ settings }) => Boolean(settings.oscalFile),
  async write(report, context) {
    const file = context.settings.oscalFile!;
    await writeText(file, renderOscalString(report));
    context.files['oscal-file'] = file;
  },
};

/** The Statement of Applicability: Markdown at the path, CSV beside it. */
export const soaSink: Sink = {
  name: 'Statement of Applicability',
  enabled: ({ settings }) => Boolean(settings.soaFile),
  async write(report, context) {
    const { markdown, csv } = soaPaths(context.settings.soaFile!);
    await writeText(markdown, renderSoaMarkdown(report));
    await writeText(csv, renderSoaCsv(report));
    context.files['soa-file'] = markdown;
    context.files['soa-csv-file'] = csv;
  },
};

/** Step outputs; last, so the file outputs name only files that were written. */
export const outputsSink: Sink = {
  name: 'step outputs',
  enabled: () => true,
  async write(report, context) {
    runner.setOutput('result', report.summary.gate.result);
    runner.setOutput('findings', report.summary.findings);
    runner.setOutput('blocking', report.summary.blocking);
    runner.setOutput('sarif-file', context.files['sarif-file'] ?? '');
    runner.setOutput('json-file', context.files['json-file'] ?? '');
    runner.setOutput('oscal-file', context.files['oscal-file'] ?? '');
    runner.setOutput('soa-file', context.files['soa-file'] ?? '');
    runner.setOutput('soa-csv-file', context.files['soa-csv-file'] ?? '');
  },
};

/**
 * The sinks of a run, in the order they write: files before the annotations and the summary that
 * point readers to them; then the API sinks (the review before the sticky comment, which lists what
 * could not be commented inline), the one warning about what the API refused, and outputs last.
 */
export function defaultSinks(): Sink[] {
  return [
    logSink,
    sarifSink,
    jsonSink,
    oscalSink,
    soaSink,
    annotationsSink,
    jobSummarySink,
    checkRunSink,
    reviewCommentsSink,
    stickyCommentSink,
    refusalsSink,
    outputsSink,
  ];
}

/** See {@link workspacePrefix}. */
export function repoPrefix(settings: Settings): string {
  return workspacePrefix(settings.workspace, settings.root);
}

function emitAnnotation(a: Annotation, prefix: string): void {
  // The command writer escapes %, CR, LF (and in properties ':' and ',') itself; passing raw strings
  // here is what keeps a hostile file name from closing the command early.
  const properties: runner.AnnotationProperties = {};
  if (a.title) properties.title = a.title;
  if (a.file) properties.file = repositoryPath(prefix, a.file);
  if (a.startLine !== undefined) properties.startLine = a.startLine;
  if (a.endLine !== undefined) properties.endLine = a.endLine;
  if (a.startColumn !== undefined) properties.startColumn = a.startColumn;
  if (a.endColumn !== undefined) properties.endColumn = a.endColumn;
  if (a.level === 'error') runner.error(a.message, properties);
  else if (a.level === 'warning') runner.warning(a.message, properties);
  else runner.notice(a.message, properties);
}

/** Where the overflow notice sends readers: the most readable place this run produces. */
function fullReportHint(context: SinkContext): string {
  const { settings, env } = context;
  if (settings.jobSummary && env.GITHUB_STEP_SUMMARY) return 'the job summary';
  return summaryHint(context);
}

/** Where the summary sends readers for the findings it had no room for: files actually written. */
function summaryHint({ settings, files }: SinkContext): string {
  const json = files['json-file'];
  if (json) return `the JSON report (${displayPath(settings, json)})`;
  if (files['sarif-file']) return 'the SARIF results in code scanning';
  return 'the step log';
}

/** A workspace-relative path when the file lies inside the workspace, else the absolute path. */
function displayPath(settings: Settings, file: string): string {
  const rel = path.relative(settings.workspace, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

/** Writes a report file: one text, or pieces as they are made (the JSON report, which ends its line). */
async function writeText(file: string, text: string | Iterable<string>): Promise<void> {
  // Loaded here: most runs write no report file, and fs/promises brings readline with it.
  const { mkdir, writeFile } = process.getBuiltinModule('node:fs/promises');
  await mkdir(path.dirname(file), { recursive: true });
  const whole = typeof text === 'string';
  await writeFile(file, whole && !text.endsWith('\n') ? `${text}\n` : text, 'utf8');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
