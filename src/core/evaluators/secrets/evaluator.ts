import type { RawFinding } from '../../types.js';
import { globList, selectFiles } from '../generic/shared.js';
import { defineEvaluator } from '../types.js';
import { DETECTOR_IDS, getDetector } from './detectors.js';
import { scanFile } from './scan.js';
import type { SecretHit } from './types.js';
import { redact, secretIdentity } from './values.js';

/** Options of `secrets.scan`. */
export interface SecretsScanOptions {
  detectors: string[];
  paths: string[];
  except: string[];
  minEntropy: number;
}

/** Files that hold checksums, generated or minified content: random-looking by design, never keys. */
const DEFAULT_EXCEPT = [
  '**/package-lock.json',
  '**/npm-shrinkwrap.json',
  '**/yarn.lock',
  '**/pnpm-lock.yaml',
  '**/bun.lock',
  '**/Cargo.lock',
  '**/Gemfile.lock',
  '**/gems.locked',
  '**/poetry.lock',
  '**/Pipfile.lock',
  '**/uv.lock',
  '**/pdm.lock',
  '**/composer.lock',
  '**/go.sum',
  '**/packages.lock.json',
  '**/*.min.{js,css}',
  '**/*.{js,css}.map',
  '**/node_modules/**',
];

/**
 * `secrets.scan`: secrets in the contents of text files, found by the detector library (detectors.ts)
 * in one pass per file that every secret rule shares. A rule picks the detectors it reports; a value
 * claimed by a more specific detector is not reported again by a generic one. Findings carry only a
 * redacted form of the value (a prefix of at most four characters and the length), and their identity
 * is a salted hash of a random token or the non-secret context of a chosen password.
 */
export const secretsScan = defineEvaluator<SecretsScanOptions>({
  kind: 'secrets.scan',
  scope: 'file',
  summary: 'Secrets in file contents (tokens, keys, passwords), reported with a redacted value only.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['detectors'],
    properties: {
      detectors: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { enum: [...DETECTOR_IDS] },
        description: `Detectors whose hits this rule reports: ${DETECTOR_IDS.join(', ')}.`,
      },
      paths: globList('Globs of the files to scan.', { default: ['**'] }),
      except: globList(
        'Globs of files not to scan. Setting it replaces the defaults (lockfiles, minified bundles, source maps).',
        { default: DEFAULT_EXCEPT },
      ),
      minEntropy: {
        type: 'number',
        minimum: 0,
        maximum: 8,
        default: 3,
        description:
          'Shannon entropy, in bits per character, that a value assigned to a secret-looking name must reach ' +
          '(generic-secret-assignment only); random 16-character tokens score about 3.7, words about 2.5.',
      },
    },
  },
  evaluate({ options, workspace }): RawFinding[] {
    const wanted = new Set(options.detectors);
    const findings: RawFinding[] = [];
    for (const file of selectFiles(workspace, options)) {
      for (const hit of scanFile(workspace, file)) {
        if (!wanted.has(hit.detector)) continue;
        if (hit.detector === 'generic-secret-assignment' && hit.entropy < options.minEntropy) continue;
        findings.push(toFinding(file, hit));
      }
    }
    return findings;
  },
});

/** Turns a hit into a finding whose message and key are checked not to contain the value. */
export function toFinding(file: string, hit: SecretHit): RawFinding {
  const detector = getDetector(hit.detector);
  const shown = redact(hit.value);
  let context = hit.context;
  if (context !== undefined && leaks(context, hit.value)) context = undefined;
  const label = hit.label.charAt(0).toUpperCase() + hit.label.slice(1);
  const where = context && detector?.identity === 'context' ? ` in \`${context}\`` : '';
  const message =
    detector?.family === 'private-key'
      ? `${label} is committed (header \`${hit.value}\`).`
      : detector?.family === 'generic'
        ? `A literal secret is assigned to \`${context ?? 'a secret-looking name'}\`: ${shown}.`
        : `${label} is committed${where}: ${shown}.`;
  let key: string;
  switch (detector?.identity) {
    case 'value':
      key = secretIdentity(hit.detector, hit.value);
      break;
    case 'context':
      key = `${hit.detector}:${context ?? ''}`;
      break;
    default:
      key = `${hit.detector}:${hit.label}`;
  }
  return {
    message,
    location: {
      path: file,
      startLine: hit.line,
      endLine: hit.line,
      startColumn: hit.start + 1,
      endColumn: Math.max(hit.start + 1, hit.end),
    },
    key,
  };
}

/** True when `text` contains the value or any 8-character piece of it (the no-leak guarantee). */
export function leaks(text: string, value: string): boolean {
  if (value.length < 8) return text.includes(value) && value.length >= 4;
  for (let i = 0; i + 8 <= value.length; i++) if (text.includes(value.slice(i, i + 8))) return true;
  return false;
}
