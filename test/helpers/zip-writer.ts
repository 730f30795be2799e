/**
 * A tiny zip writer for tests: local headers, data, central directory and end record, with every
 * field overridable so a test can forge the archive a hostile artifact would be.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Buffer | string;
  /** 0 stored, 8 deflate (default). */
  method?: number;
  flags?: number;
  /** Overrides of what the headers declare. */
  declaredSize?: number;
  declaredCompressed?: number;
  declaredCrc?: number;
  /** Bytes stored as the entry's data instead of the compressed `data`. */
  rawData?: Buffer;
}

export interface ZipOptions {
  /** Overrides of the end record. */
  entries?: number;
  cdOffset?: number;
  cdSize?: number;
  localOffset?: number;
  comment?: string;
}

/** Writes a zip archive of `entries`. */
export function writeZip(entries: ZipEntry[], options: ZipOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8');
    const method = e.method ?? 8;
    const body = e.rawData ?? (method === 8 ? deflateRawSync(data) : data);
    const name = Buffer.from(e.name, 'utf8');
    const crc = e.declaredCrc ?? crc32(data) >>> 0;
    const compressed = e.declaredCompressed ?? body.length;
    const size = e.declaredSize ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.flags ?? 0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.flags ?? 0, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(options.localOffset ?? offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const comment = Buffer.from(options.comment ?? '', 'utf8');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(options.entries ?? entries.length, 8);
  end.writeUInt16LE(options.entries ?? entries.length, 10);
  end.writeUInt32LE(options.cdSize ?? cd.length, 12);
  end.writeUInt32LE(options.cdOffset ?? offset, 16);
  end.writeUInt16LE(comment.length, 20);
  return Buffer.concat([...locals, cd, end, comment]);
}
