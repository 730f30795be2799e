// Benchmark of the secret and content rules against ripgrep (and secretlint, when installed) on a
// generated repository. Not a test: `npm run bench:secrets` (it compiles src/ to lib/ first).
//
//   node bench/secrets.mjs [--files 20000] [--runs 5] [--rg-runs 3] [--rg-single-thread] [--keep]
//
// The repository is generated from a fixed seed (the same files on every machine) in a temporary
// directory: source files, configuration, Dockerfiles, scripts and documents, with a few dozen
// planted secrets whose random parts come from the seeded generator (test data, never credentials).
// Each tool runs `--runs` times over the same files in this one process; the median wall time is
// reported with files/s, MB/s and the ratio to ripgrep, and the median CPU time (user + system) with
// its ratio, which is steadier on a shared machine. ripgrep runs the equivalent patterns (every
// detector and content-rule pattern, PCRE2) over the same files and counts matching lines; it also
// runs them on its default engine with look-arounds removed (a superset, so no less work).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runCheck } from '../lib/core/engine.js';
import { DETECTORS } from '../lib/core/evaluators/secrets/detectors.js';
import { PROVIDERS } from '../lib/core/evaluators/secrets/providers/index.js';
import { loadRules } from '../lib/core/rules/load.js';
import { detectorSource, withFixedLookbehinds } from './secret-patterns.mjs';
import { generateRepository } from './secrets-repo.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const FILES = arg('files', 20_000);
const RUNS = Math.max(5, arg('runs', 5));
// ripgrep runs 180+ patterns; with PCRE2 a run takes tens of seconds on a busy 2-CPU machine, so it is
// timed fewer times, and the single-thread rows are only run with --rg-single-thread.
const RG_RUNS = Math.max(1, arg('rg-runs', 3));
const RG_SINGLE_THREAD = process.argv.includes('--rg-single-thread');

// ---------------------------------------------------------------------------------------------------
// The tools

const rules = loadRules().filter(
  (r) => r.check.kind === 'secrets.scan' || r.check.kind.startsWith('content.'),
);

/** Every detector and content-rule pattern as a PCRE2 pattern (ripgrep -P), one per line. */
function rgPatterns() {
  const out = [];
  // Issuer tokens: the detector data's own patterns (JavaScript syntax that PCRE2 reads the same).
  for (const p of PROVIDERS) out.push(`${p.pattern.flags.includes('i') ? '(?i)' : ''}${p.pattern.source}`);
  const providers = new Set(PROVIDERS.map((p) => p.id));
  for (const d of DETECTORS) if (!providers.has(d.id)) out.push(detectorSource(d));
  for (const r of rules.filter((r) => r.check.kind === 'content.forbidden')) {
    for (const p of r.check.with.patterns) {
      const spec = typeof p === 'string' ? { pattern: p } : p;
      out.push(`${spec.flags?.includes('i') ? '(?i)' : ''}${withFixedLookbehinds(spec.pattern)}`);
    }
  }
  return out;
}

/**
 * The pattern without look-around groups, for ripgrep's default (finite-automaton) engine, which
 * has none: it then matches a superset of what the original matches, so it does at least the work.
 */
function withoutLookarounds(source) {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '\\') {
      // ripgrep 13's default engine refuses escapes of characters that are not special (`\/`).
      const next = source[i + 1];
      out += next === '/' || next === '"' || next === "'" ? next : source.slice(i, i + 2);
      i++;
      continue;
    }
    // Named groups: the default engine spells them (?P<name>...).
    if (source.startsWith('(?<', i) && !/^\(\?<[!=]/.test(source.slice(i, i + 4))) {
      out += '(?P<';
      i += 2;
      continue;
    }
    const head = source.slice(i, i + 4);
    if (!/^\(\?(?:<[!=]|[!=])/.test(head)) {
      out += source[i];
      continue;
    }
    // Skip to the matching parenthesis, minding escapes and character classes.
    let depth = 0;
    let inClass = false;
    for (; i < source.length; i++) {
      const c = source[i];
      if (c === '\\') i++;
      else if (inClass) inClass = c !== ']';
      else if (c === '[') inClass = true;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
    }
  }
  return out;
}

function hasRipgrep() {
  return spawnSync('rg', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function loadSecretlint() {
  try {
    const { lintSource } = await import('@secretlint/core');
    const { creator } = await import('@secretlint/secretlint-rule-preset-recommend');
    // As secretlint's own CLI does without --profile: the profiler marks every rule and file.
    const { secretLintProfiler } = await import('@secretlint/profiler');
    secretLintProfiler.setEnabled(false);
    return {
      lintSource,
      config: { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] },
    };
  } catch {
    return undefined;
  }
}

/**
 * Median wall time and CPU time (user + system) of `runs` runs. In-process work is measured with
 * process.cpuUsage; a child process reports its own CPU time as `{ result, cpu }`.
 */
async function median(runs, fn) {
  const walls = [];
  const cpus = [];
  let result;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await fn();
    walls.push((performance.now() - t0) / 1000);
    const own = process.cpuUsage(c0);
    if (out && typeof out === 'object' && 'cpu' in out) {
      cpus.push(out.cpu);
      result = out.result;
    } else {
      cpus.push((own.user + own.system) / 1e6);
      result = out;
    }
  }
  const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { seconds: mid(walls), cpu: mid(cpus), result };
}

/** GNU time, to read a child's CPU time; ripgrep's CPU column is empty without it. */
const GNU_TIME = spawnSync('/usr/bin/time', ['-f', '%U', 'true'], { stdio: 'ignore' }).status === 0;

// ---------------------------------------------------------------------------------------------------

const root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-bench-secrets-'));
try {
  const bytes = generateRepository(root, FILES);
  const mb = bytes / 1024 / 1024;
  console.log(`repository: ${FILES} files, ${mb.toFixed(1)} MB in ${root}`);
  console.log(
    `machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), node ${process.version}, ${process.platform}`,
  );
  console.log(`rules: ${rules.map((r) => r.id).join(', ')}\n`);

  const results = [];
  const engine = await median(RUNS, () =>
    runCheck({ root, onlyRules: rules.map((r) => r.id), failOn: 'never' }),
  );
  results.push([
    'controlgate (secrets + content rules, engine)',
    engine.seconds,
    `${engine.result.findings.length} findings`,
    engine.cpu,
  ]);

  if (hasRipgrep()) {
    const patternFile = path.join(os.tmpdir(), `controlgate-bench-patterns-${process.pid}.txt`);
    writeFileSync(patternFile, `${rgPatterns().join('\n')}\n`);
    const autoFile = path.join(os.tmpdir(), `controlgate-bench-patterns-auto-${process.pid}.txt`);
    writeFileSync(autoFile, `${rgPatterns().map(withoutLookarounds).join('\n')}\n`);
    const rg = (threads, file, pcre) => () => {
      const args = [
        ...(pcre ? ['-P'] : []),
        '--no-ignore',
        '--hidden',
        '-c',
        '-j',
        String(threads),
        '-f',
        file,
        '.',
      ];
      const [cmd, argv] = GNU_TIME ? ['/usr/bin/time', ['-f', 'cpu %U %S', 'rg', ...args]] : ['rg', args];
      const r = spawnSync(cmd, argv, { cwd: root, maxBuffer: 256 * 1024 * 1024 });
      if (r.status !== 0 && r.status !== 1) throw new Error(`rg failed: ${r.stderr}`);
      const lines = r.stdout
        .toString()
        .split('\n')
        .filter(Boolean)
        .reduce((n, l) => n + Number(l.split(':').pop()), 0);
      const cpu = /cpu ([\d.]+) ([\d.]+)/.exec(r.stderr.toString());
      return cpu
        ? { result: lines, cpu: Number(cpu[1]) + Number(cpu[2]) }
        : { result: lines, cpu: Number.NaN };
    };
    const cpus = os.cpus().length;
    const version = execFileSync('rg', ['--version']).toString().split('\n')[0].split(' ')[1];
    for (const [label, threads, file, pcre] of [
      [`ripgrep ${version} -P, same patterns (${cpus} threads)`, cpus, patternFile, true],
      ...(RG_SINGLE_THREAD ? [['ripgrep -P, same patterns (1 thread)', 1, patternFile, true]] : []),
      [`ripgrep default engine, look-arounds removed (${cpus} threads)`, cpus, autoFile, false],
      ...(RG_SINGLE_THREAD
        ? [['ripgrep default engine, look-arounds removed (1 thread)', 1, autoFile, false]]
        : []),
    ]) {
      const r = await median(RG_RUNS, rg(threads, file, pcre));
      results.push([label, r.seconds, `${r.result} matching lines`, r.cpu]);
    }
    rmSync(patternFile, { force: true });
    rmSync(autoFile, { force: true });
  } else {
    console.log(
      'ripgrep (rg) is not installed: `apt-get install -y ripgrep` (Debian/Ubuntu) or see https://github.com/BurntSushi/ripgrep#installation\n',
    );
  }

  const secretlint = await loadSecretlint();
  if (secretlint) {
    const files = execFileSync('find', ['.', '-type', 'f'], { cwd: root, maxBuffer: 64 * 1024 * 1024 })
      .toString()
      .split('\n')
      .filter(Boolean);
    const sl = await median(RUNS, async () => {
      let found = 0;
      for (const f of files) {
        const content = readFileSync(path.join(root, f), 'utf8');
        const out = await secretlint.lintSource({
          source: { filePath: path.join(root, f), content, contentType: 'text' },
          options: { config: secretlint.config, maskSecrets: true },
        });
        found += out.messages.length;
      }
      return found;
    });
    results.push([
      'secretlint preset-recommend (lintSource per file)',
      sl.seconds,
      `${sl.result} findings`,
      sl.cpu,
    ]);
  } else {
    console.log(
      'secretlint is not installed (npm install --no-save @secretlint/core @secretlint/secretlint-rule-preset-recommend)\n',
    );
  }

  // The ratio is to ripgrep running the same patterns with all the machine's threads.
  const rgTime = results.find((r) => r[0].startsWith('ripgrep'))?.[1];
  const rgCpu = results.find((r) => r[0].startsWith('ripgrep'))?.[3];
  console.log(
    `| tool | wall, median of ${RUNS} (s) | files/s | MB/s | wall / ripgrep | CPU (s) | CPU / ripgrep | output |`,
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const [name, s, out, cpu] of results) {
    const ratio = rgTime ? `${(s / rgTime).toFixed(2)}x` : 'n/a';
    const cpuRatio = rgCpu && Number.isFinite(cpu) ? `${(cpu / rgCpu).toFixed(2)}x` : 'n/a';
    console.log(
      `| ${name} | ${s.toFixed(2)} | ${Math.round(FILES / s).toLocaleString('en')} | ${(mb / s).toFixed(1)} | ${ratio} | ${Number.isFinite(cpu) ? cpu.toFixed(2) : 'n/a'} | ${cpuRatio} | ${out} |`,
    );
  }
  console.log(
    `\nload average during the run: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')}`,
  );
} finally {
  if (process.argv.includes('--keep')) console.log(`kept ${root}`);
  else rmSync(root, { recursive: true, force: true });
}
