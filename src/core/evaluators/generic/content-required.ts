import { fileLocation } from '../../location.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import {
  compilePattern,
  FLAGS_SCHEMA,
  firstMatchingLine,
  globList,
  IGNORE_CASE_SCHEMA,
  regexSource,
  selectFiles,
  showPattern,
} from './shared.js';

/** Options of `content.required`. */
export interface ContentRequiredOptions {
  paths: string[];
  except: string[];
  ignoreCase: boolean;
  pattern: string;
  flags: string;
  message?: string;
}

/**
 * `content.required`: every selected text file has at least one line matching `pattern` (a licence
 * header, a `permissions:` block). A file without it is reported at line 1. Selecting no file is not a
 * finding: pair it with `file.exists` when the file itself is mandatory.
 */
export const contentRequired = defineEvaluator<ContentRequiredOptions>({
  kind: 'content.required',
  scope: 'file',
  summary: 'Every selected file has a line matching the pattern.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['paths', 'pattern'],
    properties: {
      paths: globList('Globs (picomatch syntax, dotfiles included) of the files to check.', { minItems: 1 }),
      except: globList('Globs of files not to check.', { default: [] }),
      ignoreCase: IGNORE_CASE_SCHEMA,
      pattern: regexSource(
        'Regular expression (JavaScript syntax) that at least one line of each file must match; applied ' +
          'to each line (at most its first 20,000 characters).',
      ),
      flags: FLAGS_SCHEMA,
      message: { type: 'string', minLength: 1, description: 'Message for a file that lacks the pattern.' },
    },
  },
  evaluate({ options, workspace }): RawFinding[] {
    const re = compilePattern(options.pattern, options.flags);
    const findings: RawFinding[] = [];
    for (const file of selectFiles(workspace, options)) {
      const text = workspace.text(file);
      // Binary, oversized and symlinked files cannot be checked line by line; they are not text policy.
      if (text === undefined || firstMatchingLine(text, re)) continue;
      findings.push({
        message: options.message
          ? `${file}: ${options.message}`
          : `${file} has no line matching ${showPattern(re)}.`,
        location: fileLocation(file),
        key: 'missing',
      });
    }
    return findings;
  },
});
