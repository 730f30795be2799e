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
import { parseTerraformJson } from '../../src/core/parsers/terraform-json.js';
import {
  type HclResult,
  type HclSpan,
  parseHcl,
  unescapeQuoted,
} from '../../src/core/parsers/terraform-syntax.js';
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
    // Terraform 0.11's nested block inside an object, left open: the parser's recovery wraps the file
    // from line 1, the error is where the text stops making sense.
    const legacy = bad(
      'terraform {\n  x = 1\n}\n\nenv = {\n  name = "T"\n  value_from {\n    secret_key_ref {\n      key = "token"\n',
    );
    expect(!legacy.ok && [legacy.error.line, legacy.error.column, legacy.error.message]).toEqual([
      7,
      3,
      'syntax error near "value_from"',
    ]);
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
      'modules/net/extra.tofu': 'resource "aws_subnet" "a" {}\n',
      'modules/net/extra.tofu.json': '{}',
      'main.tfvars': 'x = 1\n',
    });
    expect(terraformPaths(ws)).toEqual([
      'main.tf',
      'modules/net/main.tf',
      'main.tf.json',
      'modules/net/extra.tofu',
      'modules/net/extra.tofu.json',
    ]);
    const files = await terraformFiles(ws);
    expect(files.map((f) => f.module)).toEqual(['.', 'modules/net', '.', 'modules/net', 'modules/net']);
    expect(terraformResources(files).map((r) => `${r.type}.${r.name}`)).toEqual([
      'aws_s3_bucket.a',
      'aws_vpc.main',
      'aws_subnet.a',
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

describe('Terraform JSON syntax', () => {
  function json(text: string): HclBody {
    const result = parseTerraformJson(text, new LineIndex(text));
    if (!result.ok) throw new Error(`${result.error.line}:${result.error.column} ${result.error.message}`);
    return result.body;
  }
  /** A body as one line per block and attribute: `type labels @line:col`, `.name=kind @line:col`. */
  function outline(body: HclBody, indent = ''): string[] {
    return [
      ...body.attributes.map((a) => `${indent}.${a.name}=${a.value.kind} @${pos(a.value.span)}`),
      ...body.blocks.flatMap((b) => [
        `${indent}${[b.type, ...b.labels].join(' ')} @${pos(b.typeSpan)}`,
        ...outline(b.body, `${indent}  `),
      ]),
    ];
  }

  const CASES: { name: string; text: string; outline: string[] }[] = [
    {
      name: 'labels as levels of objects, with a body',
      text: '{"resource": {"aws_s3_bucket": {"logs": {"bucket": "acme-logs", "force_destroy": true}}}}',
      outline: ['resource aws_s3_bucket logs @1:33', '  .bucket=string @1:52', '  .force_destroy=bool @1:82'],
    },
    {
      name: 'an array at a label level and of bodies stands for several blocks',
      text: '{"provider": {"aws": [{"region": "eu-west-1"}, {"alias": "us", "region": "us-east-1"}]}}',
      outline: [
        'provider aws @1:15',
        '  .region=string @1:34',
        'provider aws @1:15',
        '  .alias=string @1:58',
        '  .region=string @1:74',
      ],
    },
    {
      name: 'a property holding objects is an attribute and nested blocks; "//" is a comment',
      text: '{"//": "x", "resource": {"aws_security_group": {"a": {"//": "c", "ingress": [{"from_port": 22}], "tags": {"Name": "a"}}}}}',
      outline: [
        'resource aws_security_group a @1:49',
        '  .ingress=tuple @1:77',
        '  .tags=object @1:106',
        '  ingress @1:66',
        '    .from_port=number @1:92',
        '  tags @1:98',
        '    .Name=string @1:115',
      ],
    },
    {
      name: 'dynamic, provisioner and backend blocks take a label; locals and module bodies are attributes only',
      text: JSON.stringify({
        terraform: { backend: { s3: { bucket: 'b' } } },
        locals: { tags: { team: 'x' } },
        module: { vpc: { source: './vpc', subnets: [{ cidr: '10.0.0.0/24' }] } },
        resource: { aws_lb: { a: { dynamic: { access_logs: { content: { enabled: true } } } } } },
      }),
      outline: [
        'terraform @1:2',
        '  backend s3 @1:26',
        '    .bucket=string @1:41',
        'locals @1:48',
        '  .tags=object @1:65',
        'module vpc @1:89',
        '  .source=string @1:105',
        '  .subnets=tuple @1:123',
        'resource aws_lb a @1:172',
        '  dynamic access_logs @1:188',
        '    .content=object @1:213',
        '    content @1:203',
        '      .enabled=bool @1:224',
      ],
    },
    {
      name: 'strings are templates: an interpolation is an expression, $${ a literal',
      text: '{"locals": {"a": "${var.x}", "b": "pre-${var.x}", "c": "$${lit}", "d": "%{if x}y%{endif}", "e": 1.5e3, "f": null}}',
      outline: [
        'locals @1:2',
        '  .a=template @1:18',
        '  .b=template @1:35',
        '  .c=string @1:56',
        '  .d=template @1:72',
        '  .e=number @1:97',
        '  .f=null @1:109',
      ],
    },
    {
      name: 'unknown top-level properties and non-object bodies are not blocks',
      text: '{"resources": {"x": {"y": {}}}, "resource": {"x": {"y": "not a body"}}, "variable": {"v": {"default": [1, "a"]}}}',
      outline: ['variable v @1:86', '  .default=tuple @1:103'],
    },
  ];

  it.each(CASES)('$name', ({ text, outline: expected }) => {
    expect(outline(json(text))).toEqual(expected);
  });

  it('decodes literals and keeps the source text of each value', () => {
    const body = json('{"locals": {"a": "q\\"x\\u00e9 $${lit}", "b": [-1, true], "c": "${var.x}"}}');
    const [a, b, c] = body.blocks[0]!.body.attributes.map((x) => x.value);
    expect(literal(a!)).toBe('q"xé ${lit}');
    expect(b!.kind === 'tuple' && b!.items.map(literal)).toEqual([-1, true]);
    expect(c!.text).toBe('"${var.x}"');
  });

  const MALFORMED: [string, string, string][] = [
    ['', '1:1', 'invalid JSON: unexpected end of the file'],
    ['{"resource": {}', '1:16', 'invalid JSON: unexpected end of the file'],
    ['{"resource": {} "data": {}}', '1:17', 'invalid JSON: expected "," or "}"'],
    ['{\n  "a": 1,\n}', '3:1', 'invalid JSON: expected a quoted property name'],
    ['{"a": tru}', '1:7', 'invalid JSON: unexpected "t"'],
    ['{"a": "x\ny"}', '1:9', 'invalid JSON: a control character in a string'],
    ['{"a": "\\q"}', '1:7', 'invalid JSON: a bad escape in a string'],
    ['{} {}', '1:4', 'invalid JSON: text after the value'],
    ['["resource"]', '1:1', 'a Terraform JSON file must hold one object'],
    [`{"a": ${'['.repeat(5000)}`, '1:134', 'invalid JSON: nested too deeply'],
  ];

  it.each(MALFORMED)('a located error, never a throw: %j', (text, at, message) => {
    const result = parseTerraformJson(text, new LineIndex(text));
    expect(result.ok ? 'parsed' : `${result.error.line}:${result.error.column} ${result.error.message}`).toBe(
      `${at} ${message}`,
    );
  });

  it('never throws on arbitrary strings or JSON values, and agrees with JSON.parse on what is JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 6 })), (text) => {
        const result = parseTerraformJson(text, new LineIndex(text));
        let valid: boolean;
        try {
          const v = JSON.parse(text);
          valid =
            typeof v === 'object' &&
            v !== null &&
            !Array.isArray(v) &&
            text.trim() === text.trimStart().trimEnd();
        } catch {
          valid = false;
        }
        // JSON.parse also accepts whitespace JSON does not (a leading byte-order mark, U+2028).
        if (valid && !/[^\x20-\x7e\n\r\t]/.test(text)) expect(result.ok).toBe(true);
        if (!valid) expect(result.ok && text.trim().startsWith('{')).toBe(result.ok);
      }),
      { numRuns: 400 },
    );
  });

  it('a malformed .tf.json file is a located input problem; the other files are read', async () => {
    const ws = tree({
      'ok.tf.json': '{"resource": {"aws_s3_bucket": {"a": {}}}}',
      'broken.tf.json': '{\n  "resource": {"aws_s3_bucket": {"b": {}}\n',
    });
    const files = await terraformFiles(ws);
    expect(files.map((f) => f.path)).toEqual(['ok.tf.json']);
    expect(ws.inputProblems().map((p) => `${p.path}:${p.line}:${p.column} ${p.message}`)).toEqual([
      'broken.tf.json:3:1 invalid JSON: unexpected end of the file',
    ]);
  });
});

describe('Terraform override files', () => {
  const where = (span: HclSpan) => `${span.file ?? '-'}:${pos(span)}`;

  it('merge attributes, replace nested blocks of a type, and merge lifecycle by argument', async () => {
    const ws = tree({
      'main.tf': `resource "aws_instance" "web" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  ebs_block_device { device_name = "/dev/sdb" }
  ebs_block_device { device_name = "/dev/sdc" }
  root_block_device { encrypted = true }
  lifecycle {
    ignore_changes = [tags]
  }
}
`,
      'web_override.tf': `resource "aws_instance" "web" {
  ami = "ami-2"
  ebs_block_device { device_name = "/dev/sdz" }
  lifecycle {
    create_before_destroy = true
  }
}
`,
    });
    const files = await terraformFiles(ws);
    const [web] = terraformResources(files);
    expect(web!.file.path).toBe('main.tf');
    expect(web!.file.overriddenBy).toEqual(['web_override.tf']);
    const body = web!.block.body;
    expect(body.attributes.map((a) => `${a.name}=${literal(a.value)} ${where(a.value.span)}`)).toEqual([
      'ami=ami-2 web_override.tf:2:9',
      'instance_type=t3.micro -:3:19',
    ]);
    expect(body.blocks.map((b) => `${b.type} ${where(b.typeSpan)}`)).toEqual([
      'root_block_device -:6:3',
      'ebs_block_device web_override.tf:3:3',
      'lifecycle -:7:3',
    ]);
    expect(nestedBlocks(body, 'lifecycle')[0]!.body.attributes.map((a) => a.name)).toEqual([
      'ignore_changes',
      'create_before_destroy',
    ]);
    // The override file keeps nothing that was merged.
    expect(files.find((f) => f.path === 'web_override.tf')!.body.blocks).toEqual([]);
  });

  it('merge locals value by value, a provider by its alias, a backend over the original backend', async () => {
    const ws = tree({
      'main.tf': `locals {
  a = 1
}
locals {
  b = 2
}
provider "aws" {
  region = "eu-west-1"
}
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
terraform {
  required_version = ">= 1.5"
  backend "s3" { bucket = "state" }
}
`,
      'override.tf': `locals {
  b = 3
  c = 4
}
provider "aws" {
  alias  = "us"
  region = "us-west-2"
}
terraform {
  backend "local" {}
}
`,
    });
    const files = await terraformFiles(ws);
    const main = files.find((f) => f.path === 'main.tf')!;
    const summary = main.body.blocks.map((b) =>
      [
        b.type,
        ...b.labels,
        ...b.body.attributes.map((a) => `${a.name}=${literal(a.value)}`),
        ...b.body.blocks.map((n) => `${n.type} ${n.labels}`),
      ].join(' '),
    );
    expect(summary).toEqual([
      'locals a=1',
      'locals b=3',
      'provider aws region=eu-west-1',
      'provider aws alias=us region=us-west-2',
      'terraform required_version=>= 1.5 backend local',
    ]);
    // A local no other file has is kept in the override file, as written there.
    const rest = files.find((f) => f.path === 'override.tf')!.body.blocks;
    expect(rest.map((b) => [b.type, ...b.body.attributes.map((a) => a.name)].join(' '))).toEqual([
      'locals c',
    ]);
  });

  it('are named override.tf or *_override.tf, in any of the four extensions, and apply in their own folder', async () => {
    const ws = tree({
      'main.tf': 'resource "x" "a" {\n  v = 0\n}\n',
      'z_override.tofu': 'resource "x" "a" {\n  v = 2\n}\n',
      'a_override.tf.json': '{"resource": {"x": {"a": {"v": 1}}}}',
      'overrides.tf': 'resource "x" "b" {\n  v = 9\n}\n',
      'sub/override.tf': 'resource "x" "a" {\n  v = 7\n}\n',
    });
    const files = await terraformFiles(ws);
    const [a, b, sub] = terraformResources(files);
    expect(
      [a, b, sub].map((r) => `${r!.file.path} ${r!.name} ${literal(attribute(r!.block.body, 'v')!.value)}`),
    ).toEqual(['main.tf a 2', 'overrides.tf b 9', 'sub/override.tf a 7']);
    expect(a!.file.overriddenBy).toEqual(['a_override.tf.json', 'z_override.tofu']);
  });
});
