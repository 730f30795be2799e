/**
 * Whether a file cited as evidence holds more than a placeholder. An empty incident-response.md, or
 * one with a heading and "TODO", must not count as a documented procedure. Documents (Markdown,
 * plain text, reStructuredText, AsciiDoc, HTML) need a paragraph's worth of prose besides headings,
 * comments, markup and placeholder words; any other text file (a CODEOWNERS line, a configuration)
 * needs one meaningful character besides comments (a file without an extension is a document unless its
 * name is a configuration file's, such as CODEOWNERS); a binary file (a PDF) needs bytes, and a file named
 * as a binary document format (`.pdf`, `.docx`, `.odt`, `.doc`) must start with that format's signature.
 */

/** Characters of prose a cited document needs, besides headings, comments, markup and placeholders. */
export const MIN_DOCUMENT_CHARS = 100;

const DOCUMENT = /\.(md|markdown|mdx|txt|text|rst|adoc|asciidoc|org|textile|html?)$/i;
const PLACEHOLDER =
  /\b(?:todo|tbd|tbc|fixme|xxx|lorem ipsum|dolor sit amet|coming soon|placeholder|to be (?:written|completed|defined|decided|done))\b/gi;

/**
 * Document formats that are binary, by name, with the bytes each starts with: a file named
 * `policy.pdf` that holds one character of text is no PDF, and no document.
 */
const SIGNED_FORMATS: { name: RegExp; format: string; signature: Buffer }[] = [
  { name: /\.pdf$/i, format: 'a PDF', signature: Buffer.from('%PDF-') },
  {
    name: /\.(?:docx|xlsx|pptx|odt|ods|odp|epub)$/i,
    format: 'an Office Open XML or OpenDocument file',
    signature: Buffer.from('PK\x03\x04', 'latin1'),
  },
  {
    name: /\.(?:doc|xls|ppt)$/i,
    format: 'a legacy Office file',
    signature: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  },
];

/** What {@link substance} needs of a read file. */
export interface Seen {
  bytes: number;
  binary: boolean;
  text?: string;
  /** The file's first bytes (at least 8 when it has them). */
  head?: Uint8Array;
}

/** `ok`, or why the file does not count as evidence (for the finding's message). */
export function substance(file: string, seen: Seen): { ok: true } | { ok: false; why: string } {
  if (seen.bytes === 0) return { ok: false, why: `${file} is empty` };
  const signed = SIGNED_FORMATS.find((f) => f.name.test(file));
  if (
    signed &&
    seen.head &&
    !Buffer.from(seen.head).subarray(0, signed.signature.length).equals(signed.signature)
  ) {
    return {
      ok: false,
      why: `${file} is named as ${signed.format} but does not start as one, so it holds no document`,
    };
  }
  if (seen.binary || seen.text === undefined) return { ok: true };
  if (DOCUMENT.test(file) || unnamedDocument(file)) {
    const chars = prose(seen.text);
    return chars >= MIN_DOCUMENT_CHARS
      ? { ok: true }
      : {
          ok: false,
          why: `${file} holds no more than a placeholder (${chars} character${chars === 1 ? '' : 's'} of text besides headings, comments, markup and placeholders such as TODO; a document cited as evidence needs at least ${MIN_DOCUMENT_CHARS})`,
        };
  }
  const meaningful = seen.text
    .split(/\r?\n/)
    .filter((line) => !/^\s*(#|\/\/|;|--|<!--)/.test(line))
    .join('\n')
    .replace(PLACEHOLDER, '')
    .replace(/\s+/g, '');
  return meaningful.length > 0
    ? { ok: true }
    : { ok: false, why: `${file} holds nothing but comments, whitespace or placeholders` };
}

/**
 * Files whose name has no extension and that are configuration by convention: one line of them is
 * content (`* @acme/security`). Any other file without an extension (`docs/incident-response`) is
 * read as the document its name says it is.
 */
const CONFIGURATION_NAMES =
  /^(?:CODEOWNERS|OWNERS(?:_ALIASES)?|MAINTAINERS|Makefile|GNUmakefile|Dockerfile|Containerfile|Jenkinsfile|Vagrantfile|Gemfile|Procfile|Brewfile|Pipfile|Rakefile|Justfile|Tiltfile|BUILD|WORKSPACE)$/i;

/** A text file without an extension that is not configuration by name (nor a dotfile): a document. */
function unnamedDocument(file: string): boolean {
  const name = file.slice(file.lastIndexOf('/') + 1);
  return !name.includes('.') && !CONFIGURATION_NAMES.test(name);
}

/** Characters of a document that are prose: no headings, comments, markup, placeholders or spaces. */
function prose(text: string): number {
  return text
    .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
    .split(/\r?\n/)
    .filter((line) => !/^\s{0,3}(#{1,6}(\s|$)|=+\s*$|-+\s*$|\.\.\s)/.test(line))
    .join('\n')
    .replace(PLACEHOLDER, '')
    .replace(/[\s#*_>`|=~[\]()-]+/g, '').length;
}
