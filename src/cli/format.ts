/**
 * `check --format`: which reporter renders the report, and whether the terminal gets colours. Kept
 * apart from main.ts so adding a format touches one table.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import tty from 'node:tty';
import { styleText } from 'node:util';
import { sbomInventory } from '../core/evaluators/deps/lockfiles/sbom.js';
import { GitRepository } from '../core/git.js';
import { didYouMean } from '../core/suggest.js';
import type { Report } from '../core/types.js';
import { UsageError } from '../core/types.js';
import { directoryProbe } from '../core/workspace/probe.js';
import { renderCycloneDx } from '../reporters/cyclonedx.js';
import {
  renderCsv,
  renderJsonPieces,
  renderJunit,
  renderMarkdown,
  renderOscalString,
  renderSarifString,
  renderText,
  sarifRepositoryFile,
} from '../reporters/index.js';

/** The report formats of `check --format`. */
export const FORMATS = ['text', 'json', 'sarif', 'markdown', 'junit', 'csv', 'cyclonedx', 'oscal'] as const;
export type Format = (typeof FORMATS)[number];

/** The format named by `--format` (default text); a usage error, with a suggestion, otherwise. */
export function parseFormat(value: string | undefined): Format {
  const format = value ?? 'text';
  if ((FORMATS as readonly string[]).includes(format)) return format as Format;
  throw new UsageError(
    `--format must be one of ${FORMATS.join(', ')}; got "${value}"${didYouMean(format, FORMATS)}`,
  );
}

/** What the text report leaves out or folds (`--compact`, `--blocking-only`). */
export interface TextLayout {
  color: boolean;
  compact?: boolean;
  blockingOnly?: boolean;
}

/**
 * The report of `dir` rendered in `format`; `started` is when the check began (JUnit's timestamp).
 * The JSON report comes in pieces, as they are made (the report of a large tree is megabytes).
 */
export async function renderReport(
  report: Report,
  format: Format,
  dir: string,
  layout: TextLayout,
  started: Date,
): Promise<string | Iterable<string>> {
  switch (format) {
    case 'json':
      return renderJsonPieces(report);
    case 'sarif': {
      // Code scanning reads paths from the repository's root, and needs a real file for findings
      // about the repository as a whole.
      const pathPrefix = GitRepository.open(dir)?.prefix ?? '';
      const repositoryFile = sarifRepositoryFile(report, pathPrefix, directoryProbe(dir));
      return renderSarifString(report, { pathPrefix, repositoryFile });
    }
    case 'markdown':
      return renderMarkdown(report);
    case 'junit':
      return renderJunit(report, { timestamp: started, hostname: hostname() });
    case 'csv':
      return renderCsv(report);
    case 'cyclonedx':
      // The SBOM of the lockfiles (not of the findings); the gate still decides the exit code.
      return renderCycloneDx(report, {
        ...(await sbomInventory(dir, report.settings)),
        serialNumber: `urn:uuid:${randomUUID()}`,
        timestamp: started,
        name: path.basename(path.resolve(dir)),
      });
    case 'oscal':
      return renderOscalString(report);
    default:
      return renderText(report, {
        color: layout.color,
        ...(layout.compact ? { compact: true } : {}),
        ...(layout.blockingOnly ? { blockingOnly: true } : {}),
      });
  }
}

/**
 * Whether the text report on stdout gets colours: `--color`/`--no-color` decide; a report written
 * to a file never does; otherwise Node's `styleText` decides for the stream, as every Node tool
 * does: `FORCE_COLOR` (1, 2, 3 or empty: on; 0: off) wins, then `NO_COLOR`, `NODE_DISABLE_COLORS`
 * and `TERM=dumb` turn colours off, and otherwise a terminal gets them.
 */
export function useColor(
  flags: { color?: boolean | undefined; 'no-color'?: boolean | undefined; output?: string | undefined },
  stream: NodeJS.WritableStream,
): boolean {
  if (flags['no-color']) return false;
  if (flags.color) return true;
  if (flags.output) return false;
  return styleText('red', '.', { stream }) !== '.';
}

/**
 * A stand-in for stdout when the CLI runs with injected streams (tests, embedding): a sink that is,
 * or is not, a terminal, whose colour depth is Node's own reading of the environment.
 */
export function standInStream(isTTY: boolean): NodeJS.WritableStream {
  const stream = new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
  if (isTTY) Object.assign(stream, { isTTY: true, getColorDepth: tty.WriteStream.prototype.getColorDepth });
  return stream;
}
