import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import type { Finding, LeftOut } from '../../src/core/types.js';
import { renderJunit } from '../../src/reporters/junit.js';
import {
  assembleReport,
  HOSTILE_MESSAGE,
  HOSTILE_PATH,
  sampleReport,
  syntheticFinding,
} from '../fixtures/report/sample-report.js';

const WHEN = new Date('2026-05-04T10:20:30.456Z');

/** Parses with a strict XML parser: any warning or error (not only fatal ones) fails the test. */
function parse(xml: string): Element {
  const doc = new DOMParser({
    onError: (level, message) => {
      throw new Error(`XML ${level}: ${message}`);
    },
  }).parseFromString(xml, 'text/xml');
  return doc.documentElement!;
}

function elements(e: Element): Element[] {
  return Array.from(e.childNodes).filter((n): n is Element => n.nodeType === 1);
}

function attributes(e: Element): Record<string, string> {
  return Object.fromEntries(Array.from(e.attributes).map((a) => [a.name, a.value]));
}

const INT = /^(0|[1-9]\d*)$/;
const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * The element and attribute structure that Apache Ant's JUnit XSD (as published by Windy Road, the
 * strictest schema CI tools accept) requires, checked on a parsed document. Returns the problems.
 */
function schemaProblems(root: Element): string[] {
  const problems: string[] = [];
  const expectAttrs = (e: Element, where: string, required: string[], optional: string[] = []) => {
    const a = attributes(e);
    for (const name of required) if (!(name in a)) problems.push(`${where}: missing @${name}`);
    for (const name of Object.keys(a))
      if (!required.includes(name) && !optional.includes(name))
        problems.push(`${where}: unexpected @${name}`);
    return a;
  };
  if (root.tagName !== 'testsuites') return [`root is <${root.tagName}>`];
  expectAttrs(root, 'testsuites', []);
  for (const [index, suite] of elements(root).entries()) {
    const where = `testsuite[${index}]`;
    if (suite.tagName !== 'testsuite') {
      problems.push(`${where} is <${suite.tagName}>`);
      continue;
    }
    const a = expectAttrs(
      suite,
      where,
      ['package', 'id', 'name', 'timestamp', 'hostname', 'tests', 'failures', 'errors', 'time'],
      ['skipped'],
    );
    if (a.id !== String(index)) problems.push(`${where}: @id ${a.id}`);
    if (!a.package?.trim() || !a.name?.trim() || !a.hostname?.trim()) problems.push(`${where}: empty token`);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(a.timestamp ?? ''))
      problems.push(`${where}: @timestamp`);
    for (const n of ['tests', 'failures', 'errors', 'skipped'])
      if (a[n] !== undefined && !INT.test(a[n]!)) problems.push(`${where}: @${n}`);
    if (!DECIMAL.test(a.time ?? '')) problems.push(`${where}: @time`);
    const children = elements(suite);
    const names = children.map((c) => c.tagName).join(' ');
    if (!/^properties( testcase)* system-out system-err$/.test(names))
      problems.push(`${where}: children ${names}`);
    for (const p of elements(children[0]!)) {
      if (p.tagName !== 'property') problems.push(`${where}: <${p.tagName}> in properties`);
      const pa = expectAttrs(p, `${where} property`, ['name', 'value']);
      if (!pa.name?.trim()) problems.push(`${where}: empty property name`);
    }
    const cases = children.filter((c) => c.tagName === 'testcase');
    const counted = { failure: 0, error: 0, skipped: 0 };
    for (const c of cases) {
      const ca = expectAttrs(c, `${where} testcase`, ['name', 'classname', 'time']);
      if (!ca.name?.trim() || !ca.classname?.trim() || !DECIMAL.test(ca.time ?? ''))
        problems.push(`${where}: testcase attributes`);
      const outcome = elements(c);
      if (outcome.length > 1) problems.push(`${where} ${ca.name}: ${outcome.length} outcomes`);
      for (const o of outcome) {
        if (o.tagName === 'failure' || o.tagName === 'error') {
          expectAttrs(o, `${where} ${o.tagName}`, ['type'], ['message']);
          counted[o.tagName] += 1;
        } else if (o.tagName === 'skipped') counted.skipped += 1;
        else problems.push(`${where}: <${o.tagName}> in a testcase`);
      }
    }
    if (Number(a.tests) !== cases.length) problems.push(`${where}: tests ${a.tests} != ${cases.length}`);
    if (Number(a.failures) !== counted.failure) problems.push(`${where}: failures`);
    if (Number(a.errors) !== counted.error) problems.push(`${where}: errors`);
    if (Number(a.skipped ?? 0) !== counted.skipped) problems.push(`${where}: skipped`);
  }
  return problems;
}

function suite(root: Element, controlId: string): Element {
  const found = elements(root).find((s) => s.getAttribute('name')?.startsWith(`${controlId} `));
  if (!found) throw new Error(`no suite for ${controlId}`);
  return found;
}

function outcomes(s: Element): Record<string, string> {
  return Object.fromEntries(
    elements(s)
      .filter((c) => c.tagName === 'testcase')
      .map((c) => [c.getAttribute('name')!, elements(c)[0]?.tagName ?? 'passed']),
  );
}

describe('renderJunit', () => {
  const xml = renderJunit(sampleReport(), { timestamp: WHEN, hostname: 'runner-1' });
  const root = parse(xml);

  it('parses and has the structure the JUnit XSD requires', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')).toBe(true);
    expect(schemaProblems(root)).toEqual([]);
    // The checker itself catches what it is for.
    const broken = parse(xml.replace(' hostname="runner-1"', '').replace('<system-err></system-err>', ''));
    expect(schemaProblems(broken)).toEqual(
      expect.arrayContaining([
        'testsuite[0]: missing @hostname',
        expect.stringMatching(/children .* system-out$/),
      ]),
    );
  });

  it('has one suite per control with rules, findings or a declaration, and a test per rule run', () => {
    const names = elements(root).map((s) => s.getAttribute('name'));
    expect(names).toEqual([
      '8.2 Privileged access rights',
      '8.3 Information access restriction',
      '8.4 Access to source code',
      '8.7 Protection against malware',
      '8.8 Management of technical vulnerabilities',
      '8.9 Configuration management',
      '8.12 Data leakage prevention',
      '8.13 Information backup',
      '8.18 Use of privileged utility programs',
      '8.19 Installation of software on operational systems',
      '8.24 Use of cryptography',
      '8.28 Secure coding',
      '8.31 Separation of development, test and production environments',
      '8.32 Change management',
    ]);
    const s = suite(root, '8.4');
    expect(attributes(s)).toMatchObject({
      timestamp: '2026-05-04T10:20:30',
      hostname: 'runner-1',
      tests: '2',
    });
    expect(
      elements(elements(s)[0]!).map((p) => `${p.getAttribute('name')}=${p.getAttribute('value')}`),
    ).toEqual(['control=8.4', 'verdict=gap', 'declared=implemented', 'findings=1', 'open=1']);
  });

  it('fails a rule where it has a blocking finding, errs where it could not run, skips disabled rules', () => {
    expect(outcomes(suite(root, '8.4'))).toEqual({ 'codeowners-present': 'failure', declaration: 'failure' });
    expect(outcomes(suite(root, '8.24'))).toEqual({
      'secrets-hardcoded': 'failure',
      'terraform-encryption': 'skipped',
      declaration: 'failure',
    });
    expect(outcomes(suite(root, '8.7'))).toEqual({ 'binary-executables': 'error', declaration: 'skipped' });
    // Open but not blocking (medium under fail-on high): the test passes, the finding is in system-out.
    const s8_3 = suite(root, '8.3');
    expect(outcomes(s8_3)).toEqual({ 'workflow-permissions': 'passed' });
    expect(elements(s8_3).at(-2)!.textContent).toContain(
      '- [medium] .github/workflows/release.yml:5:3: The job "release" has write-all token permissions.',
    );
    const failure = elements(
      elements(suite(root, '8.4')).find((c) => c.getAttribute('name') === 'codeowners-present')!,
    )[0]!;
    expect(attributes(failure)).toEqual({
      type: 'blocking',
      message: '1 blocking finding: A CODEOWNERS file assigns reviewers',
    });
    expect(failure.textContent).toContain('- [high] (repository): No CODEOWNERS file');
    expect(failure.textContent).toContain(
      'Help: https://github.com/controlgate/controlgate/blob/main/docs/rules/codeowners-present.md',
    );
  });

  it('keeps hostile strings as text: markup escaped, control characters visible', () => {
    const s = suite(root, '8.12');
    const out = elements(s).at(-2)!.textContent!;
    expect(out).toContain('docs/we|rd*<script>alert(1)</script>`x`\\n::error::owned%0A,a,b.md:7:1');
    expect(out).toContain('\\x1B[31mred');
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain('\u202e');
    expect(xml).not.toContain('<script>');
  });

  it('never emits characters XML cannot hold', () => {
    const f = sampleReport().findings[0]!;
    const odd: Finding = {
      ...f,
      message: `nul\u0000 lone\ud800 ffff\uffff ${HOSTILE_MESSAGE}`,
      blocking: true,
    };
    const report = assembleReport([odd]);
    const text = renderJunit(report, { timestamp: WHEN });
    const doc = parse(text);
    expect(schemaProblems(doc)).toEqual([]);
    expect(text).toContain('nul\\x00 lone\\uD800 ffff\\uFFFF');
    expect(attributes(elements(doc)[0]!).hostname).toBe('localhost');
  });

  it("says the files rules left out in the system-out of their controls' suites, escaped, outcomes unchanged", () => {
    const report = assembleReport([]);
    const leftOut = {
      kind: 'Helm chart template',
      reason: 'rendered at install time: check the output of helm template',
      files: 6,
      examples: [HOSTILE_PATH, 'charts/a/templates/x]]>&y.yaml'],
    };
    for (const r of report.rules)
      if (r.id === 'dockerfile-root-user')
        r.scope = { files: 3, examples: [], settings: [], basis: 'tree', leftOut: [leftOut] };
    const xml = renderJunit(report, { timestamp: WHEN });
    const doc = parse(xml);
    expect(schemaProblems(doc)).toEqual([]);
    const out = (name: string) => {
      const suite = elements(doc).find((e) => e.getAttribute('name')?.startsWith(`${name} `))!;
      return elements(suite).find((e) => e.tagName === 'system-out')!.textContent;
    };
    const line =
      '- 6 Helm chart template files (rendered at install time: check the output of helm template), by rule dockerfile-root-user: ' +
      'docs/we|rd*<script>alert(1)</script>`x`\\n::error::owned%0A,a,b.md, charts/a/templates/x]]>&y.yaml, and 4 more';
    // dockerfile-root-user maps to 8.2 and 8.18: both suites say it; no other suite does.
    expect(out('8.2')).toBe(`8.2 Privileged access rights: undeclared\nLeft out (not examined):\n${line}`);
    expect(out('8.18')).toBe(
      `8.18 Use of privileged utility programs: undeclared\nLeft out (not examined):\n${line}`,
    );
    expect(xml.match(/Left out/g)).toHaveLength(2);
    expect(xml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(xml).toContain('x]]&gt;&amp;y.yaml');
    // The rule passed and still passes: what it left out is said, not counted as a failure or a skip.
    expect(xml.replace(/\nLeft out[\s\S]*?(?=<\/system-out>)/g, '')).toBe(
      renderJunit(assembleReport([]), { timestamp: WHEN }),
    );
  });

  it('skips a rule that examined nothing (it proves nothing), saying what it left out; one with a finding keeps its outcome', () => {
    const report = assembleReport([]);
    const examinedNothing = (leftOut: LeftOut[] = []) => ({
      files: 0,
      examples: [],
      settings: [],
      basis: 'tree' as const,
      ...(leftOut.length ? { leftOut } : {}),
    });
    for (const r of report.rules) {
      if (r.id === 'dockerfile-root-user')
        r.scope = examinedNothing([
          { kind: 'Helm chart template', reason: 'rendered at install time', files: 2, examples: [] },
        ]);
      if (r.id === 'workflow-permissions') r.scope = { ...examinedNothing(), basis: 'change' };
    }
    const xml = renderJunit(report, { timestamp: WHEN });
    expect(schemaProblems(parse(xml))).toEqual([]);
    expect(xml).toContain(
      '<testcase name="dockerfile-root-user" classname="controlgate.control_8_2" time="0">\n      <skipped message="examined nothing, besides what it left out: 2 Helm chart template files (rendered at install time)"/>',
    );
    expect(xml).toContain(
      '<testcase name="workflow-permissions" classname="controlgate.control_8_2" time="0">\n      <skipped message="examined nothing in the changed files"/>',
    );
    // A finding about the repository as a whole (nothing examined, something found) is no skip.
    const found = assembleReport([
      syntheticFinding(1, 'high', { ruleId: 'dockerfile-root-user', controls: ['8.2'], blocking: true }),
    ]);
    for (const r of found.rules) if (r.id === 'dockerfile-root-user') r.scope = examinedNothing();
    expect(renderJunit(found, { timestamp: WHEN })).toMatch(
      /<testcase name="dockerfile-root-user" classname="controlgate.control_8_2" time="0">\n +<failure/,
    );
  });

  it('passes everything in a clean report', () => {
    const doc = parse(renderJunit(assembleReport([]), { timestamp: WHEN }));
    expect(schemaProblems(doc)).toEqual([]);
    expect(
      elements(doc).every((s) => s.getAttribute('failures') === '0' && s.getAttribute('errors') === '0'),
    ).toBe(true);
  });
});
