import type { Workspace } from '../workspace/workspace.js';

/**
 * The `scripts` of a package.json: the commands `npm run <name>` (and yarn, pnpm, bun) runs, from the
 * package's own directory.
 */

/** The scripts of a package.json (read once per tree), or an empty record. */
export function packageScripts(workspace: Workspace, file: string): Record<string, string> {
  return workspace.memo('package-json-scripts', file, (f) => {
    try {
      const json: unknown = JSON.parse(workspace.text(f) ?? '');
      const scripts = isRecord(json) && isRecord(json.scripts) ? json.scripts : {};
      return Object.fromEntries(
        Object.entries(scripts).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
    } catch {
      return {};
    }
  });
}

/**
 * The 1-based line of a script's key in a package.json's text (its first `"name":` after the
 * `"scripts"` key), or 1 when it cannot be found.
 */
export function scriptLine(text: string, name: string): number {
  const scripts = text.search(/"scripts"\s*:/);
  if (scripts === -1) return 1;
  const key = new RegExp(`${escapeRegExp(JSON.stringify(name))}\\s*:`, 'g');
  key.lastIndex = scripts;
  const found = key.exec(text);
  if (!found) return 1;
  let line = 1;
  for (let i = 0; i < found.index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
