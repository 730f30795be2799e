import { fileLocation } from '../../location.js';
import type { RawFinding } from '../../types.js';
import { globList } from '../generic/shared.js';
import { defineEvaluator } from '../types.js';
import { type BinaryFormat, FORMATS, sniffExecutable, sniffTextExecutable } from './magic.js';

/** Options of `files.binary-executables`. */
export interface BinaryExecutablesOptions {
  allow: string[];
  formats: BinaryFormat[];
}

/**
 * `files.binary-executables`: committed native executables and libraries (ELF, PE, Mach-O) and,
 * optionally, Java bytecode and archives or WebAssembly, recognised by their magic bytes rather than
 * by name. Such files cannot be reviewed in a pull request and bypass the build's provenance.
 */
export const binaryExecutables = defineEvaluator<BinaryExecutablesOptions>({
  kind: 'files.binary-executables',
  scope: 'file',
  summary: 'No committed executable binaries (ELF, PE, Mach-O, Java class/archive), detected by magic bytes.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      allow: globList(
        'Globs of binaries that are expected, e.g. `**/gradle/wrapper/gradle-wrapper.jar` (a checksum-verified ' +
          'bootstrapper).',
        { default: [] },
      ),
      formats: {
        type: 'array',
        uniqueItems: true,
        minItems: 1,
        items: { enum: [...FORMATS] },
        default: ['elf', 'pe', 'mach-o', 'java-class', 'java-archive'],
        description: 'Formats to report: elf, pe, mach-o, java-class, java-archive, wasm.',
      },
    },
  },
  evaluate({ options, workspace }): RawFinding[] {
    const allowed = options.allow.length > 0 ? workspace.matcher(options.allow) : () => false;
    const formats = new Set(options.formats);
    const findings: RawFinding[] = [];
    for (const file of workspace.files) {
      if (allowed(file)) continue;
      const content = workspace.read(file);
      const detected =
        content.kind === 'binary'
          ? sniffExecutable(content.head, file, content.size)
          : content.kind === 'text'
            ? sniffTextExecutable(content.text, file)
            : undefined;
      if (!detected || !formats.has(detected.format)) continue;
      findings.push({
        message: `${file} is a committed ${detected.description}; build it in CI from reviewed source (or add it to \`allow\` if it must be versioned).`,
        location: fileLocation(file),
        key: detected.format,
      });
    }
    return findings;
  },
});
