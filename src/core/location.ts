import type { Location } from './types.js';
import type { LineIndex } from './workspace/lines.js';
import type { NodeSpan } from './workspace/yaml.js';

/** A location for the source range [start, end) of a file's text. */
export function locationFromOffsets(path: string, lines: LineIndex, start: number, end: number): Location {
  const s = lines.position(start);
  const e = lines.position(Math.max(start, end - 1));
  return { path, startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column };
}

/** A location for a YAML node; `onKey` points at the mapping key instead of the value. */
export function locationFromSpan(path: string, span: NodeSpan, onKey = false): Location {
  if (onKey && span.key) {
    return { path, startLine: span.key.line, startColumn: span.key.column, endLine: span.key.line };
  }
  return {
    path,
    startLine: span.start.line,
    startColumn: span.start.column,
    endLine: span.end.line,
    endColumn: span.end.column,
  };
}

/** A whole-file location (line 1), for findings about a file rather than a line in it. */
export function fileLocation(path: string): Location {
  return { path, startLine: 1 };
}
