// Accuracy of the Statement of Applicability's verdicts on the labelled corpus in bench/soa-corpus,
// and agreement of the three auditor files (JSON report, OSCAL, Markdown/CSV SoA) of the same run.
//
//   npm run bench:soa-accuracy [-- --verbose] [-- --case c04] [-- --cli /path/to/cli.js]
//   node bench/soa-accuracy.mjs --trees DIR [--trees DIR...] [--controls FILE]
//     (real trees: lists every `satisfied` verdict with what it rests on, for a person to judge)
//
// Layout (see bench/soa-corpus/README.md): bench/soa-corpus/<case>/ is a small repository tree with
// its declarations (.github/controls.yml), optionally .controlgate.yml, custom rule directories and
// `args` (extra CLI arguments, one line) and `path` (a folder of the repository to check on its own,
// as `check packages/api` does; default the top). A case with `base/` and `head/` is a pull request: both
// trees are committed and the head is checked with `--base` the base commit. `expected.tsv` holds,
// per line, written before the case was run:
//   control id <TAB> expected verdict <TAB> expected evidence kind <TAB> reason [<TAB> words]
// (the optional words must appear in one of the verdict's reasons: what it must disclose)
// The evidence kind is what the verdict rests on: `rule` (a rule examined something: it passed, or
// its findings make the gap), `file` (a cited file or workflow was verified), `attestation` (URLs
// with an owner and a fresh review), `declaration` (not-applicable or planned: the organisation's
// word, no tool evidence) or `none`.
//
// Each case is run through the CLI (default: this checkout's lib/cli.js, built by `tsc`), offline
// (no GITHUB_TOKEN), and scored on: verdict, evidence kind, whether the OSCAL document validates
// against the OSCAL 1.0.6 Assessment Results schema, whether OSCAL and the CSV SoA give every control
// the JSON report's verdict, and whether each `satisfied` OSCAL finding names an observation that
// examined something.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    corpus: { type: 'string', default: path.join(ROOT, 'bench/soa-corpus') },
    cli: { type: 'string', default: path.join(ROOT, 'lib/cli.js') },
    case: { type: 'string', multiple: true, default: [] },
    trees: { type: 'string', multiple: true, default: [] },
    // With --trees: the declarations to judge them by (a tree of a public repository has none).
    controls: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

const addFormats = addFormatsModule.default ?? addFormatsModule;
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: true });
addFormats(ajv);
const validateOscal = ajv.compile(
  JSON.parse(
    readFileSync(path.join(ROOT, 'test/vendor/oscal/oscal_assessment-results_schema-1.0.6.json'), 'utf8'),
  ),
);

const ENV = { ...process.env };
for (const k of ['GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_REPOSITORY', 'GITHUB_ACTIONS', 'CI']) delete ENV[k];

function git(cwd, ...a) {
  execFileSync('git', a, {
    cwd,
    stdio: 'ignore',
    env: {
      ...ENV,
      GIT_AUTHOR_NAME: 'bench',
      GIT_AUTHOR_EMAIL: 'bench@example.com',
      GIT_COMMITTER_NAME: 'bench',
      GIT_COMMITTER_EMAIL: 'bench@example.com',
    },
  });
}

const META = new Set(['expected.tsv', 'args', 'path', 'base', 'head']);

/** A git repository of the case in a scratch directory; returns its path and the base commit, if any. */
function materialise(caseDir, scratch) {
  const repo = path.join(scratch, 'repo');
  const copy = (from) => {
    for (const name of readdirSync(from)) {
      if (from === caseDir && META.has(name)) continue;
      cpSync(path.join(from, name), path.join(repo, name), { recursive: true, verbatimSymlinks: true });
    }
  };
  execFileSync('mkdir', ['-p', repo]);
  git(repo, 'init', '-q', '-b', 'main');
  const pr = existsSync(path.join(caseDir, 'base'));
  copy(pr ? path.join(caseDir, 'base') : caseDir);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'base', '--allow-empty');
  if (!pr) return { repo, base: undefined };
  for (const name of readdirSync(repo))
    if (name !== '.git') rmSync(path.join(repo, name), { recursive: true, verbatimSymlinks: true });
  copy(path.join(caseDir, 'head'));
  // Files a case keeps beside base/ and head/ (custom rules) belong to both.
  for (const name of readdirSync(caseDir))
    if (!META.has(name))
      cpSync(path.join(caseDir, name), path.join(repo, name), { recursive: true, verbatimSymlinks: true });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'head', '--allow-empty');
  return { repo, base: 'HEAD~1' };
}

/** Runs the CLI on a tree; returns the JSON report, the OSCAL document and the CSV SoA rows. */
function run(repo, base, extra, out = path.join(path.dirname(repo), 'out'), folder = '.') {
  execFileSync('mkdir', ['-p', out]);
  const argv = [
    args.cli,
    'check',
    folder,
    '--offline',
    '--format',
    'json',
    '--output',
    path.join(out, 'report.json'),
    '--oscal-file',
    path.join(out, 'oscal.json'),
    '--soa-file',
    path.join(out, 'soa.md'),
    ...(base ? ['--base', base] : []),
    ...extra,
  ];
  const r = spawnSync(process.execPath, argv, { cwd: repo, env: ENV, encoding: 'utf8' });
  if (!existsSync(path.join(out, 'report.json')))
    throw new Error(`the CLI wrote no report (exit ${r.status}): ${r.stderr}`);
  return {
    report: JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')),
    oscal: JSON.parse(readFileSync(path.join(out, 'oscal.json'), 'utf8')),
    csv: csvRows(readFileSync(path.join(out, 'soa.csv'), 'utf8')),
  };
}

/** RFC 4180 rows as objects keyed by the header. */
function csvRows(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endCell();
    else if (ch === '\n') {
      endCell();
      rows.push(row);
      row = [];
    } else if (ch !== '\r') cell += ch;
  }
  if (cell || row.length) {
    endCell();
    rows.push(row);
  }
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i] ?? ''])));
}

/** What a control's verdict rests on, from the JSON report (see the header). */
function evidenceKind(c) {
  if (c.verdict === 'not-applicable' || c.verdict === 'planned') return 'declaration';
  const ruleExamined = c.rules.some(
    (r) => (r.examined ?? 0) > 0 && (r.result === 'pass' || r.result === 'fail'),
  );
  if (c.verdict === 'satisfied') {
    if (ruleExamined) return 'rule';
    if (c.evidence.some((e) => e.status === 'present')) return 'file';
    if (c.evidence.some((e) => e.status === 'not-verified')) return 'attestation';
    return 'none';
  }
  if (c.verdict === 'gap')
    return c.reasons.some((r) => /^rule \S+ has \d+ open finding/.test(r)) ? 'rule' : 'none';
  return 'none';
}

/** Disagreements between the report, the OSCAL document and the CSV SoA of one run. */
function agreement(report, oscal, csv) {
  const problems = [];
  if (!validateOscal(oscal))
    problems.push(
      `OSCAL invalid: ${validateOscal.errors
        .slice(0, 3)
        .map((e) => `${e.instancePath} ${e.message}`)
        .join('; ')}`,
    );
  const result = oscal['assessment-results']?.results?.[0] ?? {};
  const observations = new Map((result.observations ?? []).map((o) => [o.uuid, o]));
  const prop = (o, name) => o.props?.find((p) => p.name === name)?.value;
  const findings = new Map((result.findings ?? []).map((f) => [f.target['target-id'], f]));
  const rows = new Map(csv.map((r) => [r.control, r]));
  for (const c of report.controls) {
    const f = findings.get(`A.${c.id}`);
    if (!f) {
      problems.push(`${c.id}: no OSCAL finding`);
      continue;
    }
    const state = f.target.status.state;
    if ((state === 'satisfied') !== (c.verdict === 'satisfied') || prop(f, 'verdict') !== c.verdict)
      problems.push(`${c.id}: OSCAL says ${state}/${prop(f, 'verdict')}, the report ${c.verdict}`);
    const row = rows.get(c.id);
    if (!row || row.verdict !== c.verdict)
      problems.push(`${c.id}: the SoA says ${row?.verdict ?? 'nothing'}, the report ${c.verdict}`);
    if (c.verdict === 'satisfied') {
      const rests = (f['related-observations'] ?? []).some((r) => {
        const o = observations.get(r['observation-uuid']);
        if (!o) return false;
        if (o.methods.includes('TEST') && prop(o, 'rule') && prop(o, 'result') !== undefined)
          return (
            Number(prop(o, 'files-examined') ?? 0) + Number(prop(o, 'settings-examined') ?? 0) > 0 &&
            (prop(o, 'result') === 'pass' || prop(o, 'result') === 'fail')
          );
        return ['present', 'not-verified'].includes(prop(o, 'evidence-status'));
      });
      if (!rests) problems.push(`${c.id}: satisfied in OSCAL with no observation that examined anything`);
      // "Assessed by" lists the rules that examined something; a control met by its evidence alone
      // shows that evidence (hashed files, attested URLs) instead.
      const shown = (cell) => cell !== undefined && cell.trim() !== '' && cell.trim() !== '—';
      if (!row || (evidenceKind(c) === 'rule' ? !shown(row.assessed_by) : !shown(row.evidence)))
        problems.push(`${c.id}: satisfied in the SoA with nothing under "assessed by" or "evidence"`);
    }
  }
  return problems;
}

function cases() {
  return readdirSync(args.corpus)
    .filter((n) => statSync(path.join(args.corpus, n)).isDirectory())
    .filter((n) => args.case.length === 0 || args.case.some((c) => n.startsWith(c)))
    .sort();
}

function scoreCorpus() {
  const scratchRoot = mkdtempSync(path.join(os.tmpdir(), 'soa-accuracy-'));
  const tally = { labels: 0, verdict: 0, kind: 0, both: 0, satisfiedWrong: 0, runs: 0, disagreeing: 0 };
  const confusion = new Map();
  const lines = [];
  try {
    for (const name of cases()) {
      const dir = path.join(args.corpus, name);
      const scratch = path.join(scratchRoot, name);
      const { repo, base } = materialise(dir, scratch);
      const extra = existsSync(path.join(dir, 'args'))
        ? readFileSync(path.join(dir, 'args'), 'utf8').trim().split(/\s+/).filter(Boolean)
        : [];
      // `path`: the folder of the repository to check on its own (a monorepo's package).
      const folder = existsSync(path.join(dir, 'path'))
        ? readFileSync(path.join(dir, 'path'), 'utf8').trim()
        : '.';
      const { report, oscal, csv } = run(repo, base, extra, undefined, folder);
      const byId = new Map(report.controls.map((c) => [c.id, c]));
      tally.runs++;
      const problems = agreement(report, oscal, csv);
      if (problems.length > 0) {
        tally.disagreeing++;
        lines.push(`${name}: files disagree: ${problems.join(' | ')}`);
      }
      for (const line of readFileSync(path.join(dir, 'expected.tsv'), 'utf8').split('\n')) {
        if (!line.trim() || line.startsWith('#')) continue;
        const [id, verdict, kind, reason, said] = line.split('\t');
        const c = byId.get(id);
        const got = c?.verdict ?? 'missing';
        const gotKind = c ? evidenceKind(c) : 'missing';
        tally.labels++;
        // An optional fifth column: words the verdict's reasons must hold (what it discloses).
        const okV = got === verdict && (!said || (c?.reasons ?? []).some((r) => r.includes(said)));
        const okK = gotKind === kind;
        if (okV) tally.verdict++;
        if (okK) tally.kind++;
        if (okV && okK) tally.both++;
        if (got === 'satisfied' && verdict !== 'satisfied') tally.satisfiedWrong++;
        const key = `${verdict} -> ${got}`;
        confusion.set(key, (confusion.get(key) ?? 0) + 1);
        if (!okV || !okK || args.verbose)
          lines.push(
            `${okV && okK ? 'ok  ' : 'MISS'} ${name} ${id}: expected ${verdict}/${kind}, got ${got}/${gotKind} (${reason})${
              !okV || args.verbose ? `\n       reasons: ${c?.reasons.join(' | ') ?? ''}` : ''
            }`,
          );
      }
    }
  } finally {
    rmSync(scratchRoot, { recursive: true, force: true });
  }
  for (const l of lines) console.log(l);
  console.log('');
  console.log(`cases ${tally.runs}, labels ${tally.labels}`);
  console.log(`verdict right      ${tally.verdict}/${tally.labels}`);
  console.log(`evidence kind right ${tally.kind}/${tally.labels}`);
  console.log(`both right         ${tally.both}/${tally.labels}`);
  console.log(`satisfied but labelled otherwise: ${tally.satisfiedWrong}`);
  console.log(
    `runs whose JSON, OSCAL and SoA disagree (or OSCAL invalid): ${tally.disagreeing}/${tally.runs}`,
  );
  const wrong = [...confusion].filter(([k]) => k.split(' -> ')[0] !== k.split(' -> ')[1]);
  if (wrong.length > 0) console.log(`confusions: ${wrong.map(([k, n]) => `${k} x${n}`).join(', ')}`);
}

/** Real trees: every satisfied verdict with what it rests on, for a person to judge. */
function listTrees() {
  const scratchRoot = mkdtempSync(path.join(os.tmpdir(), 'soa-trees-'));
  try {
    for (const dir of args.trees) {
      const repo = path.resolve(dir);
      const out = path.join(scratchRoot, path.basename(repo));
      const { report, oscal, csv } = run(
        repo,
        undefined,
        args.controls ? ['--controls', path.resolve(args.controls)] : [],
        out,
      );
      const problems = agreement(report, oscal, csv);
      const counts = {};
      for (const c of report.controls) counts[c.verdict] = (counts[c.verdict] ?? 0) + 1;
      console.log(`== ${path.basename(repo)}: ${JSON.stringify(counts)}`);
      for (const p of problems) console.log(`   files disagree: ${p}`);
      for (const c of report.controls.filter((x) => x.verdict === 'satisfied')) {
        const by = c.rules
          .filter((r) => (r.examined ?? 0) > 0 && (r.result === 'pass' || r.result === 'fail'))
          .map((r) => `${r.id}(${r.examined})`);
        const ev = c.evidence.filter((e) => e.status !== 'missing').map((e) => `${e.ref}[${e.status}]`);
        console.log(`   ${c.id} ${evidenceKind(c)}: ${[...by, ...ev].join(', ')}`);
        if (args.verbose) for (const r of c.reasons) console.log(`       - ${r}`);
      }
    }
  } finally {
    rmSync(scratchRoot, { recursive: true, force: true });
  }
}

if (args.trees.length > 0) listTrees();
else scoreCorpus();
