import {
  attribute,
  describeResource,
  literal,
  nestedBlocks,
  type TerraformResource,
  terraformFiles,
  terraformResources,
} from '../../parsers/terraform.js';
import { type ValueResolver, valueResolver } from '../../parsers/terraform-values.js';
import type { RawFinding } from '../../types.js';
import { defineEvaluator } from '../types.js';
import { localEmulator, onEmulator } from './emulator.js';
import { examineSubjects, spanLocation } from './shared.js';

const SSE_RESOURCE = 'aws_s3_bucket_server_side_encryption_configuration';
/** `aws_s3_bucket.<name>` anywhere in an expression (`.id`, `.bucket`, `[0].id`, `[each.key].id`). */
const BUCKET_REFERENCE = /\baws_s3_bucket\.([A-Za-z_][\w-]*)/g;

/** Which buckets of one module an encryption configuration is known to cover. */
interface Coverage {
  names: Set<string>;
  literals: Set<string>;
  /** A configuration whose bucket cannot be resolved statically may cover any bucket of the module. */
  unresolved: boolean;
}

/**
 * Flags `aws_s3_bucket` resources without a server-side encryption configuration: neither the inline
 * `server_side_encryption_configuration` block (provider v3 and earlier) nor an
 * `aws_s3_bucket_server_side_encryption_configuration` resource in the same module whose `bucket`
 * references the bucket (or names it literally), also through a local or a variable's default. When
 * such a resource's bucket cannot be resolved,
 * the module's buckets are given the benefit of the doubt.
 */
export const terraformS3Encryption = defineEvaluator<Record<string, never>>({
  kind: 'terraform.s3-encryption',
  summary:
    'Terraform aws_s3_bucket resources without a server-side encryption configuration, inline or as a separate resource.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  async evaluate({ workspace }) {
    const files = await terraformFiles(workspace);
    const resolve = valueResolver(files);
    const coverage = new Map<string, Coverage>();
    for (const sse of terraformResources(files, [SSE_RESOURCE])) covered(coverage, sse, resolve);
    const emulated = localEmulator(files);
    const findings: RawFinding[] = [];
    const buckets = terraformResources(files, ['aws_s3_bucket']);
    examineSubjects(workspace, buckets);
    for (const bucket of buckets) {
      if (nestedBlocks(bucket.block.body, 'server_side_encryption_configuration').length > 0) continue;
      const c = coverage.get(bucket.file.module);
      if (c?.unresolved || c?.names.has(bucket.name)) continue;
      const name = attribute(bucket.block.body, 'bucket');
      const literalName = name ? literal(resolve(bucket.file, name.value)) : undefined;
      if (typeof literalName === 'string' && c?.literals.has(literalName)) continue;
      findings.push(
        onEmulator(emulated(bucket), {
          message:
            `${describeResource(bucket)} has no server-side encryption configuration (no inline ` +
            `server_side_encryption_configuration block and no ${SSE_RESOURCE} for it in ${bucket.file.module === '.' ? 'the root module' : bucket.file.module}): ` +
            'the encryption of its objects and the key that protects them are left to account defaults.',
          location: spanLocation(bucket.file.path, bucket.block.typeSpan, true),
          key: `aws_s3_bucket.${bucket.name}`,
        }),
      );
    }
    return findings;
  },
});

function covered(coverage: Map<string, Coverage>, sse: TerraformResource, resolve: ValueResolver): void {
  let c = coverage.get(sse.file.module);
  if (!c) {
    c = { names: new Set(), literals: new Set(), unresolved: false };
    coverage.set(sse.file.module, c);
  }
  const bucket = attribute(sse.block.body, 'bucket');
  if (!bucket) return;
  // A local may hold the reference (`bucket = local.logs_id`), or a variable's default the name.
  const resolved = resolve(sse.file, bucket.value);
  const value = literal(resolved);
  if (typeof value === 'string') {
    c.literals.add(value);
    return;
  }
  const refs = [...resolved.text.matchAll(BUCKET_REFERENCE)].map((m) => m[1]!);
  if (refs.length === 0) c.unresolved = true;
  for (const ref of refs) c.names.add(ref);
}
