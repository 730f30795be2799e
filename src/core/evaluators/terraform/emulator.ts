import {
  attribute,
  type HclBlock,
  type HclValue,
  literal,
  nestedBlocks,
  type TerraformFile,
  type TerraformResource,
} from '../../parsers/terraform.js';
import { valueCandidates, valueResolver } from '../../parsers/terraform-values.js';
import type { RawFinding } from '../../types.js';

/**
 * AWS resources that a local emulator receives instead of AWS (LocalStack, moto, MinIO for S3): the
 * provider block that manages them sends the resource's service to an endpoint on the machine itself
 * or on a container network (`http://localhost:4566`, `http://localstack:4566`) and does not have its
 * credentials validated (`skip_credentials_validation = true`, as an emulator's dummy keys require).
 * Such configurations are integration tests and labs: nothing they declare exists in an AWS account.
 * The endpoint of the resource's own service must be redirected: a provider that sends only `sts` to
 * the emulator still creates its buckets in AWS.
 *
 * Both must hold whatever the variable files say: a value that comes from a variable holds only when
 * its default and every value the folder's variable files (`terraform.tfvars`, `*.auto.tfvars`) give
 * it hold, and so must every value a run may be given (a `-var-file` or `-var` of a workflow or
 * script's `terraform apply`, any other `*.tfvars` of the folder); a file that cannot be read may set
 * anything (see `valueCandidates`). Emulator-looking defaults that `terraform.tfvars` or the deploy
 * job's `-var-file=prod.tfvars` turns to the real AWS endpoint lower nothing.
 */

/** Resource types whose service's endpoint key is not the type's second word. */
const SERVICES: [RegExp, string][] = [
  [
    /^aws_(?:instance|security_group|vpc|subnet|ebs_|eip|network_|route|internet_gateway|nat_gateway|launch_template|ami|key_pair|default_|flow_log|placement_group|spot_)/,
    'ec2',
  ],
  [/^aws_(?:lb|alb)(?:_|$)/, 'elbv2'],
  [/^aws_(?:db|rds)_/, 'rds'],
];

/** The `endpoints` key of the service that manages a resource type. */
function serviceOf(type: string): string | undefined {
  for (const [re, service] of SERVICES) if (re.test(type)) return service;
  return /^aws_([a-z0-9]+)/.exec(type)?.[1];
}

/** LocalStack's name for the loopback address (it and its subdomains resolve to 127.0.0.1). */
const LOCALSTACK_LOOPBACK = /(?:^|\.)localhost\.localstack\.cloud$/;

/**
 * Whether an endpoint URL leaves no way to AWS: the loopback address or name, or a single-label
 * host (a container on the same network, `localstack`); AWS endpoints are always dotted names.
 */
function localEndpoint(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    LOCALSTACK_LOOPBACK.test(host) ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host === '[::1]' ||
    /^[a-z0-9-]+$/.test(host)
  );
}

const EMULATORS = new WeakMap<
  readonly TerraformFile[],
  (resource: TerraformResource) => string | undefined
>();

/**
 * For the files (one per parse, shared by every rule): `emulated(resource)` is the endpoint a local
 * emulator receives the AWS resource's requests at, or undefined when they go to AWS or it is
 * unknown (a module that declares no provider of its own inherits its caller's).
 */
export function localEmulator(
  files: readonly TerraformFile[],
): (resource: TerraformResource) => string | undefined {
  let emulated = EMULATORS.get(files);
  if (!emulated) {
    const resolve = valueResolver(files);
    const candidates = valueCandidates(files);
    // True when every value `value` may take is a literal that `holds`.
    const always = (file: TerraformFile, value: HclValue, holds: (v: unknown) => boolean) =>
      candidates(file, value).every((v) => holds(literal(resolve(file, v))));
    // Each module's `aws` providers, by alias ('' for the default one).
    const providers = new Map<string, Map<string, { file: TerraformFile; block: HclBlock }>>();
    for (const file of files) {
      for (const block of file.body.blocks) {
        if (block.type !== 'provider' || block.labels[0] !== 'aws') continue;
        const alias = attribute(block.body, 'alias');
        const name = alias ? literal(resolve(file, alias.value)) : '';
        if (typeof name !== 'string') continue;
        let byAlias = providers.get(file.module);
        if (!byAlias) {
          byAlias = new Map();
          providers.set(file.module, byAlias);
        }
        byAlias.set(name, { file, block });
      }
    }
    emulated = (resource) => {
      if (!resource.type.startsWith('aws_')) return undefined;
      const service = serviceOf(resource.type);
      const chosen = attribute(resource.block.body, 'provider')?.value.text.trim();
      const alias = chosen === undefined ? '' : /^aws\.([A-Za-z_][\w-]*)$/.exec(chosen)?.[1];
      const provider = alias === undefined ? undefined : providers.get(resource.file.module)?.get(alias);
      if (!provider || !service) return undefined;
      const { file, block } = provider;
      const skip = attribute(block.body, 'skip_credentials_validation');
      if (!skip || !always(file, skip.value, (v) => v === true)) return undefined;
      for (const endpoints of nestedBlocks(block.body, 'endpoints')) {
        const endpoint = attribute(endpoints.body, service);
        if (!endpoint || !always(file, endpoint.value, (v) => typeof v === 'string' && localEndpoint(v)))
          continue;
        const url = literal(resolve(file, endpoint.value));
        if (typeof url === 'string') return url;
      }
      return undefined;
    };
    EMULATORS.set(files, emulated);
  }
  return emulated;
}

/**
 * A finding about a resource that a local emulator receives (see {@link localEmulator}): low
 * confidence, and the message says where the requests go. Unchanged when `endpoint` is undefined.
 */
export function onEmulator(endpoint: string | undefined, finding: RawFinding): RawFinding {
  if (endpoint === undefined) return finding;
  const shown = endpoint.length > 80 ? `${endpoint.slice(0, 77)}...` : endpoint;
  return {
    ...finding,
    message:
      `${finding.message} Its provider sends these requests to ${shown}, a local emulator, without ` +
      'validating credentials: nothing is created in an AWS account.',
    confidence: 'low',
  };
}
