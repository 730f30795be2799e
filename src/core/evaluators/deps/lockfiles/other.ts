import type { Workspace } from '../../../workspace/workspace.js';
import { forEachLine } from '../../generic/shared.js';
import { readJson } from '../../repo/manifests.js';
import { packageTables, readToml } from './toml.js';
import { type Component, component, gitCommit, isRecord, type LockfileInventory, str } from './types.js';
import { unreadable } from './unreadable.js';

/**
 * Lockfiles of the other ecosystems: go.mod (Go has no separate lockfile: go.mod's `require`
 * directives, after `replace`, are the exact versions built with), Cargo.lock, Gradle's dependency
 * locks, Gemfile.lock, composer.lock and NuGet's packages.lock.json.
 */

const fail = (file: string, format: string, problem: string): LockfileInventory => ({
  file,
  format,
  components: [],
  recordsLicenses: false,
  problem,
});

/** `github.com/a/b/v2` -> namespace `github.com/a/b`, name `v2` (the purl spec's split for Go). */
function goComponent(path: string, version: string, file: string, anchor: string): Component {
  const slash = path.lastIndexOf('/');
  return component({
    type: 'golang',
    namespace: slash > 0 ? path.slice(0, slash) : undefined,
    name: slash > 0 ? path.slice(slash + 1) : path,
    version,
    lockfile: file,
    anchor,
  });
}

export function readGoMod(ws: Workspace, file: string): LockfileInventory {
  const bad = unreadable(ws, file);
  if (bad) return bad;
  const requires: { path: string; version: string }[] = [];
  const replaces = new Map<string, { path: string; version?: string } | null>();
  let block: string | undefined;
  forEachLine(ws.text(file) ?? '', (raw) => {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (line === '') return;
    if (block) {
      if (line === ')') block = undefined;
      else directive(block, line);
      return;
    }
    const m = /^(require|replace)\s*(\(?)\s*(.*)$/.exec(line);
    if (!m) return;
    if (m[2]) block = m[1]!;
    else directive(m[1]!, m[3]!);
  });
  function directive(kind: string, rest: string) {
    const words = rest.split(/\s+/).map((w) => w.replace(/^"|"$/g, ''));
    if (kind === 'require' && words.length >= 2) requires.push({ path: words[0]!, version: words[1]! });
    if (kind !== 'replace') return;
    const arrow = words.indexOf('=>');
    if (arrow < 1) return;
    const from = arrow === 2 ? `${words[0]}@${words[1]}` : words[0]!;
    const target = words[arrow + 1];
    if (!target) return;
    // A replacement by a directory is code in (or next to) this repository.
    const local = /^(?:\.{1,2}\/|\/)/.test(target) || target === '.' || target === '..';
    replaces.set(
      from,
      local ? null : { path: target, ...(words[arrow + 2] ? { version: words[arrow + 2] } : {}) },
    );
  }
  const components: Component[] = [];
  for (const req of requires) {
    const replaced = replaces.has(`${req.path}@${req.version}`)
      ? replaces.get(`${req.path}@${req.version}`)
      : replaces.get(req.path);
    if (replaced === null) continue;
    const path = replaced?.path ?? req.path;
    const version = replaced?.version ?? req.version;
    components.push(goComponent(path, version, file, req.path));
  }
  return { file, format: 'go.mod', components, recordsLicenses: false };
}

export function readCargoLock(ws: Workspace, file: string): LockfileInventory {
  const bad = unreadable(ws, file);
  if (bad) return bad;
  const doc = readToml(ws, file);
  if (!doc) return fail(file, 'Cargo.lock', 'not valid TOML');
  const components: Component[] = [];
  for (const pkg of packageTables(doc)) {
    const name = str(pkg, 'name');
    const version = str(pkg, 'version');
    // Packages without a source are the workspace's own crates (and path dependencies).
    if (!name || !version || !str(pkg, 'source')) continue;
    const checksum = str(pkg, 'checksum');
    const commit = gitCommit(str(pkg, 'source')?.startsWith('git+') ? pkg.source : undefined);
    components.push(
      component({
        type: 'cargo',
        name,
        version,
        ...(commit ? { commit } : {}),
        ...(checksum && /^[0-9a-f]{64}$/.test(checksum)
          ? { hashes: [{ alg: 'SHA-256' as const, content: checksum }] }
          : {}),
        lockfile: file,
        anchor: `name = "${name}"`,
      }),
    );
  }
  return { file, format: 'Cargo.lock', components, recordsLicenses: false };
}

/** gradle.lockfile: `group:artifact:version=configuration,...`; test-only configurations are excluded. */
export function readGradleLock(ws: Workspace, file: string): LockfileInventory {
  const bad = unreadable(ws, file);
  if (bad) return bad;
  const components: Component[] = [];
  forEachLine(ws.text(file) ?? '', (line) => {
    const m = /^([^:#=\s]+):([^:=\s]+):([^:=\s]+)=(.*)$/.exec(line.trim());
    if (!m) return;
    const configs = m[4]!.split(',').filter(Boolean);
    const testOnly = configs.length > 0 && configs.every((c) => /test/i.test(c));
    components.push(
      component({
        type: 'maven',
        namespace: m[1]!,
        name: m[2]!,
        version: m[3]!,
        scope: testOnly ? 'excluded' : 'required',
        lockfile: file,
        anchor: `${m[1]}:${m[2]}:${m[3]}`,
      }),
    );
  });
  return { file, format: 'gradle.lockfile', components, recordsLicenses: false };
}

/** Gemfile.lock: the `specs:` of its GEM and GIT sections (PATH sections are the project's own gems). */
export function readGemfileLock(ws: Workspace, file: string): LockfileInventory {
  const bad = unreadable(ws, file);
  if (bad) return bad;
  const components: Component[] = [];
  let section = '';
  // A GIT section's `revision:` (the commit its gems are locked to) comes before its `specs:`.
  let revision: string | undefined;
  forEachLine(ws.text(file) ?? '', (line) => {
    if (/^[A-Z]/.test(line)) {
      section = line.trim();
      revision = undefined;
      return;
    }
    if (section !== 'GEM' && section !== 'GIT') return;
    const rev = /^ {2}revision: ([0-9a-f]{40})$/i.exec(line);
    if (rev && section === 'GIT') revision = rev[1]!.toLowerCase();
    const m = /^ {4}([A-Za-z0-9][\w.-]*) \(([^)\s]+)\)$/.exec(line);
    if (!m) return;
    // `1.15.4-x86_64-linux`: the platform is not part of the version.
    const version = m[2]!.replace(
      /-(?:x86|x64|arm|aarch|universal|java|mingw|mswin|darwin|linux)[\w-]*$/,
      '',
    );
    components.push(
      component({
        type: 'gem',
        name: m[1]!,
        version,
        ...(revision ? { commit: revision } : {}),
        lockfile: file,
        anchor: line.trim(),
      }),
    );
  });
  return { file, format: 'Gemfile.lock', components, recordsLicenses: false };
}

/** composer.lock: `packages` (run time) and `packages-dev`, each with its licences. */
export function readComposerLock(ws: Workspace, file: string): LockfileInventory {
  const bad = unreadable(ws, file);
  if (bad) return bad;
  const lock = readJson(ws, file);
  if (!lock) return fail(file, 'composer.lock', 'not valid JSON');
  const components: Component[] = [];
  for (const [section, scope] of [
    ['packages', 'required'],
    ['packages-dev', 'excluded'],
  ] as const) {
    const list = lock[section];
    if (!Array.isArray(list)) continue;
    for (const pkg of list) {
      if (!isRecord(pkg)) continue;
      const full = str(pkg, 'name');
      const version = str(pkg, 'version');
      if (!full || !version) continue;
      const slash = full.indexOf('/');
      const licenses = Array.isArray(pkg.license)
        ? pkg.license.filter((l): l is string => typeof l === 'string')
        : [];
      // Composer lists alternatives: the package may be used under any one of them.
      const license = licenses.length > 1 ? `(${licenses.join(' OR ')})` : licenses[0];
      const commit = composerCommit(pkg.source);
      components.push(
        component({
          type: 'composer',
          namespace: slash > 0 ? full.slice(0, slash) : undefined,
          name: slash > 0 ? full.slice(slash + 1) : full,
          version,
          scope,
          ...(license ? { license } : {}),
          ...(commit ? { commit } : {}),
          ...(pkg.type === 'metapackage' ? { codeless: true as const } : {}),
          lockfile: file,
          anchor: `"name": ${JSON.stringify(full)}`,
        }),
      );
    }
  }
  return { file, format: 'composer.lock', components, recordsLicenses: true };
}

/**
 * The commit a composer.lock entry is locked to: a git `source` whose `reference` is a full SHA (a
 * `dev-main` requirement is recorded so); other sources (zip dists, hg, svn) lock no git commit.
 */
function composerCommit(source: unknown): string | undefined {
  if (!isRecord(source) || source.type !== 'git') return undefined;
  const ref = str(source, 'reference');
  return ref && /^[0-9a-f]{40}$/i.test(ref) ? ref.toLowerCase() : undefined;
}

/** NuGet packages.lock.json: resolved packages per target framework; project references skipped. */
export function readNugetLock(ws: Workspace, file: string): LockfileInventory {
  const bad = unreadable(ws, file);
  if (bad) return bad;
  const lock = readJson(ws, file);
  if (!lock) return fail(file, 'packages.lock.json', 'not valid JSON');
  const components: Component[] = [];
  const frameworks = isRecord(lock.dependencies) ? Object.values(lock.dependencies) : [];
  for (const deps of frameworks) {
    if (!isRecord(deps)) continue;
    for (const [name, entry] of Object.entries(deps)) {
      if (!isRecord(entry) || entry.type === 'Project') continue;
      const version = str(entry, 'resolved');
      if (!version) continue;
      const hash = str(entry, 'contentHash');
      const hex = hash ? Buffer.from(hash, 'base64').toString('hex') : '';
      components.push(
        component({
          type: 'nuget',
          name,
          version,
          ...(hex.length === 128 ? { hashes: [{ alg: 'SHA-512' as const, content: hex }] } : {}),
          lockfile: file,
          anchor: JSON.stringify(name),
        }),
      );
    }
  }
  return { file, format: 'packages.lock.json', components, recordsLicenses: false };
}
