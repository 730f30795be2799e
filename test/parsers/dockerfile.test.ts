// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Dockerfile `${VAR}` syntax is test data here.
import { afterAll, describe, expect, it } from 'vitest';
import {
  dockerfilePaths,
  finalStage,
  globalArgValues,
  parseDockerfile,
  readDockerfile,
  referencedStage,
} from '../../src/core/parsers/dockerfile.js';
import {
  expandVariables,
  joinContinuations,
  splitWords,
  UNRESOLVED,
} from '../../src/core/parsers/dockerfile-words.js';
import { hasSha256Digest, parseImageRef } from '../../src/core/parsers/image-ref.js';
import { removeTrees, tree } from './tree.js';

afterAll(removeTrees);

const pos = (span: { start: { line: number; column: number }; end: { line: number; column: number } }) =>
  `${span.start.line}:${span.start.column}-${span.end.line}:${span.end.column}`;

describe('dockerfile model', () => {
  const text = `# syntax=docker/dockerfile:1
ARG BASE=node
ARG NODE_VERSION=20
ARG UNSET
FROM --platform=$BUILDPLATFORM \${BASE}:\${NODE_VERSION} AS build
ARG STAGE_ONLY=1
# comment between instructions
RUN apt-get update \\
  # a comment line inside the continuation
  && apt-get install -y \\

     curl
USER root
FROM build AS final
user app:app
RUN <<EOF
USER root
EOF
`;
  const model = parseDockerfile('Dockerfile', text);

  it('reads directives, global and stage ARGs', () => {
    expect(model.directives).toEqual([{ name: 'syntax', value: 'docker/dockerfile:1' }]);
    expect(model.escapeChar).toBe('\\');
    expect(model.globalArgs.map((a) => [a.name, a.value, a.span.start.line])).toEqual([
      ['BASE', 'node', 2],
      ['NODE_VERSION', '20', 3],
      ['UNSET', null, 4],
    ]);
    expect(model.stages[0]!.args.map((a) => [a.name, a.value])).toEqual([['STAGE_ONLY', '1']]);
  });

  it('reads stages with image, platform, alias and exact spans', () => {
    const [build, final] = model.stages;
    expect(build!.from).toMatchObject({
      image: '${BASE}:${NODE_VERSION}',
      platform: '$BUILDPLATFORM',
      name: 'build',
    });
    expect(pos(build!.from.span)).toBe('5:1-5:63');
    expect(pos(build!.from.imageSpan!)).toBe('5:32-5:54');
    expect(pos(build!.from.nameSpan!)).toBe('5:59-5:63');
    expect(final!.from).toMatchObject({ image: 'build', name: 'final' });
    expect(finalStage(model)).toBe(final);
    expect(referencedStage(model, final!, 'BUILD')).toBe(build);
    expect(referencedStage(model, build!, 'final')).toBeUndefined();
  });

  it('joins RUN continuations without comment or blank lines, and keeps positions', () => {
    const run = model.stages[0]!.runs[0]!;
    expect(run.value).toBe('apt-get update   && apt-get install -y      curl');
    expect(pos(run.span)).toBe('8:1-12:9');
    expect(run.argsSpan?.start).toEqual({ line: 8, column: 5 });
  });

  it('reads USER instructions, lower-case keywords included, and not heredoc bodies', () => {
    expect(model.stages[0]!.users.map((u) => [u.value, pos(u.span)])).toEqual([['root', '13:1-13:9']]);
    expect(model.stages[1]!.users.map((u) => [u.value, pos(u.span)])).toEqual([['app:app', '15:1-15:12']]);
    expect(model.stages[1]!.runs[0]!.value).toBe('<<EOF\nUSER root\nEOF');
  });

  it('substitutes global ARG defaults for FROM', () => {
    const vars = globalArgValues(model);
    expect(expandVariables(model.stages[0]!.from.image!, vars).text).toBe('node:20');
    expect(expandVariables('node:${UNSET}', vars)).toEqual({
      text: `node:${UNRESOLVED}`,
      unresolved: ['UNSET'],
    });
    expect(vars.has('STAGE_ONLY')).toBe(false);
  });

  it('honours the escape directive, CRLF line ends and a lone CR', () => {
    const m = parseDockerfile(
      'Dockerfile',
      '# escape=`\r\nFROM alpine:3 AS a\r\nRUN echo a `\r\n  b\r\nUSER 1000\rX\r\n',
    );
    expect(m.escapeChar).toBe('`');
    expect(m.stages[0]!.runs[0]!.value).toBe('echo a   b');
    expect(pos(m.stages[0]!.from.imageSpan!)).toBe('2:6-2:13');
    expect(m.stages[0]!.users.map((u) => [u.value, u.span.start.line])).toEqual([['1000', 5]]);
  });

  it('reads several ARGs per instruction, quoted values and ARG defaults built from earlier ARGs', () => {
    const m = parseDockerfile(
      'Dockerfile',
      'ARG A B=2 C="x y" 9BAD=1\nARG IMG=node:${B}\nARG B\nFROM ${IMG}\n',
    );
    expect(m.globalArgs.map((a) => [a.name, a.value])).toEqual([
      ['A', null],
      ['B', '2'],
      ['C', 'x y'],
      ['IMG', 'node:${B}'],
      ['B', null],
    ]);
    const vars = globalArgValues(m);
    expect(vars.get('IMG')).toBe('node:2');
    expect(vars.get('B')).toBe('2');
  });

  it('survives malformed input', () => {
    const m = parseDockerfile('Dockerfile', 'FROM\nUSER\nRUN\nARG\nFROM --platform=x\n');
    expect(m.stages.map((s) => s.from.image)).toEqual([null, null]);
    expect(m.stages[0]!.users).toEqual([]);
    expect(parseDockerfile('Dockerfile', '').stages).toEqual([]);
  });

  it('finds Dockerfiles by naming convention and caches the model', () => {
    const ws = tree({
      Dockerfile: 'FROM a\n',
      'svc/Dockerfile.prod': 'FROM b\n',
      'svc/Dockerfile.prod.dockerignore': 'node_modules\n',
      'svc/api.Dockerfile': 'FROM c\n',
      'svc/web.dockerfile': 'FROM d\n',
      'svc/Containerfile': 'FROM e\n',
      'docs/dockerfile-guide.md': 'FROM f\n',
      'docker/dockerfile': 'FROM g\n',
      'svc/Containerfile.dev': 'FROM h\n',
    });
    expect(dockerfilePaths(ws)).toEqual([
      'Dockerfile',
      'svc/Dockerfile.prod',
      'svc/api.Dockerfile',
      'svc/web.dockerfile',
      'svc/Containerfile',
      'docker/dockerfile',
      'svc/Containerfile.dev',
    ]);
    expect(readDockerfile(ws, 'Dockerfile')).toBe(readDockerfile(ws, 'Dockerfile'));
  });
});

describe('files a stage takes from the build context', () => {
  const placed = (text: string) =>
    parseDockerfile('Dockerfile', text).stages.map((stage) => Object.fromEntries(stage.placed));
  it.each<[string, string, Record<string, string>[]]>([
    [
      'a file to a path',
      'FROM x\nCOPY a/Cargo.toml /src/Cargo.toml\n',
      [{ '/src/Cargo.toml': 'a/Cargo.toml' }],
    ],
    [
      'into the WORKDIR',
      'FROM x\nWORKDIR /app\nCOPY ./package.json .\n',
      [{ '/app/package.json': 'package.json' }],
    ],
    [
      'relative WORKDIRs add up',
      'FROM x\nWORKDIR /app\nWORKDIR web\nCOPY p.json ./\n',
      [{ '/app/web/p.json': 'p.json' }],
    ],
    [
      'several sources into a folder',
      'FROM x\nCOPY a.lock b.toml /w\n',
      [{ '/w/a.lock': 'a.lock', '/w/b.toml': 'b.toml' }],
    ],
    ['the exec form', 'FROM x\nCOPY ["a b/c.json", "/d/c.json"]\n', [{ '/d/c.json': 'a b/c.json' }]],
    ['ADD of a local file', 'FROM x\nADD go.sum /src/\n', [{ '/src/go.sum': 'go.sum' }]],
    ['a WORKDIR from an ENV', 'FROM x\nENV HOME=/h\nWORKDIR $HOME\nCOPY f .\n', [{ '/h/f': 'f' }]],
    [
      'a stage keeps the WORKDIR of the stage it is built on',
      'FROM x AS a\nWORKDIR /a\nFROM a\nCOPY f .\n',
      [{}, { '/a/f': 'f' }],
    ],
    ['not a copy from another stage', 'FROM x\nCOPY --from=b /x/Cargo.lock .\n', [{}]],
    ['not a URL', 'FROM x\nADD https://e.com/f.tgz /f.tgz\n', [{}]],
    ['not a wildcard or a variable', 'FROM x\nCOPY *.json /a/\nCOPY $F /b\n', [{}]],
    ['not under a WORKDIR an unset ARG hides', 'FROM x\nARG D\nWORKDIR $D\nCOPY f .\n', [{}]],
    [
      'a continuation line with a comment',
      'FROM x\nCOPY a.toml \\\n# note\n  /a.toml\n',
      [{ '/a.toml': 'a.toml' }],
    ],
  ])('%s', (_name, text, expected) => {
    expect(placed(text)).toEqual(expected);
  });
});

describe('variable expansion', () => {
  const vars = new Map<string, string | null>([
    ['V', '20'],
    ['EMPTY', ''],
    ['NODEF', null],
  ]);
  it.each([
    ['node:$V', 'node:20', []],
    ['node:${V}-slim', 'node:20-slim', []],
    ['node:${NODEF:-18}', 'node:18', []],
    ['node:${EMPTY:-18}', 'node:18', []],
    ['node:${V:-18}', 'node:20', []],
    ['node${V:+:pinned}', 'node:pinned', []],
    ['node${EMPTY:+:x}', 'node', []],
    ['node:${NODEF}', `node:${UNRESOLVED}`, ['NODEF']],
    ['node:$MISSING', `node:${UNRESOLVED}`, ['MISSING']],
    ['node:${NODEF:+x}', `node:${UNRESOLVED}`, ['NODEF']],
    ['node:${V%%.*}', `node:${UNRESOLVED}`, ['V%%.*']],
    ['node:${V', `node:${UNRESOLVED}`, ['${V']],
    ['node:\\$V', 'node:$V', []],
    ['a$-b', 'a$-b', []],
    ['${NODEF:-${V}}', '20', []],
  ])('%s', (input, text, unresolved) => {
    expect(expandVariables(input, vars)).toEqual({ text, unresolved });
  });

  it('stays linear on hostile input', () => {
    const hostile = '${'.repeat(20_000) + '$'.repeat(20_000);
    expect(expandVariables(hostile, vars).text.length).toBeGreaterThan(0);
    const nested = `${'${A:-'.repeat(100)}x${'}'.repeat(100)}`;
    expect(expandVariables(nested, vars).text).toBe(UNRESOLVED);
  });
});

describe('words and continuations', () => {
  it('splits words with quotes and escapes', () => {
    expect(splitWords(`a "b c" 'd $e' f\\ g`)).toEqual(['a', 'b c', 'd $e', 'f g']);
    expect(splitWords('  ')).toEqual([]);
    expect(splitWords('""')).toEqual(['']);
  });

  it('joins continuations with trailing blanks after the escape', () => {
    expect(joinContinuations('a \\  \n  # c\n\n  b', '\\')).toBe('a   b');
    expect(joinContinuations('a\nb', '\\')).toBe('a');
  });
});

describe('image references', () => {
  it.each([
    ['node', { repository: 'node' }],
    ['node:20', { repository: 'node', tag: '20' }],
    ['library/node:20-alpine', { repository: 'library/node', tag: '20-alpine' }],
    ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app' }],
    [
      'ghcr.io/o/app:1@sha256:ab',
      { registry: 'ghcr.io', repository: 'o/app', tag: '1', digest: 'sha256:ab' },
    ],
    ['"alpine:3"', { repository: 'alpine', tag: '3' }],
  ])('%s', (text, expected) => {
    const ref = parseImageRef(text);
    expect(ref).toMatchObject(expected);
    if (!('tag' in expected)) expect(ref?.tag).toBeUndefined();
  });

  it('recognises a well-formed sha256 digest only', () => {
    expect(hasSha256Digest(parseImageRef(`a@sha256:${'a'.repeat(64)}`)!)).toBe(true);
    expect(hasSha256Digest(parseImageRef('a@sha256:abc')!)).toBe(false);
    expect(parseImageRef('  ')).toBeUndefined();
  });
});
