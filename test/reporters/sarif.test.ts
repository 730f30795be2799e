import { describe, expect, it } from 'vitest';
import type { Finding, LeftOut, Report } from '../../src/core/types.js';
import {
  encodePath,
  FINGERPRINT_KEY,
  MAX_LEFT_OUT_NOTES,
  renderSarif,
  renderSarifString,
  sarifLevel,
} from '../../src/reporters/sarif.js';
import { sarifRepositoryFile, workflowFromRef } from '../../src/reporters/sarif-anchor.js';
import { assembleReport, HOSTILE_PATH, sampleReport } from '../fixtures/report/sample-report.js';
import { strictAjv } from './helpers.js';

const log = renderSarif(sampleReport());
const run = log.runs[0]!;

function resultFor(pred: (f: Finding) => boolean) {
  const report = sampleReport();
  const i = report.findings.findIndex(pred);
  expect(i).toBeGreaterThanOrEqual(0);
  return run.results[i]!;
}

describe('renderSarif', () => {
  it('matches the snapshot', async () => {
    await expect(renderSarifString(sampleReport())).toMatchFileSnapshot('__snapshots__/report.sarif.json');
  });

  it('has the fields SARIF 2.1.0 and GitHub code scanning require', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver).toEqual(
      expect.objectContaining({
        name: 'controlgate',
        version: '0.1.0',
        informationUri: expect.stringMatching(/^https:/),
      }),
    );
    for (const r of run.results) {
      expect(r.message.text.length).toBeGreaterThan(0);
      expect(r.locations.length).toBeGreaterThanOrEqual(1);
      const loc = r.locations[0]!.physicalLocation;
      expect(loc.artifactLocation.uri).not.toBe('');
      expect(loc.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(loc.region?.startLine).toBeGreaterThanOrEqual(1);
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
    }
  });

  it('describes every rule of the report, tagged with its controls and a security severity', () => {
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(sampleReport().rules.map((r) => r.id));
    const secrets = run.tool.driver.rules.find((r) => r.id === 'secrets-hardcoded')!;
    expect(secrets.properties.tags).toEqual(['security', 'iso27002', 'iso27002:8.24', 'iso27002:8.12']);
    expect(secrets.properties['security-severity']).toBe('9.5');
    expect(secrets.defaultConfiguration.level).toBe('error');
    expect(secrets.shortDescription.text).toBe('No credentials in the repository');
    expect(secrets.help.text).toContain('Remediation: Follow docs/rules/secrets-hardcoded.md');
    expect(secrets.help.markdown).toContain('**Remediation:**');
    const scores = Object.fromEntries(
      run.tool.driver.rules.map((r) => [r.id, r.properties['security-severity']]),
    );
    expect(scores).toMatchObject({
      'workflow-unpinned-action': '8.0',
      'workflow-permissions': '5.5',
      'deps-lockfile': '3.0',
      'gitignore-must-ignore': '1.0',
    });
  });

  it('maps severities to levels', () => {
    expect(
      ['critical', 'high', 'medium', 'low', 'info'].map((s) => sarifLevel(s as Finding['severity'])),
    ).toEqual(['error', 'error', 'warning', 'note', 'note']);
    expect(run.results.map((r) => r.level)).toEqual([
      'error',
      'error',
      'error',
      'error',
      'warning',
      'warning',
      'warning',
      'note',
      'note',
      'note',
    ]);
  });

  it('carries the fingerprint, controls and status of each finding', () => {
    const report = sampleReport();
    run.results.forEach((r, i) => {
      expect(r.partialFingerprints).toEqual({ [FINGERPRINT_KEY]: report.findings[i]!.fingerprint });
      expect(r.properties.controls).toEqual(report.findings[i]!.controls);
      expect(r.properties.status).toBe(report.findings[i]!.status);
    });
  });

  it('suppresses excepted and ignored findings, and only those', () => {
    const suppressed = run.results.filter((r) => r.suppressions).map((r) => r.properties.status);
    expect(suppressed).toEqual(['excepted', 'ignored']);
    expect(resultFor((f) => f.status === 'excepted').suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification:
          'Exception EXC-2026-004 (.github/controls.yml:24; approved by @acme/ciso; expires 2027-01-31): Legacy image, removal tracked in PROJ-123.',
      },
    ]);
    expect(resultFor((f) => f.status === 'ignored').suppressions).toEqual([
      {
        kind: 'inSource',
        status: 'accepted',
        justification: 'Ignored inline at tools/package.json:1: internal tool, never shipped',
      },
    ]);
  });

  it('puts a repository-level finding on a real file, by default the declarations file, at line 1', () => {
    const r = resultFor((f) => f.location === null);
    expect(r.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: '.github/controls.yml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 1 },
        },
      },
    ]);
    expect(r.properties.repositoryLevel).toBe(true);
    expect(resultFor((f) => f.location !== null).properties.repositoryLevel).toBeUndefined();
    const uris = log.runs[0]!.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris).not.toContain('(repository)');
    const elsewhere = renderSarif(sampleReport(), { repositoryFile: '.github/workflows/gate.yml' });
    const i = sampleReport().findings.findIndex((f) => f.location === null);
    expect(elsewhere.runs[0]!.results[i]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(
      '.github/workflows/gate.yml',
    );
  });

  it('chooses the declarations file, else the configuration, else the workflow, else a file at the top', () => {
    const report = sampleReport();
    const probe = (files: string[], workflow?: string) => ({
      exists: (f: string) => files.includes(f),
      rootFiles: () => files.filter((f) => !f.includes('/')),
      workflow,
    });
    const declared = { ...report, policy: { ...report.policy, controls: '.github/controls.yml' } };
    const none = { ...report, policy: { ...report.policy, controls: null } };
    expect(sarifRepositoryFile(declared, 'svc/', probe(['.github/controls.yml', '.controlgate.yml']))).toBe(
      'svc/.github/controls.yml',
    );
    expect(sarifRepositoryFile(none, 'svc/', probe(['.controlgate.yml']))).toBe('svc/.controlgate.yml');
    expect(sarifRepositoryFile(none, '', probe(['x.txt'], '.github/workflows/gate.yml'))).toBe(
      '.github/workflows/gate.yml',
    );
    expect(sarifRepositoryFile(none, '', probe(['package.json', 'README.md', 'a.txt']))).toBe('README.md');
    expect(sarifRepositoryFile(none, '', probe(['package.json', 'a.txt']))).toBe('a.txt');
    // A file that was looked for but is gone, or a config outside the tree, is never chosen.
    const outside = { ...none, settings: { ...none.settings, config: '../shared/controlgate.yml' } };
    expect(sarifRepositoryFile(outside, '', probe(['../shared/controlgate.yml', 'Makefile']))).toBe(
      'Makefile',
    );
    // An empty tree: the declarations file's configured place.
    expect(sarifRepositoryFile(none, '', probe([]))).toBe('.github/controls.yml');
    expect(workflowFromRef('acme/api/.github/workflows/gate.yml@refs/pull/7/merge')).toBe(
      '.github/workflows/gate.yml',
    );
    expect(workflowFromRef('nonsense')).toBeUndefined();
  });

  it('puts pathPrefix before every file path, the repository-level one included', () => {
    const report = sampleReport();
    const uris = (log: ReturnType<typeof renderSarif>) =>
      log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    const plain = uris(renderSarif(report));
    const prefixed = uris(renderSarif(report, { pathPrefix: 'services/api/' }));
    expect(prefixed).toEqual(plain.map((u) => `services/api/${u}`));
    expect(plain.length).toBeGreaterThan(3);
  });

  it('converts inclusive end columns to SARIF exclusive ones and keeps multi-line regions', () => {
    expect(
      resultFor((f) => f.location?.path === 'config/app.env').locations[0]!.physicalLocation.region,
    ).toEqual({
      startLine: 3,
      startColumn: 11,
      endLine: 3,
      endColumn: 43,
    });
    expect(
      resultFor((f) => f.location?.path === '.github/workflows/release.yml').locations[0]!.physicalLocation
        .region,
    ).toEqual({
      startLine: 5,
      startColumn: 3,
      endLine: 9,
      endColumn: 21,
    });
  });

  it('percent-encodes paths into valid URI references', () => {
    const uri = resultFor((f) => f.location?.path === HOSTILE_PATH).locations[0]!.physicalLocation
      .artifactLocation.uri;
    expect(uri).toBe(encodePath(HOSTILE_PATH));
    expect(decodeURIComponent(uri)).toBe(HOSTILE_PATH);
    expect(strictAjv().validate({ type: 'string', format: 'uri-reference' }, uri)).toBe(true);
    expect(encodePath('a b/c:d.yml')).toBe('a%20b/c%3Ad.yml');
  });

  it('escapes SARIF embedded-link syntax in messages', () => {
    const r = resultFor((f) => f.location?.path === HOSTILE_PATH);
    expect(r.message.text).toContain('\\[link\\](javascript:alert(1))');
  });

  it('reports rule errors as a failed invocation with notifications', () => {
    expect(run.invocations[0]!.executionSuccessful).toBe(false);
    expect(run.invocations[0]!.toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: expect.stringContaining('binary-executables: internal error') },
        associatedRule: { id: 'binary-executables', index: 0 },
      },
    ]);
    const clean = renderSarif(assembleReport([]));
    expect(clean.runs[0]!.invocations[0]).toEqual({
      executionSuccessful: true,
      toolExecutionNotifications: [],
    });
    expect(clean.runs[0]!.results).toEqual([]);
  });

  it('says the files rules left out as notes, escaped, their paths as locations', () => {
    const sneaky = 'charts/[x](javascript:alert(1))/templates/a\nb.yaml';
    const report = withLeftOut(assembleReport([]), {
      'deps-lockfile': [
        {
          kind: 'Helm chart template',
          reason: 'rendered at install time: check the output of helm template',
          files: 7,
          examples: [sneaky, HOSTILE_PATH],
        },
      ],
    });
    const index = report.rules.findIndex((r) => r.id === 'deps-lockfile');
    expect(renderSarif(report, { pathPrefix: 'svc/' }).runs[0]!.invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: 'note',
            message: {
              text:
                'deps-lockfile left out 7 Helm chart template files (rendered at install time: check the output of helm template), not examined: ' +
                'charts/\\[x\\](javascript:alert(1))/templates/a\\\\nb.yaml, ' +
                'docs/we|rd*<script>alert(1)</script>`x`\\\\n::error::owned%0A,a,b.md, and 5 more',
            },
            locations: [sneaky, HOSTILE_PATH].map((p) => ({
              physicalLocation: { artifactLocation: { uri: encodePath(`svc/${p}`), uriBaseId: '%SRCROOT%' } },
            })),
            associatedRule: { id: 'deps-lockfile', index },
          },
        ],
      },
    ]);
  });

  it('lists at most MAX_LEFT_OUT_NOTES left-out notes, after the rule errors, and counts the rest', () => {
    const kinds = (n: number): LeftOut[] =>
      Array.from({ length: n }, (_, i) => ({
        kind: `kind ${i}`,
        reason: 'why',
        files: 1,
        examples: [`f${i}`],
      }));
    const report = withLeftOut(sampleReport(), {
      'deps-lockfile': kinds(MAX_LEFT_OUT_NOTES - 2),
      'dockerfile-root-user': kinds(4),
      'gitignore-must-ignore': kinds(3),
    });
    const notes = renderSarif(report).runs[0]!.invocations[0]!.toolExecutionNotifications;
    expect(notes.map((n) => n.level)).toEqual(['error', ...Array(MAX_LEFT_OUT_NOTES + 1).fill('note')]);
    expect(notes.at(-2)!.message.text).toBe(
      'dockerfile-root-user left out 1 kind 1 file (why), not examined: f1',
    );
    expect(notes.at(-1)).toEqual({
      level: 'note',
      message: {
        text: 'and 5 more notes on files left out by 2 rules, not listed here: the JSON report has them all (rules[].scope.leftOut)',
      },
    });
  });

  it('renders as JSON text that parses back to the same log', () => {
    const text = renderSarifString(sampleReport());
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(log);
  });
});

/** The report with `leftOut` recorded in the scope of the named rules. */
function withLeftOut(report: Report, leftOut: Record<string, LeftOut[]>): Report {
  for (const r of report.rules)
    if (leftOut[r.id])
      r.scope = { files: 0, examples: [], settings: [], basis: 'tree', leftOut: leftOut[r.id] };
  return report;
}
