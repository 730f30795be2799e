import { vendored } from '../../../vendored.js';
import type { Workspace } from '../../../workspace/workspace.js';
import { isRecord } from './types.js';

/**
 * A TOML lockfile parsed with smol-toml (cached per file). A syntax error is recorded as the file's
 * located input problem (reported by the `unparsable-file` rule) and returns undefined.
 */
export function readToml(ws: Workspace, file: string): Record<string, unknown> | undefined {
  return ws.memo('deps.toml', file, () => {
    const text = ws.text(file);
    if (text === undefined) return undefined;
    const { parse, TomlError } = vendored('smol-toml');
    try {
      const value = parse(text, { maxDepth: 100 });
      return isRecord(value) ? value : undefined;
    } catch (err) {
      const line = err instanceof TomlError ? err.line : 1;
      const column = err instanceof TomlError ? err.column : 1;
      const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      ws.reportProblem({ path: file, message: `not valid TOML: ${message}`, line, column });
      return undefined;
    }
  });
}

/** The `[[package]]` tables of a Cargo, Poetry, uv or PDM lockfile. */
export function packageTables(doc: Record<string, unknown>): Record<string, unknown>[] {
  const list = doc.package;
  return Array.isArray(list) ? list.filter(isRecord) : [];
}
