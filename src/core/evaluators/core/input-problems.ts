import { defineEvaluator } from '../types.js';

interface Options {
  /** YAML/JSON files to parse even when no other rule reads them. */
  paths: string[];
}

/**
 * Reports input files that could not be parsed (broken YAML, ...), located at the parse error. It
 * parses the files named in `paths` itself (the parse is cached and shared with every other rule), and
 * the engine runs this kind after all others so it also reports what they failed to parse.
 */
export const inputProblems = defineEvaluator<Options>({
  kind: 'core.input-problems',
  scope: 'file',
  // It reports the problems every other rule recorded.
  mainThread: true,
  summary: 'Configuration files that could not be parsed, located at the parse error.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      paths: {
        type: 'array',
        items: { type: 'string', minLength: 1 },
        default: [],
        description: 'Globs of YAML or JSON files that must parse.',
      },
    },
  },
  evaluate({ workspace, options }) {
    for (const file of workspace.glob(options.paths)) workspace.yaml(file);
    return workspace.inputProblems().map((p) => ({
      message: `${p.path} could not be parsed, so no rule could check it: ${p.message}`,
      location: { path: p.path, startLine: p.line, startColumn: p.column },
      key: p.message,
      ...(p.severity ? { severity: p.severity } : {}),
    }));
  },
});
