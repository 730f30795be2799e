/**
 * `controlgate fix [dir]`: applies the mechanical fixes the rules compute and prints them as a
 * unified diff (`--dry-run`: the diff only). Pins of actions are resolved through the GitHub API
 * when GITHUB_TOKEN is set; offline they are listed as not applied.
 */
import { lstatSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { structuredPatch } from 'diff';
import { apiResolver } from '../core/fix/resolve.js';
import { runFix } from '../core/fix/run.js';
import { type Confidence, type FailOn, type Logger, type Persona, UsageError } from '../core/types.js';
import { onlineApi } from './evidence.js';

export interface FixValues {
  config?: string;
  controls?: string;
  rules?: string[];
  rule?: string[];
  'dry-run'?: boolean;
  offline?: boolean;
  verbose?: boolean;
}

export interface FixIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
}

/** Settings parsed by the CLI's shared option parsers. */
export interface FixSettings {
  failOn?: FailOn;
  failOnConfidence?: Confidence;
  persona?: Persona;
}

/** Runs the fixes; returns 0 when nothing that blocks is left, 1 when the gate would still fail. */
export async function fixCommand(
  dir: string,
  values: FixValues,
  settings: FixSettings,
  io: FixIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const dryRun = values['dry-run'] === true;
  const logger: Logger = {
    debug: (m) => {
      if (values.verbose) io.stderr(`debug: ${m}\n`);
    },
    info() {},
    warning: (m) => io.stderr(`warning: ${m}\n`),
    error: (m) => io.stderr(`error: ${m}\n`),
  };
  // Tags are resolved with the same API settings as the online check (https only, GITHUB_TOKEN); the
  // repository itself does not matter for them.
  const online = onlineApi(
    { ...env, GITHUB_REPOSITORY: env.GITHUB_REPOSITORY?.trim() || 'unknown/unknown' },
    values.offline === true,
  );
  const outcome = await runFix({
    root: dir,
    ...(values.config ? { configPath: values.config } : {}),
    ...(values.controls ? { controlsPath: values.controls } : {}),
    ...(values.rules ? { ruleDirs: values.rules } : {}),
    ...(values.rule ? { onlyRules: values.rule } : {}),
    ...settings,
    ...(online.api ? { resolve: apiResolver(online.api) } : {}),
    logger,
  });
  const shown = (text: string) => (io.isTTY ? printable(text) : text);
  for (const file of outcome.files) io.stdout(shown(unifiedDiff(file.path, file.before, file.after)));
  if (!dryRun) for (const file of outcome.files) writeFixed(dir, file.path, file.after);

  const fixes = outcome.applied.length;
  const verb = dryRun ? 'would apply' : 'applied';
  io.stderr(
    `controlgate fix: ${verb} ${fixes} fix${fixes === 1 ? '' : 'es'} in ${outcome.files.length} file${outcome.files.length === 1 ? '' : 's'}${dryRun && fixes > 0 ? ' (dry run: nothing written)' : ''}\n`,
  );
  const byPlace = (a: { path: string; line: number }, b: { path: string; line: number }) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line;
  for (const a of [...outcome.applied].sort(byPlace)) {
    const also = a.also > 0 ? ` (and ${a.also} more finding${a.also === 1 ? '' : 's'})` : '';
    io.stderr(`  ${printable(`${a.path}:${a.line}`)} ${a.ruleId}: ${printable(a.description)}${also}\n`);
  }
  if (outcome.skipped.length > 0) {
    io.stderr(`not fixed (${outcome.skipped.length}):\n`);
    for (const s of [...outcome.skipped].sort(byPlace))
      io.stderr(`  ${printable(`${s.path}:${s.line}`)} ${s.ruleId}: ${printable(s.reason)}\n`);
  }
  const summary = outcome.report.summary;
  const left = outcome.report.findings.filter((f) => f.status === 'open').length;
  if (left > 0) {
    io.stderr(
      `${left} finding${left === 1 ? '' : 's'} remain${left === 1 ? 's' : ''} without a mechanical fix, ${summary.blocking} blocking (\`controlgate check\` lists them); gate ${summary.gate.result}\n`,
    );
  }
  return summary.gate.result === 'fail' ? 1 : 0;
}

/** A unified diff of one file, with `a/` and `b/` prefixes as git writes them. */
export function unifiedDiff(file: string, before: string, after: string): string {
  const patch = structuredPatch(`a/${file}`, `b/${file}`, before, after, '', '', { context: 3 });
  const out = [`--- a/${file}`, `+++ b/${file}`];
  for (const h of patch.hunks) {
    out.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`);
    out.push(...h.lines);
  }
  return `${out.join('\n')}\n`;
}

function range(start: number, lines: number): string {
  return lines === 1 ? String(start) : `${lines === 0 ? start : start},${lines}`;
}

/** Writes a fixed file back: only a regular file (never through a link), keeping a byte-order mark. */
function writeFixed(dir: string, file: string, text: string): void {
  const abs = path.join(path.resolve(dir), file);
  const st = lstatSync(abs);
  if (!st.isFile()) throw new UsageError(`${file}: not a regular file; not written`);
  const bom = readFileSync(abs)
    .subarray(0, 3)
    .equals(Buffer.from([0xef, 0xbb, 0xbf]));
  writeFileSync(abs, bom ? `\uFEFF${text}` : text);
}

/** Text for a terminal: control characters (escape sequences from the repository) shown, not sent. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) =>
    c === '\r' ? '\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
