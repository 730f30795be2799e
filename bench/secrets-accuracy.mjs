// Compares controlgate's secret detectors with secretlint's recommended preset on the labelled corpus
// (bench/secrets-corpus.mjs): detected secrets, missed secrets and false alarms per family, and time.
// Run after `tsc -p tsconfig.json`:  node bench/secrets-accuracy.mjs
// A line counts as detected when a tool reports anything on it; a report on an unlabelled line is a
// false alarm. secretlint is optional: `npm install --no-save @secretlint/core @secretlint/secretlint-rule-preset-recommend`.
import { performance } from 'node:perf_hooks';
import { DETECTORS } from '../lib/core/evaluators/secrets/detectors.js';
import { scanText } from '../lib/core/evaluators/secrets/scan.js';
import { buildCorpus } from './secrets-corpus.mjs';

const FAMILY = new Map(DETECTORS.map((d) => [d.id, d.family]));
/** What the built-in rules report: generic assignments only above the rule's default entropy. */
const MIN_ENTROPY = 3;

/** Lines that controlgate's secret rules would report in one file. */
export function controlgateLines(file) {
  return new Set(
    scanText(file.path, file.text)
      .filter((h) => FAMILY.get(h.detector) !== 'generic' || h.entropy >= MIN_ENTROPY)
      .map((h) => h.line),
  );
}

/** A secretlint runner, or undefined when it is not installed. */
export async function loadSecretlint() {
  try {
    const { lintSource } = await import('@secretlint/core');
    const { creator } = await import('@secretlint/secretlint-rule-preset-recommend');
    // As secretlint's own CLI does without --profile: the profiler marks every rule and file.
    const { secretLintProfiler } = await import('@secretlint/profiler');
    secretLintProfiler.setEnabled(false);
    const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }] };
    return async (file) => {
      const result = await lintSource({
        source: { filePath: `/corpus/${file.path}`, content: file.text, contentType: 'text' },
        options: { config, maskSecrets: true },
      });
      return new Set(result.messages.map((m) => m.loc.start.line));
    };
  } catch {
    return undefined;
  }
}

/** Per-family true positives, misses and false alarms of a line detector over the corpus. */
export async function judge(corpus, detect) {
  const byFamily = new Map();
  const row = (f) => {
    if (!byFamily.has(f)) byFamily.set(f, { found: 0, missed: 0 });
    return byFamily.get(f);
  };
  let falseAlarms = 0;
  const details = [];
  for (const file of corpus) {
    const lines = await detect(file);
    for (const [line, family] of file.labels) {
      if (lines.has(line)) row(family).found += 1;
      else {
        row(family).missed += 1;
        details.push(`missed ${family} ${file.path}:${line}`);
      }
    }
    for (const line of lines) {
      if (!file.labels.has(line)) {
        falseAlarms += 1;
        details.push(`false alarm ${file.path}:${line}`);
      }
    }
  }
  return { byFamily, falseAlarms, details };
}

async function timeIt(corpus, detect, rounds = 20) {
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (const file of corpus) await detect(file);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const corpus = buildCorpus();
  const tools = [['controlgate', async (f) => controlgateLines(f)]];
  const secretlint = await loadSecretlint();
  if (secretlint) tools.push(['secretlint (preset-recommend)', secretlint]);
  else console.log('secretlint is not installed; comparing controlgate alone.');
  const families = [...new Set(corpus.flatMap((f) => [...f.labels.values()]))];
  const positives = corpus.reduce((n, f) => n + f.labels.size, 0);
  console.log(`corpus: ${corpus.length} files, ${positives} labelled secrets\n`);
  console.log(`| tool | ${families.join(' | ')} | recall | false alarms | ms per corpus (median of 20) |`);
  console.log(`| --- | ${families.map(() => '---').join(' | ')} | --- | --- | --- |`);
  for (const [name, detect] of tools) {
    const { byFamily, falseAlarms, details } = await judge(corpus, detect);
    const cells = families.map((f) => {
      const r = byFamily.get(f) ?? { found: 0, missed: 0 };
      return `${r.found}/${r.found + r.missed}`;
    });
    const found = [...byFamily.values()].reduce((n, r) => n + r.found, 0);
    const ms = await timeIt(corpus, detect);
    console.log(
      `| ${name} | ${cells.join(' | ')} | ${((100 * found) / positives).toFixed(0)}% | ${falseAlarms} | ${ms.toFixed(2)} |`,
    );
    if (process.argv.includes('--details')) for (const d of details) console.log(`    ${d}`);
  }
}
