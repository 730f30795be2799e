import type { YamlDocument } from '../workspace/yaml.js';

/**
 * How the programs that consume a YAML file read a boolean field, where that differs from this
 * project's YAML 1.2 reader (js-yaml, core schema), which reads only `true`/`false` (any of three
 * cases) as booleans and keeps `yes`, `on`, `y` as strings. A rule that asks "is this field true"
 * must ask it as the consumer does, or `privileged: yes` would pass as a string.
 */

/** go-yaml v2's YAML 1.1 booleans (resolve.go): exactly these spellings, no others. */
export const YAML11_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']);
export const YAML11_FALSE = new Set([
  'n',
  'N',
  'no',
  'No',
  'NO',
  'off',
  'Off',
  'OFF',
  'false',
  'False',
  'FALSE',
]);

/**
 * A boolean field of a Kubernetes manifest as Kubernetes reads it, or undefined when it is no
 * boolean. kubectl, Helm and the API machinery read YAML through sigs.k8s.io/yaml, which resolves
 * scalars with go-yaml v2's YAML 1.1 rules: a plain (unquoted, untagged) `yes`, `on`, `y` is true and
 * `no`, `off`, `n` false. A quoted or tagged `"yes"` stays a string, which the API server's strict
 * decoding rejects for a bool field (the object is not applied): no boolean. A value whose style is
 * not known (brought by a merge key) is read as plain, so a finding never rests on the guess that
 * it was quoted.
 */
export function kubernetesBoolean(
  document: YamlDocument,
  pointer: string,
  value: unknown,
): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const word = YAML11_TRUE.has(value) ? true : YAML11_FALSE.has(value) ? false : undefined;
  if (word === undefined) return undefined;
  return document.plainScalar(pointer) === false ? undefined : word;
}

/**
 * A boolean field of a Compose file as Docker Compose reads it, or undefined when it is no boolean
 * (an interpolated `${PRIVILEGED}` is not judged). compose-go casts the string of a boolean field
 * with `toBoolean`: `true`, `y`, `yes`, `on` in any case are true and `false`, `n`, `no`, `off`
 * false, quoted or not (its YAML reader keeps them strings; the cast, not the YAML, decides).
 */
export function composeBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  switch (value.trim().toLowerCase()) {
    case 'true':
    case 'y':
    case 'yes':
    case 'on':
      return true;
    case 'false':
    case 'n':
    case 'no':
    case 'off':
      return false;
    default:
      return undefined;
  }
}
