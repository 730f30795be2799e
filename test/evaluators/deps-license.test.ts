import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { depsLicense } from '../../src/core/evaluators/deps/license.js';
import { cleanup, run, runBuiltin } from './kit.js';

afterAll(cleanup);

const lock = (packages: Record<string, { version: string; license?: string; dev?: boolean }>) =>
  JSON.stringify(
    {
      lockfileVersion: 3,
      packages: Object.fromEntries(Object.entries(packages).map(([n, e]) => [`node_modules/${n}`, e])),
    },
    null,
    2,
  );

describe('deps.license', () => {
  it('applies an allow list: every choice of an expression must be on it', async () => {
    const files = {
      'package-lock.json': lock({
        a: { version: '1.0.0', license: 'MIT' },
        b: { version: '1.0.0', license: 'Apache-2.0 WITH LLVM-exception' },
        c: { version: '1.0.0', license: 'MPL-2.0' },
        d: { version: '1.0.0', license: '(MPL-2.0 OR MIT)' },
        e: { version: '1.0.0', license: 'GPL-2.0+' },
      }),
    };
    const findings = await run(depsLicense, { allow: ['MIT', 'Apache-2.0', 'BSD-*'] }, files);
    expect(findings.map((f) => f.message)).toEqual([
      'c@1.0.0 is licensed MPL-2.0, which the licence policy does not accept (MPL-2.0 not on the allow list).',
      'e@1.0.0 is licensed GPL-2.0+, which the licence policy does not accept (GPL-2.0 not on the allow list).',
    ]);
    expect(findings.map((f) => f.location?.startLine)).toEqual([12, 20]);
  });

  it('matches -or-later and + forms against their base identifier, and checks dev dependencies on request', async () => {
    const files = {
      'package-lock.json': lock({
        x: { version: '1.0.0', license: 'GPL-3.0-or-later', dev: true },
        y: { version: '2.0.0', license: 'GPL-3.0+' },
      }),
    };
    expect(await run(depsLicense, { deny: ['GPL-3.0-only'] }, files)).toHaveLength(1);
    expect(
      await run(depsLicense, { deny: ['GPL-3.0-only'], scopes: ['required', 'excluded'] }, files),
    ).toHaveLength(2);
  });

  it('the built-in rule leaves lockfiles without licences, test fixtures and non-SPDX text alone', async () => {
    const findings = await runBuiltin('dependency-license-denied', {
      'yarn.lock': '# yarn lockfile v1\n\nagpl-lib@^1.0.0:\n  version "1.0.0"\n',
      'test/fixtures/app/package-lock.json': lock({ z: { version: '1.0.0', license: 'AGPL-3.0-only' } }),
      'package-lock.json': lock({ w: { version: '1.0.0', license: 'Commercial, see AGPL-3.0 notice' } }),
    });
    expect(findings).toEqual([]);
  });

  it('examines only the lockfiles that record licences: over others its control is not assessed', async () => {
    const check = async (files: Record<string, string>) => {
      const root = mkdtempSync(path.join(tmpdir(), 'cg-license-scope-'));
      const all = {
        '.github/controls.yml':
          'version: 1\ncontrols:\n  "5.32": { status: implemented, justification: "Reviewed." }\n',
        ...files,
      };
      for (const [rel, text] of Object.entries(all)) {
        mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        writeFileSync(path.join(root, rel), text);
      }
      const report = await runCheck({ root, onlyRules: ['dependency-license-denied'], failOnGap: false });
      return {
        scope: report.rules.find((r) => r.id === 'dependency-license-denied')!.scope,
        control: report.controls.find((c) => c.id === '5.32')!,
      };
    };
    // A yarn v1 lockfile records no licence: parsed, but nothing in it could be judged.
    const yarn = { 'yarn.lock': '# yarn lockfile v1\n\nleft-pad@^1.0.0:\n  version "1.3.0"\n' };
    const none = await check(yarn);
    expect(none.scope).toMatchObject({ files: 0, examples: [] });
    expect(none.control).toMatchObject({
      verdict: 'not-assessed',
      reasons: [
        'rule dependency-license-denied examined nothing: no lockfiles that record licences in this repository',
      ],
    });
    const npm = await check({
      ...yarn,
      'package-lock.json': lock({ a: { version: '1.0.0', license: 'MIT' } }),
    });
    expect(npm.scope).toMatchObject({ files: 1, examples: ['package-lock.json'] });
    expect(npm.control).toMatchObject({ verdict: 'satisfied', reasons: [] });
  });
});
