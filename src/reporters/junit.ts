/**
 * JUnit XML, for the test tabs of CI systems (GitLab, Jenkins, Azure DevOps, test-report actions).
 * The layout follows the strictest common schema, Apache Ant's JUnit XSD as published by Windy Road:
 * `<testsuites>` without attributes; each `<testsuite>` with `id`, `package`, `name`, `timestamp`
 * (no zone), `hostname`, `tests`, `failures`, `errors`, `skipped`, `time`, then `<properties>`, its
 * test cases, `<system-out>` and `<system-err>`; each `<testcase>` with `name`, `classname`, `time`
 * and at most one of `<failure>`, `<error>` or `<skipped>`.
 *
 * What is a test: one suite per control, one test case per rule run mapped to it (a rule mapped to
 * two controls is a test in both suites, as it is evidence for both), plus a `declaration` test for a
 * declared control. A rule's test fails when it has a blocking finding for that control — the JUnit
 * view fails exactly where the gate does; its other open findings are listed in the failure text, or
 * in the suite's `<system-out>` when nothing blocks, as are the files its rules left out on purpose
 * (Helm chart templates: no test rests on them). A rule that could not run is an error; a
 * disabled, not-applicable or unverifiable rule is skipped, and so is one that examined nothing
 * and found nothing (it proves nothing). The declaration test fails on a gap,
 * is skipped when the control is planned, not applicable or unverifiable, and passes when satisfied.
 */
import { examinedAnything, leftOutOf } from '../core/declarations/not-assessed.js';
import type { ControlResult, Finding, Report, RuleSummary } from '../core/types.js';
import { escapeControls, plural, singleLine } from './escape.js';
import { leftOutGroups, position, REPOSITORY_LABEL } from './shared.js';

/** Options of {@link renderJunit}. */
export interface JunitOptions {
  /** When the check ran (written without a zone, in UTC, as the schema wants). */
  timestamp: Date;
  /** The machine that ran it; default `localhost`, which the schema names for "unknown". */
  hostname?: string;
}

type Outcome =
  | { kind: 'passed' }
  | { kind: 'failure' | 'error'; type: string; message: string; text: string }
  | { kind: 'skipped'; message: string };

interface Case {
  name: string;
  outcome: Outcome;
}

/** The JUnit XML document of a report (UTF-8, with a trailing newline). */
export function renderJunit(report: Report, options: JunitOptions): string {
  const stamp = options.timestamp.toISOString().slice(0, 19);
  const host = singleLine(options.hostname ?? '') || 'localhost';
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>'];
  suiteControls(report).forEach((control, id) => {
    const cases = testCases(report, control);
    const count = (kind: Outcome['kind']) => cases.filter((c) => c.outcome.kind === kind).length;
    out.push(
      `  <testsuite id="${id}" package="controlgate" name="${attr(`${control.id} ${control.title}`)}" timestamp="${stamp}" hostname="${attr(host)}" tests="${cases.length}" failures="${count('failure')}" errors="${count('error')}" skipped="${count('skipped')}" time="0">`,
      '    <properties>',
      property('control', control.id),
      property('verdict', control.verdict),
      property('declared', control.declared?.status ?? 'not declared'),
      property('findings', String(control.findings)),
      property('open', String(control.open)),
      '    </properties>',
      ...cases.map((c) => testCase(c, control.id)),
      `    <system-out>${text(systemOut(report, control))}</system-out>`,
      '    <system-err></system-err>',
      '  </testsuite>',
    );
  });
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/** The controls that get a suite: those with a rule or a finding mapped to them, or a declaration. */
function suiteControls(report: Report): ControlResult[] {
  const known = new Map(report.controls.map((c) => [c.id, c]));
  const ids = new Set<string>();
  for (const c of report.controls) if (c.declared) ids.add(c.id);
  for (const r of report.rules) for (const c of r.controls) ids.add(c);
  for (const f of report.findings) for (const c of f.controls) ids.add(c);
  const order = [...report.controls.map((c) => c.id), ...ids];
  return [...new Set(order)]
    .filter((id) => ids.has(id))
    .map((id) => known.get(id) ?? placeholder(id, report));
}

/** A control the report has no result for (a rule's control outside the assessed catalog). */
function placeholder(id: string, report: Report): ControlResult {
  const findings = report.findings.filter((f) => f.controls.includes(id));
  return {
    id,
    title: '',
    declared: null,
    verdict: 'undeclared',
    reasons: [],
    evidence: [],
    exceptions: [],
    rules: [],
    findings: findings.length,
    open: findings.filter((f) => f.status === 'open').length,
  };
}

/** The rules that are test cases of a control's suite: mapped to it, or with a finding for it. */
function suiteRules(report: Report, control: ControlResult): RuleSummary[] {
  const findings = report.findings.filter((f) => f.controls.includes(control.id));
  return report.rules.filter(
    (r) => r.controls.includes(control.id) || findings.some((f) => f.ruleId === r.id),
  );
}

function testCases(report: Report, control: ControlResult): Case[] {
  const findings = report.findings.filter((f) => f.controls.includes(control.id));
  const rules = suiteRules(report, control);
  const cases = rules.map((r) => ({
    name: r.id,
    outcome: ruleOutcome(
      r,
      findings.filter((f) => f.ruleId === r.id),
      report,
    ),
  }));
  if (control.declared) cases.push({ name: 'declaration', outcome: declarationOutcome(control, report) });
  return cases;
}

function ruleOutcome(rule: RuleSummary, findings: Finding[], report: Report): Outcome {
  switch (rule.result) {
    case 'error': {
      const message = report.errors.find((e) => e.ruleId === rule.id)?.message ?? 'the rule failed to run';
      return { kind: 'error', type: 'rule-error', message: singleLine(message), text: message };
    }
    case 'disabled':
      return { kind: 'skipped', message: 'disabled by the configuration' };
    case 'not-applicable':
      return { kind: 'skipped', message: 'every control it maps to is declared not applicable' };
    case 'unverifiable':
      return { kind: 'skipped', message: `unverifiable: ${singleLine(rule.detail ?? 'no answer')}` };
    default:
      break;
  }
  // A rule that examined nothing proves nothing: skipped, as its controls are not assessed by it.
  if (findings.length === 0 && rule.scope && !examinedAnything(rule)) {
    const where = rule.scope.basis === 'change' ? ' in the changed files' : '';
    const left = leftOutOf(rule);
    return {
      kind: 'skipped',
      message: `examined nothing${where}${left ? `, besides what it left out: ${singleLine(left)}` : ''}`,
    };
  }
  const blocking = findings.filter((f) => f.blocking);
  if (blocking.length === 0) return { kind: 'passed' };
  const others = findings.filter((f) => !f.blocking && f.status === 'open');
  const lines = [
    ...blocking.map(findingLine),
    ...(others.length > 0 ? ['Also open, not blocking:', ...others.map(findingLine)] : []),
    ...(rule.remediation ? ['', `Fix: ${rule.remediation}`] : []),
    `Help: ${rule.helpUri}`,
  ];
  return {
    kind: 'failure',
    type: 'blocking',
    message: `${plural(blocking.length, 'blocking finding')}: ${singleLine(rule.title)}`,
    text: lines.join('\n'),
  };
}

function declarationOutcome(control: ControlResult, report: Report): Outcome {
  const why = control.reasons.map(singleLine).join('; ');
  switch (control.verdict) {
    case 'gap':
      return report.summary.gate.failOnGap
        ? { kind: 'failure', type: 'gap', message: `gap: ${why}`, text: control.reasons.join('\n') }
        : { kind: 'skipped', message: `gap (fail-on-gap is off): ${why}` };
    case 'satisfied':
      return { kind: 'passed' };
    default:
      return { kind: 'skipped', message: why ? `${control.verdict}: ${why}` : control.verdict };
  }
}

function testCase(c: Case, controlId: string): string {
  const open = `    <testcase name="${attr(c.name)}" classname="controlgate.control_${attr(controlId.replace(/\./g, '_'))}" time="0"`;
  const o = c.outcome;
  if (o.kind === 'passed') return `${open}/>`;
  if (o.kind === 'skipped') return `${open}>\n      <skipped message="${attr(o.message)}"/>\n    </testcase>`;
  return `${open}>\n      <${o.kind} type="${attr(o.type)}" message="${attr(o.message)}">${text(o.text)}</${o.kind}>\n    </testcase>`;
}

function findingLine(f: Finding): string {
  const where = escapeControls(position(f.location, true) ?? REPOSITORY_LABEL);
  return `- [${f.severity}] ${where}: ${singleLine(f.message)}${f.status === 'open' ? '' : ` (${f.status})`}`;
}

/**
 * Why the control stands where it does, the open findings that do not block, and the files its rules
 * left out on purpose (as the text report words them).
 */
function systemOut(report: Report, control: ControlResult): string {
  const open = report.findings.filter(
    (f) => f.controls.includes(control.id) && f.status === 'open' && !f.blocking,
  );
  // Every rule is named, not counted as the text report does past three: they are this suite's test
  // cases, and a reader needs to know which of them rest on fewer files than the tree holds.
  const leftOut = leftOutGroups({ rules: suiteRules(report, control) }).map((g) => {
    const files = g.examples.map(escapeControls).join(', ') + (g.more > 0 ? `, and ${g.more} more` : '');
    const by = `${g.rules.length === 1 ? 'rule' : 'rules'} ${g.rules.map(escapeControls).join(', ')}`;
    return `- ${singleLine(g.what)}, by ${by}: ${files}`;
  });
  return [
    `${control.id} ${control.title}: ${control.verdict}`,
    ...control.reasons.map((r) => `- ${r}`),
    ...(open.length > 0 ? ['Open findings that do not block:', ...open.map(findingLine)] : []),
    ...(leftOut.length > 0 ? ['Left out (not examined):', ...leftOut] : []),
  ].join('\n');
}

function property(name: string, value: string): string {
  return `      <property name="${attr(name)}" value="${attr(value)}"/>`;
}

/**
 * What XML 1.0 cannot hold even as a reference: lone surrogates and U+FFFE/FFFF. (Controls are made
 * visible before this, as every output shows them.)
 */
const NOT_XML = /[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function xmlSafe(s: string): string {
  return s.replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Element content: lines kept, control characters visible, the markup characters as entities. */
function text(s: string): string {
  const lines = s.replace(/\r\n?/g, '\n').split('\n').map(escapeControls);
  return xmlSafe(lines.join('\n')).replace(/[&<>]/g, (c) => ENTITY[c]!);
}

/** Attribute values: one line (a parser would fold line breaks into spaces anyway), quotes escaped. */
function attr(s: string): string {
  return xmlSafe(singleLine(s)).replace(/[&<>"']/g, (c) => ENTITY[c]!);
}

const ENTITY: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
