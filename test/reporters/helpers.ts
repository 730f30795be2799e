import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { REPO_ROOT } from '../helpers/fixtures.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/** A fresh, strict ajv: unknown keywords and schema mistakes are errors, not ignored. */
export function strictAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

/**
 * A validator of the vendored OSCAL 1.0.6 Assessment Results schema, as NIST publishes it: it needs
 * a lenient ajv (keywords and Unicode classes a strict one refuses; see test/vendor/oscal/README.md).
 */
export function oscalValidator() {
  const file = path.join(REPO_ROOT, 'test', 'vendor', 'oscal', 'oscal_assessment-results_schema-1.0.6.json');
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
}

/**
 * Splits a GFM table row into cells the way GitHub does: `|` ends a cell unless backslash-escaped.
 * Returns null for a line that is not a table row.
 */
export function tableCells(line: string): string[] | null {
  if (!line.startsWith('|') || !line.endsWith('|')) return null;
  const cells: string[] = [];
  let cell = '';
  for (let i = 1; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      cell += c + line[i + 1];
      i++;
    } else if (c === '|') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += c;
    }
  }
  return cells;
}
