import {
  attribute,
  describeResource,
  type HclBlock,
  type HclBody,
  type HclValue,
  literal,
  nestedBlocks,
  sameLiteral,
  type TerraformFile,
  type TerraformResource,
  terraformFiles,
  terraformResources,
} from '../../parsers/terraform.js';
import { type InputDecider, inputDecider, libraryModule } from '../../parsers/terraform-modules.js';
import { describeModuleCall, registryModuleCalls } from '../../parsers/terraform-registry.js';
import { type ValueResolver, valueResolver, valueVariants } from '../../parsers/terraform-values.js';
import type { RawFinding } from '../../types.js';
import type { NodeSpan } from '../../workspace/yaml.js';
import { defineEvaluator } from '../types.js';
import { localEmulator, onEmulator } from './emulator.js';
import {
  atInputDefault,
  examineSubjects,
  givenOnCommandLine,
  LITERAL_SCHEMA,
  shortText,
  spanLocation,
} from './shared.js';

type Literal = string | number | boolean;

/** One setting of some resource types (or an input of some registry modules), and which values of it are findings. */
export interface AttributeTarget {
  /** Resource types; a target names these or `modules`. */
  resources?: string[];
  /**
   * Registry modules whose calls' inputs are judged instead (`terraform-aws-modules/rds/aws`, a
   * submodule as `…//modules/db_instance`; see terraform-registry.ts), `attribute` naming the input.
   * Only an input whose meaning the module's own variables.tf gives belongs here, and `missing` only
   * where its default is the same in every major version that has it.
   */
  modules?: string[];
  /**
   * The attribute, after the nested block types that hold it: `encrypted`, `access_logs.enabled`. It
   * may name a nested block, which is then only required to exist (a target without expect or forbid).
   */
  attribute: string;
  /** The value it must have; any other literal is a finding. */
  expect?: Literal;
  /** Values it must not have; a list value is a finding when one of its literal items is one. */
  forbid?: Literal[];
  /**
   * When the attribute is absent: `ok`; `report`; or `report-in-block`, only when the nested block
   * that should hold it exists (the provider's default applies inside a block the user wrote).
   */
  missing: 'ok' | 'report' | 'report-in-block';
  /**
   * The check does not apply to a resource that sets one of these (to the value, when given, or to a
   * computed value, which may be it); the attribute may be a path through nested blocks, or name a
   * block that only has to exist.
   */
  skipWhen: { attribute: string; value?: Literal }[];
  /**
   * The check applies only to a resource (or module call) that sets each of these to the value, as a
   * literal; a computed or absent one is not judged (`cluster_endpoint_public_access = true`, without
   * which the module's endpoint may be private).
   */
  onlyWhen: { attribute: string; value: Literal }[];
  /** An absent attribute is fine when the configuration declares this account-wide default. */
  defaultFrom?: { resource: string; attribute: string; value: Literal };
  /** What the finding means, appended to the message: "so its data is stored unencrypted". */
  explain?: string;
  /**
   * Whether leaving the attribute unset is a legitimate design that a library of modules offers as
   * one variant among others (a public cluster beside the private one): then a library's module
   * without it, beside a sibling module offering it, is reported with low confidence. Off for
   * settings no deployment should go without (encryption, logs, backups), where a sibling that has
   * it rather shows the one without it is an oversight.
   */
  variants?: boolean;
}

interface Options {
  targets: AttributeTarget[];
}

/** What a target judges: a resource, or a call of a registry module, whose inputs are its attributes. */
interface Subject {
  file: TerraformFile;
  block: HclBlock;
  /** How messages name it: `aws_db_instance "main"`, `module "db" (terraform-aws-modules/rds/aws)`. */
  label: string;
  /** What a finding's key starts with: `aws_db_instance.main`, `module.db`. */
  key: string;
  resource?: TerraformResource;
}

/** The resources of a target's types, or the calls of its registry modules. */
function subjectsOf(files: readonly TerraformFile[], target: AttributeTarget): Subject[] {
  if (target.modules) {
    return registryModuleCalls(files, target.modules).map((call) => ({
      file: call.file,
      block: call.block,
      label: describeModuleCall(call),
      key: `module.${call.name}`,
    }));
  }
  return terraformResources(files, target.resources ?? []).map((resource) => ({
    file: resource.file,
    block: resource.block,
    label: describeResource(resource),
    key: `${resource.type}.${resource.name}`,
    resource,
  }));
}

/**
 * A data-driven check of resource attributes: a value that must be set (`expect`), values that must
 * not be (`forbid`), and what an absent attribute means (`missing`; `null` is the same as absent, as
 * to Terraform). A local or a variable's default stands for its value (see terraform-values.ts);
 * values computed from anything else are unknown here and never reported (nor is a resource whose
 * exception, `skipWhen`, is computed); nested blocks include `dynamic` content; the literal items of
 * a list are judged one by one. A value that is the default of a reusable module's input, which its
 * callers set, is reported with low confidence (see terraform-modules.ts).
 *
 * A target may name registry modules instead of resource types (`modules`): the inputs of each
 * module block that calls one (see terraform-registry.ts) are judged as a resource's attributes, with
 * the same values through locals, variables and variable files, and `onlyWhen` limits a target to
 * calls that set another input to a value (the CIDRs of an endpoint that is public).
 */
export const terraformAttribute = defineEvaluator<Options>({
  kind: 'terraform.attribute',
  summary:
    'Terraform resource attributes (also in nested blocks), and inputs of registry modules, that must have, or must not have, a literal value.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['targets'],
    properties: {
      targets: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['attribute'],
          oneOf: [{ required: ['resources'] }, { required: ['modules'] }],
          // Without expect or forbid, a target only requires the attribute (or block) to be present.
          anyOf: [
            { required: ['expect'] },
            { required: ['forbid'] },
            { required: ['missing'], properties: { missing: { enum: ['report', 'report-in-block'] } } },
          ],
          properties: {
            resources: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[a-z0-9_]+$' } },
            modules: {
              type: 'array',
              minItems: 1,
              items: { type: 'string', pattern: '^[a-z0-9_-]+/[a-z0-9_-]+/[a-z0-9]+(//[a-z0-9_./-]+)?$' },
            },
            attribute: { type: 'string', pattern: '^[a-z0-9_]+(\\.[a-z0-9_]+)*$' },
            expect: LITERAL_SCHEMA,
            forbid: { type: 'array', minItems: 1, items: LITERAL_SCHEMA },
            missing: { enum: ['ok', 'report', 'report-in-block'], default: 'ok' },
            skipWhen: {
              type: 'array',
              default: [],
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['attribute'],
                properties: { attribute: { type: 'string', minLength: 1 }, value: LITERAL_SCHEMA },
              },
            },
            onlyWhen: {
              type: 'array',
              default: [],
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['attribute', 'value'],
                properties: { attribute: { type: 'string', minLength: 1 }, value: LITERAL_SCHEMA },
              },
            },
            defaultFrom: {
              type: 'object',
              additionalProperties: false,
              required: ['resource', 'attribute', 'value'],
              properties: {
                resource: { type: 'string', minLength: 1 },
                attribute: { type: 'string', minLength: 1 },
                value: LITERAL_SCHEMA,
              },
            },
            explain: { type: 'string', minLength: 1 },
            variants: { type: 'boolean' },
          },
        },
      },
    },
  },
  async evaluate({ options, workspace }) {
    const files = await terraformFiles(workspace);
    const resolve = valueResolver(files);
    const given = valueVariants(files);
    const emulated = localEmulator(files);
    const callersDecide = inputDecider(files, workspace);
    const library = libraryModule(files);
    const findings: RawFinding[] = [];
    const subjects: TerraformFile[] = [];
    for (const target of options.targets) {
      let variants: Map<string, string | undefined> | undefined;
      // Another module of a library of modules whose resource of the type sets the attribute.
      const variantOf = (resource: TerraformResource): string | undefined => {
        if (!library(resource.file)) return undefined;
        variants ??= new Map();
        if (!variants.has(resource.type)) {
          const setting = terraformResources(files, [resource.type]).find(
            (r) => library(r.file) && offersAttribute(r, target),
          );
          variants.set(resource.type, setting?.file.module);
        }
        const module = variants.get(resource.type);
        return module !== undefined && module !== resource.file.module ? module : undefined;
      };
      const defaulted =
        target.defaultFrom !== undefined && declaresDefault(files, target.defaultFrom, resolve);
      for (const subject of subjectsOf(files, target)) {
        subjects.push(subject.file);
        const endpoint = subject.resource && emulated(subject.resource);
        const judge = (resolver: ValueResolver): RawFinding[] => {
          const resolved = (v: HclValue) => resolver(subject.file, v);
          if (skipped(subject.block, target, resolved) || !applies(subject.block, target, resolved))
            return [];
          return check(subject, target, defaulted, resolved, callersDecide, variantOf);
        };
        const found = judge(resolve);
        for (const f of found) findings.push(onEmulator(endpoint, f));
        // A value a run may be given on the command line (see valueVariants): a finding no other
        // value gives, naming the file.
        const keys = new Set(found.map((f) => f.key));
        for (const variant of given) {
          if (!variant.modules.has(subject.file.module)) continue;
          for (const f of judge(variant.resolve)) {
            if (keys.has(f.key)) continue;
            keys.add(f.key);
            findings.push(onEmulator(endpoint, givenOnCommandLine(f, variant)));
          }
        }
      }
    }
    examineSubjects(workspace, subjects);
    return findings;
  },
});

function check(
  subject: Subject,
  target: AttributeTarget,
  defaulted: boolean,
  resolved: (v: HclValue) => HclValue,
  callersDecide: InputDecider,
  variantOf: (resource: TerraformResource) => string | undefined = () => undefined,
): RawFinding[] {
  const steps = target.attribute.split('.');
  const name = steps.pop()!;
  const findings: RawFinding[] = [];
  const finding = (message: string, span: NodeSpan, point: boolean): RawFinding => ({
    message: `${subject.label} ${message}${target.explain ? `: ${target.explain}` : ''}.`,
    location: spanLocation(subject.file.path, span, point),
    key: `${subject.key}:${target.attribute}`,
  });
  // At a value: a reusable module's input default is graded as one (see atInputDefault).
  const findingAt = (message: string, value: HclValue): RawFinding =>
    atInputDefault(finding(message, value.span, false), subject.file, value, callersDecide);
  const wanted = target.expect !== undefined ? ` = ${JSON.stringify(target.expect)}` : '';
  const holders = holdersAt(subject.block, steps);
  if (holders.length === 0) {
    if (target.missing === 'report' && !defaulted) {
      const unset = finding(`does not set ${target.attribute}${wanted}`, subject.block.typeSpan, true);
      // A library's module without the setting, beside one of its modules with it: a variant its
      // callers choose (a public cluster beside the private one), not what a deployment of it runs.
      const variant =
        target.variants === true && target.expect !== undefined && subject.resource
          ? variantOf(subject.resource)
          : undefined;
      findings.push(
        variant === undefined
          ? unset
          : {
              ...unset,
              message: `${unset.message.slice(0, -1)} (a module of a library of modules that its callers choose among: ${variant}/ offers ${target.attribute}, and which variant to use is theirs to decide).`,
              confidence: 'low',
            },
      );
    }
    return findings;
  }
  const forbidden = (v: HclValue): boolean => {
    const value = literal(v);
    return value !== undefined && value !== null && (target.forbid ?? []).some((f) => sameLiteral(value, f));
  };
  for (const holder of holders) {
    const attr = attribute(holder.body, name);
    const value = attr && resolved(attr.value);
    if (!value || literal(value) === null) {
      // A block of that name is the setting itself (`master_authorized_networks_config {}`).
      if (!attr && nestedBlocks(holder.body, name).length > 0) continue;
      const reportable =
        target.missing === 'report' || (target.missing === 'report-in-block' && steps.length > 0);
      if (reportable && !defaulted) {
        // Set to null (a variable whose default is null) is unset, and the message says by what.
        findings.push(
          value
            ? findingAt(`sets ${target.attribute} = ${shortText(value.text)}, which leaves it unset`, value)
            : finding(`does not set ${target.attribute}${wanted}`, holder.block.typeSpan, true),
        );
      }
      continue;
    }
    // A list (`members = ["allUsers", var.reader]`): each literal item is judged, the others are unknown.
    if (value.kind === 'tuple') {
      for (const item of value.items.filter(forbidden)) {
        findings.push(findingAt(`includes ${shortText(item.text)} in ${target.attribute}`, item));
      }
      continue;
    }
    const known = literal(value);
    if (known === undefined || known === null) continue;
    const bad = (target.expect !== undefined && !sameLiteral(known, target.expect)) || forbidden(value);
    if (bad) findings.push(findingAt(`sets ${target.attribute} = ${shortText(value.text)}`, value));
  }
  return findings;
}

/** The bodies (with their blocks) reached from a resource through nested block types, in order. */
function holdersAt(block: HclBlock, steps: readonly string[]): { body: HclBody; block: HclBlock }[] {
  let holders = [{ body: block.body, block }];
  for (const step of steps) {
    holders = holders.flatMap((h) =>
      nestedBlocks(h.body, step).map((n) => ({ body: n.body, block: n.block })),
    );
  }
  return holders;
}

function skipped(block: HclBlock, target: AttributeTarget, resolved: (v: HclValue) => HclValue): boolean {
  return target.skipWhen.some((s) => {
    const steps = s.attribute.split('.');
    const name = steps.pop()!;
    return holdersAt(block, steps).some(({ body }) => {
      const attr = attribute(body, name);
      if (!attr) return s.value === undefined && nestedBlocks(body, name).length > 0;
      const value = literal(resolved(attr.value));
      // Set to null is not set (`replicate_source_db = var.source` whose default is null).
      if (value === null) return false;
      if (s.value === undefined) return true;
      // A computed value may be the exception: what it will be is unknown, so the resource is not judged.
      return value === undefined || sameLiteral(value, s.value);
    });
  });
}

/** Whether a target's `onlyWhen` holds: each attribute is set to its value, as a literal. */
function applies(block: HclBlock, target: AttributeTarget, resolved: (v: HclValue) => HclValue): boolean {
  return target.onlyWhen.every((w) => {
    const steps = w.attribute.split('.');
    const name = steps.pop()!;
    return holdersAt(block, steps).some(({ body }) => {
      const attr = attribute(body, name);
      const value = attr && literal(resolved(attr.value));
      return value !== undefined && value !== null && sameLiteral(value, w.value);
    });
  });
}

function declaresDefault(
  files: readonly TerraformFile[],
  d: NonNullable<AttributeTarget['defaultFrom']>,
  resolve: ValueResolver,
): boolean {
  return terraformResources(files, [d.resource]).some((r) => {
    const attr = attribute(r.block.body, d.attribute);
    const value = attr && literal(resolve(r.file, attr.value));
    return value !== undefined && value !== null && sameLiteral(value, d.value);
  });
}

/**
 * Whether a resource offers a target's attribute: sets it to the expected value, or to an expression
 * (an input variable, whatever its default) that lets its callers set it.
 */
function offersAttribute(resource: TerraformResource, target: AttributeTarget): boolean {
  const steps = target.attribute.split('.');
  const name = steps.pop()!;
  return holdersAt(resource.block, steps).some((holder) => {
    const attr = attribute(holder.body, name);
    if (!attr) return false;
    const value = literal(attr.value);
    return value === undefined || (value !== null && sameLiteral(value, target.expect!));
  });
}
