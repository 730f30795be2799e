// Before/after timing of the secret and content rules, alternating two builds in one process on the
// same generated repository, so both see the same machine load:
//
//   node bench/secrets-compare.mjs --base <dir>/lib --head lib [--files 20000] [--rounds 7]
//
// <dir> is another checkout of controlgate built with `tsc -p tsconfig.json` (for example
// `git archive main | tar -x -C /tmp/base` with node_modules linked). Each round runs base then head
// (then head then base on the next round, so neither always runs second) exactly as
// `npm run bench:secrets` runs controlgate: the engine with the rules of kind secrets.scan and
// content.*. Prints the median wall and CPU time of each and their ratio.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { generateRepository } from './secrets-repo.mjs';

const { values: args } = parseArgs({
  options: {
    base: { type: 'string' },
    head: { type: 'string', default: 'lib' },
    files: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '7' },
  },
});
if (!args.base) {
  console.error(
    'usage: node bench/secrets-compare.mjs --base <dir>/lib [--head lib] [--files N] [--rounds N]',
  );
  process.exit(2);
}

async function load(lib) {
  const dir = path.resolve(lib);
  const { runCheck } = await import(path.join(dir, 'core/engine.js'));
  const { loadRules } = await import(path.join(dir, 'core/rules/load.js'));
  const ids = loadRules()
    .filter((r) => r.check.kind === 'secrets.scan' || r.check.kind.startsWith('content.'))
    .map((r) => r.id);
  return { runCheck, ids };
}

const tools = { base: await load(args.base), head: await load(args.head) };
const root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-bench-compare-'));
try {
  const bytes = generateRepository(root, Number(args.files));
  console.log(
    `repository: ${args.files} files, ${(bytes / 1024 / 1024).toFixed(1)} MB; ${os.cpus().length} CPUs, node ${process.version}`,
  );
  const times = { base: { wall: [], cpu: [], findings: 0 }, head: { wall: [], cpu: [], findings: 0 } };
  const once = async (name) => {
    const { runCheck, ids } = tools[name];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const report = await runCheck({ root, onlyRules: ids, failOn: 'never' });
    times[name].wall.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    times[name].cpu.push((c.user + c.system) / 1e6);
    times[name].findings = report.findings.length;
  };
  // A warm-up of each, not counted.
  await once('base');
  await once('head');
  for (const name of ['base', 'head']) {
    times[name].wall.length = 0;
    times[name].cpu.length = 0;
  }
  for (let r = 0; r < Number(args.rounds); r++) {
    const order = r % 2 === 0 ? ['base', 'head'] : ['head', 'base'];
    for (const name of order) await once(name);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`| build | wall, median of ${args.rounds} (s) | CPU, median (s) | findings |`);
  console.log('| --- | ---: | ---: | ---: |');
  for (const name of ['base', 'head']) {
    const t = times[name];
    console.log(
      `| ${name} (${args[name]}) | ${median(t.wall).toFixed(2)} | ${median(t.cpu).toFixed(2)} | ${t.findings} |`,
    );
  }
  console.log(
    `\nhead / base: wall ${(median(times.head.wall) / median(times.base.wall)).toFixed(2)}x, CPU ${(median(times.head.cpu) / median(times.base.cpu)).toFixed(2)}x; rounds: ` +
      times.base.wall.map((b, i) => `${b.toFixed(2)}/${times.head.wall[i].toFixed(2)}`).join(' '),
  );
  console.log(
    `load average: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')}`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
