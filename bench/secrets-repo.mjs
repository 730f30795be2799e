// The generated repository of bench/secrets.mjs: source files, configuration, Dockerfiles, scripts,
// workflows and documents made from templates by a seeded generator, with one planted secret every
// 500 files. The secrets' random parts come from the same generator: test data, never credentials.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { signCrc32Base62 } from '../lib/core/evaluators/secrets/checksums.js';
import { generators } from './secrets-corpus.mjs';

// Planted GitHub tokens carry a valid checksum, as issued ones do (a bad one reads as a look-alike).
const g = generators(20_240_527, { signCrc32Base62 });
const WORDS = [
  'user',
  'order',
  'account',
  'invoice',
  'session',
  'config',
  'client',
  'request',
  'cache',
  'event',
  'item',
  'price',
  'name',
  'status',
  'handler',
  'result',
  'value',
  'queue',
  'report',
];
const w = () => g.pick(WORDS);
const ident = () => `${w()}${g.pick(WORDS).replace(/^./, (c) => c.toUpperCase())}`;
const lines = (n, make) => Array.from({ length: n }, make).join('\n');

const KINDS = [
  [
    'src/app/%.ts',
    () =>
      lines(40 + Math.floor(g.rnd() * 120), () =>
        g.pick([
          `export function ${ident()}(${w()}: string): Promise<${ident()}> {`,
          `  const ${ident()} = await this.${w()}Service.find({ id: ${w()}.id, status: '${w()}' });`,
          `  if (!${w()}) throw new Error('${w()} ${w()} not found: ' + ${w()}.id);`,
          `  return fetch('https://api.${w()}.example/v1/${w()}s?limit=50', { headers });`,
          `// TODO: move the ${w()} ${w()} check into the ${w()} module`,
          `import { ${ident()} } from '../${w()}/${w()}.js';`,
          `  const tokenType = 'Bearer'; // ${w()} ${w()}`,
          '}',
        ]),
      ),
  ],
  [
    'src/service/%.py',
    () =>
      lines(30 + Math.floor(g.rnd() * 100), () =>
        g.pick([
          `def ${w()}_${w()}(${w()}, ${w()}=None):`,
          `    ${w()} = session.query(${ident()}).filter_by(${w()}_id=${w()}.id).first()`,
          `    logger.info("processing %s for %s", ${w()}.id, ${w()})`,
          `    PASSWORD = os.environ["${w().toUpperCase()}_PASSWORD"]`,
          `    return {"${w()}": ${w()}, "${w()}": [${w()} for ${w()} in ${w()}s]}`,
          `# ${w()} ${w()} ${w()}`,
        ]),
      ),
  ],
  [
    'pkg/%/main.go',
    () =>
      lines(40 + Math.floor(g.rnd() * 100), () =>
        g.pick([
          `func (s *${ident()}) ${ident()}(ctx context.Context, id string) (*${ident()}, error) {`,
          `	if err := s.db.QueryRowContext(ctx, "SELECT ${w()} FROM ${w()}s WHERE id = $1", id).Scan(&v); err != nil {`,
          `		return nil, fmt.Errorf("${w()} %s: %w", id, err)`,
          `	token := r.Header.Get("Authorization")`,
          '}',
        ]),
      ),
  ],
  [
    'config/%.yml',
    () =>
      lines(20 + Math.floor(g.rnd() * 40), () =>
        g.pick([
          `${w()}:`,
          `  ${w()}_${w()}: ${Math.floor(g.rnd() * 1000)}`,
          `  url: https://${w()}.internal.example/${w()}`,
          `  password: \${${w().toUpperCase()}_PASSWORD}`,
          `  secretName: ${w()}-${w()}-credentials`,
          `  enabled: ${g.pick(['true', 'false'])}`,
        ]),
      ),
  ],
  [
    'data/%.json',
    () =>
      `{\n${lines(20 + Math.floor(g.rnd() * 60), () => `  "${w()}_${w()}": "${g.str(12)}",`)}\n  "end": true\n}`,
  ],
  [
    'docs/%.md',
    () =>
      lines(30 + Math.floor(g.rnd() * 60), () =>
        g.pick([
          `## ${w()} ${w()}`,
          `The ${w()} ${w()} sends a ${w()} to the ${w()} service, see https://docs.example/${w()}.`,
          `Set \`${w().toUpperCase()}_TOKEN\` to the token from the ${w()} page.`,
          '```sh',
          `curl -fsSL https://${w()}.example/install.sh -o install.sh`,
          '```',
        ]),
      ),
  ],
  [
    'scripts/%.sh',
    () =>
      `#!/bin/sh\nset -eu\n${lines(10 + Math.floor(g.rnd() * 30), () =>
        g.pick([
          `${w()}="$(${w()} --${w()} "$1")"`,
          `curl -fsSL "https://${w()}.example/${w()}" -o "/tmp/${w()}"`,
          `echo "${w()} ${w()}" >&2`,
        ]),
      )}`,
  ],
  [
    'services/%/Dockerfile',
    () =>
      `FROM node:22.11-bookworm-slim\n${lines(5 + Math.floor(g.rnd() * 10), () =>
        g.pick([
          `RUN apt-get update && apt-get install -y --no-install-recommends ${w()} && rm -rf /var/lib/apt/lists/*`,
          `COPY ${w()}/ /app/${w()}/`,
          `ENV ${w().toUpperCase()}_URL=https://${w()}.internal.example`,
          'USER node',
        ]),
      )}`,
  ],
  [
    '.github/workflows/%.yml',
    () =>
      `on: push\njobs:\n  ${w()}:\n    runs-on: ubuntu-latest\n    steps:\n${lines(5 + Math.floor(g.rnd() * 10), () => `      - run: npm run ${w()} -- --${w()}`)}`,
  ],
];

/** The planted secrets: one per file in a few dozen files. */
const SECRETS = [
  () => `export GH_TOKEN=${g.ghp()}`,
  () => `aws_secret_access_key = ${g.awsSecret()}`,
  () => `DATABASE_URL=postgres://app:${g.urlPassword(20)}@db.prod.internal/app`,
  () => `const stripe = '${g.stripe()}';`,
  () => `DB_PASSWORD = "${g.password(18)}"`,
  () => `Authorization: Bearer ${g.jwt()}`,
];

/**
 * Writes `files` files under `root` (the same files for the same count on every machine) and returns
 * their total size in bytes.
 */
export function generateRepository(root, files) {
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const [pattern, make] = KINDS[i % KINDS.length];
    const rel = pattern.replace('%', `${w()}-${i}`);
    let text = `${make()}\n`;
    if (i % 500 === 250) text += `${SECRETS[((i / 500) % SECRETS.length) | 0]()}\n`;
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}
