// Crater run: controlgate over real public repositories, for judging precision by hand.
//
//   node bench/crater.mjs [--repos bench/crater/repos.txt] [--mirrors /work/.mirror]
//                         [--out /tmp/controlgate-crater] [--cli dist/cli.js] [--rules a,b]
//                         [--sample N] [--seed S]
//
// Each line of the repos file is `owner/name` (a `#` starts a comment). The repositories are the
// snapshots the session's fetch look-up brought onto this machine (`<mirrors>/<owner>+<name>/repo`,
// bare git directories, or work trees whose .git holds one); a repository not fetched is listed as
// missing. CI has no network, so this is a script to run and quote, never a test.
//
// For each repository the newest commit is exported (git archive, no history, no execution of
// anything in it) and checked with the CLI (`--fail-on never --no-fail-on-gap --offline`, JSON out,
// GITHUB_REPOSITORY naming the repository as a run in a clone would; every file is read).
// It prints findings per rule (how many, in how many repositories), and writes:
//   <out>/reports/<owner+name>.json  the JSON reports
//   <out>/sample.md                  up to N findings per rule (seeded choice), each with the source
//                                    lines around it, to judge by hand
// Judgements live in bench/crater/judged*.tsv (one file per area, so they merge cleanly): `repo<TAB>rule<TAB>path:line<TAB>verdict<TAB>note`,
// verdict `tp` (a real problem), `fp` (a false alarm) or `debatable`. Judged findings still reported
// count towards the precision per rule printed at the end (tp / (tp + fp)); judgements whose finding is
// gone are listed as stale, so a fix that removes a true positive shows up.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { prng } from './prng.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    repos: { type: 'string', default: path.join(ROOT, 'bench/crater/repos.txt') },
    mirrors: { type: 'string', default: '/work/.mirror' },
    out: { type: 'string', default: '/tmp/controlgate-crater' },
    cli: { type: 'string', default: path.join(ROOT, 'dist/cli.js') },
    rules: { type: 'string' },
    sample: { type: 'string', default: '8' },
    seed: { type: 'string', default: '27002' },
    judged: { type: 'string', default: path.join(ROOT, 'bench/crater') },
  },
});

const repos = readFileSync(args.repos, 'utf8')
  .split('\n')
  .map((l) => l.replace(/#.*/, '').trim())
  .filter(Boolean);
const onlyRules = args.rules ? new Set(args.rules.split(',')) : undefined;
mkdirSync(path.join(args.out, 'reports'), { recursive: true });
mkdirSync(path.join(args.out, 'trees'), { recursive: true });

const missing = [];
const results = [];
for (const repo of repos) {
  const slug = repo.replace('/', '+');
  // A snapshot is a bare git directory, or (for some) a work tree whose .git holds it.
  const snapshot = path.join(args.mirrors, slug, 'repo');
  const gitDir = existsSync(path.join(snapshot, '.git')) ? path.join(snapshot, '.git') : snapshot;
  if (!existsSync(gitDir)) {
    missing.push(repo);
    continue;
  }
  const tree = path.join(args.out, 'trees', slug);
  if (!existsSync(tree)) {
    try {
      const absent = exportTree(gitDir, tree);
      if (absent > 0)
        console.error(`${repo}: ${absent} blobs absent from the snapshot (large files), not exported`);
    } catch (e) {
      missing.push(`${repo} (export failed: ${e.message.split('\n')[0]})`);
      rmSync(tree, { recursive: true, force: true });
      continue;
    }
  }
  const report = path.join(args.out, 'reports', `${slug}.json`);
  const started = process.hrtime.bigint();
  const run = spawnSync(
    process.execPath,
    [
      args.cli,
      'check',
      tree,
      '--format',
      'json',
      '--output',
      report,
      '--fail-on',
      'never',
      '--no-fail-on-gap',
      '--offline',
    ],
    // The tree is an export with no remote: name the repository as a run in it would, so rules that
    // judge by the repository's own name (its images, its owner's workflows) see what users see.
    { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, GITHUB_REPOSITORY: repo } },
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0 && run.status !== 1) {
    console.error(`${repo}: exit ${run.status}\n${run.stderr.slice(0, 2000)}`);
    continue;
  }
  const json = JSON.parse(readFileSync(report, 'utf8'));
  results.push({ repo, slug, tree, ms, report: json });
}

// Findings per rule.
const byRule = new Map();
for (const r of results) {
  for (const f of r.report.findings) {
    if (onlyRules && !onlyRules.has(f.ruleId)) continue;
    const row = byRule.get(f.ruleId) ?? { findings: [], repos: new Set() };
    row.findings.push({ repo: r.repo, tree: r.tree, finding: f });
    row.repos.add(r.repo);
    byRule.set(f.ruleId, row);
  }
}

// Judgements.
const judged = new Map();
const judgementFiles = existsSync(args.judged)
  ? readdirSync(args.judged)
      .filter((f) => /^judged.*\.tsv$/.test(f))
      .map((f) => path.join(args.judged, f))
  : [];
for (const file of judgementFiles) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [repo, rule, where, verdict, note = ''] = line.split('\t');
    judged.set(`${repo}\t${rule}\t${where}`, { verdict, note });
  }
}
const whereOf = (f) => (f.location ? `${f.location.path}:${f.location.startLine}` : '(repository)');
const seen = new Set();

const files = results.reduce((n, r) => n + r.report.summary.files, 0);
console.log(
  `${results.length} repositories checked (${files} files), ${missing.length} not fetched${missing.length ? `: ${missing.join(', ')}` : ''}\n`,
);
console.log('| rule | severity | findings | repositories | judged tp | judged fp | debatable | precision |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
const rows = [...byRule].sort((a, b) => b[1].findings.length - a[1].findings.length);
for (const [rule, row] of rows) {
  let tp = 0;
  let fp = 0;
  let deb = 0;
  for (const { repo, finding } of row.findings) {
    const key = `${repo}\t${rule}\t${whereOf(finding)}`;
    const j = judged.get(key);
    if (!j) continue;
    seen.add(key);
    if (j.verdict === 'tp') tp += 1;
    else if (j.verdict === 'fp') fp += 1;
    else deb += 1;
  }
  const severities = [...new Set(row.findings.map((x) => x.finding.severity))].join('/');
  const precision = tp + fp > 0 ? `${((100 * tp) / (tp + fp)).toFixed(0)}%` : '';
  console.log(
    `| ${rule} | ${severities} | ${row.findings.length} | ${row.repos.size} | ${tp} | ${fp} | ${deb} | ${precision} |`,
  );
}
const stale = [...judged.keys()].filter(
  (k) => !seen.has(k) && (!onlyRules || onlyRules.has(k.split('\t')[1])),
);
if (stale.length > 0) {
  console.log(`\n${stale.length} judged findings are no longer reported:`);
  for (const k of stale) console.log(`  ${k.replaceAll('\t', '  ')}  (${judged.get(k).verdict})`);
}

// A seeded sample per rule, with context, to judge.
const rnd = prng(Number(args.seed));
const perRule = Number(args.sample);
const out = ['# crater sample', ''];
for (const [rule, row] of rows) {
  const pool = [...row.findings];
  const chosen = [];
  while (pool.length > 0 && chosen.length < perRule)
    chosen.push(pool.splice(Math.floor(rnd() * pool.length), 1)[0]);
  out.push(`## ${rule} (${row.findings.length} findings)`, '');
  for (const { repo, tree, finding } of chosen) {
    const where = whereOf(finding);
    const key = `${repo}\t${rule}\t${where}`;
    const j = judged.get(key);
    out.push(
      `### ${repo} ${where}${j ? ` — judged ${j.verdict}` : ''}`,
      '',
      `${finding.severity}: ${finding.message}`,
      '',
    );
    if (finding.location) {
      try {
        const text = readFileSync(path.join(tree, finding.location.path), 'utf8').split('\n');
        const from = Math.max(0, finding.location.startLine - 4);
        const to = Math.min(text.length, (finding.location.endLine ?? finding.location.startLine) + 3);
        out.push(
          '```',
          ...text.slice(from, to).map((l, i) => `${from + i + 1}: ${l.slice(0, 240)}`),
          '```',
          '',
        );
      } catch {
        out.push('(source not readable)', '');
      }
    }
    out.push(`judge: ${key.replaceAll('\t', '\\t')}\\t<tp|fp|debatable>\\t<note>`, '');
  }
}
writeFileSync(path.join(args.out, 'sample.md'), `${out.join('\n')}\n`);
const slowest = [...results].sort((a, b) => b.ms - a.ms)[0];
console.log(
  `\nsample to judge: ${path.join(args.out, 'sample.md')}${slowest ? `; slowest check: ${slowest.repo} ${(slowest.ms / 1000).toFixed(2)} s` : ''}`,
);

/**
 * Writes the newest commit's tree of a bare snapshot into `dir` (regular files and symbolic links;
 * submodules skipped). Snapshots lack their largest blobs, so `git archive` would stop: blobs are read
 * through one `git cat-file --batch`, and the count of absent ones is returned.
 */
function exportTree(gitDir, dir) {
  const listing = execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '-z', 'HEAD'], {
    maxBuffer: 1 << 30,
  }).toString('utf8');
  const entries = listing
    .split('\0')
    .filter(Boolean)
    .map((e) => {
      const tab = e.indexOf('\t');
      const [mode, type, sha] = e.slice(0, tab).split(' ');
      return { mode, type, sha, file: e.slice(tab + 1) };
    })
    .filter((e) => e.type === 'blob');
  const batch = spawnSync('git', ['--git-dir', gitDir, 'cat-file', '--batch'], {
    input: entries.map((e) => `${e.sha}\n`).join(''),
    maxBuffer: 2 ** 31,
  });
  if (batch.status !== 0) throw new Error(batch.stderr.toString());
  const buf = batch.stdout;
  let at = 0;
  let absent = 0;
  for (const e of entries) {
    const eol = buf.indexOf(10, at);
    const header = buf.subarray(at, eol).toString('utf8');
    at = eol + 1;
    if (header.endsWith(' missing')) {
      absent += 1;
      continue;
    }
    const size = Number(header.split(' ')[2]);
    const body = buf.subarray(at, at + size);
    at += size + 1;
    const target = path.join(dir, e.file);
    if (!target.startsWith(`${dir}${path.sep}`)) continue;
    mkdirSync(path.dirname(target), { recursive: true });
    if (e.mode === '120000') symlinkSync(body.toString('utf8'), target);
    else writeFileSync(target, body);
  }
  return absent;
}
