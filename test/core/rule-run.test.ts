import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { CHUNK_FILES } from '../../src/core/rule-run.js';

const TOKEN = 'ghp_R8kq2ZxV7pLm4TnW9sYb3HcJ6fDg1QaE5uKo';

/** A tree larger than two slices: findings in the first slice, a later slice and the last, partial one. */
function largeTree(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cg-slices-'));
  const total = CHUNK_FILES * 2 + 100;
  mkdirSync(path.join(root, 'f'));
  for (let i = 0; i < total; i++) {
    const secret = i === 0 || i === total - 1 ? `TOKEN = "${TOKEN}"\n` : '';
    writeFileSync(path.join(root, 'f', `${String(i).padStart(5, '0')}.py`), `x = ${i}\n${secret}`);
  }
  // `.github/` sorts before `f/`; `g/` after it, in the last slice.
  mkdirSync(path.join(root, '.github', 'workflows'), { recursive: true });
  writeFileSync(path.join(root, '.github/workflows/broken.yml'), 'on: push\njobs: [unclosed\n');
  mkdirSync(path.join(root, 'g', 'tool'), { recursive: true });
  writeFileSync(path.join(root, 'g/tool/action.yml'), 'runs:\n  using: [x\n');
  return root;
}

describe('per-file rules over a large tree, slice by slice', () => {
  it('reports every file of every slice, the unparsable ones included', async () => {
    const root = largeTree();
    const report = await runCheck({
      root,
      onlyRules: ['api-token-committed', 'unparsable-file'],
      failOnGap: false,
    });
    expect(report.summary.files).toBe(CHUNK_FILES * 2 + 102);
    expect(
      report.findings.map((f) => `${f.ruleId} ${f.location?.path}:${f.location?.startLine}`).sort(),
    ).toEqual([
      'api-token-committed f/00000.py:2',
      `api-token-committed f/0${CHUNK_FILES * 2 + 99}.py:2`,
      'unparsable-file .github/workflows/broken.yml:3',
      'unparsable-file g/tool/action.yml:3',
    ]);
    expect(report.rules.map((r) => `${r.id} ${r.result} ${r.findings}`)).toEqual([
      'api-token-committed fail 2',
      'unparsable-file fail 2',
    ]);
  }, 60_000);
});
