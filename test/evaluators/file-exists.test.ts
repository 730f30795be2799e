import { afterAll, describe, expect, it } from 'vitest';
import { RENOVATE_FILES } from '../../src/core/evaluators/deps/update-config.js';
import { fileAbsent } from '../../src/core/evaluators/generic/file-absent.js';
import { fileExists } from '../../src/core/evaluators/generic/file-exists.js';
import type { GitHubApi, GitHubResponse } from '../../src/core/github-api.js';
import { loadRules } from '../../src/core/rules/load.js';
import { at, cleanup, run, runBuiltin, withDefaults, workspaceOf } from './kit.js';

afterAll(cleanup);

const policy = {
  paths: ['.github/SECURITY.md', 'SECURITY.md', 'docs/SECURITY.md'],
  contains: { pattern: '@' },
};

describe('file.exists', () => {
  it('reports a repository-level finding when nothing matches', async () => {
    const findings = await run(
      fileExists,
      { paths: ['SECURITY.md'], message: 'Add a policy.' },
      { 'README.md': 'x' },
    );
    expect(findings).toEqual([{ message: 'Add a policy.', location: null, key: 'missing' }]);
  });

  it('passes when any candidate contains the pattern', async () => {
    expect(
      await run(fileExists, policy, { 'SECURITY.md': 'none', 'docs/SECURITY.md': 'mail sec@x.example' }),
    ).toEqual([]);
  });

  // followLinks: the line may be in a document of the repository the file links to, one hop away.
  it.each([
    ['a Markdown link', '[Security Policy](docs/security/policy.md)', 0],
    ['a link from .github/ up', '[policy](../docs/security/policy.md#report)', 0],
    ['a reference-style link', 'See [the policy].\n\n[the policy]: ./docs/security/policy.md', 0],
    ['an HTML anchor', '<a href="/docs/security/policy.md">policy</a>', 0],
    ['a link to a file that does not exist', '[policy](docs/security/missing.md)', 1],
    ['a link to a document without the line', '[notes](docs/notes.md)', 1],
    ['a link outside the root', '[policy](../../docs/security/policy.md)', 1],
    ['no link', 'Ask the maintainers.', 1],
  ])('followLinks: %s', async (name, text, count) => {
    const at = name.includes('.github/') ? '.github/SECURITY.md' : 'SECURITY.md';
    const files = {
      [at]: `# Security\n\n${text}\n`,
      'docs/security/policy.md': 'Report to sec@x.example.\n',
      'docs/notes.md': 'Nothing here.\n',
    };
    const follow = { ...policy, contains: { ...policy.contains, followLinks: true } };
    expect((await run(fileExists, follow, files)).length).toBe(count);
    // Without the option, the link is not followed.
    expect((await run(fileExists, policy, files)).length).toBe(1);
  });

  it('locates a content finding at the first candidate in the order of `paths`', async () => {
    const findings = await run(fileExists, policy, {
      'SECURITY.md': 'none',
      'docs/SECURITY.md': 'none',
      'a.md': '@',
    });
    expect(findings.map(at)).toEqual(['SECURITY.md:1:-']);
    expect(findings[0]!.message).toBe('SECURITY.md (and 1 other candidate) has no line matching /@/.');
  });

  it('names a file it does not read (a legacy name) in the missing finding, only when it exists', async () => {
    const options = {
      paths: ['.github/dependabot.yml'],
      message: 'No bot.',
      notRead: [{ path: '.dependabot/config.yml', why: 'that format is retired' }],
    };
    const legacy = await run(fileExists, options, { '.dependabot/config.yml': 'version: 1\n' });
    expect(legacy.map((f) => f.message)).toEqual([
      'No bot. .dependabot/config.yml exists, but that format is retired.',
    ]);
    expect((await run(fileExists, options, { 'README.md': 'x' })).map((f) => f.message)).toEqual(['No bot.']);
  });

  it('codeowners-present names an owners map committed under another name than CODEOWNERS', async () => {
    const map = '* @acme/maintainers\n';
    const named = async (files: Record<string, string>) =>
      (await runBuiltin('codeowners-present', files)).map((f) =>
        f.message.replace(/^.*review changes\./, ''),
      );
    const why =
      'GitHub reads only a file named exactly CODEOWNERS (no extension), so its rules request no review.';
    expect(await named({ 'CODEOWNERS.md': map })).toEqual([` CODEOWNERS.md exists, but ${why}`]);
    expect(await named({ 'CODEOWNERS.md': map, '.github/CODEOWNERS.md': map })).toEqual([
      ` CODEOWNERS.md and .github/CODEOWNERS.md exist, but ${why}`,
    ]);
    expect(await named({ 'README.md': '# x\n' })).toEqual(['']);
    expect(await named({ '.github/CODEOWNERS': map })).toEqual([]);
  });

  it.each([['.github/workflows/CODEOWNERS'], ['.gitlab/CODEOWNERS']])(
    'codeowners-present names an owners map kept in %s, where GitHub does not look',
    async (file) => {
      const findings = await runBuiltin('codeowners-present', { [file]: '* @acme/maintainers\n' });
      expect(findings.map((f) => f.message.replace(/^.*review changes\./, ''))).toEqual([
        ` ${file} exists, but GitHub looks for CODEOWNERS only in .github/, the root and docs/, not in a folder below them, so its rules request no review.`,
      ]);
    },
  );

  it("codeowners-present accepts Prow's root OWNERS file with approvers or reviewers, and no other", async () => {
    const owners = 'approvers:\n  - sig-apps-leads\nreviewers:\n  - alice\n';
    expect(await runBuiltin('codeowners-present', { OWNERS: owners })).toEqual([]);
    const missing = [
      null,
      'The repository has no CODEOWNERS file (in .github/, the root or docs/), nor a Prow OWNERS file at the root that lists approvers or reviewers, a policy-bot .policy.yml with approval rules or a Mergify configuration whose merges require the approval of named users or teams, so no owner is requested to review changes.',
    ];
    // Only the root one speaks for the repository; an OWNERS file of another form (a list of
    // maintainers) requests no review and is no candidate to blame.
    for (const files of [
      { 'apps/OWNERS': owners } as Record<string, string>,
      { OWNERS: 'maintainers:\n  - alice\ntriage:\n  - bob\n' },
    ]) {
      const found = await runBuiltin('codeowners-present', files);
      expect(found.map((f) => [f.location, f.message])).toEqual([missing]);
    }
    // A CODEOWNERS without owners is still where the finding is, whatever OWNERS holds.
    const empty = await runBuiltin('codeowners-present', {
      CODEOWNERS: '# owners\n',
      OWNERS: 'options: {}\n',
    });
    expect(empty.map((f) => f.location?.path)).toEqual(['CODEOWNERS']);
  });

  it("codeowners-present accepts policy-bot's .policy.yml with approval rules, even beside a CODEOWNERS of comments", async () => {
    const policy =
      'policy:\n  approval:\n    - core approves\napproval_rules:\n  - name: core approves\n    requires:\n      count: 1\n      teams: ["acme/core"]\n';
    expect(await runBuiltin('codeowners-present', { '.policy.yml': policy })).toEqual([]);
    expect(
      await runBuiltin('codeowners-present', { CODEOWNERS: '# see .policy.yml\n', '.policy.yml': policy }),
    ).toEqual([]);
    // A .policy.yml of another tool, or without approval rules, assigns no one.
    const other = await runBuiltin('codeowners-present', { '.policy.yml': 'rules:\n  - id: x\n' });
    expect(other.map((f) => f.location)).toEqual([null]);
  });

  // Mergify configurations: each queue (and each legacy `merge` rule) must require the approval of a
  // named user or team; a count of approvals, a negated condition or one queue without it do not.
  const QUEUE = (conditions: string) =>
    `pull_request_rules:\n  - name: queue approved\n    conditions: []\n    actions:\n      queue:\nqueue_rules:\n  - name: default\n    queue_conditions:\n${conditions}`;
  it.each([
    [
      'a queue that requires a team',
      '.mergify.yml',
      QUEUE("      - 'approved-reviews-by=@acme/core'\n      - check-success=ci\n"),
      true,
    ],
    [
      'a queue whose merge_conditions alias its queue_conditions, with a bot exempted in an or',
      '.mergify/config.yml',
      "queue_rules:\n  - name: default\n    queue_conditions: &c\n      - or:\n          - approved-reviews-by=@acme/core\n          - 'author~=^dependabot\\[bot\\]$'\n          - and:\n              - approved-reviews-by=alice\n              - '#approved-reviews-by>=2'\n    merge_conditions: *c\n",
      true,
    ],
    [
      'a legacy merge rule that requires a user',
      '.github/mergify.yml',
      'pull_request_rules:\n  - name: merge\n    conditions:\n      - approved-reviews-by = alice\n    actions:\n      merge:\n        method: squash\n',
      true,
    ],
    [
      'an unconditional merge protection',
      '.mergify.yml',
      'merge_protections:\n  - name: owners\n    success_conditions:\n      - approved-reviews-by=@acme/core\n',
      true,
    ],
    [
      'a count of approvals, which names no one',
      '.mergify.yml',
      QUEUE("      - '#approved-reviews-by>=1'\n"),
      false,
    ],
    ['a negated approval', '.mergify.yml', QUEUE('      - -approved-reviews-by=@acme/core\n'), false],
    [
      'an or with a branch for anyone',
      '.mergify.yml',
      QUEUE('      - or:\n          - approved-reviews-by=@acme/core\n          - label=ready\n'),
      false,
    ],
    [
      'a second queue without approval',
      '.mergify.yml',
      `${QUEUE('      - approved-reviews-by=@acme/core\n')}  - name: fast\n    queue_conditions:\n      - label=fast\n`,
      false,
    ],
    [
      'a rule that only labels approved pull requests',
      '.mergify.yml',
      'pull_request_rules:\n  - name: label\n    conditions:\n      - approved-reviews-by=@acme/core\n    actions:\n      label:\n        add: [approved]\n',
      false,
    ],
    [
      'a merge rule without approval beside a queue with it',
      '.mergify.yml',
      `${QUEUE('      - approved-reviews-by=@acme/core\n')}`.replace(
        'pull_request_rules:\n',
        'pull_request_rules:\n  - name: merge docs\n    conditions: [label=docs]\n    actions:\n      merge:\n',
      ),
      false,
    ],
    [
      'approvals at a path Mergify does not read',
      'mergify.yml',
      QUEUE('      - approved-reviews-by=@acme/core\n'),
      false,
    ],
  ])('codeowners-present and a Mergify configuration: %s', async (_case, path, text, accepted) => {
    const found = await runBuiltin('codeowners-present', { [path]: text });
    expect(found.map((f) => f.location)).toEqual(accepted ? [] : [null]);
  });

  it('dependency-update-tool says the Dependabot Preview file is no longer read', async () => {
    const [finding] = await runBuiltin('dependency-update-tool', {
      '.dependabot/config.yml': 'version: 1\nupdate_configs: []\n',
    });
    expect(finding?.message).toContain(
      ".dependabot/config.yml exists, but it is the format of Dependabot Preview, which GitHub retired in 2021; GitHub's Dependabot reads only .github/dependabot.yml (version 2).",
    );
  });

  it('dependency-update-tool accepts every Renovate configuration file Renovate reads, .jsonc included', async () => {
    const jsonc = '{\n  // weekly, with the recommended presets\n  "extends": ["config:recommended"],\n}\n';
    for (const file of [
      'renovate.jsonc',
      '.github/renovate.jsonc',
      '.gitlab/renovate.jsonc',
      '.renovaterc.jsonc',
    ]) {
      expect(await runBuiltin('dependency-update-tool', { [file]: jsonc }), file).toEqual([]);
    }
    // A file of another name is no configuration Renovate reads.
    const other = await runBuiltin('dependency-update-tool', { 'renovate-config.jsonc': jsonc });
    expect(other.map((f) => [f.location, f.severity, f.confidence])).toEqual([[null, 'medium', 'high']]);
    // The rule's candidates are the files the coverage rule reads, in the same order.
    const [rule] = loadRules().filter((r) => r.id === 'dependency-update-tool');
    const paths = (rule!.check.with as { paths: string[] }).paths;
    expect(paths.filter((p) => /renovate/.test(p))).toEqual(RENOVATE_FILES);
  });

  it('dependency-update-tool accepts updatecli manifests with targets, wherever updatecli users keep them', async () => {
    const manifest = [
      'name: Bump Alpine',
      'scms:',
      '  default:',
      '    kind: github',
      '    spec: { owner: "{{ .github.owner }}", repository: "{{ .github.repository }}" }',
      'sources:',
      '  latest: { kind: dockerimage, spec: { image: alpine } }',
      'targets:',
      '  dockerfile:',
      '    kind: dockerfile',
      '    spec: { file: alpine/Dockerfile, instruction: { keyword: ARG, matcher: ALPINE_TAG } }',
      '',
    ].join('\n');
    for (const file of ['updatecli/updatecli.d/alpine.yaml', 'updatecli.d/alpine.yml', 'updatecli.yaml']) {
      expect(await runBuiltin('dependency-update-tool', { [file]: manifest }), file).toEqual([]);
    }
    const crawler = 'autodiscovery:\n  crawlers:\n    dockerfile: {}\n';
    expect(await runBuiltin('dependency-update-tool', { '.updatecli.yml': crawler })).toEqual([]);
  });

  it('dependency-update-tool does not take an updatecli values file or template for a configuration', async () => {
    const findings = await runBuiltin('dependency-update-tool', {
      'updatecli/values.yaml': 'github:\n  owner: acme\n{{ if .x }}\n  branch: main\n{{ end }}\n',
      'docs/updatecli.yaml.md': 'targets:\n',
    });
    expect(findings.map((f) => `${f.location?.path}:${f.message}`)).toEqual([
      'updatecli/values.yaml:updatecli/values.yaml: no candidate configures an update, so nothing is updated: ' +
        'a Dependabot configuration needs a `package-ecosystem` entry per ecosystem in the repository under ' +
        '`updates`, an updatecli manifest a top-level `targets` map.',
    ]);
  });

  it('matches paths case-insensitively when asked', async () => {
    const files = { 'docs/security.MD': 'x' };
    expect(await run(fileExists, { paths: ['docs/SECURITY.md'] }, files)).toHaveLength(1);
    expect(await run(fileExists, { paths: ['docs/SECURITY.md'], ignoreCase: true }, files)).toEqual([]);
  });

  it('keeps the order of `paths` without regard to case, not the order of the tree', async () => {
    const files = { 'SECURITY.md': 'none', 'docs/Security.md': 'none', 'docs/security.txt': 'none' };
    const options = {
      paths: ['docs/SECURITY.{md,txt}', 'SECURITY.md'],
      ignoreCase: true,
      contains: { pattern: '@' },
    };
    const findings = await run(fileExists, options, files);
    expect(findings.map(at)).toEqual(['docs/Security.md:1:-']);
    expect(findings[0]!.message).toBe('docs/Security.md (and 2 other candidates) has no line matching /@/.');
  });

  it('security-policy accepts an email, an https link or private vulnerability reporting', async () => {
    for (const text of [
      'Write to security@acme.example.',
      'Use https://acme.example/disclose',
      'Report it through GitHub private vulnerability reporting.',
      'Open a draft advisory at /acme/widget/security/advisories/new',
    ]) {
      expect(await runBuiltin('security-policy', { '.github/security.md': text })).toEqual([]);
    }
    // Offline, the missing policy is a guess (the owner's default is unread): the auditor sees it.
    expect(await runBuiltin('security-policy', { 'README.md': 'x' })).toEqual([]);
    const missing = await runBuiltin('security-policy', { 'README.md': 'x' }, { persona: 'auditor' });
    expect(missing.map((f) => `${at(f)} ${f.confidence}`)).toEqual(['- low']);
    const vague = await runBuiltin('security-policy', {
      'SECURITY.rst': 'Contact @acme/security on Slack.\n',
    });
    expect(vague.map(at)).toEqual(['SECURITY.rst:1:-']);
  });

  it('security-policy accepts an RFC 9116 security.txt that names a contact', async () => {
    const txt = 'Contact: mailto:security@acme.example\nExpires: 2027-01-01T00:00:00Z\n';
    expect(await runBuiltin('security-policy', { '.well-known/security.txt': txt })).toEqual([]);
    expect(await runBuiltin('security-policy', { 'public/.well-known/security.txt': txt })).toEqual([]);
    const bare = await runBuiltin('security-policy', { '.well-known/security.txt': 'Expires: 2027-01-01\n' });
    expect(bare.map(at)).toEqual(['.well-known/security.txt:1:-']);
  });
});

describe('file.absent', () => {
  it('reports each matching file, with the message of the first glob that matched', async () => {
    const findings = await run(
      fileAbsent,
      { paths: [{ glob: '**/*.pem', message: 'a PEM file' }, '**/*.key'], except: ['test/**'] },
      { 'a/server.pem': 'x', 'b.key': 'x', 'test/fake.pem': 'x', 'c.txt': 'x' },
    );
    expect(findings).toEqual([
      {
        message: 'a/server.pem: a PEM file',
        location: { path: 'a/server.pem', startLine: 1 },
        key: 'a/server.pem',
      },
      {
        message: 'b.key matches the forbidden pattern `**/*.key` and should not be in the repository.',
        location: { path: 'b.key', startLine: 1 },
        key: 'b.key',
      },
    ]);
  });
});

describe("file.exists: the owner's default in its .github repository", () => {
  /** An API that answers `files` (path -> text, or a status) and records what it was asked. */
  const api = (files: Record<string, string | number>, repo = 'widget') => {
    const asked: string[] = [];
    const github: GitHubApi = {
      owner: 'acme',
      repo,
      async get(path) {
        asked.push(path);
        const file = files[path.replace('/repos/acme/.github/contents/', '')];
        if (typeof file === 'string')
          return {
            status: 200,
            data: { encoding: 'base64', content: Buffer.from(file).toString('base64') },
          } as GitHubResponse;
        return { status: typeof file === 'number' ? file : 404, data: null } as GitHubResponse;
      },
    };
    return { github, asked };
  };
  const rule = loadRules().find((r) => r.id === 'security-policy')!;
  const evaluate = async (
    github: GitHubApi | undefined,
    files: Record<string, string> = { 'README.md': 'x' },
  ) =>
    fileExists.evaluate({
      rule,
      options: withDefaults(fileExists, rule.check.with ?? {}),
      workspace: workspaceOf(files),
      ...(github ? { github } : {}),
    });

  it("accepts the owner's default policy when it names a channel, and says what the API showed when not", async () => {
    const withPolicy = api({ '.github/SECURITY.md': 'Report to security@acme.example.\n' });
    expect(await evaluate(withPolicy.github)).toEqual([]);
    // All asked at once; the first that exists decides, as GitHub takes the first it finds.
    expect(withPolicy.asked).toEqual([
      '/repos/acme/.github/contents/SECURITY.md',
      '/repos/acme/.github/contents/.github/SECURITY.md',
      '/repos/acme/.github/contents/docs/SECURITY.md',
    ]);
    const first = await evaluate(
      api({ 'SECURITY.md': 'Be nice.\n', 'docs/SECURITY.md': 'Report to security@acme.example.\n' }).github,
    );
    expect(first.map((f) => f.message)).toEqual([
      expect.stringMatching(/acme\/\.github\/SECURITY\.md, does not qualify/),
    ]);
    const vague = await evaluate(api({ 'SECURITY.md': 'Be nice.\n' }).github);
    expect(vague.map((f) => f.message.split('. The owner')[1])).toEqual([
      "'s default, acme/.github/SECURITY.md, does not qualify either: The security policy does not name a reporting channel: add a security contact email address, an https link to a disclosure form, or GitHub private vulnerability reporting.",
    ]);
    const none = await evaluate(api({}).github);
    expect(none[0]!.message).toMatch(/The GitHub API shows this run no default in acme\/\.github either/);
    const refused = await evaluate(api({ 'SECURITY.md': 403 }).github);
    expect(refused[0]!.message).toMatch(/could not be read \(HTTP 403\)\.$/);
  });

  it("is a guess without an API, which leaves the owner's default unread, and says so", async () => {
    const [offline] = await evaluate(undefined);
    expect(offline!.confidence).toBe('low');
    expect(offline!.message).toMatch(
      /or make sure the owner's applies\. This run had no GitHub API access, so the owner's \.github repository was not read\.$/,
    );
    // With the API, what it showed decides, at the rule's confidence.
    const [read] = await evaluate(api({}).github);
    expect(read!.confidence).toBeUndefined();
    expect(read!.message).not.toMatch(/no GitHub API access/);
  });

  it('asks nothing without an API, for the .github repository itself, or when the tree has a policy', async () => {
    expect((await evaluate(undefined)).map((f) => f.key)).toEqual(['missing']);
    const own = api({ 'SECURITY.md': 'security@acme.example' }, '.github');
    expect((await evaluate(own.github)).map((f) => f.key)).toEqual(['missing']);
    expect(own.asked).toEqual([]);
    const local = api({ 'SECURITY.md': 'security@acme.example' });
    expect(await evaluate(local.github, { 'SECURITY.md': 'Mail security@acme.example\n' })).toEqual([]);
    expect(local.asked).toEqual([]);
  });
});
