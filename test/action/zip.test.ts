import { describe, expect, it } from 'vitest';
import { readSingleJsonFile } from '../../src/action/zip.js';
import { writeZip, type ZipEntry } from '../helpers/zip-writer.js';

const JSON_TEXT = JSON.stringify({ format: 'controlgate-base-results/1', rules: { a: 1 } });
const MB = 1024 * 1024;

function read(zip: Buffer, max = MB) {
  return () => readSingleJsonFile(zip, max);
}

const one = (entry: Partial<ZipEntry> = {}) => [{ name: 'base-results.json', data: JSON_TEXT, ...entry }];

describe('readSingleJsonFile', () => {
  it('reads the one deflated JSON file of an archive', () => {
    const file = readSingleJsonFile(writeZip(one()), MB);
    expect(file.name).toBe('base-results.json');
    expect(file.data.toString('utf8')).toBe(JSON_TEXT);
  });

  it('reads a stored entry, and an archive with a comment holding the end signature', () => {
    expect(readSingleJsonFile(writeZip(one({ method: 0 })), MB).data.toString()).toBe(JSON_TEXT);
    const comment = 'PK\u0005\u0006 looks like an end record';
    expect(readSingleJsonFile(writeZip(one(), { comment }), MB).data.toString()).toBe(JSON_TEXT);
  });

  it('stops a zip bomb at the bound, whatever size the headers declare', () => {
    const zeros = Buffer.alloc(20 * MB);
    // Declared small, inflates to 20 MB: inflation stops at the bound.
    expect(read(writeZip(one({ data: zeros, declaredSize: 100 })))).toThrow(
      `the zip entry base-results.json inflates past the bound of ${MB} bytes`,
    );
    // Declared honestly: refused before inflating.
    expect(read(writeZip(one({ data: zeros })))).toThrow(
      `the zip entry base-results.json is ${20 * MB} bytes once decompressed, over the bound of ${MB}`,
    );
  });

  it('refuses a truncated archive', () => {
    const zip = writeZip(one());
    expect(read(zip.subarray(0, zip.length - 5))).toThrow(
      'not a zip archive (no end-of-central-directory record)',
    );
    expect(read(zip.subarray(0, 10))).toThrow('not a zip archive (10 bytes)');
    // Cut inside the data: the end record now points past what is left.
    const cut = Buffer.concat([zip.subarray(0, 35), zip.subarray(zip.length - 22 - 61)]);
    expect(read(cut)).toThrow(/central directory|local header/);
  });

  it('refuses wrong offsets', () => {
    expect(read(writeZip(one(), { cdOffset: 5000 }))).toThrow(
      'the zip central directory lies outside the archive',
    );
    expect(read(writeZip(one(), { cdOffset: 0 }))).toThrow(
      'the zip central directory has no entry header at its offset',
    );
    expect(read(writeZip(one(), { localOffset: 7 }))).toThrow(
      'the zip entry base-results.json has no local header at its offset',
    );
    expect(read(writeZip(one({ declaredCompressed: 5000 })))).toThrow(
      "the zip entry base-results.json's data runs past the central directory",
    );
  });

  it('refuses two entries, none, and an end record that miscounts', () => {
    const two = [...one(), { name: 'other.json', data: '{}' }];
    expect(read(writeZip(two))).toThrow('the zip holds 2 entries; one JSON file was expected');
    expect(read(writeZip([]))).toThrow('the zip holds 0 entries; one JSON file was expected');
    expect(read(writeZip(one(), { entries: 0xffff }))).toThrow(
      'the zip uses zip64 records, which are not supported here',
    );
  });

  it('refuses a directory entry and names that climb out or are not plain', () => {
    const cases: [string, string][] = [
      ['results/', 'is a directory; one JSON file was expected'],
      ['../base-results.json', 'climbs out of the archive'],
      ['a/../../base-results.json', 'climbs out of the archive'],
      ['/etc/base-results.json', 'is not a relative path'],
      ['C:/base-results.json', 'is not a relative path'],
      ['a\\base-results.json', 'is not a relative path'],
      ['base-results.txt', 'is not a JSON file'],
      ['a\nb.json', 'has control characters in its name'],
    ];
    for (const [name, problem] of cases) {
      expect(read(writeZip(one({ name }))), name).toThrow(`the zip entry ${JSON.stringify(name)} ${problem}`);
    }
  });

  it('refuses encryption, other methods, and data that does not match its header', () => {
    expect(read(writeZip(one({ flags: 1 })))).toThrow('the zip entry base-results.json is encrypted');
    expect(read(writeZip(one({ method: 12 })))).toThrow(
      'the zip entry base-results.json uses compression method 12 (only stored and deflate are read)',
    );
    expect(read(writeZip(one({ declaredCrc: 1234 })))).toThrow(
      'the zip entry base-results.json fails its CRC-32 check',
    );
    expect(read(writeZip(one({ declaredSize: 10 })))).toThrow(
      `the zip entry base-results.json holds ${JSON_TEXT.length} bytes, not the 10 its header says`,
    );
    expect(read(writeZip(one({ method: 0, declaredSize: 10 })))).toThrow(
      'the zip entry base-results.json is stored with two different sizes',
    );
    expect(read(writeZip(one({ rawData: Buffer.from([0xff, 0xff, 0xff, 0xff]) })))).toThrow(
      /^the zip entry base-results\.json does not inflate \(/,
    );
  });
});
