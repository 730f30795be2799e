/**
 * `controlgate aggregate <report.json|dir>...`: many repositories' JSON reports (as the org-check
 * workflow downloads them) folded into one organisation summary. A repository is named by its report's
 * path: a file argument by its name without `.json`; a file found under a directory argument by its
 * path from that directory (`reports/acme/payments.json` under `reports` is `acme/payments`).
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { didYouMean } from '../core/suggest.js';
import type { Report } from '../core/types.js';
import { UsageError } from '../core/types.js';
import { formatProblem, schemaValidator, validate } from '../core/validate.js';
import {
  aggregateReports,
  type NamedReport,
  renderAggregateJson,
  renderAggregateMarkdown,
  renderAggregateSarif,
} from '../reporters/index.js';

/** Output formats of `aggregate`. */
export const AGGREGATE_FORMATS = ['markdown', 'json', 'sarif'] as const;
type AggregateFormat = (typeof AGGREGATE_FORMATS)[number];

/** Largest report read (a report of 100,000 findings is about 60 MB). */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/** Directory levels searched under a directory argument. */
const MAX_DEPTH = 8;

/** A report file found, with the repository name it stands for. */
interface ReportFile {
  name: string;
  file: string;
  /** Found by a directory walk: a JSON file that is not a controlgate report is skipped, not an error. */
  found: boolean;
}

/** The rendered summary and whether any repository failed its gate. */
export interface AggregateResult {
  text: string;
  reports: number;
  failed: number;
  skipped: string[];
}

/** Reads the reports named by `inputs` and renders the organisation summary in `format`. */
export function aggregate(inputs: readonly string[], format: string | undefined): AggregateResult {
  const chosen = (format ?? 'markdown') as AggregateFormat;
  if (!AGGREGATE_FORMATS.includes(chosen)) {
    throw new UsageError(
      `aggregate --format must be one of ${AGGREGATE_FORMATS.join(', ')}; got "${format}"${didYouMean(chosen, AGGREGATE_FORMATS)}`,
    );
  }
  if (inputs.length === 0) {
    throw new UsageError(
      'aggregate needs JSON reports or directories holding them, e.g. `aggregate reports/`',
    );
  }
  const files = inputs.flatMap(reportFiles);
  const reports: NamedReport[] = [];
  const skipped: string[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const report = readReport(f);
    if (!report) {
      skipped.push(f.file);
      continue;
    }
    const before = seen.get(f.name);
    if (before) {
      throw new UsageError(`${f.file} and ${before} both stand for the repository "${f.name}"; rename one`);
    }
    seen.set(f.name, f.file);
    reports.push({ name: f.name, report });
  }
  if (reports.length === 0) {
    throw new UsageError(`no controlgate JSON report found in ${inputs.join(', ')}`);
  }
  const summary = aggregateReports(reports);
  const text =
    chosen === 'json'
      ? renderAggregateJson(summary)
      : chosen === 'sarif'
        ? `${JSON.stringify(renderAggregateSarif(reports), null, 2)}\n`
        : renderAggregateMarkdown(summary);
  return { text, reports: reports.length, failed: summary.summary.failed, skipped };
}

function reportFiles(input: string): ReportFile[] {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(input);
  } catch {
    throw new UsageError(`aggregate: no such file or directory: ${input}`);
  }
  if (stat.isFile())
    return [{ name: path.basename(input).replace(/\.json$/i, ''), file: input, found: false }];
  if (!stat.isDirectory()) throw new UsageError(`aggregate: not a file or directory: ${input}`);
  const out: ReportFile[] = [];
  const walk = (dir: string, rel: string, depth: number) => {
    if (depth > MAX_DEPTH) return;
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      // Symbolic links are never followed: an artifact cannot point the summary at other files.
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), relPath, depth + 1);
      else if (e.isFile() && /\.json$/i.test(e.name)) {
        out.push({ name: relPath.replace(/\.json$/i, ''), file: path.join(dir, e.name), found: true });
      }
    }
  };
  walk(input, '', 0);
  return out;
}

/** The report in `f`, validated against the published schema; undefined for a found non-report. */
function readReport(f: ReportFile): Report | undefined {
  const size = lstatSync(f.file).size;
  if (size > MAX_REPORT_BYTES) {
    throw new UsageError(`${f.file}: ${size} bytes is more than a report can hold (${MAX_REPORT_BYTES})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(f.file, 'utf8'));
  } catch (err) {
    if (f.found) return undefined;
    throw new UsageError(`${f.file}: not JSON (${(err as Error).message})`);
  }
  const tool = (value as { tool?: { name?: unknown } } | null)?.tool;
  if (tool?.name !== 'controlgate') {
    if (f.found) return undefined;
    throw new UsageError(`${f.file}: not a controlgate JSON report (check --format json writes one)`);
  }
  const problems = validate(schemaValidator('report.schema.json'), value);
  if (problems.length > 0) {
    const first = problems
      .slice(0, 3)
      .map((p) => formatProblem(f.file, p))
      .join('; ');
    throw new UsageError(
      `${first}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}: the report does not match schemas/report.schema.json (written by another controlgate version?)`,
    );
  }
  return value as Report;
}
