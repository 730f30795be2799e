import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../src/core/rules/load.js';
import {
  evaluateSlice,
  SLICE_POLICY,
  type SliceJob,
  SliceQueue,
  sliceFiles,
  sliceThreads,
  type WorkerMessage,
} from '../../src/core/slices.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import {
  type ActionRun,
  buildPrivateBundle,
  commandLines,
  fixtureRule,
  makeTree,
  removeTempDirs,
  runAction,
} from '../helpers/run-action.js';

// Every test runs the bundle the Action ships, rebuilt once from the current sources into a private
// directory: the checkout's dist/ is never deleted or rewritten while the suite runs.
let entry = '';
/** The checkout's dist/ before and after the build: `npm test` must not delete or rewrite it. */
const distStamps: { before?: string; after?: string } = {};
function stampDist(): string {
  const dist = path.join(REPO_ROOT, 'dist');
  if (!existsSync(dist)) return 'no dist/';
  return readdirSync(dist, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((f) => `${f} ${statSync(path.join(dist, f)).mtimeMs}`)
    .join('\n');
}
beforeAll(() => {
  distStamps.before = stampDist();
  entry = buildPrivateBundle({ cli: true });
  distStamps.after = stampDist();
}, 180_000);

it("builds into a private directory and leaves the checkout's dist/ as it was", () => {
  expect(entry.startsWith(path.join(REPO_ROOT, 'dist'))).toBe(false);
  for (const file of [
    'index.js',
    'cli.js',
    path.join('cli', 'index.js'),
    'builtin-rules.json',
    'licenses.txt',
  ])
    expect(existsSync(path.join(path.dirname(entry), file)), file).toBe(true);
  expect(distStamps.after).toBe(distStamps.before);
});

it('loads the libraries a run may not need from files of their own, kept once beside the CLI, and only when a run needs them', () => {
  const built = path.dirname(path.dirname(entry));
  for (const name of ['ajv.cjs', 'dockerfile-ast.cjs', 'ignore.cjs', 'js-yaml.cjs', 'smol-toml.cjs']) {
    expect(existsSync(path.join(built, 'dist', name)), name).toBe(false);
    expect(existsSync(path.join(built, 'dist', 'cli', name)), `cli/${name}`).toBe(true);
  }
  // A copy of the bundle without some of them, its data beside it as in the Action's checkout.
  const without = (...names: string[]) => {
    const copy = makeTree({}, 'controlgate-dist-');
    cpSync(path.join(built, 'dist'), path.join(copy, 'dist'), {
      recursive: true,
      filter: (f) => !names.includes(path.basename(f)),
    });
    for (const data of ['rules', 'schemas', 'data'])
      cpSync(path.join(REPO_ROOT, data), path.join(copy, data), { recursive: true });
    return path.join(copy, 'dist', 'index.js');
  };
  const run = (bundle: string, tree: string) => {
    const r = spawnSync(process.execPath, [bundle], {
      cwd: tree,
      env: { PATH: process.env.PATH, INPUT_PATH: tree, 'INPUT_FAIL-ON': 'never', GITHUB_WORKSPACE: tree },
      encoding: 'utf8',
    });
    return { code: r.status, output: r.stdout + r.stderr };
  };
  // Nothing to validate or parse, no .gitignore to read: the run asks for none of them.
  const empty = run(
    without('ajv.cjs', 'dockerfile-ast.cjs', 'ignore.cjs', 'js-yaml.cjs', 'smol-toml.cjs'),
    makeTree({}),
  );
  expect(empty.code).toBe(0);
  expect(empty.output).not.toContain('.cjs');
  // Each library is asked for by what needs it, and by nothing else.
  const cases: [string, Record<string, string>][] = [
    ['js-yaml', { '.github/workflows/ci.yml': 'on: push\njobs: {}\n' }],
    ['ajv', { '.controlgate.yml': 'version: 1\n' }],
    ['ignore', { '.gitignore': 'build/\n' }],
    ['dockerfile-ast', { Dockerfile: 'FROM alpine:3.20\nUSER 10001\n' }],
    ['smol-toml', { 'Cargo.toml': '[package]\nname = "a"\n', 'Cargo.lock': 'version = 3\n' }],
  ];
  for (const [name, files] of cases) {
    const tree = makeTree(files);
    expect(run(without(`${name}.cjs`), tree).output, name).toContain(`Cannot find module '${name}'`);
    const whole = run(without(), tree);
    expect(whole.output, name).not.toContain('Cannot find module');
  }
});

it("keeps each chunk the CLI's bundle also has once: the Action's re-exports it, and loads it on demand", async () => {
  const built = path.dirname(entry);
  // The HCL parser, its WebAssembly runtime and the package-URL library are loaded on demand by both.
  const chunks = readdirSync(built).filter((f) => /^\d+\.index\.js$/.test(f));
  const shared = chunks.filter((f) => readFileSync(path.join(built, f), 'utf8').startsWith('export * from'));
  expect(shared.length).toBeGreaterThan(0);
  for (const chunk of shared) {
    expect(readFileSync(path.join(built, chunk), 'utf8')).toBe(`export * from './cli/${chunk}';\n`);
    expect(existsSync(path.join(built, 'cli', chunk)), chunk).toBe(true);
  }
  // No chunk is left twice.
  for (const chunk of chunks.filter((f) => !shared.includes(f))) {
    const cli = path.join(built, 'cli', chunk);
    if (existsSync(cli))
      expect(readFileSync(cli).equals(readFileSync(path.join(built, chunk))), chunk).toBe(false);
  }
  const workspace = makeTree({
    'infra/main.tf': 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n',
    'web/package.json': '{ "name": "web", "version": "1.0.0", "dependencies": { "left": "1.0.0" } }\n',
    'web/package-lock.json': `${JSON.stringify({
      name: 'web',
      version: '1.0.0',
      lockfileVersion: 3,
      packages: {
        '': { name: 'web', version: '1.0.0', dependencies: { left: '1.0.0' } },
        'node_modules/left': { version: '1.0.0', license: 'AGPL-3.0-only' },
      },
    })}\n`,
  });
  const r = await runAction({ workspace, inputs: { 'fail-on': 'never' } });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout + r.stderr).not.toMatch(/Cannot find module|not parsed|could not be read/i);
  // The bucket without encryption (Terraform parsed) and the AGPL package (its purl computed).
  const at = (file: string) => annotations(r).filter((l) => l.includes(`file=${file},`));
  expect(
    at('infra/main.tf').some((l) => l.includes('aws_s3_bucket "logs" has no server-side encryption')),
  ).toBe(true);
  expect(at('web/package-lock.json').some((l) => l.includes('AGPL-3.0-only'))).toBe(true);
});

afterAll(removeTempDirs);

/** Ids of every built-in rule, read from the rules/ the bundle loads at run time. */
function builtinRuleIds(dir = path.join(REPO_ROOT, 'rules')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? builtinRuleIds(path.join(dir, e.name))
      : /\.ya?ml$/.test(e.name)
        ? [e.name.replace(/\.ya?ml$/, '')]
        : [],
  );
}

/**
 * A `.controlgate.yml` that turns off every built-in rule, so a fixture's findings are exactly the
 * ones its custom rules were written to produce, however the built-in rule set grows.
 */
function customRulesOnlyConfig(extra = ''): string {
  const off = builtinRuleIds()
    .sort()
    .map((id) => `  ${id}: off`);
  return `version: 1\n${extra}rules:\n${off.join('\n')}\n`;
}

const rule = (id: string, severity: string, title: string, pattern: string, message: string) =>
  fixtureRule(id, severity, title, pattern, message, ['8.28', '8.25']);

/** Three custom rules, one per annotation level under `fail-on: high`. */
const POLICY = {
  'policy/debug-backdoor.yml': rule(
    'debug-backdoor',
    'high',
    'No debug backdoors ship',
    'DEBUG_BACKDOOR',
    'Debug backdoor switch found.',
  ),
  'policy/security-todo.yml': rule(
    'security-todo',
    'medium',
    'No open security TODOs',
    'TODO\\(security\\)',
    'Unresolved security TODO.',
  ),
  'policy/plain-http.yml': rule(
    'plain-http',
    'low',
    'No plain HTTP URLs',
    'http://[a-z.]+',
    'Plain HTTP URL.',
  ),
};

const APP_JS = [
  '// payments entry point',
  "const auth = require('./auth');",
  'if (process.env.DEBUG_BACKDOOR) auth.skip();',
  '// TODO(security): validate the amount',
  "fetch('http://scoring.internal/score');",
  '',
].join('\n');

/** A repository with exactly one high, one medium and one low finding in src/app.js. */
function knownFindingsRepo(extraFiles: Record<string, string> = {}): string {
  return makeTree({
    '.controlgate.yml': customRulesOnlyConfig(),
    ...POLICY,
    'src/app.js': APP_JS,
    ...extraFiles,
  });
}

const TITLE_HIGH = 'title=[high] No debug backdoors ship (controls 8.28%2C 8.25)';
const TITLE_MEDIUM = 'title=[medium] No open security TODOs (controls 8.28%2C 8.25)';
const TITLE_LOW = 'title=[low] No plain HTTP URLs (controls 8.28%2C 8.25)';
const MSG_HIGH = 'Debug backdoor switch found.%0A%0AFix: Remove the debug backdoor.';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function annotations(r: ActionRun): string[] {
  return commandLines(r).filter((l) => /^::(error|warning|notice)[ :]/.test(l));
}

describe('Action: annotations', () => {
  it('emits one exact workflow command per finding, by level, then the gate error', async () => {
    const r = await runAction({
      workspace: knownFindingsRepo(),
      inputs: { rules: 'policy', 'fail-on': 'high' },
    });
    expect(r.code).toBe(1);
    expect(annotations(r)).toEqual([
      `::error ${TITLE_HIGH},file=src/app.js,line=3,endLine=3,col=17,endColumn=30::${MSG_HIGH}`,
      `::warning ${TITLE_MEDIUM},file=src/app.js,line=4,endLine=4,col=4,endColumn=17::Unresolved security TODO.%0A%0AFix: Remove the security todo.`,
      `::notice ${TITLE_LOW},file=src/app.js,line=5,endLine=5,col=8,endColumn=30::Plain HTTP URL.%0A%0AFix: Remove the plain http.`,
      '::error::controlgate gate failed: 1 open finding at or above "high" (1 high)',
    ]);
  });

  it('prefixes file paths with `path` so they stay relative to the repository, in SARIF too', async () => {
    const workspace = makeTree({});
    const sub = path.join(workspace, 'services', 'api');
    cpSync(knownFindingsRepo(), sub, { recursive: true });
    const r = await runAction({
      workspace,
      inputs: {
        path: 'services/api',
        rules: 'services/api/policy',
        config: 'services/api/.controlgate.yml',
        'fail-on': 'never',
        'sarif-file': 'cg.sarif',
      },
    });
    expect(r.code).toBe(0);
    expect(annotations(r)[0]).toBe(
      `::warning ${TITLE_HIGH},file=services/api/src/app.js,line=3,endLine=3,col=17,endColumn=30::${MSG_HIGH}`,
    );
    const sarif = JSON.parse(readFileSync(path.join(workspace, 'cg.sarif'), 'utf8'));
    expect(
      sarif.runs[0].results.map(
        (x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
          x.locations[0]!.physicalLocation.artifactLocation.uri,
      ),
    ).toEqual(['services/api/src/app.js', 'services/api/src/app.js', 'services/api/src/app.js']);
  });

  it('puts a repository-level SARIF result on the configuration, else on the workflow running the step', async () => {
    // Without a token the owner's default policy is unread and the finding a guess: the auditor sees it.
    const onlySecurityPolicy = customRulesOnlyConfig('persona: auditor\n').replace(
      '  security-policy: off\n',
      '',
    );
    const uriOf = (file: string) => {
      const sarif = JSON.parse(readFileSync(file, 'utf8'));
      const results = sarif.runs[0].results as {
        ruleId: string;
        properties: { repositoryLevel?: boolean };
        locations: {
          physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
        }[];
      }[];
      expect(results.map((x) => [x.ruleId, x.properties.repositoryLevel])).toEqual([
        ['security-policy', true],
      ]);
      return [
        results[0]!.locations[0]!.physicalLocation.artifactLocation.uri,
        results[0]!.locations[0]!.physicalLocation.region.startLine,
      ];
    };
    const configured = makeTree({ '.controlgate.yml': onlySecurityPolicy, 'README.md': 'hi\n' });
    const a = await runAction({
      workspace: configured,
      inputs: { 'fail-on': 'never', 'sarif-file': 'cg.sarif' },
    });
    expect(a.code).toBe(0);
    expect(uriOf(path.join(configured, 'cg.sarif'))).toEqual(['.controlgate.yml', 1]);
    // The configuration lives outside the checkout: the workflow file that runs the step is next.
    const elsewhere = makeTree({ 'controlgate.yml': onlySecurityPolicy });
    const workspace = makeTree({ '.github/workflows/gate.yml': 'on: push\n', 'README.md': 'hi\n' });
    const b = await runAction({
      workspace,
      inputs: {
        'fail-on': 'never',
        'sarif-file': 'cg.sarif',
        config: path.join(elsewhere, 'controlgate.yml'),
      },
      env: { GITHUB_WORKFLOW_REF: 'acme/payments-api/.github/workflows/gate.yml@refs/heads/main' },
    });
    expect(b.code).toBe(0);
    expect(uriOf(path.join(workspace, 'cg.sarif'))).toEqual(['.github/workflows/gate.yml', 1]);
  });

  it('shows 10 per level, then one notice counting the rest', async () => {
    const many = Array.from({ length: 12 }, (_, i) => `flag${i} = DEBUG_BACKDOOR;`).join('\n');
    const workspace = knownFindingsRepo({ 'src/app.js': `${many}\n` });
    const r = await runAction({ workspace, inputs: { rules: 'policy', 'fail-on': 'never' } });
    expect(r.code).toBe(0);
    const lines = annotations(r);
    expect(lines.filter((l) => l.startsWith('::warning '))).toHaveLength(10);
    expect(lines.at(-1)).toBe(
      '::notice title=controlgate%3A more findings::2 more findings not shown as annotations (0 errors, 2 warnings, 0 notices); see the job summary',
    );
    expect(lines).toHaveLength(11);
  });

  it('keeps an error slot for the gate message when blocking findings overflow', async () => {
    const many = Array.from({ length: 12 }, (_, i) => `flag${i} = DEBUG_BACKDOOR;`).join('\n');
    const workspace = knownFindingsRepo({ 'src/app.js': `${many}\n` });
    const r = await runAction({ workspace, inputs: { rules: 'policy', 'fail-on': 'high' } });
    expect(r.code).toBe(1);
    const errors = commandLines(r, 'error');
    expect(errors).toHaveLength(10);
    expect(errors.at(-1)).toBe(
      '::error::controlgate gate failed: 12 open findings at or above "high" (12 high)',
    );
    expect(commandLines(r, 'notice')).toEqual([
      '::notice title=controlgate%3A more findings::3 more findings not shown as annotations (3 errors, 0 warnings, 0 notices); see the job summary',
    ]);
  });

  it('leaves room for engine warnings: they and the overflow notice stay within the limit', async () => {
    const many = Array.from({ length: 12 }, (_, i) => `flag${i} = DEBUG_BACKDOOR;`).join('\n');
    const workspace = knownFindingsRepo({
      '.controlgate.yml': `${customRulesOnlyConfig()}  no-such-rule: off\n`,
      'src/app.js': `${many}\n`,
    });
    const r = await runAction({ workspace, inputs: { rules: 'policy', 'fail-on': 'never' } });
    expect(r.code).toBe(0);
    const warnings = commandLines(r, 'warning');
    expect(warnings).toHaveLength(10);
    expect(warnings[0]).toBe(
      '::warning::.controlgate.yml: /rules/no-such-rule: no rule has this id; the setting is ignored',
    );
    expect(commandLines(r, 'notice')).toEqual([
      '::notice title=controlgate%3A more findings::3 more findings not shown as annotations (0 errors, 3 warnings, 0 notices); see the job summary',
    ]);
  });

  it('emits no finding annotations with `annotations: false`', async () => {
    const r = await runAction({
      workspace: knownFindingsRepo(),
      inputs: { rules: 'policy', 'fail-on': 'high', annotations: 'false' },
    });
    expect(r.code).toBe(1);
    expect(annotations(r)).toEqual([
      '::error::controlgate gate failed: 1 open finding at or above "high" (1 high)',
    ]);
  });
});

describe('Action: hostile file names', () => {
  const HOSTILE = 'src/50%,off:[x]<b>bold</b>|@admin`.js';

  it('escapes %, comma and colon in annotation properties', async () => {
    const workspace = makeTree({
      '.controlgate.yml': customRulesOnlyConfig(),
      ...POLICY,
      [HOSTILE]: 'x = DEBUG_BACKDOOR;\n',
    });
    const r = await runAction({ workspace, inputs: { rules: 'policy', 'fail-on': 'never' } });
    expect(annotations(r)).toEqual([
      `::warning ${TITLE_HIGH},file=src/50%25%2Coff%3A[x]<b>bold</b>|@admin\`.js,line=1,endLine=1,col=5,endColumn=18::${MSG_HIGH}`,
    ]);
  });

  it('keeps the job summary well-formed: the name stays inert, in one table cell', async () => {
    const workspace = makeTree({
      '.controlgate.yml': customRulesOnlyConfig(),
      ...POLICY,
      [HOSTILE]: 'x = DEBUG_BACKDOOR;\n',
    });
    const r = await runAction({ workspace, inputs: { rules: 'policy', 'fail-on': 'never' } });
    const header = r.summary.split('\n').find((l) => l.startsWith('| Severity |'))!;
    const row = r.summary.split('\n').find((l) => l.startsWith('| ') && l.includes('50%'));
    const cells = (line: string) => line.split(/(?<!\\)\|/).length;
    expect(cells(row!)).toBe(cells(header));
    expect(row).toContain(
      '| <code>src/50%,off:\\[x\\]&lt;b&gt;bold&lt;/b&gt;\\|@&#8203;admin\\`.js:1</code> |',
    );
    expect(r.summary).not.toContain('<b>');
    expect(r.summary).not.toContain('@admin');
  });

  it('never lets a line break in repository-controlled text start a workflow command', async () => {
    const workspace = makeTree({
      '.controlgate.yml': customRulesOnlyConfig(),
      'policy/evil-message.yml': rule(
        'evil-message',
        'high',
        'Evil',
        'DEBUG_BACKDOOR',
        'Bad.\n::error::pwned\n::endgroup::',
      ),
      'src/app.js': APP_JS,
    });
    const r = await runAction({ workspace, inputs: { rules: 'policy', 'fail-on': 'never' } });
    expect(r.code).toBe(0);
    // The raw text is in the log only inside the stop-commands section, where the runner ignores it.
    expect(r.stdout).toContain('pwned');
    expect(commandLines(r).filter((l) => l.includes('pwned'))).toEqual([
      '::warning title=[high] Evil (controls 8.28%2C 8.25),file=src/app.js,line=3,endLine=3,col=17,endColumn=30::Bad.%0A::error::pwned%0A::endgroup::%0A%0AFix: Remove the evil message.',
    ]);
    expect(commandLines(r, 'endgroup')).toHaveLength(1);
  });
});

describe('Action: job summary, outputs and report files', () => {
  it('writes the Markdown report, the step outputs and parseable JSON, SARIF, OSCAL and SoA files', async () => {
    const workspace = knownFindingsRepo();
    const r = await runAction({
      workspace,
      inputs: {
        rules: 'policy',
        'fail-on': 'high',
        'sarif-file': 'out/cg.sarif',
        'json-file': 'out/deep/cg.json',
        'oscal-file': 'evidence/oscal.json',
        'soa-file': 'evidence/soa.md',
      },
      env: { GITHUB_REF: 'refs/heads/main', GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '2' },
    });
    expect(r.code).toBe(1);
    expect(r.summary).toContain('## ❌ controlgate: gate failed');
    expect(r.summary).toContain('- 1 open finding at or above "high" (1 high)');
    expect(r.summary).toContain('| Control | Title | Declared | Verdict | Findings | Why |');
    expect(r.summary).toMatch(/^\| 8\.28 \| Secure coding \| not declared \| ❔ undeclared \| 3 \|/m);

    expect(r.outputs).toEqual({
      result: 'fail',
      findings: '3',
      blocking: '1',
      'sarif-file': path.join(workspace, 'out/cg.sarif'),
      'json-file': path.join(workspace, 'out/deep/cg.json'),
      'oscal-file': path.join(workspace, 'evidence/oscal.json'),
      'soa-file': path.join(workspace, 'evidence/soa.md'),
      'soa-csv-file': path.join(workspace, 'evidence/soa.csv'),
    });
    const json = JSON.parse(readFileSync(r.outputs['json-file']!, 'utf8'));
    expect(json).toMatchObject({
      version: 1,
      repository: {
        name: 'acme/payments-api',
        url: 'http://127.0.0.1:1/acme/payments-api',
        ref: 'refs/heads/main',
      },
      run: { url: 'http://127.0.0.1:1/acme/payments-api/actions/runs/4242/attempts/2' },
      summary: { findings: 3, blocking: 1, gate: { result: 'fail' } },
    });
    expect(Date.now() - Date.parse(json.run.time)).toBeLessThan(120_000);
    const oscal = JSON.parse(readFileSync(r.outputs['oscal-file']!, 'utf8'));
    expect(oscal['assessment-results'].results[0].findings).toHaveLength(93);
    expect(oscal['assessment-results'].results[0].links[0].href).toBe(json.run.url);
    expect(readFileSync(r.outputs['soa-file']!, 'utf8')).toMatch(/^# Statement of Applicability\n/);
    expect(readFileSync(r.outputs['soa-csv-file']!, 'utf8').split('\r\n')).toHaveLength(95);
    const sarif = JSON.parse(readFileSync(r.outputs['sarif-file']!, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(3);
  });

  it('leaves the file outputs empty when no file is asked for, and the summary untouched when disabled', async () => {
    const r = await runAction({
      workspace: knownFindingsRepo(),
      inputs: { rules: 'policy', 'fail-on': 'critical', 'job-summary': 'false' },
    });
    expect(r.code).toBe(0);
    expect(r.summary).toBe('');
    expect(r.outputs).toEqual({
      result: 'pass',
      findings: '3',
      blocking: '0',
      'sarif-file': '',
      'json-file': '',
      'oscal-file': '',
      'soa-file': '',
      'soa-csv-file': '',
    });
  });

  it('still passes the gate when the summary file is missing (reporting never decides the gate)', async () => {
    const r = await runAction({
      workspace: knownFindingsRepo(),
      inputs: { rules: 'policy', 'fail-on': 'never' },
      env: { GITHUB_STEP_SUMMARY: '/nonexistent/dir/summary.md' },
    });
    expect(r.code).toBe(0);
    expect(commandLines(r, 'warning').at(-1)).toMatch(
      /^::warning::controlgate could not write the job summary: /,
    );
    expect(r.outputs.result).toBe('pass');
  });
});

describe('Action: exit codes and errors', () => {
  it('exits 0 with fail-on never, even with findings', async () => {
    const r = await runAction({
      workspace: knownFindingsRepo(),
      inputs: { rules: 'policy', 'fail-on': 'never' },
    });
    expect(r.code).toBe(0);
    expect(r.outputs.result).toBe('pass');
    expect(commandLines(r, 'error')).toEqual([]);
  });

  it('exits 0 with fail-on critical when the worst finding is high', async () => {
    const r = await runAction({
      workspace: knownFindingsRepo(),
      inputs: { rules: 'policy', 'fail-on': 'critical' },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('controlgate gate passed (fail-on critical): 3 findings, none blocking');
  });

  it("uses the config file's fail-on when the input is empty", async () => {
    const workspace = makeTree({
      '.controlgate.yml': customRulesOnlyConfig('fail-on: medium\n'),
      ...POLICY,
      'src/app.js': APP_JS,
    });
    const r = await runAction({ workspace, inputs: { rules: 'policy', 'fail-on': '' } });
    expect(r.code).toBe(1);
    expect(commandLines(r, 'error').at(-1)).toBe(
      '::error::controlgate gate failed: 2 open findings at or above "medium" (1 high, 1 medium)',
    );
  });

  it('exits 1 with a one-line error naming the input for an invalid fail-on', async () => {
    const r = await runAction({ workspace: knownFindingsRepo(), inputs: { 'fail-on': 'hihg' } });
    expect(r.code).toBe(1);
    expect(commandLines(r)).toEqual([
      `::error::Input "fail-on" has an invalid value "hihg": use one of info, low, medium, high, critical, never (or leave it empty to use the config file's fail-on, else high)`,
    ]);
    expect(r.stderr).toBe('');
  });

  it('exits 1 with a one-line error for a missing path', async () => {
    const workspace = makeTree({});
    const r = await runAction({ workspace, inputs: { path: 'no/such/dir' } });
    expect(r.code).toBe(1);
    expect(commandLines(r)).toEqual([
      `::error::Input "path": directory not found: no/such/dir (resolved to ${path.join(workspace, 'no/such/dir')})`,
    ]);
  });

  it('exits 1 naming file, line and column for a broken .controlgate.yml', async () => {
    const workspace = makeTree({ '.controlgate.yml': 'version: 1\nfail-on: sometimes\n' });
    const r = await runAction({ workspace });
    expect(r.code).toBe(1);
    const [line, ...rest] = commandLines(r);
    expect(rest).toEqual([]);
    expect(line).toMatch(/^::error::invalid configuration:%0A {2}\.controlgate\.yml:2:10: \/fail-on: /);
    expect(r.stdout).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stderr).toBe('');
  });

  it('exits 1 naming file, line and pointer for a broken custom rule file', async () => {
    const broken = POLICY['policy/debug-backdoor.yml'].replace('severity: high', 'severity: severe');
    const workspace = knownFindingsRepo({ 'policy/debug-backdoor.yml': broken });
    const r = await runAction({ workspace, inputs: { rules: 'policy' } });
    expect(r.code).toBe(1);
    const file = path.join(workspace, 'policy', 'debug-backdoor.yml');
    expect(commandLines(r)).toEqual([
      expect.stringMatching(
        new RegExp(`^::error::invalid rule file:%0A  ${escapeRegExp(file)}:3:11: /severity: must be one of`),
      ),
    ]);
  });

  it('exits 1 naming file and line for a .controlgate.yml that is not YAML', async () => {
    const workspace = makeTree({ '.controlgate.yml': 'version: 1\nfail-on: [high\n' });
    const r = await runAction({ workspace });
    expect(r.code).toBe(1);
    expect(commandLines(r)).toEqual([
      expect.stringMatching(/^::error::\.controlgate\.yml:3:1: not valid YAML: /),
    ]);
  });
});

describe('Action: the demo repository', () => {
  const demo = path.join(REPO_ROOT, 'examples', 'demo-repo');

  it('is a plain directory, not a git repository (the walk, not git, indexes it)', () => {
    expect(existsSync(path.join(demo, '.git'))).toBe(false);
  });

  it('fails the gate with findings from most built-in rules, and passes what it does right', async () => {
    const out = makeTree({});
    const r = await runAction({
      workspace: demo,
      inputs: { 'json-file': path.join(out, 'report.json'), 'sarif-file': path.join(out, 'report.sarif') },
    });
    expect(r.code).toBe(1);
    expect(r.outputs.result).toBe('fail');
    const report = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.settings.failOn).toBe('high');
    const failing = new Set(report.findings.map((f: { ruleId: string }) => f.ruleId));
    for (const id of [
      'credential-file-committed',
      'workflow-unpinned-action',
      'workflow-permissions',
      'dockerfile-root-user',
      'dockerfile-base-image-unpinned',
      'lockfile-missing',
      'tls-verification-disabled',
      'gitignore-env',
      'binary-executable-committed',
    ]) {
      expect(failing, id).toContain(id);
    }
    // The signing key under test/fixtures is reported with low confidence, so it is counted, not shown.
    const results = new Map(report.rules.map((x: { id: string; result: string }) => [x.id, x.result]));
    expect(results.get('private-key-committed')).toBe('fail');
    expect(failing).not.toContain('private-key-committed');
    // So is the missing security policy: without a token the owner's default policy was not read.
    expect(results.get('security-policy')).toBe('fail');
    expect(failing).not.toContain('security-policy');
    expect(report.summary.hidden.findings).toBeGreaterThan(0);
    // The evidence rules' findings (a missing threat model, runbooks...) are for the auditor persona.
    expect(r.summary).toMatch(
      /\d+ findings? not shown \(persona regular: \d+ of low confidence, \d+ code smells?, \d+ for auditors; persona auditor shows/,
    );
    expect(results.get('security-design-documented')).toBe('fail');
    expect(failing).not.toContain('security-design-documented');
    // Done right: CODEOWNERS, Dependabot, and the Python image (pinned digest, non-root user).
    expect(results.get('codeowners-present')).toBe('pass');
    expect(results.get('dependency-update-tool')).toBe('pass');
    const paths = report.findings.map((f: { location: { path: string } | null }) => f.location?.path);
    expect(paths).not.toContain('services/fraud-scoring/Dockerfile');
    expect(r.summary).toContain('## ❌ controlgate: gate failed');
    JSON.parse(readFileSync(path.join(out, 'report.sarif'), 'utf8'));
  });
});

describe('Action: declarations', () => {
  it('reports a malformed declarations file as a located error and fails the step, whatever fail-on says', async () => {
    const workspace = knownFindingsRepo({
      '.github/controls.yml': 'version: 1\ncontrols:\n  "8.28":\n    status: done\n',
    });
    const r = await runAction({ workspace, inputs: { rules: 'policy', 'fail-on': 'never' } });
    expect(r.code).toBe(1);
    expect(r.outputs.result).toBe('fail');
    const errors = commandLines(r, 'error');
    expect(errors[0]).toMatch(
      /^::error title=\[critical\] The declarations file is valid \(control 8\.32\),file=\.github\/controls\.yml,line=4,endLine=4,col=13::\.github\/controls\.yml: \/controls\/8\.28\/status: must be one of/,
    );
    expect(errors.at(-1)).toMatch(
      /^::error::controlgate gate failed: 1 problem with the policy files \(\.github\/controls\.yml\), which always fail the gate/,
    );
    expect(r.summary).toContain(
      'The declarations file is invalid (1 problem; first at .github/controls.yml:4)',
    );
  });

  it('takes the declarations from the `controls` input and fails on a gap unless fail-on-gap is false', async () => {
    const workspace = knownFindingsRepo({
      'compliance/soa.yml': 'version: 1\ncontrols:\n  "8.28":\n    status: implemented\n',
    });
    const gap = await runAction({
      workspace,
      inputs: { rules: 'policy', 'fail-on': 'never', controls: 'compliance/soa.yml' },
    });
    expect(gap.code).toBe(1);
    expect(gap.summary).toContain('| 8.28 | Secure coding | implemented | ❌ gap | 3 |');
    const off = await runAction({
      workspace,
      inputs: { rules: 'policy', 'fail-on': 'never', controls: 'compliance/soa.yml', 'fail-on-gap': 'false' },
    });
    expect(off.code).toBe(0);
  });
});

describe('worker threads over a large tree', () => {
  // Three slices of per-file rules: secrets in the first and the last, a broken workflow.
  const files: Record<string, string> = { '.github/workflows/broken.yml': 'on: push\njobs: [unclosed\n' };
  for (let i = 0; i < 4100; i++) {
    files[`src/m${String(i).padStart(4, '0')}.py`] =
      i === 0 || i === 4099 ? 'TOKEN = "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"\n' : `x = ${i}\n`;
  }
  const cli = (tree: string, jobs: string) =>
    spawnSync(
      process.execPath,
      [
        path.join(path.dirname(entry), 'cli.js'),
        'check',
        tree,
        '--format',
        'json',
        '--jobs',
        jobs,
        '--verbose',
      ],
      { encoding: 'utf8' },
    );
  const perFile = (log: string) => log.split('\n').filter((l) => l.includes('per-file rules:'));

  it('the bundle, started as a worker thread, serves slices: what this thread makes of them', async () => {
    const tree = makeTree(files);
    const rules = loadRules([], {}).filter((r) => ['api-token-committed', 'unparsable-file'].includes(r.id));
    const workspace = new Workspace(tree);
    const job: SliceJob = {
      root: tree,
      maxFileBytes: workspace.maxFileBytes,
      files: workspace.files,
      rules,
      queue: new SliceQueue(undefined, 3).buffer,
    };
    // Nothing else takes slices: the worker must take all three, from the end.
    const worker = sliceThreads(pathToFileURL(path.join(path.dirname(entry), 'cli', 'index.js')), 2)!.spawn();
    const results: WorkerMessage[] = [];
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m) => {
        results.push(m);
        if ('done' in m) resolve();
      });
      worker.on('error', reject);
      worker.postMessage(job);
    });
    await worker.terminate();
    expect(results.map((m) => ('done' in m ? 'done' : m.slice))).toEqual([2, 1, 0, 'done']);
    const here = new Workspace(tree);
    for (const m of results) {
      if ('done' in m) continue;
      expect(m.outcomes).toEqual(
        await evaluateSlice(here, sliceFiles(here.files, m.slice), rules, SLICE_POLICY),
      );
    }
    expect(
      results.flatMap((m) => ('done' in m ? [] : m.problems.map((p) => `${m.slice} ${p.path}:${p.line}`))),
    ).toEqual(['0 .github/workflows/broken.yml:3']);
    expect(
      results.flatMap((m) =>
        'done' in m ? [] : m.outcomes.flatMap((o) => ('raw' in o ? o.raw.map((r) => r.location?.path) : [])),
      ),
    ).toEqual(['src/m4099.py', '.github/workflows/broken.yml', 'src/m0000.py']);
  }, 60_000);

  it('CLI: --jobs 2 gives the report of --jobs 1', () => {
    const tree = makeTree(files);
    const one = cli(tree, '1');
    const two = cli(tree, '2');
    expect([one.status, two.status]).toEqual([1, 1]);
    const findings = (out: string) =>
      JSON.parse(out).findings as { ruleId: string; location: { path: string } }[];
    expect(two.stdout.length).toBeGreaterThan(1000);
    expect(findings(two.stdout)).toEqual(findings(one.stdout));
    expect(
      findings(two.stdout)
        .filter((f) => f.ruleId === 'api-token-committed' || f.ruleId === 'unparsable-file')
        .map((f) => `${f.ruleId} ${f.location.path}`),
    ).toEqual([
      'unparsable-file .github/workflows/broken.yml',
      'api-token-committed src/m0000.py',
      'api-token-committed src/m4099.py',
    ]);
    expect(perFile(one.stderr)).toEqual([]);
    expect(perFile(two.stderr)).toHaveLength(1);
    expect(perFile(two.stderr)[0]).toMatch(
      /^debug: per-file rules: 3 slices, [0-3] on 1 worker thread\(s\)$/,
    );
  }, 60_000);

  it('Action: starts one worker per further CPU (at most 3) and reports what the CLI does', async () => {
    const tree = makeTree(files);
    const run = await runAction({ workspace: tree, inputs: { path: '.', 'fail-on': 'never' } });
    expect(run.code).toBe(0);
    const workers = Math.min(availableParallelism(), 4) - 1;
    expect(perFile(run.stdout)).toEqual(
      workers > 0
        ? [
            expect.stringMatching(
              new RegExp(`^::debug::per-file rules: 3 slices, [0-3] on ${workers} worker thread`),
            ),
          ]
        : [],
    );
    expect(run.outputs.findings).toBe(String(JSON.parse(cli(tree, '1').stdout).summary.findings));
  }, 60_000);
});

describe('the built-in rules beside the bundle', () => {
  /** A copy of the built bundle with a rules/ of its own, where `edit` changed one rule file. */
  function bundleWithEditedRule(edit: (text: string) => string): string {
    const dir = makeTree({});
    cpSync(path.dirname(entry), path.join(dir, 'dist'), { recursive: true });
    cpSync(path.join(REPO_ROOT, 'rules'), path.join(dir, 'rules'), { recursive: true });
    for (const data of ['schemas', 'data'])
      cpSync(path.join(REPO_ROOT, data), path.join(dir, data), { recursive: true });
    const file = path.join(dir, 'rules', 'secrets', 'jwt-committed.yml');
    writeFileSync(file, edit(readFileSync(file, 'utf8')));
    return path.join(dir, 'dist', 'cli.js');
  }
  const explain = (cli: string, env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [cli, 'explain', 'jwt-committed'], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
  const title = 'No signed JSON Web Tokens are committed';

  it('validates and uses a rule file whose size differs from the one the build validated', () => {
    const cli = bundleWithEditedRule((t) =>
      t.replace(title, 'Signed JSON Web Tokens stay out of the repository'),
    );
    expect(explain(cli).stdout).toContain('Signed JSON Web Tokens stay out of the repository');
    const broken = bundleWithEditedRule((t) => t.replace('severity: medium', 'severity: very-urgent'));
    const run = explain(broken);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('rules/secrets/jwt-committed.yml');
  });

  it('notices an edit that keeps the size with CONTROLGATE_VERIFY_RULES=1 only', () => {
    const cli = bundleWithEditedRule((t) => t.replace(title, title.toUpperCase()));
    expect(explain(cli).stdout).toContain(title);
    expect(explain(cli, { CONTROLGATE_VERIFY_RULES: '1' }).stdout).toContain(title.toUpperCase());
    // The same length, and invalid: refused when verifying.
    const broken = bundleWithEditedRule((t) => t.replace('severity: medium', 'severity: urgent'));
    const run = explain(broken, { CONTROLGATE_VERIFY_RULES: '1' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('rules/secrets/jwt-committed.yml:3:11: /severity: must be one of');
  });
});
