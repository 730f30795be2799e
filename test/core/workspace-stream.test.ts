import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secretsScan } from '../../src/core/evaluators/secrets/evaluator.js';
import { MAX_SCAN_BYTES, scanFile } from '../../src/core/evaluators/secrets/source.js';
import { CHUNK_BYTES, textChunks } from '../../src/core/workspace/stream.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { cleanup, makeTree, run } from '../evaluators/kit.js';
import { githubToken } from '../evaluators/secrets-kit.js';

/**
 * Nothing is skipped silently (issue 13, item 5): files over the size cap are streamed, UTF-16 is
 * decoded, binary files are read as bytes, long lines are read in windows, and what is still not
 * read is reported where it starts.
 */

afterAll(cleanup);

const GHP = githubToken();
const utf16le = (s: string) => Buffer.from(s, 'utf16le');
const utf16be = (s: string) => {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return le;
};
const found = (ws: Workspace, file: string) =>
  scanFile(ws, file).hits.map((h) => `${h.line}:${h.start + 1}:${h.detector}`);

describe('reading odd files', () => {
  it('decodes UTF-16 with and without a byte-order mark', () => {
    const text = `# settings\r\nGH_TOKEN=${GHP}\r\n`;
    const root = makeTree({
      'le-bom.ps1': Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(text)]),
      'be-bom.reg': Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]),
      'le-plain.txt': utf16le(text),
    });
    const ws = new Workspace(root, { files: ['le-bom.ps1', 'be-bom.reg', 'le-plain.txt'] });
    for (const file of ['le-bom.ps1', 'be-bom.reg', 'le-plain.txt']) {
      expect(ws.text(file), file).toBe(text);
      expect(found(ws, file), file).toEqual(['2:10:github-token']);
    }
  });

  // A byte-order mark before a plain ASCII file made it read as UTF-16 (or UTF-32): CJK code units
  // no detector matched, while git grep and a dotenv loader see the token.
  it.each([
    ['FF FE (UTF-16LE)', [0xff, 0xfe], '', '2:14:github-token'],
    ['FE FF (UTF-16BE)', [0xfe, 0xff], '', '2:14:github-token'],
    ['FF FE 00 00 (UTF-32LE)', [0xff, 0xfe, 0, 0], '', '2:14:github-token'],
    ['00 00 FE FF (UTF-32BE)', [0, 0, 0xfe, 0xff], '', '2:14:github-token'],
    // UTF-16 text first, then the plain ASCII: the file is read as bytes and the token found.
    ['FF FE and UTF-16 text before the ASCII', [0xff, 0xfe], 'A\0'.repeat(6000), '2:14:github-token'],
  ])('reads a plain file after a %s byte-order mark as the plain text it is', (_what, bom, pad, hit) => {
    const body = `# app settings\nGITHUB_TOKEN=${GHP}\nLOG_LEVEL=debug\n`;
    const root = makeTree({
      'config/app.env': Buffer.concat([Buffer.from(bom), Buffer.from(pad, 'latin1'), Buffer.from(body)]),
    });
    const ws = new Workspace(root, { files: ['config/app.env'] });
    expect(found(ws, 'config/app.env')).toEqual([hit]);
  });

  it('still decodes UTF-16 text of CJK characters, with spaces and ASCII, after its byte-order mark', () => {
    const text = `# \u8a2d\u5b9a\u30d5\u30a1\u30a4\u30eb \u4e2d\u6587\u6587\u5b57\u5217\u4e2d\u6587\u6587\u5b57\u5217\u4e2d\u6587\u6587\u5b57\u5217\u4e2d\u6587\r\nGH_TOKEN=${GHP}\r\n`;
    const root = makeTree({
      'le.ps1': Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le(text)]),
      'be.reg': Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)]),
    });
    const ws = new Workspace(root, { files: ['le.ps1', 'be.reg'] });
    for (const file of ['le.ps1', 'be.reg']) {
      expect(ws.text(file), file).toBe(text);
      expect(found(ws, file), file).toEqual(['2:10:github-token']);
    }
  });

  // UTF-32 (whose little-endian byte-order mark starts like UTF-16LE's) was read as neither.
  const utf32 = (s: string, endian: 'le' | 'be') => {
    const out = Buffer.alloc([...s].length * 4);
    let at = 0;
    for (const c of s) {
      if (endian === 'le') out.writeUInt32LE(c.codePointAt(0)!, at);
      else out.writeUInt32BE(c.codePointAt(0)!, at);
      at += 4;
    }
    return out;
  };
  it.each([
    ['little-endian with a byte-order mark', 'le-bom.ini', 'le', [0xff, 0xfe, 0, 0]],
    ['big-endian with a byte-order mark', 'be-bom.ini', 'be', [0, 0, 0xfe, 0xff]],
    ['little-endian without one', 'le-plain.ini', 'le', []],
    ['big-endian without one', 'be-plain.ini', 'be', []],
  ] as const)('decodes UTF-32 %s', (_what, file, endian, bom) => {
    const text = `# settings \u{1F511}\r\nGH_TOKEN=${GHP}\r\n`;
    const root = makeTree({ [file]: Buffer.concat([Buffer.from(bom), utf32(text, endian)]) });
    const ws = new Workspace(root, { files: [file] });
    expect(ws.text(file)).toBe(text);
    expect(found(ws, file)).toEqual(['2:10:github-token']);
  });

  it('does not read an array of small integers in a binary file as UTF-32', () => {
    const ints = Buffer.alloc(4096);
    for (let i = 0; i < 1024; i++) ints.writeUInt32LE(1 + (i % 7), i * 4);
    const root = makeTree({ 'model.bin': ints });
    expect(new Workspace(root, { files: ['model.bin'] }).read('model.bin').kind).toBe('binary');
  });

  it('streams a file over the size cap and finds a secret at its end', () => {
    const filler = `${'const value = compute(input, options);\n'.repeat(55_000)}`;
    const root = makeTree({ 'data/big.js': `${filler}export const token = '${GHP}';\n` });
    const ws = new Workspace(root, { files: ['data/big.js'] });
    expect(ws.read('data/big.js').kind).toBe('too-large');
    expect(found(ws, 'data/big.js')).toEqual(['55001:23:github-token']);
  });

  it('reads binary files as bytes: a secret after NUL bytes is found, keystores are recognised', () => {
    const root = makeTree({
      'firmware.bin': Buffer.concat([
        Buffer.alloc(4096),
        Buffer.from(`\x01\x02token=${GHP}\x00\xff`, 'latin1'),
      ]),
      'release.keystore': Buffer.concat([
        Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]),
        Buffer.alloc(64, 7),
      ]),
      'nul-padded.conf': Buffer.concat([
        Buffer.alloc(2),
        Buffer.from(
          `# written by the installer\n[auth]\npassword = Zk3v9QpL2mXw7RtB\n${'# padding\n'.repeat(20)}`,
        ),
      ]),
    });
    const ws = new Workspace(root, { files: ['firmware.bin', 'release.keystore', 'nul-padded.conf'] });
    expect(ws.read('firmware.bin').kind).toBe('binary');
    expect(found(ws, 'firmware.bin')).toEqual(['1:4105:github-token']);
    expect(found(ws, 'release.keystore')).toEqual(['1:1:keystore-file']);
    // Text with a stray NUL: every detector runs, the generic one included.
    expect(found(ws, 'nul-padded.conf')).toEqual(['3:12:generic-secret-assignment']);
  });

  it('cuts a line longer than a chunk with an overlap, so a value across the cut is seen whole', () => {
    const line = `${'a'.repeat(CHUNK_BYTES - 20)} token=${GHP} ${'b'.repeat(100)}`;
    const chunks = [...textChunks([Buffer.from(`first\n${line}\nlast\n`)], 'utf-8')];
    expect(chunks.map((c) => [c.firstLine, c.firstColumn, c.cut])).toEqual([
      [1, 0, false],
      [2, 0, true],
      [2, CHUNK_BYTES - 4096, false],
    ]);
    const root = makeTree({ 'dist/app.js': `first\n${line}\nlast\n`.repeat(1) });
    const ws = new Workspace(root, { files: ['dist/app.js'], maxFileBytes: 1024 });
    expect(found(ws, 'dist/app.js')).toEqual([`2:${CHUNK_BYTES - 20 + 8}:github-token`]);
  });

  it('reports what is past the bytes read per file as a high finding where reading stopped', async () => {
    const root = makeTree({ 'dump.bin': Buffer.from(`GH=${GHP}\n`) });
    // A sparse file: 8 MiB over the bound, nothing written past the start.
    const fd = openSync(path.join(root, 'dump.bin'), 'r+');
    writeSync(fd, Buffer.from([0]), 0, 1, MAX_SCAN_BYTES + 8 * 1024 * 1024);
    closeSync(fd);
    const ws = new Workspace(root, { files: ['dump.bin'] });
    const findings = await run(secretsScan, { families: ['token'], reportUnread: true }, ws);
    expect(findings.map((f) => [f.severity ?? 'rule', f.location?.startLine, f.message])).toEqual([
      ['rule', 1, 'GitHub token (ghp_, gho_, ghu_, ghs_, ghr_) is committed: ghp_… (40 chars).'],
      [
        'high',
        2,
        'Part of this file was not scanned for secrets: the file has 113,246,209 bytes and only the first 104,857,600 were read (from line 2, column 1); nothing after it was looked at, so split the file or remove it.',
      ],
    ]);
  });
});
