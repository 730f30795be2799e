import { afterAll, describe, expect, it } from 'vitest';
import { structuredSchema } from '../../src/core/evaluators/generic/structured-schema.js';
import { loadRules, RuleLoadError } from '../../src/core/rules/load.js';
import { at, cleanup, ruleDir, run, workspaceOf } from './kit.js';

afterAll(cleanup);

const SERVICE_SCHEMA = {
  type: 'object',
  required: ['name', 'replicas'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    replicas: { type: 'integer', minimum: 2 },
    tls: { type: 'object', properties: { enabled: { const: true } } },
    ports: { type: 'array', items: { type: 'integer' } },
  },
};

describe('structured.schema', () => {
  it('maps each failing JSON pointer to its line in a YAML file', async () => {
    const yaml = [
      'name: api',
      'replicas: 1',
      'tls:',
      '  enabled: false',
      'ports:',
      '  - 80',
      '  - "443"',
      'debug: true',
      '',
    ];
    const findings = await run(
      structuredSchema,
      { paths: ['*.yml'], schema: SERVICE_SCHEMA },
      {
        'svc.yml': yaml.join('\n'),
      },
    );
    expect(findings.map((f) => [at(f), f.message]).sort()).toEqual([
      ['svc.yml:2:11', 'svc.yml /replicas: must be >= 2'],
      ['svc.yml:4:12', 'svc.yml /tls/enabled: must be true'],
      ['svc.yml:7:6', 'svc.yml /ports/1: must be of type integer'],
      // An unknown property is located at its key.
      ['svc.yml:8:1', 'svc.yml /debug: unknown property; remove it or check its spelling'],
    ]);
  });

  it('maps pointers in JSON files too, and names the document of a multi-document stream', async () => {
    const json = '{\n  "name": "api",\n  "replicas": 3,\n  "tls": {\n    "enabled": "yes"\n  }\n}\n';
    const findings = await run(
      structuredSchema,
      { paths: ['**'], schema: SERVICE_SCHEMA, message: 'Service' },
      {
        'svc.json': json,
        'multi.yaml': 'name: a\nreplicas: 2\n---\nname: b\n',
      },
    );
    expect(findings.map((f) => [at(f), f.message]).sort()).toEqual([
      ['multi.yaml:4:1', 'Service: document 2, /: missing required property "replicas"'],
      ['svc.json:5:17', 'Service: /tls/enabled: must be true'],
    ]);
  });

  it('keys findings by document, pointer and message, never by line', async () => {
    const options = { paths: ['*.yml'], schema: SERVICE_SCHEMA };
    const [a] = await run(structuredSchema, options, { 's.yml': 'name: x\nreplicas: 1\n' });
    const [b] = await run(structuredSchema, options, { 's.yml': '# moved\n\nname: x\nreplicas: 1\n' });
    expect(a!.location!.startLine).not.toBe(b!.location!.startLine);
    expect(a!.key).toBe(b!.key);
  });

  it('skips unparsable files (the workspace records them) and does not write defaults back', async () => {
    const workspace = workspaceOf({ 'bad.yml': 'name: [unclosed\n', 'ok.yml': 'name: x\nreplicas: 2\n' });
    const schema = {
      ...SERVICE_SCHEMA,
      properties: { ...SERVICE_SCHEMA.properties, region: { default: 'eu' } },
    };
    const findings = await run(structuredSchema, { paths: ['*.yml'], schema }, workspace);
    expect(findings).toEqual([]);
    expect(workspace.inputProblems().map((p) => p.path)).toEqual(['bad.yml']);
    const ok = workspace.yaml('ok.yml');
    expect(ok?.ok && ok.documents[0]!.value).toEqual({ name: 'x', replicas: 2 });
  });

  it('tolerates a schema $id and $schema reused by several rules', async () => {
    const schema = {
      $id: 'https://example.com/s.json',
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
    };
    expect(await run(structuredSchema, { paths: ['*'], schema }, { 'a.yml': '[]\n' })).toHaveLength(1);
    expect(
      await run(
        structuredSchema,
        { paths: ['*'], schema: { ...schema, required: ['x'] } },
        { 'a.yml': '{}\n' },
      ),
    ).toHaveLength(1);
  });

  it('rejects an invalid inline schema when the rule loads, naming the pointer', () => {
    const dir = ruleDir({
      'bad-schema': {
        check: { kind: 'structured.schema', with: { paths: ['*.yml'], schema: { type: 'strnig' } } },
      },
    });
    expect(() => loadRules([dir], { builtin: false })).toThrow(RuleLoadError);
    expect(() => loadRules([dir], { builtin: false })).toThrow(
      /bad-schema\.yml:\d+:\d+: \/check\/with\/schema\/type/,
    );
  });
});
