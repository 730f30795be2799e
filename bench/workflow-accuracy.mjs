// Recall and precision of the workflow rules on the labelled corpus in bench/workflow-corpus (and,
// with --corpus and --kinds, of other rule families on their own corpus: bench/iac-corpus).
//
//   npm run bench:workflow-accuracy [-- --rule ID] [-- --verbose] [-- --groups a,b]
//   npm run bench:iac-accuracy [-- --rule ID] [-- --verbose] [-- --groups a,b]
//
// Layout: bench/workflow-corpus/<group>/<case>/ is a small repository tree (`.github/workflows/*.yml`,
// `action.yml`, `.github/dependabot.yml`, ...). Labels are comments in its files, written before the
// rules were run on them:
//   # expect: rule-a, rule-b   a finding of each named rule belongs on this line (a labelled positive)
//   # safe: rule-a             this line looks risky but is not: the rule must not report it (a
//                              labelled negative)
// A marker may also be written `// expect: ...` (JavaScript in a script input). Each case is checked
// with every rule whose check kind starts with one of --kinds (default `workflow.`; plus any rule named
// with --rule), all at once, as the engine runs them on a repository. A finding matches an unused `expect` of its rule in the same
// file within 2 lines; a finding that matches none is a false positive, and one on a `safe` line is
// also counted against that negative (and never matches an expectation on another line).
// Repository-level findings (a rule that finds no workflow running tests on pull requests) are not
// scored.
// A group may hold `.unlabelled`: rule ids its cases were not labelled for (written before those rules
// existed); their findings there are counted in the `unscored` column, neither right nor wrong.
// A case may hold `.github-api.json` (REST path, query ignored -> { status, data }): the GitHub API
// answers of that case, for the online audits (known-vulnerable actions, impostor commits, ...);
// any other path answers 404. Without it the online audits are unverifiable and report nothing.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCheck } from '../lib/core/engine.js';
import { loadRules } from '../lib/core/rules/load.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = path.join(ROOT, 'bench/workflow-corpus');
const { values: args } = parseArgs({
  options: {
    rule: { type: 'string', multiple: true, default: [] },
    verbose: { type: 'boolean', default: false },
    corpus: { type: 'string', default: CORPUS },
    // Only these groups (comma separated), e.g. the groups labelled for some audits.
    groups: { type: 'string', default: '' },
    // The rule families scored: check kinds starting with one of these (comma separated).
    kinds: { type: 'string', default: 'workflow.' },
  },
});
const TOLERANCE = 2;
const KINDS = args.kinds.split(',').filter(Boolean);
const RULES = loadRules()
  .filter((r) => KINDS.some((k) => r.check.kind.startsWith(k)) || args.rule.includes(r.id))
  .map((r) => r.id)
  .sort();
const MARKER = /(?:#|\/\/)\s*(expect|safe):\s*([\w-]+(?:\s*,\s*[\w-]+)*)/g;

function* walk(dir, rel = '') {
  for (const name of readdirSync(dir).sort()) {
    const abs = path.join(dir, name);
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(abs).isDirectory()) yield* walk(abs, r);
    else yield r;
  }
}

const GROUPS = new Set(args.groups.split(',').filter(Boolean));

function cases(corpus) {
  const out = [];
  for (const group of readdirSync(corpus).sort()) {
    if (GROUPS.size > 0 && !GROUPS.has(group)) continue;
    const g = path.join(corpus, group);
    if (!statSync(g).isDirectory()) continue;
    const unlabelled = unlabelledRules(path.join(g, '.unlabelled'));
    for (const c of readdirSync(g).sort()) {
      if (statSync(path.join(g, c)).isDirectory())
        out.push({ name: `${group}/${c}`, root: path.join(g, c), unlabelled });
    }
  }
  return out;
}

/** Rules a group's cases were not labelled for (`<group>/.unlabelled`, ids separated by spaces). */
function unlabelledRules(file) {
  return new Set(
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .replace(/#.*/g, '')
          .split(/[\s,]+/)
          .filter(Boolean)
      : [],
  );
}

/** The GitHub API of a case, answering from its `.github-api.json`; undefined without one. */
function answersApi(file) {
  if (!existsSync(file)) return undefined;
  const answers = JSON.parse(readFileSync(file, 'utf8'));
  return {
    owner: 'acme',
    repo: 'app',
    async get(p) {
      const a = answers[p.split('?')[0]];
      return a ? { status: a.status, data: a.data } : { status: 404, data: { message: 'Not Found' } };
    },
  };
}

const rows = new Map(
  RULES.map((id) => [id, { tp: 0, fp: 0, fn: 0, negatives: 0, violated: 0, unscored: 0 }]),
);
const notes = [];
let files = 0;
for (const c of cases(args.corpus)) {
  const expects = [];
  const safes = [];
  for (const file of walk(c.root)) {
    files += 1;
    readFileSync(path.join(c.root, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        for (const m of line.matchAll(MARKER)) {
          for (const id of m[2].split(/\s*,\s*/)) {
            if (!rows.has(id)) notes.push(`${c.name}/${file}:${i + 1}: unknown rule in marker: ${id}`);
            else (m[1] === 'expect' ? expects : safes).push({ id, file, line: i + 1, used: false });
          }
        }
      });
  }
  for (const s of safes) rows.get(s.id).negatives += 1;
  // Every finding a rule makes is scored, whatever persona would show it (code smells are pedantic).
  const github = answersApi(path.join(c.root, '.github-api.json'));
  // Each case is checked as a repository of its own: a copy outside this repository, so the check
  // does not inherit this repository's own .github files (a folder check inherits its repository's).
  const copy = mkdtempSync(path.join(os.tmpdir(), 'controlgate-wf-case-'));
  cpSync(c.root, copy, { recursive: true });
  const report = await runCheck({
    root: copy,
    onlyRules: RULES,
    failOn: 'never',
    failOnGap: false,
    persona: 'auditor',
    ...(github ? { github } : {}),
  }).finally(() => rmSync(copy, { recursive: true, force: true }));
  for (const e of report.errors) notes.push(`${c.name}: rule error ${e.ruleId}: ${e.message}`);
  for (const f of report.findings) {
    const row = rows.get(f.ruleId);
    // Repository-level findings (no workflow has the evidence a rule looks for) are not audits of a line.
    if (!row || !f.location) continue;
    const where = f.location ? `${f.location.path}:${f.location.startLine}` : '(repository)';
    // A finding on a line labelled safe for its rule is that negative reported, not a near miss of
    // an expectation on a neighbouring line.
    const onSafeLine = safes.some(
      (s) => s.id === f.ruleId && s.file === f.location.path && s.line === f.location.startLine,
    );
    const candidates = f.location
      ? expects.filter(
          (e) =>
            !e.used &&
            e.id === f.ruleId &&
            e.file === f.location.path &&
            Math.abs(e.line - f.location.startLine) <= (onSafeLine ? 0 : TOLERANCE),
        )
      : [];
    candidates.sort(
      (a, b) => Math.abs(a.line - f.location.startLine) - Math.abs(b.line - f.location.startLine),
    );
    if (candidates.length > 0) {
      candidates[0].used = true;
      row.tp += 1;
      continue;
    }
    // A rule the group was not labelled for (written before the rule existed): counted, not scored.
    if (c.unlabelled.has(f.ruleId)) {
      row.unscored += 1;
      continue;
    }
    row.fp += 1;
    const safe =
      f.location &&
      safes.find((s) => s.id === f.ruleId && s.file === f.location.path && s.line === f.location.startLine);
    if (safe) row.violated += 1;
    if (args.verbose)
      notes.push(`FP ${f.ruleId} ${c.name}/${where}${safe ? ' (labelled safe)' : ''}: ${f.message}`);
  }
  for (const e of expects.filter((x) => !x.used)) {
    rows.get(e.id).fn += 1;
    if (args.verbose) notes.push(`FN ${e.id} ${c.name}/${e.file}:${e.line}`);
  }
}

const pct = (n, d) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);
const total = { tp: 0, fp: 0, fn: 0, negatives: 0, violated: 0, unscored: 0 };
console.log(`${cases(args.corpus).length} cases, ${files} files\n`);
console.log(
  '| rule | positives | TP | FN | FP | negatives | negatives reported | recall | precision | unscored |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [id, r] of rows) {
  for (const k of Object.keys(total)) total[k] += r[k];
  if (r.tp + r.fp + r.fn + r.negatives + r.unscored === 0) continue;
  console.log(
    `| ${id} | ${r.tp + r.fn} | ${r.tp} | ${r.fn} | ${r.fp} | ${r.negatives} | ${r.violated} | ${pct(r.tp, r.tp + r.fn)} | ${pct(r.tp, r.tp + r.fp)} | ${r.unscored} |`,
  );
}
console.log(
  `| **all** | ${total.tp + total.fn} | ${total.tp} | ${total.fn} | ${total.fp} | ${total.negatives} | ${total.violated} | ${pct(total.tp, total.tp + total.fn)} | ${pct(total.tp, total.tp + total.fp)} | ${total.unscored} |`,
);
if (notes.length > 0) console.log(`\n${notes.join('\n')}`);
