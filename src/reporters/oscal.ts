/**
 * The report as an OSCAL Assessment Results document (OSCAL 1.0.6), for GRC tools and auditors: one
 * result for the run (its time, the tool and version, the repository, commit, ref and CI run), one
 * observation per rule run (what it examined, how it came out), per finding and per piece of
 * declared evidence (with the SHA-256 of each file), and one OSCAL finding per control, whose target
 * status is `satisfied` only when controlgate's verdict is, its reason the verdict itself, and which
 * names the observations it rests on. Controls are identified as in ISO/IEC 27001:2022 Annex A
 * ("A.8.28"), the same numbers as ISO/IEC 27002:2022.
 *
 * UUIDs are name-based (version 5), derived from the repository, the commit and the run's time, so
 * the same report always renders to the same document, and a control keeps its finding's UUID
 * across the runs of one repository only through the same names.
 */
import { createHash } from 'node:crypto';
import { leftOutOf } from '../core/declarations/not-assessed.js';
import type { ControlResult, EvidenceResult, Finding, Report, RuleSummary } from '../core/types.js';

/** The namespace of controlgate's OSCAL props (their names are not OSCAL's own). */
export const OSCAL_NS = 'https://github.com/controlgate/controlgate/ns/oscal';
/** Name-based UUIDs of this document live in this namespace (a version 4 UUID chosen once). */
const UUID_NAMESPACE = '6f1c2a4e-9b7d-4c35-8e21-5d0a3f6b7c19';
const OSCAL_VERSION = '1.0.6';

type Json = Record<string, unknown>;

/** The OSCAL Assessment Results document of a report, as a plain object. */
export function renderOscal(report: Report): Json {
  const time = report.run?.time ?? '1970-01-01T00:00:00.000Z';
  const subject = report.repository.name ?? report.repository.root;
  const id = (kind: string, name: string) =>
    uuid5(`${kind}\u0000${subject}\u0000${report.repository.head ?? ''}\u0000${time}\u0000${name}`);
  const tool = id('tool', report.tool.version);
  const origins = [{ actors: [{ type: 'tool', 'actor-uuid': tool }] }];
  const link = evidenceLink(report);

  const ruleObservations = new Map<string, string>();
  const observations: Json[] = [];
  for (const r of report.rules) {
    if (!r.scope) continue;
    const uuid = id('rule', r.id);
    ruleObservations.set(r.id, uuid);
    observations.push(ruleObservation(r, uuid, time, origins, link));
  }
  const findingObservations = new Map<Finding, string>();
  for (const f of report.findings) {
    const uuid = id('finding', f.fingerprint);
    findingObservations.set(f, uuid);
    observations.push(findingObservation(f, uuid, time, origins, link));
  }
  const evidenceObservations = new Map<ControlResult, string[]>();
  for (const c of report.controls) {
    const uuids = c.evidence.map((e, i) => {
      const uuid = id('evidence', `${c.id}\u0000${i}\u0000${e.ref}`);
      observations.push(evidenceObservation(c, e, uuid, time, origins, link));
      return uuid;
    });
    evidenceObservations.set(c, uuids);
  }

  const findings = report.controls.map((c) => {
    const related = [
      ...c.rules.flatMap((r) => ruleObservations.get(r.id) ?? []),
      ...report.findings.filter((f) => f.controls.includes(c.id)).map((f) => findingObservations.get(f)!),
      ...(evidenceObservations.get(c) ?? []),
    ];
    return controlFinding(c, id('control', c.id), related);
  });

  const result: Json = {
    uuid: id('result', ''),
    title: `ISO/IEC 27002:2022 controls of ${oneLine(subject)}`,
    description: `controlgate ${report.tool.version} checked ${report.summary.files} files${report.summary.changedFiles !== undefined ? ` (the per-file rules the ${report.summary.changedFiles} changed ones)` : ''} with ${report.summary.rules} rules and assessed ${report.controls.length} controls against the declarations ${report.declarations?.file ?? '(none)'}. Gate: ${report.summary.gate.result}.`,
    start: time,
    end: time,
    props: props([
      ['repository', report.repository.name],
      ['repository-url', report.repository.url],
      ['commit', report.repository.head],
      ['base-commit', report.repository.base],
      ['ref', report.repository.ref],
      ['root', report.repository.root],
      ['gate', report.summary.gate.result],
      ['files', String(report.summary.files)],
      ['changed-files', report.summary.changedFiles?.toString()],
    ]),
    ...(report.run?.url ? { links: [{ href: report.run.url, rel: 'ci-run', text: 'The CI run' }] } : {}),
    'local-definitions': {
      components: [
        {
          uuid: tool,
          type: 'software',
          title: 'controlgate',
          description:
            'Checks a repository against ISO/IEC 27002:2022 and verifies its declared Statement of Applicability.',
          props: props([['version', report.tool.version]]),
          links: [{ href: report.tool.informationUri, rel: 'homepage' }],
          status: { state: 'operational' },
        },
      ],
    },
    'reviewed-controls': {
      description: 'Every control of ISO/IEC 27002:2022 (ISO/IEC 27001:2022 Annex A).',
      'control-selections': [
        { 'include-controls': report.controls.map((c) => ({ 'control-id': controlId(c.id) })) },
      ],
    },
    ...(observations.length > 0 ? { observations } : {}),
    ...(findings.length > 0 ? { findings } : {}),
  };

  const d = report.declarations;
  return {
    'assessment-results': {
      uuid: id('assessment-results', ''),
      metadata: {
        title: `controlgate assessment of ${oneLine(subject)} against ISO/IEC 27002:2022`,
        'last-modified': time,
        version: report.repository.head ?? 'working tree',
        'oscal-version': OSCAL_VERSION,
        props: props([
          ['tool', report.tool.name],
          ['tool-version', report.tool.version],
          ['scope', d?.scope],
          ['owner', d?.owner],
          ['approved-by', d?.approvedBy],
          ['reviewed', d?.reviewed],
        ]),
        ...(report.repository.url ? { links: [{ href: report.repository.url, rel: 'repository' }] } : {}),
      },
      'import-ap': {
        href: encodeURI(d?.file ?? report.settings.controls),
        remarks:
          'controlgate has no OSCAL assessment plan: the declarations file (the Statement of Applicability as code) and the rules of this run define what was assessed.',
      },
      results: [result],
    },
  };
}

/** Pretty-printed JSON, with a trailing newline. */
export function renderOscalString(report: Report): string {
  return `${JSON.stringify(renderOscal(report), null, 2)}\n`;
}

function ruleObservation(
  r: RuleSummary,
  uuid: string,
  time: string,
  origins: Json[],
  link: (path: string, line?: number) => string,
): Json {
  const scope = r.scope!;
  const what = [
    `${scope.files} file${scope.files === 1 ? '' : 's'}`,
    ...(scope.settings.length > 0
      ? [`${scope.settings.length} repository setting${scope.settings.length === 1 ? '' : 's'}`]
      : []),
  ].join(' and ');
  const left = leftOutOf(r);
  const examined = [
    ...scope.examples.map((p) => ({ href: link(p), description: `Examined: ${p}` })),
    ...scope.settings.map((s) => ({ description: `Read through the GitHub API: ${s}` })),
  ];
  return {
    uuid,
    title: `Rule ${r.id}: ${r.result}`,
    description: `${r.title}. Result: ${r.result} (${r.findings} finding${r.findings === 1 ? '' : 's'}); it examined ${what}${scope.basis === 'change' ? ', in the files the change touches' : ''}.${left ? ` It left out ${left}.` : ''}${r.detail ? ` ${r.detail}` : ''}`,
    props: props([
      ['rule', r.id],
      ['result', r.result],
      ['severity', r.severity],
      ['files-examined', String(scope.files)],
      ['settings-examined', String(scope.settings.length)],
      ['basis', scope.basis],
      ...r.controls.map((c): [string, string] => ['control', c]),
    ]),
    links: [{ href: r.helpUri, rel: 'reference' }],
    methods: ['TEST'],
    types: ['control-objective'],
    origins,
    ...(examined.length > 0 ? { 'relevant-evidence': examined } : {}),
    collected: time,
  };
}

function findingObservation(
  f: Finding,
  uuid: string,
  time: string,
  origins: Json[],
  link: (path: string, line?: number) => string,
): Json {
  const where = f.location ? `${f.location.path}:${f.location.startLine}` : 'the repository';
  return {
    uuid,
    title: f.title,
    description: `${f.message} (${where})`,
    props: props([
      ['rule', f.ruleId],
      ['severity', f.severity],
      ['confidence', f.confidence],
      ['status', f.status],
      ['blocking', String(f.blocking)],
      ['new', f.isNew === undefined ? undefined : String(f.isNew)],
      ['fingerprint', f.fingerprint],
      ...f.controls.map((c): [string, string] => ['control', c]),
    ]),
    links: [{ href: f.helpUri, rel: 'reference' }],
    methods: ['TEST'],
    types: ['finding'],
    origins,
    ...(f.location
      ? { 'relevant-evidence': [{ href: link(f.location.path, f.location.startLine), description: where }] }
      : {}),
    collected: time,
  };
}

function evidenceObservation(
  c: ControlResult,
  e: EvidenceResult,
  uuid: string,
  time: string,
  origins: Json[],
  link: (path: string, line?: number) => string,
): Json {
  const files = (e.files ?? []).map((f) => ({
    href: link(f.path),
    description: `${f.path} (${f.bytes} bytes)`,
    ...(f.sha256 ? { props: props([['sha256', f.sha256]]) } : {}),
  }));
  const href = e.kind === 'url' ? webUrl(e.ref) : undefined;
  const url = href ? [{ href, description: 'Recorded, not fetched' }] : [];
  const evidence = [...files, ...url];
  return {
    uuid,
    title: `Evidence of ${c.id}: ${e.ref}`,
    description: `Declared evidence ${e.ref} (${e.kind}): ${e.status}${e.detail ? `, ${e.detail}` : ''}${e.matched ? `; it matches ${e.matched} files, the first ${files.length} listed` : ''}.`,
    props: props([
      ['control', c.id],
      ['evidence-kind', e.kind],
      ['evidence-status', e.status],
    ]),
    methods: ['EXAMINE'],
    origins,
    ...(evidence.length > 0 ? { 'relevant-evidence': evidence } : {}),
    collected: time,
  };
}

function controlFinding(c: ControlResult, uuid: string, related: string[]): Json {
  const d = c.declared;
  const declared = d
    ? `Declared ${d.status}${d.justification ? `: ${d.justification}` : ''}.`
    : 'Not declared in the Statement of Applicability.';
  const why = c.reasons.length > 0 ? ` ${c.reasons.join('; ')}.` : '';
  return {
    uuid,
    title: `${c.id} ${c.title}`,
    description: `Verdict: ${c.verdict}. ${declared}${why}`,
    props: props([
      ['verdict', c.verdict],
      ['theme', c.theme],
      ['declared-status', d?.status],
      ['owner', d?.owner],
      ['basis', c.basis],
    ]),
    target: {
      type: 'objective-id',
      'target-id': controlId(c.id),
      title: `${c.id} ${c.title}`,
      status: { state: c.verdict === 'satisfied' ? 'satisfied' : 'not-satisfied', reason: c.verdict },
    },
    ...(related.length > 0
      ? { 'related-observations': related.map((u) => ({ 'observation-uuid': u })) }
      : {}),
    ...(c.hint ? { remarks: c.hint } : {}),
  };
}

/** "A.8.28": how ISO/IEC 27001:2022 Annex A names the control (an OSCAL token cannot start with a digit). */
function controlId(id: string): string {
  return `A.${id}`;
}

/**
 * Where a file of the repository can be read: on the repository's web page at the commit checked,
 * when both are known; else the path, relative to the repository root.
 */
function evidenceLink(report: Report): (path: string, line?: number) => string {
  const { url, head } = report.repository;
  const base = url && head ? `${url}/blob/${head}/` : '';
  return (path, line) =>
    `${base}${path.split('/').map(encodeURIComponent).join('/')}${line ? `#L${line}` : ''}`;
}

/** OSCAL props in controlgate's namespace; absent values are left out. Values on one line, trimmed. */
function props(pairs: [string, string | null | undefined][]): Json[] {
  return pairs
    .filter((p): p is [string, string] => typeof p[1] === 'string' && p[1].trim() !== '')
    .map(([name, value]) => ({ name, ns: OSCAL_NS, value: oneLine(value) }));
}

/** An http(s) URL in its normalised, percent-encoded form, or undefined. */
function webUrl(text: string): string | undefined {
  try {
    const u = new URL(text);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** An RFC 4122 version 5 (name-based, SHA-1) UUID. */
function uuid5(name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(UUID_NAMESPACE.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
