import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCheck } from '../../src/core/engine.js';
import { sbomInventory } from '../../src/core/evaluators/deps/lockfiles/sbom.js';
import { cycloneDxDocument, renderCycloneDx } from '../../src/reporters/cyclonedx.js';
import { FIXTURES } from '../helpers/fixtures.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * The CycloneDX 1.6 JSON schema as the CycloneDX project ships it in its npm library, with the two
 * schemas it references registered under the names it uses for them.
 */
let compiled: ReturnType<Ajv['compile']> | undefined;
function cycloneDxValidator() {
  if (compiled) return compiled;
  const require = createRequire(import.meta.url);
  const dir = path.join(
    path.dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')),
    'res/schema',
  );
  const load = (name: string) =>
    JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  // JSON Schema's IRI formats, which ajv-formats leaves out: an IRI reference has no whitespace.
  ajv.addFormat('iri-reference', /^\S*$/u);
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
  for (const name of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
    ajv.addSchema({ ...load(name), $id: `http://cyclonedx.org/schema/${name}` });
  }
  compiled = ajv.compile(load('bom-1.6.SNAPSHOT.schema.json'));
  return compiled;
}

const ROOT = path.join(FIXTURES, 'sbom');

async function sbomOf(root: string) {
  const report = await runCheck({ root, onlyRules: ['lockfile-missing'], failOn: 'never' });
  return cycloneDxDocument(report, {
    ...(await sbomInventory(root, report.settings)),
    serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
    timestamp: new Date('2026-05-04T10:00:00Z'),
    name: path.basename(root),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: the SBOM read back as plain JSON
type Json = Record<string, any>;

describe('CycloneDX SBOM', () => {
  it('lists every locked package of every supported lockfile, once, with scope and licence', async () => {
    const doc = await sbomOf(ROOT);
    const rows = (doc.components as Json[]).map(
      (c) =>
        `${c.purl} ${c.scope ?? '-'} ${c.licenses ? JSON.stringify(c.licenses[0]) : '-'} ${c.evidence.occurrences.map((o: Json) => o.location).join(',')}`,
    );
    expect(rows).toEqual([
      'pkg:cargo/serde@1.0.217 - - rust/Cargo.lock',
      'pkg:composer/acme/dual@v1.0.0 required {"expression":"(GPL-2.0-only OR MIT)"} php/composer.lock',
      'pkg:composer/monolog/monolog@3.8.1 required {"license":{"id":"MIT"}} php/composer.lock',
      'pkg:composer/phpunit/phpunit@11.5.3 excluded {"license":{"id":"BSD-3-Clause"}} php/composer.lock',
      'pkg:gem/nokogiri@1.18.1 - - ruby/Gemfile.lock',
      'pkg:gem/racc@1.8.1 - - ruby/Gemfile.lock',
      'pkg:golang/github.com/google/go-cmp@v0.6.0 - - go/go.mod',
      'pkg:golang/github.com/new/mod/v2@v2.1.0 - - go/go.mod',
      'pkg:golang/github.com/spf13/cobra@v1.8.1 - - go/go.mod',
      'pkg:golang/golang.org/x/sys@v0.29.0 - - go/go.mod',
      'pkg:maven/com.google.guava/guava@33.4.0-jre required - jvm/gradle.lockfile',
      'pkg:maven/org.junit.jupiter/junit-jupiter-api@5.11.4 excluded - jvm/gradle.lockfile',
      'pkg:npm/%40babel/code-frame@7.26.2 required {"license":{"id":"MIT"}} web/package-lock.json',
      'pkg:npm/%40fastify/ajv-compiler@4.0.2 - - api/pnpm-lock.yaml',
      'pkg:npm/%40scope/tool@2.0.0 - - berry/yarn.lock',
      'pkg:npm/%40types/node@20.11.5 - - yarn1/yarn.lock',
      'pkg:npm/chalk@4.1.2 - - yarn1/yarn.lock',
      'pkg:npm/debug@2.6.9 required {"license":{"name":"SEE LICENSE IN LICENSE.md"}} web/package-lock.json',
      'pkg:npm/express@4.21.2 required {"license":{"id":"MIT"}} web/package-lock.json',
      'pkg:npm/fastify@5.2.1 - - api/pnpm-lock.yaml',
      'pkg:npm/fsevents@2.3.3 optional {"license":{"id":"MIT"}} web/package-lock.json',
      'pkg:npm/left-pad@1.3.0 required {"expression":"WTFPL OR MIT"} web/package-lock.json',
      'pkg:npm/lodash@4.17.21 required - legacy/npm-shrinkwrap.json',
      'pkg:npm/mocha@10.2.0 excluded - legacy/npm-shrinkwrap.json',
      'pkg:npm/ms@2.1.3 excluded - legacy/npm-shrinkwrap.json',
      'pkg:npm/pino@9.6.0 - - api/pnpm-lock.yaml',
      'pkg:npm/react@18.3.1 - - berry/yarn.lock',
      'pkg:npm/vitest@3.0.5 excluded {"license":{"id":"MIT"}} web/package-lock.json',
      'pkg:nuget/Newtonsoft.Json@13.0.3 - - dotnet/packages.lock.json',
      'pkg:pypi/black@24.10.0 excluded - py-pipenv/Pipfile.lock',
      'pkg:pypi/certifi@2024.12.14 required - py-req/requirements.txt',
      'pkg:pypi/coverage@7.6.10 excluded - py-pdm/pdm.lock',
      'pkg:pypi/django@5.1.5 required - py-poetry/poetry.lock',
      'pkg:pypi/flask@3.1.0 required - py-pipenv/Pipfile.lock',
      'pkg:pypi/httpx@0.28.1 - - py-uv/uv.lock',
      'pkg:pypi/pytest@8.3.4 excluded - py-poetry/poetry.lock',
      'pkg:pypi/requests@2.32.3 required - py-pdm/pdm.lock',
      'pkg:pypi/ruff@0.9.2 excluded - py-req/requirements/dev.txt',
      'pkg:pypi/urllib3@2.3.0 required - py-req/requirements.txt',
    ]);
  });

  it('converts lockfile integrity to hexadecimal hashes', async () => {
    const byPurl = new Map(((await sbomOf(ROOT)).components as Json[]).map((c) => [c.purl, c]));
    expect(byPurl.get('pkg:npm/express@4.21.2')?.hashes).toEqual([
      {
        alg: 'SHA-512',
        content:
          'dbc1ea80c6409a28750b3b7d9f2eeaafa7a4daa75d17815c95b333c21091101e8e15f1fead7027b8d0b0a35ff016faed6e0b100dbe2449b5fd75ef6515bad79c',
      },
    ]);
    expect(byPurl.get('pkg:npm/lodash@4.17.21')?.hashes).toEqual([
      { alg: 'SHA-1', content: '679591c564c3bffaae8454cf0b3df370c3d6911c' },
    ]);
    expect(byPurl.get('pkg:cargo/serde@1.0.217')?.hashes).toEqual([
      { alg: 'SHA-256', content: '02fc4265df13d6fa1d00ecff087228cc0a2b5f3c0e87e258d8b94a156e984c70' },
    ]);
    expect(byPurl.get('pkg:npm/chalk@4.1.2')?.hashes).toBeUndefined();
  });

  it('validates against the CycloneDX 1.6 JSON schema', async () => {
    const validate = cycloneDxValidator();
    const doc = await sbomOf(ROOT);
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(doc).toMatchObject({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
      metadata: {
        timestamp: '2026-05-04T10:00:00.000Z',
        tools: { components: [{ name: 'controlgate' }] },
        component: { type: 'application', name: 'sbom' },
      },
    });
  });

  it('the schema check can fail: a component without a name is rejected', async () => {
    const validate = cycloneDxValidator();
    const doc = await sbomOf(ROOT);
    delete (doc.components as Json[])[0]!.name;
    expect(validate(doc)).toBe(false);
  });

  it('says which lockfiles it could not read, and keeps the rest', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cg-sbom-'));
    mkdirSync(path.join(root, 'a'));
    writeFileSync(path.join(root, 'a/Cargo.lock'), '[[package]\nname = "x"\n');
    writeFileSync(
      path.join(root, 'package-lock.json'),
      JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/x': { version: '1.0.0' } } }),
    );
    const doc = await sbomOf(root);
    expect((doc as Json).metadata.properties).toEqual([
      { name: 'controlgate:lockfile:unread', value: 'a/Cargo.lock: not valid TOML' },
      { name: 'controlgate:lockfile', value: 'package-lock.json (package-lock.json v3, 1 package)' },
    ]);
    expect((doc.components as Json[]).map((c) => c.purl)).toEqual(['pkg:npm/x@1.0.0']);
    expect(cycloneDxValidator()(doc)).toBe(true);
  });

  it('is written by `check --format cyclonedx`, and the gate still decides the exit code', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'cg-sbom-out-')), 'bom.json');
    let stderr = '';
    // A copy out of this repository: a folder of it checked on its own is judged by its declarations.
    const tree = mkdtempSync(path.join(tmpdir(), 'cg-sbom-tree-'));
    cpSync(ROOT, tree, { recursive: true });
    const code = await main(['check', tree, '--format', 'cyclonedx', '--output', out, '--fail-on', 'never'], {
      stdout: () => {},
      stderr: (t) => {
        stderr += t;
      },
      isTTY: false,
    });
    expect(code).toBe(0);
    expect(stderr).toMatch(/cyclonedx report written to /);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as Json;
    expect(cycloneDxValidator()(doc)).toBe(true);
    expect(doc.serialNumber).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(doc.components).toHaveLength(39);
  });

  it('renders as JSON with a trailing newline', async () => {
    const report = await runCheck({ root: ROOT, onlyRules: ['lockfile-missing'], failOn: 'never' });
    const text = renderCycloneDx(report, {
      lockfiles: [],
      components: [],
      serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
      timestamp: new Date(0),
      name: 'x',
    });
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toMatchObject({
      components: [],
      metadata: { timestamp: '1970-01-01T00:00:00.000Z' },
    });
  });
});
