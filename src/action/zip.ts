/**
 * A small, strict reader of the one file in a workflow artifact's zip. The archive comes from an
 * artifact download, so it is read as hostile: every offset and size is checked against the buffer
 * and the bound before use, deflate output is capped while it is produced (a zip bomb stops at the
 * bound), and anything this reader has no need to understand (several entries, directories, paths
 * that climb, encryption, zip64, split archives, other compression methods) is refused with a
 * message saying what was found. Never throws anything but an Error with such a message.
 */
import { crc32, inflateRawSync } from 'node:zlib';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
/** The end record is followed by a comment of at most this many bytes. */
const MAX_COMMENT = 0xffff;
/** Stored methods: 0 (stored) and 8 (deflate) are what upload-artifact writes. */
const STORED = 0;
const DEFLATE = 8;

/** The single file of an archive: its name and its bytes. */
export interface ZipFile {
  name: string;
  data: Buffer;
}

/**
 * Reads the only entry of `zip`, which must be a file whose name ends in `.json`, of at most
 * `maxBytes` bytes once decompressed. Throws an Error saying what is wrong.
 */
export function readSingleJsonFile(zip: Buffer, maxBytes: number): ZipFile {
  const eocd = findEndRecord(zip);
  const disk = zip.readUInt16LE(eocd + 4);
  const cdDisk = zip.readUInt16LE(eocd + 6);
  const entriesHere = zip.readUInt16LE(eocd + 8);
  const entries = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new Error('the zip uses zip64 records, which are not supported here');
  }
  if (disk !== 0 || cdDisk !== 0 || entriesHere !== entries) {
    throw new Error('the zip is split over several disks');
  }
  if (entries !== 1) {
    throw new Error(`the zip holds ${entries} entries; one JSON file was expected`);
  }
  // The central directory lies between the entries' data and the end record.
  if (cdOffset + cdSize > eocd || cdSize < CENTRAL_SIZE) {
    throw new Error('the zip central directory lies outside the archive');
  }
  if (zip.readUInt32LE(cdOffset) !== CENTRAL_SIGNATURE) {
    throw new Error('the zip central directory has no entry header at its offset');
  }
  const flags = zip.readUInt16LE(cdOffset + 8);
  const method = zip.readUInt16LE(cdOffset + 10);
  const crc = zip.readUInt32LE(cdOffset + 16);
  const compressed = zip.readUInt32LE(cdOffset + 20);
  const size = zip.readUInt32LE(cdOffset + 24);
  const nameLength = zip.readUInt16LE(cdOffset + 28);
  const extraLength = zip.readUInt16LE(cdOffset + 30);
  const commentLength = zip.readUInt16LE(cdOffset + 32);
  const localOffset = zip.readUInt32LE(cdOffset + 42);
  if (CENTRAL_SIZE + nameLength + extraLength + commentLength > cdSize) {
    throw new Error('the zip entry header runs past the central directory');
  }
  const name = zip.toString('utf8', cdOffset + CENTRAL_SIZE, cdOffset + CENTRAL_SIZE + nameLength);
  const problem = nameProblem(name);
  if (problem) throw new Error(`the zip entry ${JSON.stringify(name.slice(0, 200))} ${problem}`);
  if (flags & 0x1) throw new Error(`the zip entry ${name} is encrypted`);
  if (compressed === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) {
    throw new Error('the zip uses zip64 records, which are not supported here');
  }
  if (method !== STORED && method !== DEFLATE) {
    throw new Error(
      `the zip entry ${name} uses compression method ${method} (only stored and deflate are read)`,
    );
  }
  if (size > maxBytes) {
    throw new Error(
      `the zip entry ${name} is ${size} bytes once decompressed, over the bound of ${maxBytes}`,
    );
  }

  if (localOffset + LOCAL_SIZE > cdOffset || zip.readUInt32LE(localOffset) !== LOCAL_SIGNATURE) {
    throw new Error(`the zip entry ${name} has no local header at its offset`);
  }
  const start =
    localOffset + LOCAL_SIZE + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
  if (start + compressed > cdOffset) {
    throw new Error(`the zip entry ${name}'s data runs past the central directory`);
  }
  const raw = zip.subarray(start, start + compressed);
  let data: Buffer;
  if (method === STORED) {
    if (compressed !== size) throw new Error(`the zip entry ${name} is stored with two different sizes`);
    data = raw;
  } else {
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(1, maxBytes) });
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new Error(
        code === 'ERR_BUFFER_TOO_LARGE'
          ? `the zip entry ${name} inflates past the bound of ${maxBytes} bytes`
          : `the zip entry ${name} does not inflate (${(err as Error).message})`,
      );
    }
  }
  // The declared size and checksum must both hold: a mismatch is a truncated or forged entry.
  if (data.length !== size) {
    throw new Error(`the zip entry ${name} holds ${data.length} bytes, not the ${size} its header says`);
  }
  if (crc32(data) >>> 0 !== crc) throw new Error(`the zip entry ${name} fails its CRC-32 check`);
  return { name, data };
}

/** The end-of-central-directory record's offset, searched from the end over the comment's reach. */
function findEndRecord(zip: Buffer): number {
  if (zip.length < EOCD_SIZE) throw new Error(`not a zip archive (${zip.length} bytes)`);
  const lowest = Math.max(0, zip.length - EOCD_SIZE - MAX_COMMENT);
  for (let at = zip.length - EOCD_SIZE; at >= lowest; at--) {
    // The comment must end exactly at the end of the archive, which tells a real record from bytes
    // that happen to look like its signature.
    if (
      zip.readUInt32LE(at) === EOCD_SIGNATURE &&
      at + EOCD_SIZE + zip.readUInt16LE(at + 20) === zip.length
    ) {
      return at;
    }
  }
  throw new Error('not a zip archive (no end-of-central-directory record)');
}

/** Why an entry name is not the one plain JSON file expected, or undefined. */
function nameProblem(name: string): string | undefined {
  if (name.length > 255) return 'has a name longer than 255 characters';
  if (name.endsWith('/')) return 'is a directory; one JSON file was expected';
  if (name.includes('\\') || name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return 'is not a relative path';
  if (name.split('/').some((s) => s === '..' || s === '.' || s === '')) return 'climbs out of the archive';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'has control characters in its name';
  if (!name.toLowerCase().endsWith('.json')) return 'is not a JSON file';
  return undefined;
}
