// Recall and precision of controlgate's secret detectors on the labelled corpus
// (bench/secrets-corpus.mjs), per family, compared with secretlint's recommended preset when it is
// installed. Run after `tsc -p tsconfig.json`:  node bench/secrets-accuracy.mjs [--details]
// A labelled line counts as found when a tool reports anything on it; a report on a decoy line is a
// false alarm (the false-alarm rate is over the decoy lines), and so is one on any other line.
// controlgate counts what its rules show by default: findings of medium or high confidence (the
// generic rule above its default entropy); `--all` counts low-confidence findings too.
import { performance } from 'node:perf_hooks';
import { signCrc32Base62 } from '../lib/core/evaluators/secrets/checksums.js';
import { DETECTORS } from '../lib/core/evaluators/secrets/detectors.js';
import { expandExample, syntheticKey } from '../lib/core/evaluators/secrets/examples.js';
import { PROVIDERS } from '../lib/core/evaluators/secrets/providers/index.js';
import { scanText } from '../lib/core/evaluators/secrets/scan.js';
import { buildCorpus } from './secrets-corpus.mjs';

const FAMILY = new Map(DETECTORS.map((d) => [d.id, d.family]));
/** What the built-in rules report: generic assignments only above the rule's default entropy. */
const MIN_ENTROPY = 3;
const ALL = process.argv.includes('--all');

/** The detector data the corpus is built from. */
export const LIB = { providers: PROVIDERS, expandExample, syntheticKey, signCrc32Base62 };

/** Lines that controlgate's secret rules would report in one file. */
export function controlgateLines(file) {
  return new Set(
    scanText(file.path, file.text)
      .filter((h) => FAMILY.get(h.detector) !== 'generic' || h.entropy >= MIN_ENTROPY)
      .filter((h) => ALL || h.confidence !== 'low')
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

/** Per-family true positives and misses, false alarms on decoys and elsewhere, of a line detector. */
export async function judge(corpus, detect) {
  const byFamily = new Map();
  const row = (f) => {
    if (!byFamily.has(f)) byFamily.set(f, { found: 0, missed: 0 });
    return byFamily.get(f);
  };
  const byDecoy = new Map();
  let decoyAlarms = 0;
  let otherAlarms = 0;
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
    for (const [line, kind] of file.decoys) {
      if (!byDecoy.has(kind)) byDecoy.set(kind, { lines: 0, alarms: 0 });
      byDecoy.get(kind).lines += 1;
      if (lines.has(line)) {
        byDecoy.get(kind).alarms += 1;
        decoyAlarms += 1;
        details.push(`false alarm (${kind}) ${file.path}:${line}`);
      }
    }
    for (const line of lines) {
      if (!file.labels.has(line) && !file.decoys.has(line)) {
        otherAlarms += 1;
        details.push(`false alarm (unlabelled line) ${file.path}:${line}`);
      }
    }
  }
  return { byFamily, byDecoy, decoyAlarms, otherAlarms, details };
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
  const corpus = buildCorpus(LIB);
  const tools = [['controlgate', async (f) => controlgateLines(f)]];
  const secretlint = await loadSecretlint();
  if (secretlint) tools.push(['secretlint (preset-recommend)', secretlint]);
  else console.log('secretlint is not installed; comparing controlgate alone.');
  const families = [...new Set(corpus.flatMap((f) => [...f.labels.values()]))];
  const positives = corpus.reduce((n, f) => n + f.labels.size, 0);
  const decoys = corpus.reduce((n, f) => n + f.decoys.size, 0);
  const kinds = new Set(
    corpus.flatMap((f) =>
      scanText(f.path, f.text)
        .filter((h) => f.labels.has(h.line))
        .map((h) => h.detector),
    ),
  );
  console.log(
    `corpus: ${corpus.length} files, ${positives} labelled secrets (${PROVIDERS.length} issuer kinds from the detector data, ${kinds.size} detectors find them), ${decoys} decoys\n`,
  );
  console.log(
    `| tool | ${families.join(' | ')} | recall | precision | false alarms on decoys | other false alarms | ms per corpus |`,
  );
  console.log(`| --- | ${families.map(() => '---').join(' | ')} | --- | --- | --- | --- | --- |`);
  for (const [name, detect] of tools) {
    const { byFamily, byDecoy, decoyAlarms, otherAlarms, details } = await judge(corpus, detect);
    const cells = families.map((f) => {
      const r = byFamily.get(f) ?? { found: 0, missed: 0 };
      return `${r.found}/${r.found + r.missed}`;
    });
    const found = [...byFamily.values()].reduce((n, r) => n + r.found, 0);
    const precision = found / (found + decoyAlarms + otherAlarms);
    const ms = await timeIt(corpus, detect);
    console.log(
      `| ${name} | ${cells.join(' | ')} | ${((100 * found) / positives).toFixed(1)}% | ${(100 * precision).toFixed(1)}% | ${decoyAlarms}/${decoys} (${((100 * decoyAlarms) / decoys).toFixed(1)}%) | ${otherAlarms} | ${ms.toFixed(1)} |`,
    );
    if (process.argv.includes('--details')) {
      console.log(`    decoys: ${[...byDecoy].map(([k, v]) => `${k} ${v.alarms}/${v.lines}`).join(', ')}`);
      for (const d of details) console.log(`    ${d}`);
    }
  }
}
