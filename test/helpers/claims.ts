import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { controlsOfTheme } from '../../src/core/catalog.js';

/**
 * Trees for the scope and verdict tests: files written into a fresh temporary directory, removed by
 * {@link removeScopeTrees} (call it in `afterAll`).
 */
const roots: string[] = [];

/** A temporary tree holding `files` (relative paths to their texts). */
export function scopeTree(files: Record<string, string>, prefix = 'cg-scope-'): string {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

export function removeScopeTrees(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

/** Every technological control declared implemented, with a justification and no evidence. */
export function claimEverything(): string {
  const entries = controlsOfTheme('Technological').map(
    (c) => `  "${c.id}": { status: implemented, justification: "We do this." }`,
  );
  return `version: 1\ncontrols:\n${entries.join('\n')}\n`;
}
