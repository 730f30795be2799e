/**
 * The CycloneDX SBOM (JSON, specification 1.6) of the dependencies read from the repository's
 * lockfiles: `controlgate check --format cyclonedx`. A pure function of the inventory and the
 * run's identity; the caller supplies the serial number and the time, so the output is testable.
 */
import type { InventoryEntry } from '../core/evaluators/deps/lockfiles/inventory.js';
import { parseSpdx, singleSpdxId } from '../core/evaluators/deps/lockfiles/spdx.js';
import type { LockfileInventory } from '../core/evaluators/deps/lockfiles/types.js';
import type { Report } from '../core/types.js';

export const CYCLONEDX_SPEC_VERSION = '1.6';

export interface CycloneDxOptions {
  /** The lockfiles read (with any problem), in index order. */
  lockfiles: readonly LockfileInventory[];
  /** Their components, one per purl (`uniqueComponents`). */
  components: readonly InventoryEntry[];
  /** `urn:uuid:<uuid>`: unique per document, as the specification asks. */
  serialNumber: string;
  timestamp: Date;
  /** Name of the component the SBOM describes (the checked directory's name). */
  name: string;
}

type Json = Record<string, unknown>;

/** The SBOM as a JSON string (two-space indent, trailing newline). */
export function renderCycloneDx(report: Report, options: CycloneDxOptions): string {
  return `${JSON.stringify(cycloneDxDocument(report, options), null, 2)}\n`;
}

/** The SBOM as an object, for tests and other writers. */
export function cycloneDxDocument(report: Report, options: CycloneDxOptions): Json {
  const properties = options.lockfiles.map((l) => ({
    name: l.problem ? 'controlgate:lockfile:unread' : 'controlgate:lockfile',
    value: l.problem
      ? `${l.file}: ${l.problem}`
      : `${l.file} (${l.format}, ${l.components.length} package${l.components.length === 1 ? '' : 's'})`,
  }));
  return {
    $schema: `http://cyclonedx.org/schema/bom-${CYCLONEDX_SPEC_VERSION}.schema.json`,
    bomFormat: 'CycloneDX',
    specVersion: CYCLONEDX_SPEC_VERSION,
    serialNumber: options.serialNumber,
    version: 1,
    metadata: {
      timestamp: options.timestamp.toISOString(),
      // Read from lockfiles in the source tree, before anything is built.
      lifecycles: [{ phase: 'pre-build' }],
      tools: {
        components: [
          {
            type: 'application',
            name: report.tool.name,
            version: report.tool.version,
            externalReferences: [{ type: 'website', url: report.tool.informationUri }],
          },
        ],
      },
      component: {
        type: 'application',
        'bom-ref': 'controlgate:root',
        name: options.name || 'repository',
        ...(report.repository.head ? { version: report.repository.head } : {}),
      },
      ...(properties.length > 0 ? { properties } : {}),
    },
    components: options.components.map(componentJson),
  };
}

function componentJson({ component: c, lockfiles }: InventoryEntry): Json {
  return {
    type: 'library',
    'bom-ref': c.purl,
    ...(c.namespace ? { group: c.namespace } : {}),
    name: c.name,
    version: c.version,
    ...(c.scope ? { scope: c.scope } : {}),
    ...(c.hashes ? { hashes: c.hashes.map((h) => ({ alg: h.alg, content: h.content })) } : {}),
    ...(c.license ? { licenses: licenseChoice(c.license) } : {}),
    purl: c.purl,
    evidence: { occurrences: lockfiles.map((location) => ({ location })) },
  };
}

/**
 * CycloneDX's licence forms: an SPDX identifier, an SPDX expression, or (for anything else, such as
 * "SEE LICENSE IN LICENSE.md") the text as a name, so nothing is claimed that the lockfile did not say.
 */
function licenseChoice(text: string): Json[] {
  const id = singleSpdxId(text);
  if (id) return [{ license: { id } }];
  if (parseSpdx(text)) return [{ expression: text.trim() }];
  return [{ license: { name: text.slice(0, 200) } }];
}
