import type { RawFinding } from '../../types.js';
import { pathMatcher } from '../../workspace/glob.js';
import type { Workspace } from '../../workspace/workspace.js';
import { globList } from '../generic/shared.js';
import { DEFAULT_MANIFEST_EXCLUDE } from '../repo/deps-lockfile.js';
import { defineEvaluator } from '../types.js';
import { readInventory } from './lockfiles/inventory.js';
import { parseSpdx, type SpdxNode } from './lockfiles/spdx.js';
import type { Component } from './lockfiles/types.js';

type Scope = NonNullable<Component['scope']> | 'unknown';

interface Options {
  /** SPDX identifiers (a trailing `*` matches a family) no dependency may be used under. */
  deny: string[];
  /** When not empty: the only identifiers a dependency may be used under. */
  allow: string[];
  /** Scopes checked; development-only packages are not distributed, so not checked by default. */
  scopes: Scope[];
  exclude: string[];
}

/**
 * `deps.license`: dependencies whose licence, as their lockfile records it (npm lockfiles v2+,
 * composer.lock), cannot be complied with under the configured policy: every way to satisfy the SPDX
 * expression (`MIT OR GPL-3.0-only` offers two) uses a denied licence, or one outside `allow`.
 * Licences that are not SPDX expressions are left alone (nothing to judge), as are lockfiles that do
 * not record licences.
 */
export const depsLicense = defineEvaluator<Options>({
  kind: 'deps.license',
  summary: 'Dependency licences recorded in lockfiles (npm, composer) checked against deny and allow lists.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      deny: {
        type: 'array',
        items: { type: 'string', pattern: '^[A-Za-z0-9.+-]+\\*?$' },
        default: [],
        description: 'SPDX licence identifiers that are not acceptable; `AGPL-*` matches a family.',
      },
      allow: {
        type: 'array',
        items: { type: 'string', pattern: '^[A-Za-z0-9.+-]+\\*?$' },
        default: [],
        description: 'When set, the only acceptable SPDX identifiers (deny still applies).',
      },
      scopes: {
        type: 'array',
        uniqueItems: true,
        minItems: 1,
        items: { enum: ['required', 'optional', 'excluded', 'unknown'] },
        default: ['required', 'optional', 'unknown'],
        description:
          'Which dependencies to check: run time (required), optional, development (excluded), unknown.',
      },
      exclude: globList('Globs of lockfiles to leave out (setting it replaces the defaults).', {
        default: DEFAULT_MANIFEST_EXCLUDE,
      }),
    },
  },
  async evaluate({ options, workspace }) {
    const deny = familyMatcher(options.deny);
    const allow = options.allow.length > 0 ? familyMatcher(options.allow) : undefined;
    const acceptable = (id: string) => !deny(id) && (!allow || allow(id));
    const scopes = new Set(options.scopes);
    const findings: RawFinding[] = [];
    // Every lockfile is parsed (one shared inventory), but only those that record licences can be
    // judged: a repository whose lockfiles record none (go.sum, Cargo.lock) gave the rule nothing.
    const subjects = new Set<string>();
    for (const lock of await readInventory(workspace, options.exclude)) {
      if (!lock.recordsLicenses) continue;
      subjects.add(lock.file);
      for (const c of lock.components) {
        if (!c.license || !scopes.has(c.scope ?? 'unknown')) continue;
        const node = parseSpdx(c.license);
        if (!node || satisfiable(node, acceptable)) continue;
        const blocking = [...new Set(leaves(node).filter((id) => !acceptable(id)))];
        findings.push({
          message:
            `${c.namespace ? `${c.namespace}/` : ''}${c.name}@${c.version} is licensed ${c.license}, which the licence ` +
            `policy does not accept (${blocking.join(', ')} ${allow && !blocking.some(deny) ? 'not on the allow list' : 'denied'}).`,
          location: { path: lock.file, startLine: lineOf(workspace, lock.file, c.anchor) },
          key: `${c.purl}:${c.license}`,
        });
      }
    }
    workspace.examineOnly(subjects);
    return findings;
  },
});

/**
 * Exact identifiers, and `PREFIX*` families. Version forms are one licence: `GPL-3.0`, `GPL-3.0+`,
 * `GPL-3.0-only` and `GPL-3.0-or-later` all grant at least GPL-3.0, so a policy on one applies to all.
 */
function familyMatcher(patterns: readonly string[]): (id: string) => boolean {
  const canonical = (id: string) => id.toLowerCase().replace(/(?:\+|-only|-or-later)$/, '');
  const match = pathMatcher(patterns.map((p) => (p.endsWith('*') ? p.toLowerCase() : canonical(p))));
  return (id) => match(id.toLowerCase()) || match(canonical(id));
}

/** Whether some choice of licences in the expression uses only acceptable ones. */
function satisfiable(node: SpdxNode, acceptable: (id: string) => boolean): boolean {
  if ('license' in node) return acceptable(node.plus ? `${node.license}+` : node.license);
  return node.conjunction === 'or'
    ? satisfiable(node.left, acceptable) || satisfiable(node.right, acceptable)
    : satisfiable(node.left, acceptable) && satisfiable(node.right, acceptable);
}

function leaves(node: SpdxNode): string[] {
  return 'license' in node ? [node.license] : [...leaves(node.left), ...leaves(node.right)];
}

/** The line of the package's entry in its lockfile (1 when the entry cannot be found). */
function lineOf(ws: Workspace, file: string, anchor: string | undefined): number {
  const text = ws.text(file);
  const at = anchor && text ? text.indexOf(anchor) : -1;
  if (!text || at < 0) return 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}
