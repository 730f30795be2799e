import {
  attribute,
  type HclAttribute,
  type HclBlock,
  type HclBody,
  type TerraformFile,
  terraformFiles,
} from '../../parsers/terraform.js';
import type { RawFinding } from '../../types.js';
import { contextIdentity, isPlaceholder as isStandIn } from '../secrets/values.js';
import { defineEvaluator } from '../types.js';
import { examineSubjects, spanLocation } from './shared.js';

interface Options {
  /** Attribute names that hold credentials. */
  attributes: string[];
}

/** A service account key file's JSON (what `credentials` holds when it is not a path). */
const KEY_FILE_CONTENT = /"private_key"\s*:/;

/** The attribute names that hold credentials, unless the rule names others (its `attributes` option). */
export const CREDENTIAL_ATTRIBUTES: readonly string[] = [
  'access_key',
  'secret_key',
  'token',
  'password',
  'client_secret',
  'client_certificate_password',
  'access_token',
  'api_key',
  'api_token',
  'secret',
  'sas_token',
  'master_password',
  'credentials',
];

/** Nested blocks of a provider (`assume_role`, `features`) are searched this deep. */
const MAX_NESTING = 4;

/**
 * Flags credentials written as literals in `provider` blocks and in the `backend` of the `terraform`
 * block: anyone who can read the repository, or its history, can use them. Values from variables,
 * environment lookups or functions (`var.token`, `file(...)`) are fine; empty strings and obvious
 * placeholders are not credentials, nor is Google's `credentials` when it names a key file instead of
 * holding one. The value never appears in the finding, only its length; the finding is identified
 * by the block, the setting and a keyed hash of the value, so replacing the credential is a new finding.
 */
export const terraformProviderCredentials = defineEvaluator<Options>({
  kind: 'terraform.provider-credentials',
  // 2: the key holds the value's keyed hash.
  revision: 2,
  summary:
    'Terraform provider and backend blocks with credentials (keys, secrets, tokens, passwords) as literals.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      attributes: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: { type: 'string', pattern: '^[a-z0-9_]+$' },
        default: [...CREDENTIAL_ATTRIBUTES],
        description: 'Attribute names that hold credentials.',
      },
    },
  },
  async evaluate({ options, workspace }) {
    const files = await terraformFiles(workspace);
    const names = new Set(options.attributes);
    const findings: RawFinding[] = [];
    // It judges provider and backend blocks: files without one hold nothing it assesses.
    examineSubjects(
      workspace,
      files.filter((f) => credentialHolders(f).length > 0),
    );
    for (const file of files) {
      for (const { what, setting, attr, value } of literalCredentials(file, names)) {
        findings.push({
          message:
            `${what} sets ${setting} to a literal value (${value.length} characters): the credential is in the ` +
            'repository and its history for anyone who can read them. Pass it through an environment ' +
            "variable, a variable marked sensitive, or the provider's credential chain, and rotate it.",
          location: spanLocation(file.path, attr.value.span),
          key: contextIdentity(what, setting, value),
        });
      }
    }
    return findings;
  },
});

/** A credential written as a literal in a provider or backend block. */
export interface LiteralCredential {
  /** The block (`provider "aws"`) and the setting (`assume_role.secret_key`). */
  what: string;
  setting: string;
  attr: HclAttribute;
  value: string;
}

/**
 * The literal credentials of a file's `provider` and `backend` blocks: attributes named in `names`
 * set to a string that is no stand-in (Google's `credentials` only when it holds a key file's JSON,
 * not its path). The one judgement of this rule, shared with the guard that keeps other rules' fixes
 * from copying such a value (see fix/secret-lines.ts).
 */
export function literalCredentials(file: TerraformFile, names: ReadonlySet<string>): LiteralCredential[] {
  const out: LiteralCredential[] = [];
  for (const { block, what } of credentialHolders(file)) {
    scan(block.body, 0, (attr, trail) => {
      if (!names.has(attr.name)) return;
      const value = attr.value.kind === 'string' ? attr.value.value : undefined;
      if (value === undefined || isPlaceholder(value)) return;
      // Google's `credentials` takes a key file's path or its contents: only the contents are a secret.
      if (attr.name === 'credentials' && !KEY_FILE_CONTENT.test(value)) return;
      out.push({ what, setting: [...trail, attr.name].join('.'), attr, value });
    });
  }
  return out;
}

/** `provider "<name>"` blocks and the `backend` blocks of `terraform` blocks, with their names. */
function credentialHolders(file: TerraformFile): { block: HclBlock; what: string }[] {
  const out: { block: HclBlock; what: string }[] = [];
  for (const block of file.body.blocks) {
    if (block.type === 'provider' && block.labels[0]) {
      const alias = attribute(block.body, 'alias');
      const suffix = alias?.value.kind === 'string' ? ` (alias "${alias.value.value}")` : '';
      out.push({ block, what: `provider "${block.labels[0]}"${suffix}` });
    } else if (block.type === 'terraform') {
      for (const backend of block.body.blocks) {
        if (backend.type === 'backend' && backend.labels[0]) {
          out.push({ block: backend, what: `backend "${backend.labels[0]}"` });
        }
      }
    }
  }
  return out;
}

function scan(
  body: HclBody,
  depth: number,
  visit: (attr: HclBody['attributes'][number], trail: string[]) => void,
  trail: string[] = [],
): void {
  for (const attr of body.attributes) visit(attr, trail);
  if (depth >= MAX_NESTING) return;
  for (const block of body.blocks) scan(block.body, depth + 1, visit, [...trail, block.type]);
}

/** Empty values and stand-ins used in examples and local emulators are not credentials. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  return (
    v === '' ||
    /^<[^<>]*>$/.test(v) ||
    /^\$\{[^}]*\}$/.test(v) ||
    /^[x*.]+$/i.test(v) ||
    /^(test|mock|fake|dummy|example|placeholder|changeme|none|null|foo|bar)([-_ ].*)?$/i.test(v) ||
    // Published examples (AWS's `AKIAIOSFODNN7EXAMPLE`), interpolations, repeated characters.
    isStandIn(v)
  );
}
