/**
 * An inline ignore the base commit already has cannot be turned onto a finding the change adds: a
 * comment copied next to a new private key, moved from the old key to a new one, or kept while the
 * key under it is replaced, silences a finding that is the change's own, so it is a policy change at
 * the severity of that finding, exactly as a comment the change writes itself.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { syntheticKey } from '../../src/core/evaluators/secrets/examples.js';
import type { Report } from '../../src/core/types.js';
import { scratchRepo } from '../helpers/git-repo.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const IGNORE = '    # controlgate: ignore[private-key-committed] throwaway key for the demo';

/** A PEM private key (synthetic: a PKCS#8 structure around filler bytes), indented in a block scalar. */
function key(fill: number): string[] {
  const body = syntheticKey('pkcs8', (n) => Buffer.alloc(n, fill)).match(/.{1,64}/g) ?? [];
  return ['-----BEGIN PRIVATE KEY-----', ...body, '-----END PRIVATE KEY-----'].map((l) => `    ${l}`);
}

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
/** The base: one demo key with its ignore comment, on lines 3 (comment) and 4 (key). */
const BASE = yaml('demo:', '  key: |', IGNORE, ...key(0x5a));
const KEY_LINES = key(0x5a).length;

async function change(head: string): Promise<Report> {
  const repo = scratchRepo();
  dirs.push(repo.dir);
  const base = repo.commit({ 'config/app.yml': BASE });
  repo.commit({ 'config/app.yml': head });
  return runCheck({
    root: repo.dir,
    base,
    change: { scope: 'new', worktree: true, baseline: base },
    onlyRules: ['private-key-committed', 'policy-change'],
  });
}

const shown = (r: Report) =>
  r.findings.map(
    (f) =>
      `${f.ruleId} ${f.severity} ${f.status} ${f.location?.path}:${f.location?.startLine} new=${f.isNew}`,
  );

describe('an inline ignore of the base commit, turned onto a finding the change adds', () => {
  it('copied next to a new key: a critical policy change at the copy, and the gate fails', async () => {
    const second = 3 + KEY_LINES + 3;
    const r = await change(
      yaml('demo:', '  key: |', IGNORE, ...key(0x5a), 'prod:', '  key: |', IGNORE, ...key(0x33)),
    );
    expect(shown(r)).toEqual([
      'private-key-committed critical ignored config/app.yml:4 new=false',
      `policy-change critical open config/app.yml:${second} new=true`,
      `private-key-committed critical ignored config/app.yml:${second + 1} new=true`,
    ]);
    expect(r.findings[1]!.message).toBe(
      `Policy change: the inline ignore at config/app.yml:${second}, written as in the base commit, silences a finding this change adds (private-key-committed): the comment was copied or moved onto it, or what it covered was replaced. It suppresses private-key-committed at config/app.yml:${second + 1} (critical), so it blocks as that finding would until someone with write access approves the head commit.`,
    );
    expect(r.summary.gate.result).toBe('fail');
    expect(r.summary.gate.reasons).toEqual(['1 new open finding at or above "high" (1 critical)']);
  });

  it('moved from the old key to a new one: the old key is open again (existing), the move blocks', async () => {
    const moved = 2 + KEY_LINES + 3;
    const r = await change(
      yaml('demo:', '  key: |', ...key(0x5a), 'prod:', '  key: |', IGNORE, ...key(0x33)),
    );
    expect(shown(r)).toEqual([
      'private-key-committed critical open config/app.yml:3 new=false',
      `policy-change critical open config/app.yml:${moved} new=true`,
      `private-key-committed critical ignored config/app.yml:${moved + 1} new=true`,
    ]);
    expect(r.summary.gate.result).toBe('fail');
  });

  it('kept while the key under it is replaced: the new key is the change, and so is its ignore', async () => {
    const r = await change(yaml('demo:', '  key: |', IGNORE, ...key(0x33)));
    expect(shown(r)).toEqual([
      'policy-change critical open config/app.yml:3 new=true',
      'private-key-committed critical ignored config/app.yml:4 new=true',
    ]);
    expect(r.summary.gate.result).toBe('fail');
  });

  it('left where it was, over the same key: no policy change, the gate passes', async () => {
    const r = await change(`${BASE}other: 1\n`);
    expect(shown(r)).toEqual(['private-key-committed critical ignored config/app.yml:4 new=false']);
    expect(r.summary.gate.result).toBe('pass');
  });
});
