import {
  attribute,
  type HclBody,
  type HclSpan,
  type HclValue,
  literal,
  type TerraformFile,
  type TerraformResource,
} from '../../parsers/terraform.js';
import type { InputDecider } from '../../parsers/terraform-modules.js';
import { inputOf, type ValueResolver, type ValueVariant } from '../../parsers/terraform-values.js';
import type { Location, RawFinding } from '../../types.js';
import type { Workspace } from '../../workspace/workspace.js';

/**
 * Helpers shared by the Terraform evaluators.
 */

/** A literal that a rule option can compare against (Terraform converts between these freely). */
export const LITERAL_SCHEMA = { type: ['string', 'number', 'boolean'] } as const;

/**
 * A location at a span of a file; `point` keeps only its start (a block that lacks a setting, not its
 * whole body). A span an override file wrote (see terraform-overrides.ts) lies in that file.
 */
export function spanLocation(file: string, span: HclSpan, point = false): Location {
  const path = span.file ?? file;
  if (point) return { path, startLine: span.start.line, startColumn: span.start.column };
  return {
    path,
    startLine: span.start.line,
    startColumn: span.start.column,
    endLine: span.end.line,
    endColumn: span.end.column,
  };
}

/** Source text for a message: one line, bounded, so a heredoc does not flood the output. */
export function shortText(text: string, max = 40): string {
  const first = text.split('\n')[0]!.trim();
  // A resolved reference keeps where its value came from: `var.a_long_name… (default false)`.
  const resolved = text.includes('\n') ? null : /^(\S+) (\([^()]*\))$/.exec(first);
  if (resolved) return `${cut(resolved[1]!, max)} ${cut(resolved[2]!, max)}`;
  return first.length > max || text.includes('\n') ? `${first.slice(0, max)}…` : first;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * Every Terraform rule reads every configuration file (one shared parse), but assesses only the resources of
 * its types: it examined the files that declare one, so a repository whose Terraform has no database
 * gives a database rule nothing to pass on (the control is not assessed, not satisfied).
 */
export function examineSubjects(
  workspace: Workspace,
  subjects: Iterable<TerraformResource | TerraformFile>,
): void {
  const files = new Set<string>();
  for (const s of subjects) {
    const file = 'path' in s ? s : s.file;
    files.add(file.path);
    // The override files merged into it are examined with it.
    for (const by of file.overriddenBy ?? []) files.add(by);
  }
  workspace.examineOnly(files);
}

/**
 * A finding at a value that is the default of an input variable the module's callers decide (see
 * terraform-modules.ts) has low confidence, and says so: it describes the module's default, not a
 * deployed resource. Any other finding is returned as it is.
 */
export function atInputDefault(
  finding: RawFinding,
  file: TerraformFile,
  value: HclValue,
  callersDecide: InputDecider,
): RawFinding {
  const variable = inputOf(value);
  if (variable === undefined || !callersDecide(file, variable)) return finding;
  return {
    ...finding,
    message: `${finding.message} (var.${variable} is an input of a reusable module: its callers set the value, and this is only its default.)`,
    confidence: 'low',
  };
}

/**
 * A finding that a variable file or `-var` a run may be given gives, or the arguments of a call of the
 * module (see valueVariants): the message names it, as the value judged is not the default.
 */
export function givenOnCommandLine(finding: RawFinding, variant: ValueVariant): RawFinding {
  if (variant.call) {
    return { ...finding, message: `${finding.message} (with the inputs ${variant.call} gives the module.)` };
  }
  const source = variant.source;
  const how = source.endsWith(')') ? `as ${source} sets it` : `with the values of ${source}`;
  return {
    ...finding,
    message: `${finding.message} (${how}, which a run of this configuration may be given on the command line.)`,
  };
}

/**
 * The findings of one subject of a module (a resource, a module call) with the values the configuration
 * gives, then those that only a value a run may be given yields (a `-var-file`, another `*.tfvars`, a
 * call's arguments: see `valueVariants`), each naming where its value comes from.
 */
export function judgedWithVariants(
  module: string,
  resolve: ValueResolver,
  variants: readonly ValueVariant[],
  judge: (resolver: ValueResolver) => RawFinding[],
): RawFinding[] {
  const found = judge(resolve);
  const keys = new Set(found.map((f) => f.key));
  for (const variant of variants) {
    if (!variant.modules.has(module)) continue;
    for (const f of judge(variant.resolve)) {
      if (keys.has(f.key)) continue;
      keys.add(f.key);
      found.push(givenOnCommandLine(f, variant));
    }
  }
  return found;
}

/** The literal value of a body's attribute; undefined when it is absent or computed. */
export function literalOf(body: HclBody, name: string): ReturnType<typeof literal> {
  const a = attribute(body, name);
  return a ? literal(a.value) : undefined;
}

/** An attribute's literal as the string Terraform converts it to (`6` is `"6"`); undefined otherwise. */
export function literalString(body: HclBody, name: string): string | undefined {
  const v = literalOf(body, name);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** An attribute's literal as a whole number (`22` or `"22"`); undefined otherwise. */
export function literalNumber(body: HclBody, name: string): number | undefined {
  const v = literalOf(body, name);
  return typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** A literal string of a firewall rule (a source or destination), where it is written. */
export interface LiteralItem {
  value: string;
  span: HclSpan;
  node: HclValue;
}

/** The literal strings of an attribute that is a string or a list of strings; computed items are left out. */
export function literalStrings(body: HclBody, name: string): LiteralItem[] {
  const a = attribute(body, name);
  if (!a) return [];
  const items = a.value.kind === 'tuple' ? a.value.items : [a.value];
  return items.flatMap((i) => (i.kind === 'string' ? [{ value: i.value, span: i.span, node: i }] : []));
}
