import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { gitignoreMustIgnore } from '../../src/core/evaluators/repo/gitignore-must-ignore.js';
import { loadRules, RuleLoadError } from '../../src/core/rules/load.js';
import { makeTree } from '../helpers/run-action.js';
import { at, cleanup, ruleDir, run } from './kit.js';

afterAll(cleanup);

const check = (gitignore: string | undefined, entries: string[]) =>
  run(
    gitignoreMustIgnore,
    { entries },
    gitignore === undefined ? { 'README.md': '# x\n' } : { '.gitignore': gitignore },
  );

describe('gitignore.must-ignore', () => {
  it('reports the line of the negation that re-includes an entry', async () => {
    const findings = await check('# secrets\n.env*\n\n!.env.local\n*.log\n', ['.env', '.env.local']);
    expect(findings.map(at)).toEqual(['.gitignore:4:-']);
    expect(findings[0]!.message).toContain('`!.env.local` on line 4');
    expect(findings[0]!.key).toBe('.env.local');
  });

  it('attributes the last matching negation when several apply', async () => {
    const findings = await check('.env\n!.env\n.env\n!/.env\n', ['.env']);
    expect(findings.map(at)).toEqual(['.gitignore:4:-']);
  });

  it('reports at line 1 when no pattern matches (e.g. an anchored /.env and a nested entry)', async () => {
    const findings = await check('/.env\n', ['.env', 'config/.env']);
    expect(findings.map((f) => [at(f), f.key])).toEqual([['.gitignore:1:-', 'not-ignored']]);
    expect(findings[0]!.message).toBe(
      '.gitignore does not ignore `config/.env`: add a pattern that matches it.',
    );
  });

  it('names every entry no pattern matches in one finding, and each re-included entry at its negation', async () => {
    const findings = await check('*.log\n', ['.env', 'config/.env', '.env.local']);
    expect(findings.map((f) => [at(f), f.key])).toEqual([['.gitignore:1:-', 'not-ignored']]);
    expect(findings[0]!.message).toBe(
      '.gitignore does not ignore `.env`, `config/.env`, `.env.local`: add patterns that match them.',
    );
    const negated = await check('.env*\n!.env.local\n', ['.env', 'config/.env', '.env.local']);
    expect(negated.map((f) => [at(f), f.key])).toEqual([['.gitignore:2:-', '.env.local']]);
  });

  describe('conventions: an entry only some projects use', () => {
    const conventions = [
      {
        entry: '.env.local',
        usedBy: 'local overrides in Next.js and Vite',
        signs: ['**/next.config.*', '**/vite.config.*'],
      },
    ];
    const ignoring = (gitignore: string, extra: Record<string, string> = {}) =>
      run(
        gitignoreMustIgnore,
        { entries: ['.env', 'config/.env', '.env.local'], conventions },
        { '.gitignore': gitignore, ...extra },
      );
    it.each([
      [
        'alone unignored, no sign of its users: low confidence, saying whose it is',
        '.env\n',
        {},
        'low',
        '.gitignore does not ignore `.env.local`, the file of local overrides in Next.js and Vite, which this repository shows no sign of using: add a pattern if it does.',
      ],
      [
        'alone unignored where a user of it is in the tree: as any entry',
        '.env\n',
        { 'web/next.config.mjs': 'export default {};\n' },
        undefined,
        '.gitignore does not ignore `.env.local`: add a pattern that matches it.',
      ],
      [
        'unignored with an entry everyone uses: one finding, as before',
        '*.log\n',
        {},
        undefined,
        '.gitignore does not ignore `.env`, `config/.env`, `.env.local`: add patterns that match them.',
      ],
    ])('%s', async (_name, gitignore, extra, confidence, message) => {
      const findings = await ignoring(gitignore, extra);
      expect(findings.map((f) => [at(f), f.key, f.confidence, f.message])).toEqual([
        ['.gitignore:1:-', 'not-ignored', confidence, message],
      ]);
    });
    it.each([
      ['ignores it', '*.local\n', 'low'],
      ['leaves it alone', 'dist/\n', undefined],
    ])(
      'a user of it in a subfolder whose own .gitignore %s: confidence %s',
      async (_n, nested, confidence) => {
        const findings = await ignoring('.env\n', {
          'web/vite.config.ts': 'export default {};\n',
          'web/.gitignore': nested,
        });
        expect(findings.map((f) => [at(f), f.confidence])).toEqual([['.gitignore:1:-', confidence]]);
        if (confidence)
          expect(findings[0]!.message).toBe(
            '.gitignore does not ignore `.env.local`, the file of local overrides in Next.js and Vite outside the folders whose own .gitignore ignores it (web/.gitignore), which this repository shows no sign of using: add a pattern if it does.',
          );
      },
    );
    it('re-included on purpose by a negation: reported at it, whatever the tree', async () => {
      const findings = await ignoring('.env*\n!.env.local\n');
      expect(findings.map((f) => [at(f), f.key, f.confidence])).toEqual([
        ['.gitignore:2:-', '.env.local', undefined],
      ]);
    });
  });

  describe('gitignore-env: Symfony commits .env by design', () => {
    // A Symfony Flex project: .env holds defaults and is committed; .env.local holds the secrets.
    const symfony = {
      'symfony.lock': '{}\n',
      '.env': 'APP_ENV=dev\nDATABASE_URL="sqlite:///%kernel.project_dir%/var/app.db"\n',
    };
    // The pedantic persona shows the low-confidence findings the regular one counts as hidden.
    const env = async (gitignore: string, extra: Record<string, string>) => {
      const root = makeTree({ '.gitignore': gitignore, ...extra });
      const report = await runCheck({
        root,
        onlyRules: ['gitignore-env'],
        failOn: 'never',
        persona: 'pedantic',
      });
      return report.findings.map((f) => [at(f), f.confidence, f.message]);
    };
    it('leaving .env unignored while ignoring .env.local follows it: low confidence, saying so', async () => {
      expect(await env('/.env.local\n/.env.*.local\n/vendor/\n', symfony)).toEqual([
        [
          '.gitignore:1:-',
          'low',
          '.gitignore does not ignore `.env`, `config/.env`: this repository follows Symfony, which commits `.env` with non-secret defaults, and ignores `.env.local`, where the secrets go; keep them out of the committed files.',
        ],
      ]);
    });
    it('a Symfony project that does not ignore .env.local either, or no sign of Symfony: as before', async () => {
      const plain = '.gitignore does not ignore `.env`, `config/.env`: add patterns that match them.';
      expect(await env('/vendor/\n', symfony)).toEqual([
        ['.gitignore:1:-', 'high', plain.replace('`config/.env`', '`config/.env`, `.env.local`')],
      ]);
      expect(await env('/.env.local\n/vendor/\n', { '.env': 'APP_ENV=dev\n' })).toEqual([
        ['.gitignore:1:-', 'high', plain],
      ]);
    });
  });

  describe('gitignore-env: a committed .env of defaults with an ignored override file', () => {
    // A Compose application: .env holds the defaults Compose reads and is committed; the user's
    // values go to an override file that the install scripts pass with --env-file, which git ignores.
    const env = async (gitignore: string, extra: Record<string, string>) => {
      const root = makeTree({ '.gitignore': gitignore, '.env': 'APP_TAG=1.2.3\n', ...extra });
      const report = await runCheck({
        root,
        onlyRules: ['gitignore-env'],
        failOn: 'never',
        persona: 'pedantic',
      });
      return report.findings.map((f) => [at(f), f.confidence, f.message]);
    };
    const design = (override: string) =>
      `.gitignore does not ignore \`.env\`, \`config/.env\`, \`.env.local\`: this repository follows a committed \`.env\` of defaults that its users override in a file of their own, and ignores ${override}, which holds the user's values; it does not ignore \`.env.local\` either, the file of local overrides in Next.js, Vite, Nuxt, Astro, SvelteKit, Vue CLI and Symfony, which this repository shows no sign of using; keep them out of the committed files.`;
    const plain =
      '.gitignore does not ignore `.env`, `config/.env`, `.env.local`: add patterns that match them.';
    const compose = (envFile: string) => ({
      'compose.yaml': `services:\n  app:\n    image: "acme/app:\${APP_TAG}"\n    env_file: ${envFile}\n`,
    });
    it.each<[string, string, Record<string, string>, string, string]>([
      [
        'an install script passing the override with --env-file',
        '.env.custom\n',
        { 'install.sh': '#!/bin/sh\ndocker compose --env-file .env --env-file .env.custom up -d\n' },
        'low',
        design('`.env.custom` (passed with `--env-file` in install.sh)'),
      ],
      [
        'a variable another sourced script assigns',
        '# local settings\n/.env.custom\n',
        {
          'install/_lib.sh': 'if [[ -f .env.custom ]]; then\n  _ENV=.env.custom\nelse\n  _ENV=.env\nfi\n',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell variable, as a script writes it.
          'install/dc.sh': 'dc="docker compose --env-file ${_ENV}"\n$dc up -d\n',
        },
        'low',
        design('`.env.custom` (passed with `--env-file` in install/dc.sh)'),
      ],
      [
        'a variable with a default',
        '.env.override\n',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell variable, as a script writes it.
        { 'run.sh': 'docker compose --env-file="${ENV_FILE:-.env.override}" up\n' },
        'low',
        design('`.env.override` (passed with `--env-file` in run.sh)'),
      ],
      [
        'a Compose service naming it in env_file',
        '*.override.env\n',
        compose('[.env, app.override.env]'),
        'low',
        design('`app.override.env` (named in `env_file:` by compose.yaml)'),
      ],
      [
        'a Compose service naming it in the long syntax',
        '.env.custom\n',
        compose('\n      - path: .env.custom\n        required: false'),
        'low',
        design('`.env.custom` (named in `env_file:` by compose.yaml)'),
      ],
      [
        'an override file that is not ignored',
        'node_modules/\n',
        { 'install.sh': 'docker compose --env-file .env --env-file .env.custom up -d\n' },
        'high',
        plain,
      ],
      [
        'only the committed .env passed',
        '.env.custom\n',
        { 'install.sh': 'docker compose --env-file .env up -d\n' },
        'high',
        plain,
      ],
      [
        'an override named by a variable assigned nowhere',
        '.env.custom\n',
        { 'install.sh': 'docker compose --env-file "$ENV_FILE" up -d\n' },
        'high',
        plain,
      ],
    ])('%s', async (_name, gitignore, files, confidence, message) => {
      expect(await env(gitignore, files)).toEqual([['.gitignore:1:-', confidence, message]]);
    });
  });

  describe('gitignore-env: Next.js and Vite commit .env by design', () => {
    // A Next.js SaaS starter: .env holds defaults and is committed; .env*.local holds the secrets.
    const nextjs = {
      'next.config.ts': 'export default {};\n',
      '.env': 'NEXT_PUBLIC_SITE_URL=http://localhost:3000\n',
    };
    const env = async (gitignore: string, extra: Record<string, string>) => {
      const root = makeTree({ '.gitignore': gitignore, ...extra });
      const report = await runCheck({
        root,
        onlyRules: ['gitignore-env'],
        failOn: 'never',
        persona: 'pedantic',
      });
      return report.findings.map((f) => [at(f), f.confidence, f.message]);
    };
    it('leaving .env unignored while ignoring .env*.local follows it: low confidence, saying so', async () => {
      expect(await env('/node_modules\n.env*.local\n', nextjs)).toEqual([
        [
          '.gitignore:1:-',
          'low',
          '.gitignore does not ignore `.env`, `config/.env`: this repository follows Next.js, which commits `.env` with non-secret defaults, and ignores `.env.local`, where the secrets go; keep them out of the committed files.',
        ],
      ]);
      // Without .env.local ignored, the secrets have nowhere to go: as before.
      expect((await env('/node_modules\n', nextjs)).map(([, c]) => c)).toEqual(['high']);
    });
    it('so does Vite, with its env files per mode', async () => {
      const vite = { 'app/vite.config.mts': 'export default {};\n', '.env.production': 'VITE_APP_URL=/\n' };
      expect(await env('.env.local\n.env.*.local\n', vite)).toEqual([
        [
          '.gitignore:1:-',
          'low',
          '.gitignore does not ignore `.env`, `config/.env`: this repository follows Vite, which loads a committed `.env` of defaults, and ignores `.env.local`, where the secrets go; keep them out of the committed files.',
        ],
      ]);
    });
    it('credits a nested .gitignore beside the configuration of an app in a subfolder', async () => {
      const app = {
        'web/vite.config.ts': 'export default {};\n',
        'web/.env.production': 'VITE_BASE=/\n',
      };
      expect(await env('/bin/\n', { ...app, 'web/.gitignore': '.env.local\n.env.*.local\n' })).toEqual([
        [
          '.gitignore:1:-',
          'low',
          '.gitignore does not ignore `.env`, `config/.env`, `.env.local`: this repository follows Vite, which loads a committed `.env` of defaults, and ignores `.env.local` where it lives (web/.gitignore), where the secrets go; keep them out of the committed files.',
        ],
      ]);
      // A nested .gitignore that leaves .env.local alone, or none: as before.
      expect((await env('/bin/\n', { ...app, 'web/.gitignore': 'dist/\n' })).map(([, c]) => c)).toEqual([
        'high',
      ]);
      expect((await env('/bin/\n', app)).map(([, c]) => c)).toEqual(['high']);
    });
    it('so does Create React App, seen by its react-scripts dependency, in a subfolder', async () => {
      const app = { 'ui/package.json': '{ "dependencies": { "react-scripts": "5.0.1" } }\n' };
      expect(await env('/bin/\n', { ...app, 'ui/.gitignore': '/build\n.env.local\n' })).toEqual([
        [
          '.gitignore:1:-',
          'low',
          '.gitignore does not ignore `.env`, `config/.env`, `.env.local`: this repository follows Create React App, which loads a committed `.env` of defaults, and ignores `.env.local` where it lives (ui/.gitignore), where the secrets go; keep them out of the committed files.',
        ],
      ]);
      // Without .env.local ignored where the app lives: as before.
      expect((await env('/bin/\n', app)).map(([, c]) => c)).toEqual(['high']);
    });
    it('names the framework of the project, not one of its examples', async () => {
      const viteWithExample = {
        'vite.config.ts': 'export default {};\n',
        'examples/with-nextjs/next.config.js': 'module.exports = {};\n',
        '.env.production': 'VITE_APP_URL=/\n',
      };
      expect((await env('.env.local\n.env.*.local\n', viteWithExample)).map(([, , m]) => m)).toEqual([
        '.gitignore does not ignore `.env`, `config/.env`: this repository follows Vite, which loads a committed `.env` of defaults, and ignores `.env.local`, where the secrets go; keep them out of the committed files.',
      ]);
    });
  });

  describe('gitignore-env: whether the project uses .env files at all, and where it keeps them', () => {
    const env = async (files: Record<string, string>) => {
      const root = makeTree({ 'README.md': '# app\n', ...files });
      const report = await runCheck({
        root,
        onlyRules: ['gitignore-env'],
        failOn: 'never',
        persona: 'pedantic',
      });
      return report.findings.map((f) => [f.confidence, f.message]);
    };
    const gitignore = '/bin/\n*.log\n';
    const plain =
      '.gitignore does not ignore `.env`, `config/.env`, `.env.local`: add patterns that match them.';
    it.each([
      ['nothing in the tree', {}, 'low'],
      [
        'a Go module that a dependency of it reads .env files for',
        { 'go.mod': 'module x\nrequire (\n\tgithub.com/joho/godotenv v1.5.1 // indirect\n)\n' },
        'low',
      ],
      ['a systemd EnvironmentFile named app.env', { 'contrib/app.env': 'DEBUG=0\n' }, 'low'],
      ['a .env template', { '.env.example': 'TOKEN=\n' }, 'high'],
      ['a tracked .env of the tests', { 'tests/.env': '' }, 'high'],
      // The tests' inputs or tools, not the project's own use.
      ['a lockfile fixture of a parser', { 'pkg/parser/testdata/bun.lock': '{}\n' }, 'low'],
      [
        'a dotenv package of the end-to-end tests',
        { 'test/e2e/package.json': '{ "devDependencies": { "dotenv": "^16.0.0" } }\n' },
        'low',
      ],
      ['a lockfile of the project', { 'bun.lock': '{}\n' }, 'high'],
      [
        'a dotenv library of the tests',
        { 'go.mod': 'module x\nrequire github.com/joho/godotenv v1.5.1\n' },
        'high',
      ],
      ['a dotenv package', { 'package.json': '{ "devDependencies": { "dotenv": "^16.0.0" } }\n' }, 'high'],
      [
        'a framework that loads .env itself',
        { 'package.json': '{ "dependencies": { "next": "15.0.0" } }\n' },
        'high',
      ],
      [
        'a Compose file with env_file',
        { 'compose.yaml': 'services:\n  app:\n    env_file: app.env\n' },
        'high',
      ],
      ['a Makefile that includes .env', { Makefile: '-include .env\nrun:\n\tgo run .\n' }, 'high'],
      // `env_file` as a word only: a shell variable that merely contains it names no .env.
      [
        'a script variable whose name holds env_file',
        { 'contrib/setup.sh': 'local env_file_name=$1\nlocal tmp_env_file="/tmp/$env_file_name.yaml"\n' },
        'low',
      ],
      [
        'a script that passes an env_file',
        { 'scripts/run.sh': 'env_file=.env.local\nsource "$env_file"\n' },
        'high',
      ],
      ['a root .gitignore that ignores the root .env only', { '.gitignore': '/.env\n' }, 'high'],
      // Compose's own settings only, committed by design: no secret in them.
      [
        'a committed .env of Compose settings only',
        { '.env': 'COMPOSE_PROJECT_NAME=app\n', 'docker/.env': '# name\nCOMPOSE_PROJECT_NAME=app\n' },
        'low',
      ],
      [
        'a committed .env with another setting',
        { '.env': 'COMPOSE_PROJECT_NAME=app\nDB_PASSWORD=x\n' },
        'high',
      ],
      [
        'one of the committed .env files holds more',
        { '.env': 'COMPOSE_PROJECT_NAME=app\n', 'docker/.env': 'API_KEY=x\n' },
        'high',
      ],
      // A settings library in a dependency group for the documentation or type checking only.
      [
        'a settings library in the docs and typing groups only',
        {
          'pyproject.toml':
            '[project]\nname = "x"\ndependencies = [\n  "attrs",\n]\n\n[dependency-groups]\ndocs = [\n  "mkdocs",\n  "pydantic-settings",\n]\ntypechecking = ["mypy", "pydantic-settings"]\n',
        },
        'low',
      ],
      [
        'a settings library among the dependencies too',
        {
          'pyproject.toml':
            '[project]\nname = "x"\ndependencies = [\n  "pydantic-settings>=2",\n]\n\n[dependency-groups]\ndocs = [\n  "pydantic-settings",\n]\n',
        },
        'high',
      ],
      [
        'a settings library in a test group',
        { 'pyproject.toml': '[dependency-groups]\ndocs = ["mkdocs"]\ntesting = [\n  "python-dotenv",\n]\n' },
        'high',
      ],
    ])('%s', async (_case, files, confidence) => {
      const found = await env({ '.gitignore': gitignore, ...files });
      expect(found.map(([c]) => c)).toEqual([confidence]);
      if (confidence === 'high' && !('.gitignore' in files)) expect(found[0]![1]).toBe(plain);
    });
    it.each([
      ['nothing in the tree', {}, 'low'],
      [
        'a Compose stack of the examples that reads an env file',
        { '.examples/app/compose.yaml': 'services:\n  db:\n    env_file: db.env\n' },
        'low',
      ],
      [
        'a Compose file with env_file',
        { 'compose.yaml': 'services:\n  app:\n    env_file: app.env\n' },
        'high',
      ],
      ['a .env template', { '.env.example': 'TOKEN=\n' }, 'high'],
    ])('no root .gitignore, %s', async (_case, files, confidence) => {
      const found = await env(files);
      expect(found.map(([c]) => c)).toEqual([confidence]);
      expect(found[0]![1]).toMatch(
        confidence === 'low'
          ? /^The repository has no root \.gitignore, so .*, which this repository shows no sign of using, could be committed by accident: add one if it does\./
          : /^The repository has no root \.gitignore, so .* can be committed by accident\./,
      );
    });
    it.each([
      [
        'a nested .gitignore ignores .env where the templates are: low, naming it',
        { 'tests/.gitignore': '.env\n', 'tests/integration/.env.sample': 'TOKEN=\n' },
        'low',
      ],
      [
        'a template elsewhere too, where nothing ignores .env: as before',
        {
          'tests/.gitignore': '.env\n',
          'tests/integration/.env.sample': 'X=\n',
          'deploy/.env.example': 'X=\n',
        },
        'high',
      ],
      [
        'a deeper .gitignore re-includes it: as before',
        {
          'tests/.gitignore': '.env\n',
          'tests/integration/.gitignore': '!.env\n',
          'tests/integration/.env.sample': 'X=\n',
        },
        'high',
      ],
      [
        'a nested .gitignore that ignores something else: as before',
        { 'tests/.gitignore': '*.out\n', 'tests/.env.sample': 'X=\n' },
        'high',
      ],
    ])('%s', async (_case, files, confidence) => {
      const found = await env({ '.gitignore': gitignore, ...files });
      expect(found.map(([c]) => c)).toEqual([confidence]);
      if (confidence === 'low')
        expect(found[0]![1]).toBe(
          '.gitignore does not ignore `.env`, `config/.env`, but the project keeps such files only in tests/integration, where tests/.gitignore ignores them; it does not ignore `.env.local` either, the file of local overrides in Next.js, Vite, Nuxt, Astro, SvelteKit, Vue CLI and Symfony, which this repository shows no sign of using: add patterns to the root .gitignore if they may be kept elsewhere.',
        );
    });
  });

  it('follows git: a file inside an excluded directory cannot be re-included', async () => {
    expect(await check('config/\n!config/.env\n', ['config/.env'])).toEqual([]);
  });

  it('tests directory entries and matches case-sensitively, as git on Linux does', async () => {
    expect(await check('secrets/\n', ['secrets/', 'secrets/key.pem'])).toEqual([]);
    expect((await check('.ENV\n', ['.env'])).map(at)).toEqual(['.gitignore:1:-']);
  });

  it('reports a missing .gitignore at repository level', async () => {
    const findings = await check(undefined, ['.env']);
    expect(findings.map(at)).toEqual(['-']);
    expect(findings[0]!.location).toBeNull();
  });

  it('rejects entries the ignore package (and git) cannot test, naming the pointer', () => {
    const dir = ruleDir({
      'bad-entries': {
        check: { kind: 'gitignore.must-ignore', with: { entries: ['.env', '../.env', '/abs'] } },
      },
    });
    expect(() => loadRules([dir], { builtin: false })).toThrow(RuleLoadError);
    expect(() => loadRules([dir], { builtin: false })).toThrow(
      /\/check\/with\/entries\/1: must match the pattern/,
    );
    expect(() => loadRules([dir], { builtin: false })).toThrow(
      /\/check\/with\/entries\/2: must match the pattern/,
    );
  });
});
