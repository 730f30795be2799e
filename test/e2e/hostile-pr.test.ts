/**
 * Hostile pull-request text end to end: the built bundle runs as a process against the fake GitHub
 * API with a `pull_request` payload whose title, body and branch names try workflow-command injection
 * and Markdown/HTML injection, and whose changed files have names that try the same. Asserts what a
 * user would see: the workflow commands in the step log, the job summary, the check run, the review
 * comments and the sticky comment.
 *
 * controlgate prints neither the title nor the branch names (event.ts keeps the refs, no sink shows
 * them): no output may contain them at all. File names do appear everywhere, so they are what proves
 * the escaping (escape.ts: HTML as entities, Markdown punctuation backslash-escaped, `@name` broken
 * with a zero-width space, control characters shown as escapes; src/action/commands.ts escapes commands).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGitHub } from '../helpers/fake-github.js';
import {
  type ActionRun,
  commandLines,
  fixtureRule,
  makeTree,
  removeTempDirs,
  runAction,
  snapshotBundle,
} from '../helpers/run-action.js';
import { ALL_FEATURES, apiFiles, OWNER, PR_NUMBER, prRepo, REPO } from './pr-helpers.js';

// The bundle in dist/ is current; a private copy keeps a concurrent build from pulling it away.
beforeAll(() => {
  snapshotBundle();
});
afterAll(removeTempDirs);

let fake: FakeGitHub;
beforeEach(async () => {
  fake = await FakeGitHub.start();
});
afterEach(async () => {
  await fake.close();
});

// Each hostile string carries a canary word that appears nowhere else, to search every output for it.
const TITLE =
  '::error file=x,line=1::pwnedTITLE%0A::set-output name=a::b <img src=x onerror=alert(1)> ' +
  '[click](javascript:alert(1)) @everyone\n::warning::injected <script>alert(1)</script> | a | b |';
const HEAD_REF = 'feat/::error file=x,line=1::pwnedHEADREF%0A`rm -rf`<script>alert(1)</script>|x|@everyone';
const BASE_REF = 'main%0A::warning::injectedBASEREF%25 <img src=x onerror=alert(1)>|`|@everyone';
/** The head branch's real name: git refuses `:`, spaces and control characters, not markup. */
const GIT_BRANCH = 'feat/<script>alert(1)<script>|x|%0A`id`@everyone-gitBRANCH';
const CANARIES = ['pwnedTITLE', 'pwnedHEADREF', 'injectedBASEREF', 'gitBRANCH', 'mallory'];

/** Changed files, each with one blocking finding; git accepts all of these names. */
const IMG =
  'src/<img src=x onerror=alert(1)> [click](javascript:alert(1)) @everyone |x| ::error file=x,line=1::pwned%0A.js';
const NEWLINES = 'src/a\n::warning::injected\n::set-output name=a::b\n| c | d |.js';
const SCRIPT = 'src/<script>alert(1)<\\script> `tick` **b** %25 ,: @here.js';
const HOSTILE_FILES = [IMG, NEWLINES, SCRIPT];

/** Each file's location cell as the Markdown outputs must show it (written out by hand from escape.ts's contract). */
const ESCAPED_CELLS = [
  '<code>src/&lt;img src=x onerror=alert(1)&gt; \\[click\\](javascript:alert(1)) @&#8203;everyone \\|x\\| ::error file=x,line=1::pwned%0A.js:1</code>',
  '<code>src/a\\\\n::warning::injected\\\\n::set-output name=a::b\\\\n\\| c \\| d \\|.js:1</code>',
  '<code>src/&lt;script&gt;alert(1)&lt;\\\\script&gt; \\`tick\\` \\*\\*b\\*\\* %25 ,: @&#8203;here.js:1</code>',
];

/**
 * The policy, on the base commit (where the policy is read from): the standard `src/**` rule, and the
 * same check for files directly in src/ (`*` matches a name with a line break, `**` does not).
 */
const POLICY_FILES = {
  'policy/debug-backdoor.yml': fixtureRule(
    'debug-backdoor',
    'high',
    'No debug backdoors ship',
    'DEBUG_BACKDOOR\\w*',
    'Debug backdoor switch found.',
  ),
  'policy/flat-backdoor.yml': fixtureRule(
    'flat-backdoor',
    'high',
    'No flat debug backdoors ship',
    'FLAT_BACKDOOR\\w*',
    'Flat debug backdoor switch found.',
  ).replace('paths: ["src/**"]', 'paths: ["src/*"]'),
};

function hostileEvent(info: { base: string; head: string }): Record<string, string> {
  const event = {
    action: 'synchronize',
    number: PR_NUMBER,
    pull_request: {
      number: PR_NUMBER,
      draft: false,
      title: TITLE,
      body: `${TITLE}\n\n${HEAD_REF}`,
      user: { login: 'mallory' },
      base: {
        sha: info.base,
        ref: BASE_REF,
        label: `acme:${BASE_REF}`,
        repo: { full_name: `${OWNER}/${REPO}` },
      },
      head: {
        sha: info.head,
        ref: HEAD_REF,
        label: `mallory:${HEAD_REF}`,
        repo: { full_name: `${OWNER}/${REPO}`, fork: false },
      },
    },
    repository: { full_name: `${OWNER}/${REPO}`, default_branch: 'main' },
  };
  const file = path.join(makeTree({}), 'event.json');
  writeFileSync(file, JSON.stringify(event));
  return {
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: file,
    GITHUB_API_URL: fake.url,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.example',
    // What the runner sets from the same payload.
    GITHUB_HEAD_REF: HEAD_REF,
    GITHUB_BASE_REF: BASE_REF,
    GITHUB_REF: `refs/pull/${PR_NUMBER}/merge`,
  };
}

/** A pull request adding the three hostile files; the head branch has a hostile (git-valid) name. */
async function hostileRun(): Promise<ActionRun> {
  const head: Record<string, string> = {
    [IMG]: 'x = DEBUG_BACKDOOR;\n',
    [NEWLINES]: 'x = FLAT_BACKDOOR;\n',
    [SCRIPT]: 'x = DEBUG_BACKDOOR;\n',
  };
  const repo = prRepo({ 'src/app.js': 'const a = 1;\n', ...POLICY_FILES }, head);
  repo.git('branch', '-m', 'feature', GIT_BRANCH);
  fake.state.files = apiFiles(repo);
  expect(fake.state.files.map((f) => f.filename).sort()).toEqual([...HOSTILE_FILES].sort());
  return runAction({
    workspace: repo.dir,
    inputs: { ...ALL_FEATURES, 'json-file': 'controlgate.json' },
    env: hostileEvent({ base: repo.baseSha, head: repo.headSha }),
  });
}

/** A parsed workflow command line: `::name key=value,key=value::data`, values still escaped. */
interface Command {
  name: string;
  properties: Record<string, string>;
  data: string;
}

/** The runner's command syntax; properties cannot hold a raw `:` or `,`, so the first `::` ends them. */
function parseCommand(line: string): Command {
  const m = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) throw new Error(`not a workflow command: ${line}`);
  const properties: Record<string, string> = {};
  for (const pair of m[2] ? m[2].split(',') : []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`malformed property "${pair}" in: ${line}`);
    properties[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { name: m[1]!, properties, data: m[3]! };
}

/** The runner's unescaping of a property value (`%25` last, so `%253A` stays `%3A`). */
function unescapeProperty(s: string): string {
  return s
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');
}

/**
 * Cells per row of every GFM table in `md` (a table: consecutive lines starting with `|`), counting
 * only pipes no backslash escapes, as GFM splits rows before it parses code spans or HTML.
 */
function tableShapes(md: string): number[][] {
  const shapes: number[][] = [];
  let current: number[] | undefined;
  for (const line of md.split('\n')) {
    if (!line.startsWith('|')) {
      current = undefined;
      continue;
    }
    let pipes = 0;
    for (let i = 0; i < line.length; i++) {
      if (line[i] === '\\') i++;
      else if (line[i] === '|') pipes++;
    }
    if (!current) {
      current = [];
      shapes.push(current);
    }
    current.push(pipes);
  }
  return shapes;
}

/** Assertions every Markdown output shared with readers must satisfy, whatever data it holds. */
function expectInertMarkdown(md: string, where: string): void {
  // The only raw tags are the tool's own; every `<` from data is `&lt;`.
  const tags = md.match(/<[^>]*>?/g) ?? [];
  for (const tag of tags)
    expect(tag, where).toMatch(
      /^<(\/?(code|details|summary|sub)>|!-- controlgate:(sticky path=\.|fingerprint=[0-9a-f]{32}) -->)$/,
    );
  expect(md, where).not.toMatch(/<(img|script)/i);
  // A link needs an unescaped `](`; data brackets are always `\[`, `\]`.
  expect(md, where).not.toMatch(/(^|[^\\])\]\(javascript:/m);
  // No mention notifies anyone: an @ from data is followed by a zero-width space entity.
  expect(md, where).not.toMatch(/(?<![A-Za-z0-9_`])@(everyone|here|mallory)\b/);
  // Every row of a table has as many cell separators as its header.
  for (const rows of tableShapes(md)) expect(new Set(rows).size, `${where}: ${JSON.stringify(rows)}`).toBe(1);
  // A line break in data never starts a line of its own.
  expect(md, where).not.toMatch(/^(::|\| c \| d)/m);
}

function expectNoCanary(text: string, where: string): void {
  for (const canary of CANARIES) expect(text, `${where} contains ${canary}`).not.toContain(canary);
}

describe('hostile pull-request text end to end', () => {
  it('keeps title and branch names out of every output, and every hostile file name inert', async () => {
    const r = await hostileRun();

    // The gate is what the findings say: three new blocking findings, one per file.
    expect(r.code).toBe(1);
    expect(r.outputs.result).toBe('fail');
    expect(r.outputs.blocking).toBe('3');
    expect(commandLines(r, 'error').at(-1)).toBe(
      '::error::controlgate gate failed: 3 new open findings at or above "high" (3 high)',
    );

    // Step log: no line, even inside the verbatim (stop-commands) log section, starts a command the
    // hostile text spelled out.
    for (const line of r.lines) {
      expect(line).not.toMatch(/^::(error file=x|set-output|warning::injected)/);
      expect(line).not.toMatch(/^\| c \| d/);
    }
    expect(r.stderr.split('\n').filter((l) => l.startsWith('::'))).toEqual([]);
    // Every command the runner would act on is one the tool issues, well-formed.
    const commands = commandLines(r).map(parseCommand);
    for (const c of commands) {
      expect(['add-mask', 'debug', 'group', 'endgroup', 'error', 'warning', 'notice']).toContain(c.name);
      for (const [key, value] of Object.entries(c.properties)) {
        expect(['title', 'file', 'line', 'endLine', 'col', 'endColumn']).toContain(key);
        // Every % is the start of one of the runner's escapes.
        expect(value).not.toMatch(/%(?!25|0D|0A|3A|2C)/);
      }
      expect(c.data).not.toMatch(/%(?!25|0D|0A)/);
    }
    // The annotations point at the exact files (the runner's unescaping gives the path back).
    const annotated = commands.filter((c) => c.name === 'error' && c.properties.file);
    expect(annotated.map((c) => unescapeProperty(c.properties.file!)).sort()).toEqual(
      [...HOSTILE_FILES].sort(),
    );
    expect(annotated.map((c) => c.properties.file)).toContain(
      'src/a%0A%3A%3Awarning%3A%3Ainjected%0A%3A%3Aset-output name=a%3A%3Ab%0A| c | d |.js',
    );
    // No warning: nothing about the payload was a problem.
    expect(commands.filter((c) => c.name === 'warning')).toEqual([]);

    // Job summary (Markdown): the file names in escaped form only.
    expectInertMarkdown(r.summary, 'job summary');
    for (const cell of ESCAPED_CELLS) expect(r.summary).toContain(cell);

    // Check run: Markdown text inert, annotation paths exact (GitHub matches them to files).
    expect(fake.state.checkRuns).toHaveLength(1);
    const check = fake.state.checkRuns[0]!;
    expect(check.conclusion).toBe('failure');
    expectInertMarkdown(check.output.summary ?? '', 'check run summary');
    expectInertMarkdown(check.output.text ?? '', 'check run text');
    for (const cell of ESCAPED_CELLS) expect(check.output.text).toContain(cell);
    expect((check.annotations as { path: string }[]).map((a) => a.path).sort()).toEqual(
      [...HOSTILE_FILES].sort(),
    );

    // Review: one inline comment per file, on the exact path; bodies inert.
    expect(fake.state.reviews).toHaveLength(1);
    const review = fake.state.reviews[0]!;
    expectInertMarkdown(review.body, 'review body');
    const inline = review.comments as { path: string; line: number; body: string }[];
    expect(inline.map((c) => c.path).sort()).toEqual([...HOSTILE_FILES].sort());
    for (const c of inline) expectInertMarkdown(c.body, `review comment on ${JSON.stringify(c.path)}`);

    // Sticky comment: inert, file names escaped.
    expect(fake.state.issueComments).toHaveLength(1);
    const sticky = fake.state.issueComments[0]!.body;
    expect(sticky.split('\n')[0]).toBe('<!-- controlgate:sticky path=. -->');
    expectInertMarkdown(sticky, 'sticky comment');
    for (const cell of ESCAPED_CELLS) expect(sticky).toContain(cell);

    // Title, body, author and branch names are in no output at all.
    expectNoCanary(r.stdout, 'stdout');
    expectNoCanary(r.stderr, 'stderr');
    expectNoCanary(r.summary, 'job summary');
    expectNoCanary(JSON.stringify(r.outputs), 'step outputs');
    expectNoCanary(JSON.stringify(fake.requests.map((q) => [q.path, q.query, q.body])), 'API requests');
  });

  it('a payload that is not JSON, quoted in the warning, cannot start a command of its own', async () => {
    const repo = prRepo({ 'src/app.js': 'const a = 1;\n' }, { 'src/app.js': 'const a = 2;\n' });
    const event = path.join(makeTree({}), 'event.json');
    writeFileSync(
      event,
      '\n::error file=x,line=1::pwned\n::set-output name=a::b\n::warning::injected\n<img src=x onerror=alert(1)>',
    );
    const r = await runAction({
      workspace: repo.dir,
      inputs: ALL_FEATURES,
      env: {
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event,
        GITHUB_API_URL: fake.url,
        GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
        GITHUB_SHA: repo.headSha,
      },
    });
    // The runner acts on workflow commands in stderr as well as stdout: neither may echo the payload
    // raw. (No module may parse the payload as it loads: the process would die before readEvent could
    // warn, and Node's crash report would quote the payload's line on stderr.)
    for (const line of [...r.lines, ...r.stderr.split('\n')])
      expect(line).not.toMatch(/^::(error file=x|set-output|warning::injected)/);
    expect(r.stderr).toBe('');
    // event.ts: an unreadable payload is one warning, and the run goes on as for a push (no finding).
    expect(r.code).toBe(0);
    expect(r.outputs.result).toBe('pass');
    const warnings = commandLines(r, 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^::warning::controlgate: the event payload .* could not be read: /);
    expect(warnings[0]).toMatch(/; the run goes on as for a push$/);
    // The API client does not read the payload: the run's check run is written, as on a push.
    expect(fake.log().filter((l) => l.startsWith('POST '))).toEqual([
      `POST /repos/${OWNER}/${REPO}/check-runs`,
    ]);
    expect(r.summary).not.toContain('<img');
  });

  it('checks a file whose name has a line break like any other (`src/**` must not skip it)', async () => {
    // The standard `src/**` rule, which finds the same line in the other hostile file names (first
    // test). picomatch's `**` does not match a path segment holding a line break (`*` does), so this
    // file is indexed but no rule scoped with `src/**` reads it: a pull request can hide content from
    // path-scoped rules by naming a file (or a directory, for `**/*.js`) with a line break.
    const name = 'src/a\nb.js';
    const repo = prRepo(
      { 'src/app.js': 'const a = 1;\n', ...POLICY_FILES },
      { [name]: 'x = DEBUG_BACKDOOR;\n' },
    );
    fake.state.files = apiFiles(repo);
    const r = await runAction({
      workspace: repo.dir,
      inputs: { ...ALL_FEATURES, 'check-run': 'false', 'review-comments': 'false', comment: 'false' },
      env: hostileEvent({ base: repo.baseSha, head: repo.headSha }),
    });
    const files = commandLines(r, 'error')
      .map(parseCommand)
      .flatMap((c) => (c.properties.file ? [unescapeProperty(c.properties.file)] : []));
    expect(files).toEqual([name]);
    expect(r.outputs.blocking).toBe('1');
    expect(r.code).toBe(1);
  });
});
