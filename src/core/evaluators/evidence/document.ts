import { fileLocation } from '../../location.js';
import type { RawFinding } from '../../types.js';
import {
  compilePattern,
  FLAGS_SCHEMA,
  firstMatchingLine,
  globList,
  orList,
  regexSource,
  selectFiles,
} from '../generic/shared.js';
import { defineEvaluator } from '../types.js';

interface Options {
  paths: string[];
  except: string[];
  /** What the document is, for messages: "a threat model". */
  what: string;
  /** Characters (not counting whitespace) a document needs to count as more than a stub. */
  minChars: number;
  contains?: { pattern: string; flags: string; description: string };
}

/** Documents are text; images, diagrams and binary exports of tools are evidence too when they exist. */
const TEXT_LIKE = /\.(?:md|markdown|mdx|rst|adoc|asciidoc|txt|org|html?|ya?ml|json|tm7|py)$/i;

/**
 * `evidence.document`: the repository holds a document that evidences an organisational practice (a
 * threat model, an incident response procedure, runbooks, a licence, device management profiles).
 * It passes when a matching file has at least `minChars` characters of content (not a stub) and, with
 * `contains`, a line matching the pattern; a binary match (a diagram, a tool's export) counts as
 * present. Otherwise it reports what it looked for, so the evidence can be added or declared
 * elsewhere (a URL in the declarations file).
 */
export const evidenceDocument = defineEvaluator<Options>({
  kind: 'evidence.document',
  summary:
    'A document evidencing a practice exists and is more than a stub (a threat model, runbooks, a licence).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['paths', 'what'],
    properties: {
      paths: globList('Globs of acceptable documents (matched without regard to case).', { minItems: 1 }),
      except: globList('Globs of files that do not count.', {
        default: ['**/node_modules/**', '**/vendor/**', '**/third_party/**'],
      }),
      what: { type: 'string', minLength: 1, description: 'What the document is, e.g. "a threat model".' },
      minChars: {
        type: 'integer',
        minimum: 0,
        default: 200,
        description: 'Characters, whitespace aside, that a text document needs to count as more than a stub.',
      },
      contains: {
        type: 'object',
        additionalProperties: false,
        required: ['pattern', 'description'],
        properties: {
          pattern: regexSource('A line of the document must match it.'),
          flags: FLAGS_SCHEMA,
          description: {
            type: 'string',
            minLength: 1,
            description: 'What the pattern looks for, for messages.',
          },
        },
      },
    },
  },
  evaluate({ options, workspace }): RawFinding[] {
    const candidates = selectFiles(workspace, {
      paths: options.paths,
      except: options.except,
      ignoreCase: true,
    });
    const re = options.contains
      ? compilePattern(options.contains.pattern, options.contains.flags)
      : undefined;
    let stub: { file: string; chars: number } | undefined;
    let lacking: string | undefined;
    for (const file of candidates) {
      const content = workspace.read(file);
      if (content.kind === 'binary' || (content.kind === 'too-large' && !TEXT_LIKE.test(file))) return [];
      if (content.kind !== 'text') continue;
      const chars = content.text.replace(/\s+/g, '').length;
      if (chars < options.minChars) {
        stub ??= { file, chars };
        continue;
      }
      if (re && !firstMatchingLine(content.text, re)) {
        lacking ??= file;
        continue;
      }
      return [];
    }
    if (lacking && options.contains) {
      return [
        {
          message: `${lacking} is ${options.what}, but it does not say ${options.contains.description}.`,
          location: fileLocation(lacking),
          key: 'content',
        },
      ];
    }
    if (stub) {
      return [
        {
          message: `${stub.file} is ${options.what} in name only: ${stub.chars} characters, fewer than the ${options.minChars} a real document has.`,
          location: fileLocation(stub.file),
          key: 'stub',
        },
      ];
    }
    const shown = options.paths.slice(0, 4).map((p) => `\`${p}\``);
    return [
      {
        message: `The repository has no ${options.what.replace(/^an? /, '')} (looked for ${orList(shown)}${options.paths.length > 4 ? ' and more' : ''}). If it is kept elsewhere, cite it as evidence in the declarations.`,
        location: null,
        key: 'missing',
      },
    ];
  },
});
