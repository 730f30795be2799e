// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform and manifest sources write ${...} literally.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import {
  attribute,
  type HclBody,
  type HclValue,
  literal,
  nestedBlocks,
  sameLiteral,
  terraformFiles,
  terraformPaths,
  terraformResources,
} from '../../src/core/parsers/terraform.js';
import { type HclParser, loadHclParser } from '../../src/core/parsers/terraform-hcl.js';
import { type HclResult, parseHcl, unescapeQuoted } from '../../src/core/parsers/terraform-syntax.js';
import { LineIndex } from '../../src/core/workspace/lines.js';
import type { NodeSpan } from '../../src/core/workspace/yaml.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { removeTrees, tree } from './tree.js';

let parser: HclParser;
beforeAll(async () => {
  parser = await loadHclParser();
});
afterAll(removeTrees);

function parse(text: string): HclBody {
  const result = parseHcl(parser, text, new LineIndex(text));
  if (!result.ok) throw new Error(`${result.error.line}:${result.error.column} ${result.error.message}`);
  return result.body;
}

const pos = (span: NodeSpan) => `${span.start.line}:${span.start.column}`;
const valueAt = (body: HclBody, name: string): HclValue => attribute(body, name)!.value;

describe('HCL syntax', () => {
  it('reads blocks, labels and attributes with exact positions', () => {
    const body = parse(
      'provider "aws" {\n  region = "eu-west-1"\n}\n\nresource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n  versioning { enabled = true }\n}\n',
    );
    const [provider, bucket] = body.blocks;
    expect([provider!.type, provider!.labels]).toEqual(['provider', ['aws']]);
    expect(pos(provider!.typeSpan)).toBe('1:1');
    expect(pos(attribute(provider!.body, 'region')!.value.span)).toBe('2:12');
    expect([bucket!.type, bucket!.labels, pos(bucket!.typeSpan)]).toEqual([
      'resource',
      ['aws_s3_bucket', 'logs'],
      '5:1',
    ]);
    const versioning = bucket!.body.blocks[0]!;
    expect([
      versioning.type,
      pos(versioning.typeSpan),
      pos(attribute(versioning.body, 'enabled')!.value.span),
    ]).toEqual(['versioning', '7:3', '7:26']);
    expect(bucket!.span.end.line).toBe(8);
  });

  it('decodes literals and keeps everything computed as unknown', () => {
    const body = parse(
      [
        'a = "q\\"x\\n\\u00e9 $${lit} %%{lit}"',
        'b = 42',
        'c = -1',
        'd = 1.5e3',
        'e = true',
        'f = null',
        'g = ["0.0.0.0/0", var.cidr]',
        'h = { k = 1, "q" = "v", (var.key) = 2 }',
        'i = "prefix-${var.env}"',
        'j = var.enabled ? 1 : 0',
        'k = aws_s3_bucket.logs[0].id',
        'l = [for c in var.cidrs : c if c != ""]',
        'm = file("${path.module}/key.json")',
        'n = (5)',
        'o = ""',
        '',
      ].join('\n'),
    );
    const lit = (name: string) => literal(valueAt(body, name));
    expect(lit('a')).toBe('q"x\né ${lit} %{lit}');
    expect([lit('b'), lit('c'), lit('d'), lit('e'), lit('f'), lit('n'), lit('o')]).toEqual([
      42,
      -1,
      1500,
      true,
      null,
      5,
      '',
    ]);
    const g = valueAt(body, 'g');
    expect(g.kind === 'tuple' && g.items.map((i) => i.kind)).toEqual(['string', 'expression']);
    const h = valueAt(body, 'h');
    expect(h.kind === 'object' && h.entries.map((e) => [e.key, literal(e.value)])).toEqual([
      ['k', 1],
      ['q', 'v'],
      [undefined, 2],
    ]);
    expect(valueAt(body, 'i').kind).toBe('template');
    for (const name of ['j', 'k', 'l', 'm'])
      expect([name, valueAt(body, name).kind]).toEqual([name, 'expression']);
    expect(valueAt(body, 'k').text).toBe('aws_s3_bucket.logs[0].id');
  });

  it('reads heredocs: literal ones as strings (indentation stripped for <<-), templated ones as templates', () => {
    const body = parse(
      'policy = <<EOF\n{"a": "}"}\nEOF\nindented = <<-EOT\n    one\n      two\n    EOT\ntemplated = <<EOT\nhello ${var.name}\nEOT\nafter = 1\n',
    );
    expect(literal(valueAt(body, 'policy'))).toBe('{"a": "}"}\n');
    expect(literal(valueAt(body, 'indented'))).toBe('one\n  two\n');
    expect(valueAt(body, 'templated').kind).toBe('template');
    expect(pos(attribute(body, 'after')!.nameSpan)).toBe('11:1');
  });

  it('parses count, for_each, dynamic blocks, lifecycle and provider functions', () => {
    const body = parse(`resource "aws_security_group" "web" {
  count = var.enabled ? 1 : 0
  for_each = { for k, v in var.rules : k => v... if v != null }
  dynamic "ingress" {
    for_each = var.ports
    iterator = port
    content {
      from_port = port.value
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  ingress {
    from_port = 443
  }
  lifecycle { ignore_changes = [tags] }
  tags = merge(local.tags, { Name = provider::aws::arn_parse(var.arn).resource })
}
`);
    const sg = body.blocks[0]!;
    const ingress = nestedBlocks(sg.body, 'ingress');
    expect(ingress.map((i) => [i.dynamic, pos(i.block.typeSpan)])).toEqual([
      [true, '4:3'],
      [false, '12:3'],
    ]);
    expect(valueAt(ingress[0]!.body, 'from_port').kind).toBe('expression');
    expect(literal(valueAt(ingress[1]!.body, 'from_port'))).toBe(443);
  });

  it('counts columns in UTF-16 code units and handles CRLF line endings', () => {
    const body = parse('tags = { Name = "é😀" }\r\nx = "y"\r\n');
    expect(pos(valueAt(body, 'x').span)).toBe('2:5');
    const tags = valueAt(body, 'tags');
    expect(tags.kind === 'object' && pos(tags.entries[0]!.value.span)).toBe('1:17');
  });

  it('returns the first syntax error with its position instead of throwing', () => {
    const bad = (text: string): HclResult => parseHcl(parser, text, new LineIndex(text));
    const missingValue = bad('resource "x" "y" {\n  a = \n}\n');
    expect(missingValue.ok).toBe(false);
    expect(!missingValue.ok && [missingValue.error.line, missingValue.error.column]).toEqual([2, 3]);
    const unclosed = bad('locals {\n  a = 1\n');
    expect(!unclosed.ok && unclosed.error.message).toMatch(/syntax error/);
    expect(bad('').ok).toBe(true);
    expect(bad('# only a comment\n').ok).toBe(true);
  });

  it('compares literals the way Terraform converts them', () => {
    expect(sameLiteral(true, 'true')).toBe(true);
    expect(sameLiteral(0, '0')).toBe(true);
    expect(sameLiteral(false, 'true')).toBe(false);
    expect(sameLiteral(null, 'null')).toBe(false);
    expect(unescapeQuoted('\\U0001F600 \\t \\q')).toBe('😀 \t \\q');
  });
});

describe('Terraform files', () => {
  it('finds .tf files outside .terraform/, and resources by type, per module directory', async () => {
    const ws = tree({
      'main.tf': 'resource "aws_s3_bucket" "a" {}\ndata "aws_ami" "ubuntu" {}\n',
      'modules/net/main.tf': 'resource "aws_vpc" "main" {}\n',
      '.terraform/modules/x/main.tf': 'resource "aws_s3_bucket" "vendored" {}\n',
      'main.tf.json': '{}',
    });
    expect(terraformPaths(ws)).toEqual(['main.tf', 'modules/net/main.tf']);
    const files = await terraformFiles(ws);
    expect(files.map((f) => f.module)).toEqual(['.', 'modules/net']);
    expect(terraformResources(files).map((r) => `${r.type}.${r.name}`)).toEqual([
      'aws_s3_bucket.a',
      'aws_vpc.main',
    ]);
    expect(terraformResources(files, undefined, 'data').map((r) => r.name)).toEqual(['ubuntu']);
    expect(terraformResources(files, ['aws_vpc']).map((r) => r.name)).toEqual(['main']);
  });

  it('records a malformed file as a located input problem and reads the others', async () => {
    const ws = tree({
      'ok.tf': 'resource "aws_s3_bucket" "a" {}\n',
      'broken.tf': 'resource "aws_s3_bucket" "b" {\n  bucket = \n}\n',
    });
    const files = await terraformFiles(ws);
    expect(files.map((f) => f.path)).toEqual(['ok.tf']);
    expect(ws.inputProblems().map((p) => `${p.path}:${p.line}:${p.column}`)).toEqual(['broken.tf:2:3']);
  });

  it('a malformed .tf file is an unparsable-file finding when the Terraform rules run', async () => {
    const { root } = tree({
      'infra/main.tf': 'provider "aws" {\n  region = "eu-west-1"\n\nresource "x" "y" {\n',
    });
    const report = await runCheck({
      root,
      builtinRules: false,
      ruleDirs: [path.join(REPO_ROOT, 'rules', 'terraform'), path.join(REPO_ROOT, 'rules', 'core')],
      failOn: 'never',
    });
    expect(report.errors).toEqual([]);
    const unparsable = report.findings.filter((f) => f.ruleId === 'unparsable-file');
    expect(unparsable.map((f) => f.location?.path)).toEqual(['infra/main.tf']);
    expect(unparsable[0]!.location!.startLine).toBeGreaterThanOrEqual(1);
  });
});

describe('HCL parser properties', () => {
  const fragment = fc.constantFrom(
    'resource ',
    '"aws_s3_bucket" ',
    '"x" ',
    'provider ',
    'dynamic "ingress" ',
    'content ',
    '{',
    '}',
    '[',
    ']',
    '(',
    ')',
    ' = ',
    ',',
    '.',
    '*',
    'count',
    'for_each',
    'var.x',
    'each.value',
    '"${',
    '}"',
    '%{ if x }',
    '%{ endif }',
    '"',
    '<<EOF\n',
    '<<-EOT\n',
    'EOF\n',
    'EOT',
    '# c\n',
    '/* c */',
    '//',
    '\\',
    '\n',
    '\r\n',
    ' ',
    '1',
    '-',
    'true',
    'null',
    'for x in y : x',
    '?',
    ':',
    '=>',
    '...',
    'é',
    '😀',
  );

  it('parseHcl never throws, and every span of a parsed file lies inside it', () => {
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 50 }), (parts) => {
        const text = parts.join('');
        const lines = new LineIndex(text);
        const result = parseHcl(parser, text, lines);
        if (!result.ok) {
          expect(result.error.line).toBeGreaterThanOrEqual(1);
          expect(result.error.line).toBeLessThanOrEqual(lines.lineCount);
          return;
        }
        const check = (span: NodeSpan) => {
          expect(span.start.line).toBeGreaterThanOrEqual(1);
          expect(span.end.line).toBeLessThanOrEqual(lines.lineCount);
        };
        const walk = (body: HclBody) => {
          for (const a of body.attributes) [a.nameSpan, a.span, a.value.span].forEach(check);
          for (const b of body.blocks) {
            [b.typeSpan, b.span].forEach(check);
            walk(b.body);
          }
        };
        walk(result.body);
      }),
      { numRuns: 400 },
    );
  });

  it('parseHcl never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(typeof parseHcl(parser, text, new LineIndex(text)).ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});

describe('HCL parser limits', () => {
  it('survives pathological nesting', () => {
    const deepBlocks = `${'a {\n'.repeat(3000)}${'}\n'.repeat(3000)}`;
    const blocks = parseHcl(parser, deepBlocks, new LineIndex(deepBlocks));
    expect(blocks.ok).toBe(true);
    const deepList = `x = ${'['.repeat(3000)}${']'.repeat(3000)}\n`;
    const list = parseHcl(parser, deepList, new LineIndex(deepList));
    expect(list.ok && list.body.attributes[0]!.value.kind).toBe('tuple');
  });
});

describe('HCL parser bundling', () => {
  it('keeps terraform-hcl.ts in syntax that the asset relocator of the bundler can read', () => {
    // The relocator silently skips a file it cannot parse, and the WebAssembly is then corrupted.
    const source = readFileSync(path.join(REPO_ROOT, 'src', 'core', 'parsers', 'terraform-hcl.ts'), 'utf8');
    const code = source.replace(/^\s*\/\/.*$/gm, '');
    expect(code).not.toMatch(/\?\?=|\|\|=|&&=|\d_\d/);
    expect(code).toMatch(
      /readFileSync\(\s*new URL\(\s*'[^']+web-tree-sitter\.wasm',\s*import\.meta\.url,?\s*\)/,
    );
    expect(code).toMatch(
      /readFileSync\(\s*new URL\(\s*'[^']+tree-sitter-hcl\.wasm',\s*import\.meta\.url,?\s*\)/,
    );
  });
});
