import { afterAll, describe, expect, it } from 'vitest';
import { binaryExecutables } from '../../src/core/evaluators/repo/binary-executables.js';
import { sniffExecutable } from '../../src/core/evaluators/repo/magic.js';
import { cleanup, run } from './kit.js';

afterAll(cleanup);

/** A zero-filled buffer of `size` bytes, filled in by `write`. */
function bytes(size: number, write: (b: Buffer) => void): Buffer {
  const b = Buffer.alloc(size);
  write(b);
  return b;
}

const elf = (bits: 1 | 2, endian: 1 | 2, type: number) =>
  bytes(64, (b) => {
    b.write('\x7fELF', 0, 'latin1');
    b[4] = bits;
    b[5] = endian;
    b[6] = 1;
    if (endian === 1) b.writeUInt16LE(type, 16);
    else b.writeUInt16BE(type, 16);
  });

/** A PE image whose `PE\0\0` signature sits at `lfanew`. */
const pe = (lfanew: number, opts: { dll?: boolean; magic?: number } = {}) =>
  bytes(lfanew + 128, (b) => {
    b.write('MZ', 0, 'latin1');
    b.writeUInt32LE(lfanew, 0x3c);
    b.write('PE\0\0', lfanew, 'latin1');
    b.writeUInt16LE(opts.dll ? 0x2102 : 0x0102, lfanew + 4 + 18);
    b.writeUInt16LE(opts.magic ?? 0x10b, lfanew + 4 + 20);
  });

const word = (first: number, second: number) =>
  bytes(32, (b) => {
    b.writeUInt32BE(first, 0);
    b.writeUInt32BE(second, 4);
  });

describe('magic-byte detection', () => {
  it.each([
    ['ELF 64-bit LE executable', elf(2, 1, 2), 'x', 'ELF 64-bit executable'],
    [
      'ELF 32-bit BE shared object',
      elf(1, 2, 3),
      'x',
      'ELF 32-bit shared object or position-independent executable',
    ],
    ['ELF relocatable object', elf(2, 1, 1), 'x.o', 'ELF 64-bit relocatable object file'],
    ['PE32 executable', pe(0x80), 'x', 'Windows PE32 executable'],
    ['PE32+ DLL', pe(0x100, { dll: true, magic: 0x20b }), 'x', 'Windows PE32+ DLL'],
    [
      'Mach-O 32-bit BE executable',
      bytes(32, (b) => b.writeUInt32BE(0xfeedface, 0) && b.writeUInt32BE(2, 12)),
      'x',
      'Mach-O 32-bit executable',
    ],
    [
      'Mach-O 64-bit LE dylib',
      bytes(32, (b) => b.writeUInt32BE(0xcffaedfe, 0) && b.writeUInt32LE(6, 12)),
      'x',
      'Mach-O 64-bit dynamic library',
    ],
    ['fat Mach-O', word(0xcafebabe, 3), 'x', 'universal (fat) Mach-O binary with 3 architectures'],
    ['Java class (major 61)', word(0xcafebabe, 61), 'X.class', 'Java class file (class file version 61)'],
    [
      'Java class (minor 3, major 45)',
      word(0xcafebabe, (3 << 16) | 45),
      'x',
      'Java class file (class file version 45)',
    ],
  ])('%s', (_name, head, file, description) => {
    expect(sniffExecutable(head, file)?.description).toBe(description);
  });

  it.each([
    ['ELF magic with an impossible class byte', bytes(64, (b) => b.write('\x7fELF\x07\x01', 0, 'latin1'))],
    [
      'MZ whose e_lfanew points past the end of the file',
      bytes(64, (b) => b.write('MZ', 0, 'latin1') && b.writeUInt32LE(0x1000, 0x3c)),
    ],
    [
      'MZ without a PE signature, under a data name',
      bytes(256, (b) => b.write('MZ', 0, 'latin1') && b.writeUInt32LE(0x80, 0x3c)),
    ],
    ['0xCAFEBABE with neither a fat count nor a class version', word(0xcafebabe, 32)],
    [
      'Mach-O magic with an unknown file type',
      bytes(32, (b) => b.writeUInt32BE(0xcffaedfe, 0) && b.writeUInt32LE(99, 12)),
    ],
    [
      'a ZIP that is not a Java archive',
      bytes(64, (b) => b.writeUInt32BE(0x504b0304, 0) && b.writeUInt16LE(4, 26) && b.write('a.md', 30)),
    ],
    ['a PNG image', Buffer.from('89504e470d0a1a0a0000000d4948445200', 'hex')],
  ])('ignores %s', (_name, head) => {
    expect(sniffExecutable(head, 'data.dat')).toBeUndefined();
  });

  it('believes a bare MZ header only under an executable name', () => {
    const dos = bytes(256, (b) => b.write('MZ', 0, 'latin1') && b.writeUInt32LE(0x80, 0x3c));
    expect(sniffExecutable(dos, 'GAME.EXE')?.description).toBe('DOS/Windows executable (MZ header)');
  });

  it('reports a PE whose header lies beyond the sniffed 8,000 bytes', () => {
    const big = pe(9000);
    expect(sniffExecutable(big.subarray(0, 8000), 'x', big.length)?.format).toBe('pe');
  });
});

describe('files.binary-executables', () => {
  const files = {
    'bin/tool': elf(2, 1, 2),
    'bin/big.exe': pe(9000),
    'classes/A.class': word(0xcafebabe, 52),
    'gradle/wrapper/gradle-wrapper.jar': bytes(64, (b) => b.writeUInt32BE(0x504b0304, 0)),
    'wasm/app.wasm': bytes(16, (b) => b.write('\0asm\x01\0\0\0', 0, 'latin1')),
    // No NUL in the first bytes: the workspace classes these as text.
    'crafted.exe': 'MZ this stub has no NUL byte\n',
    'notes.txt': 'MZ is a set of initials\n',
    'run.sh': '#!/bin/sh\necho hi\n',
  };

  it('finds executables by content, through the workspace sniff, honouring allow', async () => {
    const findings = await run(binaryExecutables, { allow: ['**/gradle-wrapper.jar'] }, files);
    expect(findings.map((f) => [f.location?.path, f.key]).sort()).toEqual([
      ['bin/big.exe', 'pe'],
      ['bin/tool', 'elf'],
      ['classes/A.class', 'java-class'],
      ['crafted.exe', 'pe'],
    ]);
    const tool = findings.find((f) => f.location?.path === 'bin/tool')!;
    expect(tool.message).toContain('ELF 64-bit executable');
    expect(tool.location).toEqual({ path: 'bin/tool', startLine: 1 });
  });

  it('reports only the selected formats', async () => {
    const findings = await run(binaryExecutables, { formats: ['wasm', 'java-archive'] }, files);
    expect(findings.map((f) => f.location?.path).sort()).toEqual([
      'gradle/wrapper/gradle-wrapper.jar',
      'wasm/app.wasm',
    ]);
  });
});
