import type { Location, RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import {
  compilePattern,
  FLAGS_SCHEMA,
  forEachLine,
  globList,
  IGNORE_CASE_SCHEMA,
  keyText,
  regexSource,
  selectFiles,
  showPattern,
} from './shared.js';

/** One forbidden pattern: a bare regular expression, or one with its own flags and message. */
export type ForbiddenPattern =
  | string
  | { pattern: string; flags?: string; message?: string; redact?: boolean };

/** Options of `content.forbidden`. */
export interface ContentForbiddenOptions {
  paths: string[];
  except: string[];
  ignoreCase: boolean;
  patterns: ForbiddenPattern[];
  commentPrefixes: string[];
  message?: string;
}

interface CompiledPattern {
  re: RegExp;
  message: string;
  redact: boolean;
}

/**
 * `content.forbidden`: no line of the selected text files may match any of `patterns`. Each matching
 * (line, pattern) pair is one finding at the exact columns of the first match on that line. The
 * finding key is the pattern plus the matched text (or, for `redact` patterns, only the pattern) and
 * an ordinal, so fingerprints survive lines moving and never depend on line numbers.
 */
export const contentForbidden = defineEvaluator<ContentForbiddenOptions>({
  kind: 'content.forbidden',
  scope: 'file',
  summary: 'No line of the selected files matches any of the patterns (reported at the exact columns).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['paths', 'patterns'],
    properties: {
      paths: globList('Globs (picomatch syntax, dotfiles included) of the files to scan.', { minItems: 1 }),
      except: globList('Globs of files not to scan.', { default: [] }),
      ignoreCase: IGNORE_CASE_SCHEMA,
      patterns: {
        type: 'array',
        minItems: 1,
        description:
          'Forbidden patterns, applied to each line (at most the first 20,000 characters of a line; ' +
          'write patterns that run in linear time). A string, or `{ pattern, flags, message, redact }`.',
        items: {
          type: ['string', 'object'],
          minLength: 1,
          format: 'regex',
          additionalProperties: false,
          required: ['pattern'],
          properties: {
            pattern: regexSource('Regular expression (JavaScript syntax).'),
            flags: FLAGS_SCHEMA,
            message: {
              type: 'string',
              minLength: 1,
              description: 'What this match means and why it is a problem.',
            },
            redact: {
              type: 'boolean',
              default: false,
              description:
                'The match may be a secret: identify findings by the pattern only, never by the matched text.',
            },
          },
        },
      },
      commentPrefixes: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: [],
        description:
          'Lines whose first non-blank characters are one of these prefixes (e.g. "#", "//") are ' +
          'comments and are not scanned. Comments after code on the same line are still scanned.',
      },
      message: {
        type: 'string',
        minLength: 1,
        description: 'Message for patterns that have no message of their own.',
      },
    },
  },
  evaluate({ options, workspace }): RawFinding[] {
    const patterns = options.patterns.map((p): CompiledPattern => {
      const spec = typeof p === 'string' ? { pattern: p } : p;
      const re = compilePattern(spec.pattern, spec.flags);
      return {
        re,
        message: spec.message ?? options.message ?? `Forbidden content: the line matches ${showPattern(re)}.`,
        redact: spec.redact ?? false,
      };
    });
    const findings: RawFinding[] = [];
    for (const file of selectFiles(workspace, options)) {
      const text = workspace.text(file);
      if (text === undefined) continue;
      scanFile(file, text, patterns, options.commentPrefixes, findings);
    }
    return findings;
  },
});

function scanFile(
  file: string,
  text: string,
  patterns: readonly CompiledPattern[],
  commentPrefixes: readonly string[],
  out: RawFinding[],
): void {
  const ordinals = new Map<string, number>();
  forEachLine(text, (line, lineNo) => {
    if (commentPrefixes.length > 0 && isComment(line, commentPrefixes)) return true;
    for (const p of patterns) {
      const m = p.re.exec(line);
      if (!m) continue;
      const identity = `${showPattern(p.re)}\u0000${p.redact ? '' : keyText(m[0])}`;
      const n = (ordinals.get(identity) ?? 0) + 1;
      ordinals.set(identity, n);
      const location: Location = {
        path: file,
        startLine: lineNo,
        endLine: lineNo,
        startColumn: m.index + 1,
        endColumn: m.index + Math.max(1, m[0].length),
      };
      out.push({ message: p.message, location, key: n === 1 ? identity : `${identity}\u0000${n}` });
    }
    return true;
  });
}

function isComment(line: string, prefixes: readonly string[]): boolean {
  let i = 0;
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i += 1;
  return prefixes.some((p) => line.startsWith(p, i));
}
