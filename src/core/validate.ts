import { readFileSync } from 'node:fs';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { packagePath } from './paths.js';
import { vendored } from './vendored.js';
import type { YamlDocument } from './workspace/yaml.js';

/** One schema violation, with the JSON pointer and (when known) the source line. */
export interface SchemaProblem {
  pointer: string;
  message: string;
  line?: number;
  column?: number;
}

let shared: Ajv | undefined;

/** The shared ajv instance: all errors, defaults applied, formats on, lenient about unknown keywords. */
export function ajv(): Ajv {
  if (!shared) {
    // Loaded here, not imported: most runs validate nothing (src/core/vendored.ts).
    const { Ajv, addFormats } = vendored('ajv');
    shared = new Ajv({ allErrors: true, useDefaults: true, strict: false, allowUnionTypes: true });
    addFormats(shared);
  }
  return shared;
}

const compiledFiles = new Map<string, ValidateFunction>();

/** Compiles (once) one of controlgate's published schemas, e.g. `rule.schema.json`. */
export function schemaValidator(file: string): ValidateFunction {
  let v = compiledFiles.get(file);
  if (!v) {
    v = ajv().compile(JSON.parse(readFileSync(packagePath('schemas', file), 'utf8')));
    compiledFiles.set(file, v);
  }
  return v;
}

/**
 * Runs a validator and explains each error: where (JSON pointer, and line/column when the value came
 * from a YAML document) and what was expected, in words a user can act on.
 */
export function validate(
  validator: ValidateFunction,
  value: unknown,
  doc?: YamlDocument,
  base = '',
): SchemaProblem[] {
  if (validator(value)) return [];
  const errors = collapse(validator.errors ?? []);
  return errors.map((e) => {
    const pointer = base + e.instancePath + extraToken(e);
    const problem: SchemaProblem = { pointer: pointer || '/', message: explain(e) };
    const span = doc?.nearestSpan(pointer);
    if (span) {
      // An unknown property is shown at its key; anything else at the offending value.
      const pos = e.keyword === 'additionalProperties' && span.key ? span.key : span.start;
      problem.line = pos.line;
      problem.column = pos.column;
    }
    return problem;
  });
}

/** `file:line:col: /pointer: message` — the format used in every schema error controlgate prints. */
export function formatProblem(file: string, p: SchemaProblem): string {
  const where = p.line ? `${file}:${p.line}:${p.column ?? 1}` : file;
  return `${where}: ${p.pointer}: ${p.message}`;
}

function extraToken(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') {
    return `/${String((e.params as { additionalProperty: string }).additionalProperty)
      .replace(/~/g, '~0')
      .replace(/\//g, '~1')}`;
  }
  return '';
}

function explain(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing required property "${String(p.missingProperty)}"`;
    case 'additionalProperties':
      return 'unknown property; remove it or check its spelling';
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'type':
      return `must be of type ${String(p.type)}`;
    case 'pattern':
      return `must match the pattern ${String(p.pattern)}`;
    case 'format':
      return p.format === 'date'
        ? 'must be a date written YYYY-MM-DD'
        : `must be a valid ${String(p.format)}`;
    default:
      return e.message ?? `failed the "${e.keyword}" check`;
  }
}

/** Drops the noise of `oneOf`/`anyOf` branches when a more specific error exists at the same spot. */
function collapse(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  const out: ErrorObject[] = [];
  for (const e of errors) {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  const paths = new Set(
    out.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf').map((e) => e.instancePath),
  );
  return out.filter((e) => !((e.keyword === 'oneOf' || e.keyword === 'anyOf') && paths.has(e.instancePath)));
}
