/**
 * Recognises executable formats from a file's first bytes (the workspace's 8,000-byte binary sniff).
 * Each check validates more than the magic number (a header field with a small set of legal values),
 * so an arbitrary binary that happens to start with the same two or four bytes is not reported.
 */

export const FORMATS = ['elf', 'pe', 'mach-o', 'java-class', 'java-archive', 'wasm'] as const;
export type BinaryFormat = (typeof FORMATS)[number];

/** A recognised format and a human description for the finding message. */
export interface Detected {
  format: BinaryFormat;
  description: string;
}

/** Extensions under which a file is worth sniffing even when the workspace classed it as text. */
const EXECUTABLE_EXTENSION =
  /\.(?:exe|dll|sys|scr|com|cpl|ocx|so(?:\.\d{1,6}){0,4}|dylib|bundle|o|elf|bin|out)$/i;
/** DOS stubs without a PE header are only believed under an executable name. */
const DOS_EXTENSION = /\.(?:exe|com|dll|sys|scr)$/i;
const JAVA_ARCHIVE_EXTENSION = /\.(?:jar|war|ear|aar)$/i;

/** Detects an executable format in the head of a binary file of `size` bytes. */
export function sniffExecutable(head: Buffer, file: string, size = head.length): Detected | undefined {
  if (head.length < 4) return undefined;
  const magic = head.readUInt32BE(0);
  if (magic === 0x7f454c46) return elf(head);
  if (head[0] === 0x4d && head[1] === 0x5a) return pe(head, file, size);
  switch (magic) {
    case 0xfeedface:
    case 0xfeedfacf:
    case 0xcefaedfe:
    case 0xcffaedfe:
      return machO(head, magic);
    case 0xcafebabe:
    case 0xcafebabf:
      return cafebabe(head, magic);
    case 0x504b0304:
      return javaArchive(head, file);
    case 0x0061736d:
      return head.length >= 8 && head.readUInt32LE(4) === 1
        ? { format: 'wasm', description: 'WebAssembly module' }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Executables whose first 8,000 bytes hold no NUL are classed as text by the workspace, and their
 * bytes above 0x7f are lost in decoding. Real ELF and PE files always have a NUL early, so this only
 * catches crafted or truncated files: the ASCII magics under an executable file name.
 */
export function sniffTextExecutable(text: string, file: string): Detected | undefined {
  if (!EXECUTABLE_EXTENSION.test(file)) return undefined;
  if (text.startsWith('\x7fELF'))
    return { format: 'elf', description: 'ELF binary (truncated or malformed header)' };
  if (text.startsWith('MZ')) return { format: 'pe', description: 'Windows/DOS executable (MZ header)' };
  return undefined;
}

const ELF_TYPES: Record<number, string> = {
  1: 'relocatable object file',
  2: 'executable',
  3: 'shared object or position-independent executable',
  4: 'core dump',
};

function elf(head: Buffer): Detected | undefined {
  const cls = head[4];
  const data = head[5];
  if (head.length < 18) return { format: 'elf', description: 'ELF binary' };
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return undefined;
  const type = data === 1 ? head.readUInt16LE(16) : head.readUInt16BE(16);
  const what = ELF_TYPES[type] ?? 'binary';
  return { format: 'elf', description: `ELF ${cls === 1 ? '32' : '64'}-bit ${what}` };
}

function pe(head: Buffer, file: string, size: number): Detected | undefined {
  const dos: Detected | undefined = DOS_EXTENSION.test(file)
    ? { format: 'pe', description: 'DOS/Windows executable (MZ header)' }
    : undefined;
  if (head.length < 0x40) return dos;
  const lfanew = head.readUInt32LE(0x3c);
  if (lfanew + 4 > size) return dos;
  if (lfanew + 4 > head.length) {
    // The PE header lies past the sniffed bytes; a real image keeps it within the first few KiB.
    return {
      format: 'pe',
      description: 'Windows executable (MZ header; PE header beyond the first 8,000 bytes)',
    };
  }
  if (head.readUInt32BE(lfanew) !== 0x50450000) return dos;
  const coff = lfanew + 4;
  if (coff + 20 > head.length) return { format: 'pe', description: 'Windows PE image' };
  const characteristics = head.readUInt16LE(coff + 18);
  const kind = characteristics & 0x2000 ? 'DLL' : 'executable';
  const optMagic = coff + 22 <= head.length ? head.readUInt16LE(coff + 20) : 0;
  const bits = optMagic === 0x20b ? 'PE32+' : optMagic === 0x10b ? 'PE32' : 'PE';
  return { format: 'pe', description: `Windows ${bits} ${kind}` };
}

const MACHO_TYPES: Record<number, string> = {
  1: 'object file',
  2: 'executable',
  3: 'fixed VM shared library',
  4: 'core dump',
  5: 'preloaded executable',
  6: 'dynamic library',
  7: 'dynamic linker',
  8: 'bundle',
  9: 'dynamic library stub',
  10: 'debug symbols companion',
  11: 'kernel extension',
  12: 'file set',
};

function machO(head: Buffer, magic: number): Detected | undefined {
  const bits = magic === 0xfeedface || magic === 0xcefaedfe ? '32' : '64';
  if (head.length < 16) return { format: 'mach-o', description: `Mach-O ${bits}-bit binary` };
  const littleEndian = magic === 0xcefaedfe || magic === 0xcffaedfe;
  const fileType = littleEndian ? head.readUInt32LE(12) : head.readUInt32BE(12);
  const what = MACHO_TYPES[fileType];
  return what ? { format: 'mach-o', description: `Mach-O ${bits}-bit ${what}` } : undefined;
}

/**
 * 0xCAFEBABE opens both universal (fat) Mach-O binaries and Java class files. The next word is the
 * fat architecture count (a handful) or the class file's minor/major version (major >= 45).
 */
function cafebabe(head: Buffer, magic: number): Detected | undefined {
  if (head.length < 8) return undefined;
  const next = head.readUInt32BE(4);
  if (next >= 1 && next <= 30) {
    return {
      format: 'mach-o',
      description: `universal (fat) Mach-O binary with ${next} architecture${next === 1 ? '' : 's'}`,
    };
  }
  if (magic !== 0xcafebabe) return undefined;
  const major = head.readUInt16BE(6);
  if (major < 45 || major > 200) return undefined;
  return { format: 'java-class', description: `Java class file (class file version ${major})` };
}

function javaArchive(head: Buffer, file: string): Detected | undefined {
  if (JAVA_ARCHIVE_EXTENSION.test(file))
    return { format: 'java-archive', description: 'Java archive (JAR/WAR/EAR)' };
  // Any ZIP whose first entry is the manifest directory is a JAR under another name.
  if (head.length < 30) return undefined;
  const nameLength = head.readUInt16LE(26);
  const name = head.subarray(30, Math.min(head.length, 30 + nameLength)).toString('latin1');
  return name.startsWith('META-INF/')
    ? { format: 'java-archive', description: 'Java archive (JAR)' }
    : undefined;
}
