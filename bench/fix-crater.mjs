// Fix round trips over real public repositories: what `controlgate fix` would change, and whether
// every change holds (the fixed file parses, and the check of the fixed tree finds nothing fixable
// left: each fix removed its finding).
//
//   npm run bench:fix-crater -- [--repos bench/crater/repos.txt] [--mirrors /work/.mirror] [--out DIR]
//
// Each repository's newest commit is exported (git archive, no history, nothing executed), then the
// fix loop runs over it in memory (a dry run, offline: pins are listed as not fixed) with the rules
// that have fixes. It prints per rule the findings, the fixes applied, the reasons for the rest, and
// every failed round trip; `<out>/diffs/<owner+name>.diff` holds the diffs to read by hand. A
// script to run and quote, never a test (CI has no repositories).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    repos: { type: 'string', default: path.join(ROOT, 'bench/crater/repos.txt') },
    mirrors: { type: 'string', default: '/work/.mirror' },
    out: { type: 'string', default: '/tmp/controlgate-fix-crater' },
  },
});
const { runFix } = await import(path.join(ROOT, 'lib/core/fix/run.js'));
const { parseYaml } = await import(path.join(ROOT, 'lib/core/workspace/yaml.js'));
const { unifiedDiff } = await import(path.join(ROOT, 'lib/cli/fix.js'));

const RULES = [
  'workflow-permissions',
  'workflow-checkout-persisted-credentials',
  'workflow-template-injection',
  'workflow-unpinned-action',
  'dockerfile-root-user',
  'k8s-privilege-escalation',
];
const repos = readFileSync(args.repos, 'utf8')
  .split('\n')
  .map((l) => l.replace(/#.*/, '').trim())
  .filter(Boolean);
rmSync(args.out, { recursive: true, force: true });
mkdirSync(path.join(args.out, 'diffs'), { recursive: true });

const perRule = new Map(RULES.map((r) => [r, { findings: 0, fixed: 0, reasons: new Map() }]));
const failures = [];
let files = 0;
let checked = 0;
for (const repo of repos) {
  const git = path.join(args.mirrors, repo.replace('/', '+'), 'repo');
  if (!existsSync(git)) {
    console.log(`missing: ${repo}`);
    continue;
  }
  const dir = path.join(args.out, 'trees', repo.replace('/', '+'));
  mkdirSync(dir, { recursive: true });
  exportTree(git, dir);
  const started = performance.now();
  const outcome = await runFix({ root: dir, onlyRules: RULES, failOn: 'never' });
  checked += 1;
  // What the first round saw: every finding of these rules, fixed or not.
  const applied = new Map();
  for (const a of outcome.applied) applied.set(a.ruleId, (applied.get(a.ruleId) ?? 0) + 1 + a.also);
  for (const [rule, n] of applied) perRule.get(rule).fixed += n;
  for (const s of outcome.skipped) {
    const reason = s.reason
      .replace(/"[^"]*"/g, '"…"')
      .replace(/\d+/g, 'N')
      .slice(0, 90);
    const reasons = perRule.get(s.ruleId).reasons;
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  for (const f of outcome.report.findings) perRule.get(f.ruleId).findings += 1;
  for (const [rule, n] of applied) perRule.get(rule).findings += n;
  let diff = '';
  for (const f of outcome.files) {
    files += 1;
    diff += unifiedDiff(f.path, f.before, f.after);
    if (/\.(ya?ml|json)$/.test(f.path) && !parseYaml(f.after).ok)
      failures.push(`${repo} ${f.path}: does not parse`);
  }
  // A pin waits for its commit offline: that is a fix not applied, not a failed one.
  const left = outcome.report.findings.filter((f) => f.fix && !f.fix.resolve);
  for (const f of left)
    failures.push(
      `${repo} ${f.location.path}:${f.location.startLine} ${f.ruleId}: still fixable after ${outcome.passes} rounds`,
    );
  writeFileSync(path.join(args.out, 'diffs', `${repo.replace('/', '+')}.diff`), diff);
  console.log(
    `${repo}: ${outcome.applied.length} fixes in ${outcome.files.length} files, ${outcome.skipped.length} not fixed, ${outcome.passes} rounds, ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  rmSync(dir, { recursive: true, force: true });
}
console.log(`\n${checked} repositories, ${files} files changed\n`);
console.log('rule | findings | fixed | not fixed: why (count)');
console.log('--- | ---: | ---: | ---');
for (const [rule, s] of perRule) {
  const why = [...s.reasons]
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${r} (${n})`)
    .join('; ');
  console.log(`${rule} | ${s.findings} | ${s.fixed} | ${why}`);
}
console.log(`\nround-trip failures: ${failures.length}`);
for (const f of failures) console.log(`  ${f}`);

/**
 * Writes the files the fixing rules read (YAML, JSON, Dockerfiles) of the newest commit of a bare
 * snapshot into `dir`, through one `git cat-file --batch`: snapshots lack their largest blobs, which
 * `git archive` would stop at. Symbolic links and submodules are skipped.
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
    .filter((e) => e.type === 'blob' && e.mode !== '120000')
    .filter((e) =>
      /\.(?:ya?ml|json)$|(?:^|\/)[^/]*Dockerfile[^/]*$|\.dockerfile$|(?:^|\/)Containerfile$/i.test(e.file),
    );
  const batch = spawnSync('git', ['--git-dir', gitDir, 'cat-file', '--batch'], {
    input: entries.map((e) => `${e.sha}\n`).join(''),
    maxBuffer: 2 ** 31,
  });
  if (batch.status !== 0) throw new Error(batch.stderr.toString());
  const buf = batch.stdout;
  let at = 0;
  for (const e of entries) {
    const eol = buf.indexOf(10, at);
    const header = buf.subarray(at, eol).toString('utf8');
    at = eol + 1;
    if (header.endsWith(' missing')) continue;
    const size = Number(header.split(' ')[2]);
    const body = buf.subarray(at, at + size);
    at += size + 1;
    const target = path.join(dir, e.file);
    if (!target.startsWith(`${dir}${path.sep}`)) continue;
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, body);
  }
}
