import type { Workspace } from '../../../workspace/workspace.js';
import { forEachLine } from '../../generic/shared.js';
import { readJson } from '../../repo/manifests.js';
import { packageTables, readToml } from './toml.js';
import { type Component, component, gitCommit, isRecord, type LockfileInventory, str } from './types.js';
import { unreadable } from './unreadable.js';

/** Sources that are the project itself (or a path on the developer's disk), not a dependency. */
const LOCAL_SOURCES = ['editable', 'virtual', 'workspace', 'directory', 'path'];

/**
 * poetry.lock, uv.lock and pdm.lock: `[[package]]` tables with `name` and `version`. Development
 * groups are told by Poetry 1 (`category = "dev"`), Poetry 2 (`groups`) and PDM (`groups`); uv.lock
 * records groups on the project's own entry only, so its scope is left unsaid.
 */
export function readPythonTomlLock(ws: Workspace, file: string): LockfileInventory {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const bad = unreadable(ws, file);
  if (bad) return bad;
  const doc = readToml(ws, file);
  if (!doc) return { file, format: base, components: [], recordsLicenses: false, problem: 'not valid TOML' };
  const components: Component[] = [];
  for (const pkg of packageTables(doc)) {
    const name = str(pkg, 'name');
    const version = str(pkg, 'version');
    if (!name || !version) continue;
    const source = pkg.source;
    if (isRecord(source)) {
      const kind = typeof source.type === 'string' ? source.type : Object.keys(source)[0];
      if (kind && LOCAL_SOURCES.includes(kind)) continue;
      if (kind === 'file' && base === 'poetry.lock') continue;
    }
    const scope = pythonScope(pkg, base);
    const commit = lockedCommit(source);
    components.push(
      component({
        type: 'pypi',
        name,
        version,
        ...(scope ? { scope } : {}),
        ...(commit ? { commit } : {}),
        lockfile: file,
        anchor: `"${name}"`,
      }),
    );
  }
  return { file, format: base, components, recordsLicenses: false };
}

/** uv's `source = { git = "<url>?branch=main#<sha>" }`, Poetry's `type = "git"` with `resolved_reference`. */
function lockedCommit(source: unknown): string | undefined {
  if (!isRecord(source)) return undefined;
  if (typeof source.git === 'string') return gitCommit(source.git);
  const resolved = str(source, 'resolved_reference');
  return source.type === 'git' && resolved && /^[0-9a-f]{40}$/i.test(resolved)
    ? resolved.toLowerCase()
    : undefined;
}

function pythonScope(pkg: Record<string, unknown>, base: string): Component['scope'] {
  if (base === 'uv.lock') return undefined;
  if (pkg.category === 'dev') return 'excluded';
  if (pkg.category === 'main') return pkg.optional === true ? 'optional' : 'required';
  const groups = Array.isArray(pkg.groups) ? pkg.groups : undefined;
  if (!groups) return undefined;
  const main = groups.includes(base === 'pdm.lock' ? 'default' : 'main');
  return main ? (pkg.optional === true ? 'optional' : 'required') : 'excluded';
}

/** Pipfile.lock: `default` (run time) and `develop` packages pinned with `==`. */
export function readPipfileLock(ws: Workspace, file: string): LockfileInventory {
  const bad = unreadable(ws, file);
  if (bad) return bad;
  const lock = readJson(ws, file);
  if (!lock)
    return {
      file,
      format: 'Pipfile.lock',
      components: [],
      recordsLicenses: false,
      problem: 'not valid JSON',
    };
  const components: Component[] = [];
  for (const [section, scope] of [
    ['default', 'required'],
    ['develop', 'excluded'],
  ] as const) {
    const packages = lock[section];
    if (!isRecord(packages)) continue;
    for (const [name, entry] of Object.entries(packages)) {
      const pin = isRecord(entry) ? str(entry, 'version') : undefined;
      const version = pin?.replace(/^===?/, '');
      if (!version || version === pin) continue;
      components.push(
        component({ type: 'pypi', name, version, scope, lockfile: file, anchor: JSON.stringify(name) }),
      );
    }
  }
  return { file, format: 'Pipfile.lock', components, recordsLicenses: false };
}

/** `name[extra]==1.2.3 ; markers  --hash=...`: an exact pin, as pip-compile writes them. */
const PIN =
  /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?[ \t]*===?[ \t]*([A-Za-z0-9][A-Za-z0-9.+!_-]*)(?=[ \t;\\]|$)/;

/**
 * requirements*.txt: the exactly pinned requirements (what pip-compile and `pip freeze` write).
 * Ranges are not resolved here, so they are not in the inventory. A file named for development or
 * tests (`requirements-dev.txt`, `requirements/test.txt`) holds development-only packages.
 */
export function readRequirements(ws: Workspace, file: string): LockfileInventory {
  const bad = unreadable(ws, file);
  if (bad) return bad;
  const dev = /(?:^|[/_.-])(?:dev|develop|development|test|tests|testing|lint|docs?|ci)(?:[/_.-]|$)/i.test(
    file,
  );
  const components: Component[] = [];
  forEachLine(ws.text(file) ?? '', (line) => {
    const m = PIN.exec(line.trimStart());
    if (!m) return;
    components.push(
      component({
        type: 'pypi',
        name: m[1]!,
        version: m[2]!,
        scope: dev ? 'excluded' : 'required',
        lockfile: file,
        anchor: m[0],
      }),
    );
  });
  return { file, format: 'requirements (pinned)', components, recordsLicenses: false };
}
