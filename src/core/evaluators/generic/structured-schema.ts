import type { ValidateFunction } from 'ajv';
import type { RawFinding } from '../../types.js';
import { ajv, validate } from '../../validate.js';
import { defineEvaluator } from '../types.js';
import { globList, IGNORE_CASE_SCHEMA, selectFiles } from './shared.js';

/** Options of `structured.schema`. */
export interface StructuredSchemaOptions {
  paths: string[];
  except: string[];
  ignoreCase: boolean;
  schema: Record<string, unknown> | boolean;
  message?: string;
}

/** Draft-07 is the dialect of the shared ajv instance; its meta-schema validates `schema` at load. */
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/**
 * Compiled user schemas, keyed by their JSON text: compiled once per process however many rules or
 * runs share them (ajv also refuses a second schema with the same `$id`).
 */
const compiled = new Map<string, ValidateFunction>();

/**
 * `structured.schema`: every selected YAML or JSON file (JSON parses as YAML) validates against an
 * inline JSON Schema. Each schema error is one finding, located at the line of the failing JSON
 * pointer (or its nearest ancestor present in the file). Files that do not parse are skipped here;
 * the workspace records them and `core.input-problems` reports them.
 */
export const structuredSchema = defineEvaluator<StructuredSchemaOptions>({
  kind: 'structured.schema',
  scope: 'file',
  summary: 'Selected YAML/JSON files validate against a JSON Schema (errors located at the failing line).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['paths', 'schema'],
    properties: {
      paths: globList('Globs (picomatch syntax, dotfiles included) of the YAML or JSON files to validate.', {
        minItems: 1,
      }),
      except: globList('Globs of files not to validate.', { default: [] }),
      ignoreCase: IGNORE_CASE_SCHEMA,
      schema: {
        $ref: DRAFT_07,
        description:
          'An inline JSON Schema (draft-07). Each YAML document of a file is validated separately; ' +
          'defaults in the schema are not written back.',
      },
      message: {
        type: 'string',
        minLength: 1,
        description: 'Prefix of every finding message, e.g. what the file configures.',
      },
    },
  },
  evaluate({ options, workspace }): RawFinding[] {
    // Compiled on first use: ajv first compiles the draft-07 meta-schema, which a run without
    // matching files need not pay for.
    let validator: ValidateFunction | undefined;
    const findings: RawFinding[] = [];
    for (const file of selectFiles(workspace, options)) {
      const parsed = workspace.yaml(file);
      if (!parsed?.ok) continue;
      const multi = parsed.documents.length > 1;
      for (const doc of parsed.documents) {
        // ajv applies schema defaults in place; the parsed value is shared with every other rule.
        const value = structuredClone(doc.value);
        validator ??= compileUserSchema(options.schema);
        for (const problem of validate(validator, value, doc)) {
          const where = multi ? `document ${doc.index + 1}, ${problem.pointer}` : problem.pointer;
          const text = `${where}: ${problem.message}`;
          findings.push({
            message: options.message ? `${options.message}: ${text}` : `${file} ${text}`,
            location: {
              path: file,
              startLine: problem.line ?? 1,
              ...(problem.column ? { startColumn: problem.column } : {}),
            },
            key: `${doc.index}\u0000${problem.pointer}\u0000${problem.message}`,
          });
        }
      }
    }
    return findings;
  },
});

function compileUserSchema(schema: Record<string, unknown> | boolean): ValidateFunction {
  const text = JSON.stringify(schema);
  let v = compiled.get(text);
  if (!v) {
    const copy = typeof schema === 'boolean' ? schema : { ...schema };
    // The rule owns this schema: an `$id` would collide across rules, a `$schema` for another draft
    // would make ajv look for a meta-schema it does not have.
    if (typeof copy !== 'boolean') {
      delete copy.$id;
      delete copy.$schema;
    }
    try {
      v = ajv().compile(copy);
    } catch (err) {
      throw new Error(`the schema in check.with.schema cannot be compiled: ${(err as Error).message}`);
    }
    compiled.set(text, v);
  }
  return v;
}
