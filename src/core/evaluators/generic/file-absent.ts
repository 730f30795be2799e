import { fileLocation } from '../../location.js';
import type { RawFinding } from '../../types.js';
import { pathMatcher } from '../../workspace/glob.js';
import { defineEvaluator } from '../types.js';
import { globList, globMatcher, IGNORE_CASE_SCHEMA } from './shared.js';

/** One forbidden glob, with an optional message explaining what such a file is. */
export type AbsentPath = string | { glob: string; message?: string };

/** Options of `file.absent`. */
export interface FileAbsentOptions {
  paths: AbsentPath[];
  except: string[];
  ignoreCase: boolean;
  message?: string;
}

/**
 * `file.absent`: no file may match `paths` (minus `except`). Each offending file is one finding
 * located at the file; the message comes from the first glob that matched it, so one rule can say
 * precisely why an SSH key, a keystore or a Terraform state must not be committed.
 */
export const fileAbsent = defineEvaluator<FileAbsentOptions>({
  kind: 'file.absent',
  scope: 'file',
  summary: 'No file matches the globs (e.g. credential files, build output).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['paths'],
    properties: {
      paths: {
        type: 'array',
        minItems: 1,
        description:
          'Forbidden files: globs (picomatch syntax, dotfiles included), or `{ glob, message }` to say ' +
          'what such a file is and why it must not be committed.',
        items: {
          type: ['string', 'object'],
          minLength: 1,
          additionalProperties: false,
          required: ['glob'],
          properties: {
            glob: { type: 'string', minLength: 1, description: 'Glob of forbidden files.' },
            message: { type: 'string', minLength: 1, description: 'Message for files matching this glob.' },
          },
        },
      },
      except: globList('Globs of files that are allowed even though they match `paths`.', { default: [] }),
      ignoreCase: IGNORE_CASE_SCHEMA,
      message: {
        type: 'string',
        minLength: 1,
        description: 'Message for files whose glob has no message of its own.',
      },
    },
  },
  evaluate({ options, workspace }): RawFinding[] {
    const entries = options.paths.map((p) => (typeof p === 'string' ? { glob: p } : p));
    const matchers = entries.map((e) => globMatcher(workspace, e.glob, options.ignoreCase));
    const allowed = options.except.map((g) => globMatcher(workspace, g, options.ignoreCase));
    // One test per file first (most files match nothing); the entry is looked for on a match only.
    const any = pathMatcher(
      entries.map((e) => e.glob),
      { ignoreCase: options.ignoreCase },
    );
    const findings: RawFinding[] = [];
    for (const file of workspace.files) {
      if (!any(file)) continue;
      const i = matchers.findIndex((m) => m(file));
      if (i < 0 || allowed.some((m) => m(file))) continue;
      const entry = entries[i]!;
      const why = entry.message ?? options.message;
      findings.push({
        message: why
          ? `${file}: ${why}`
          : `${file} matches the forbidden pattern \`${entry.glob}\` and should not be in the repository.`,
        location: fileLocation(file),
        key: file,
      });
    }
    return findings;
  },
});
