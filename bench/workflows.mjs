// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the generator writes GitHub expressions (${{ }}).
// Workflow analysis benchmark (run with `npm run bench:workflows`, which compiles src/ to lib/ first).
//
// (a) Precision and recall of the workflow rules, per rule and overall, on the rule fixtures
//     (test/fixtures/rules/workflow-*/{fail,pass} + expected.yml), which the test suite also checks,
//     so any difference here is a regression. The labelled corpus of realistic workflows (which now
//     holds the former bench/corpus as held-out/original) is scored by bench/workflow-accuracy.mjs.
// (b) The time to analyse 1,000 generated workflows (seeded generator), median of several runs.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { runCheck } from '../lib/core/engine.js';
import { getEvaluator } from '../lib/core/evaluators/registry.js';
import { loadRules } from '../lib/core/rules/load.js';
import { Workspace } from '../lib/core/workspace/workspace.js';
import { prng } from './prng.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const COUNT = Number(process.env.BENCH_WORKFLOWS ?? 1000);
const RULES = loadRules()
  .filter((r) => r.id.startsWith('workflow-'))
  .sort((a, b) => (a.id < b.id ? -1 : 1));
const WORKFLOW_RULES = RULES.map((r) => r.id);

const position = (f) => (f.location ? `${f.location.path}:${f.location.startLine}` : '-');

/** Counts true positives, false positives and false negatives of `got` against `want` (multisets). */
function score(want, got) {
  const left = [...want];
  let tp = 0;
  let fp = 0;
  for (const g of got) {
    const i = left.indexOf(g);
    if (i === -1) fp += 1;
    else {
      tp += 1;
      left.splice(i, 1);
    }
  }
  return { tp, fp, fn: left.length, misses: left };
}

function add(table, rule, s) {
  const row = table.get(rule) ?? { tp: 0, fp: 0, fn: 0 };
  row.tp += s.tp;
  row.fp += s.fp;
  row.fn += s.fn;
  table.set(rule, row);
}

/**
 * The fixture set is scored by calling each rule's evaluator directly on a workspace of the fixture
 * (what the engine does for one rule), which skips the per-run setup (config, rule loading, git) that
 * test/rules.test.ts already covers end to end.
 */
async function fixtureSet() {
  const table = new Map();
  for (const rule of RULES) {
    const dir = path.join(ROOT, 'test/fixtures/rules', rule.id);
    const expected = load(readFileSync(path.join(dir, 'expected.yml'), 'utf8'));
    const evaluator = getEvaluator(rule.check.kind);
    // The online audits' fixtures hold the GitHub API's answers (api.yml, per side).
    const apiFile = path.join(dir, 'api.yml');
    const answers = existsSync(apiFile) ? load(readFileSync(apiFile, 'utf8')) : undefined;
    for (const side of ['fail', 'pass']) {
      const workspace = new Workspace(path.join(dir, side));
      const github = answers ? answersApi(answers[side] ?? {}) : undefined;
      const raw = await evaluator.evaluate({
        rule,
        options: rule.check.with ?? {},
        workspace,
        ...(github ? { github } : {}),
      });
      add(table, rule.id, score(expected[side] ?? [], raw.map(position)));
    }
  }
  return table;
}

/** A GitHub API for repository acme/app answering from a fixture's api.yml (other paths: 404). */
function answersApi(answers) {
  return {
    owner: 'acme',
    repo: 'app',
    async get(p) {
      const a = answers[p.split('?')[0]];
      return a ? { status: a.status, data: a.data } : { status: 404, data: { message: 'Not Found' } };
    },
  };
}

function printTable(title, table) {
  const pct = (n, d) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);
  console.log(`\n${title}\n`);
  console.log('| rule | TP | FP | FN | precision | recall |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  const total = { tp: 0, fp: 0, fn: 0 };
  for (const [id, r] of [...table].sort()) {
    total.tp += r.tp;
    total.fp += r.fp;
    total.fn += r.fn;
    if (r.tp + r.fp + r.fn === 0) continue;
    console.log(
      `| ${id} | ${r.tp} | ${r.fp} | ${r.fn} | ${pct(r.tp, r.tp + r.fp)} | ${pct(r.tp, r.tp + r.fn)} |`,
    );
  }
  console.log(
    `| **all** | ${total.tp} | ${total.fp} | ${total.fn} | ${pct(total.tp, total.tp + total.fp)} | ${pct(total.tp, total.tp + total.fn)} |`,
  );
}

const SHA = '11bd71901bbe5b1630ceea73d27597364c9af683';
const TRIGGERS = [
  'push',
  'pull_request',
  '[push, pull_request]',
  'pull_request_target',
  'issue_comment',
  'workflow_dispatch',
];
const RUN_LINES = [
  'npm ci',
  'npm test',
  'echo "${{ github.event.pull_request.title }}"',
  'echo "sha=${{ github.sha }}" >> "$GITHUB_OUTPUT"',
  'echo "$TITLE"',
  'curl -fsSL https://example.com/install.sh | sh',
  'make build && make test',
  'echo "${{ env.NAME }} ${{ matrix.node }}"',
  'go test ./...',
  'kubectl apply -f k8s/ --context production',
];

/** One workflow of 1-4 jobs and 2-8 steps each, mixing safe and unsafe patterns. */
function generateWorkflow(rand, n) {
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const lines = [`name: generated-${n}`, `on: ${pick(TRIGGERS)}`];
  if (rand() < 0.7) lines.push('permissions:', '  contents: read');
  lines.push('env:', '  NAME: ${{ github.event.issue.title }}', 'jobs:');
  const jobs = 1 + Math.floor(rand() * 4);
  for (let j = 0; j < jobs; j++) {
    lines.push(`  job${j}:`, `    runs-on: ${rand() < 0.1 ? '[self-hosted, linux]' : 'ubuntu-latest'}`);
    if (rand() < 0.3) lines.push('    container: node:20');
    if (rand() < 0.4) lines.push('    strategy:', '      matrix:', '        node: [18, 20, 22]');
    lines.push('    steps:', `      - uses: actions/checkout@${rand() < 0.5 ? SHA : 'v4'}`);
    const steps = 1 + Math.floor(rand() * 7);
    for (let s = 0; s < steps; s++) {
      lines.push(`      - id: s${s}`, '        run: |');
      const count = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < count; k++) lines.push(`          ${pick(RUN_LINES)}`);
      if (rand() < 0.3) lines.push('        env:', '          TITLE: ${{ github.event.pull_request.title }}');
    }
    if (rand() < 0.2) lines.push('      - uses: actions/upload-artifact@v4', '        with: { path: dist/ }');
  }
  return `${lines.join('\n')}\n`;
}

async function timing() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-bench-workflows-'));
  try {
    const rand = prng(20260427);
    const files = [];
    mkdirSync(path.join(root, '.github/workflows'), { recursive: true });
    for (let i = 0; i < COUNT; i++) {
      const rel = `.github/workflows/w${String(i).padStart(4, '0')}.yml`;
      writeFileSync(path.join(root, rel), generateWorkflow(rand, i));
      files.push(rel);
    }
    const wall = [];
    const cpu = [];
    let findings = 0;
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const report = await runCheck({ root, onlyRules: WORKFLOW_RULES, failOn: 'never' });
      const c = process.cpuUsage(c0);
      wall.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
      findings = report.findings.length;
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ms = (x) => `${x.toFixed(0)} ms`;
    console.log(
      `\nAnalysed ${COUNT} generated workflows (${files.length} files) with ${WORKFLOW_RULES.length} workflow rules, ` +
        `${RUNS} runs, fresh workspace each (file index, read, YAML parse, model, all audits):\n` +
        `- wall time: median ${ms(median(wall))} (min ${ms(Math.min(...wall))}, max ${ms(Math.max(...wall))})\n` +
        `- CPU time (user + system): median ${ms(median(cpu))} (min ${ms(Math.min(...cpu))})\n` +
        `- ${findings} findings; load average at the end: ${os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

console.log(
  `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${os.platform()}`,
);
printTable('Rule fixtures (test/fixtures/rules/workflow-*)', await fixtureSet());
console.log('\nThe labelled corpus (bench/workflow-corpus): npm run bench:workflow-accuracy');
await timing();
