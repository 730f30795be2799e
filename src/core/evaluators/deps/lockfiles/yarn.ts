import type { Workspace } from '../../../workspace/workspace.js';
import { forEachLine } from '../../generic/shared.js';
import {
  type Component,
  component,
  gitCommit,
  isRecord,
  type LockfileInventory,
  splitNpmName,
  sriHashes,
} from './types.js';
import { unreadable } from './unreadable.js';

/**
 * yarn.lock, both formats. Yarn 2+ ("berry") writes YAML with a `__metadata` entry and is read with
 * the workspace's YAML parser. Yarn 1 writes its own indentation format, read line by line here: the
 * only parsers published for it bundle most of Yarn 1 or bring a second YAML parser, and the reader
 * needs four things (the entry's specifiers, `version`, `resolved` and `integrity`).
 */
export function readYarnLock(ws: Workspace, file: string): LockfileInventory {
  const bad = unreadable(ws, file);
  if (bad) return bad;
  const text = ws.text(file) ?? '';
  return /^__metadata:/m.test(text) ? readBerry(ws, file) : readClassic(text, file);
}

function readClassic(text: string, file: string): LockfileInventory {
  const components: Component[] = [];
  let entry:
    | { header: string; name: string; version?: string; integrity?: string; commit?: string; local: boolean }
    | undefined;
  const flush = () => {
    if (entry?.version && !entry.local) {
      const [namespace, name] = splitNpmName(entry.name);
      const hashes = sriHashes(entry.integrity);
      components.push(
        component({
          type: 'npm',
          namespace,
          name,
          version: entry.version,
          ...(entry.commit ? { commit: entry.commit } : {}),
          ...(hashes ? { hashes } : {}),
          lockfile: file,
          anchor: entry.header,
        }),
      );
    }
    entry = undefined;
  };
  forEachLine(text, (line) => {
    if (line === '' || line.startsWith('#')) return;
    if (!/^\s/.test(line)) {
      flush();
      if (!line.endsWith(':')) return;
      const first = line.slice(0, -1).split(',')[0]!.trim().replace(/^"|"$/g, '');
      const at = first.indexOf('@', 1);
      if (at <= 0) return;
      const range = first.slice(at + 1);
      entry = {
        header: line.slice(0, -1),
        name: first.slice(0, at),
        // The project's own packages (workspaces, file: and link: dependencies) are not dependencies.
        local: /^(?:file|link|portal|workspace):/.test(range),
      };
      return;
    }
    if (!entry) return;
    const field = /^ {2}(version|resolved|integrity) "?([^"\s]+)"?$/.exec(line);
    if (!field) return;
    if (field[1] === 'version') entry.version = field[2]!;
    else if (field[1] === 'integrity') entry.integrity = field[2]!;
    else if (field[2]!.startsWith('file:')) entry.local = true;
    else {
      // A git dependency resolves to `git+<url>#<sha>` or a codeload tarball of the commit.
      const commit = gitCommit(field[2]);
      if (commit) entry.commit = commit;
    }
  });
  flush();
  return { file, format: 'yarn.lock v1', components, recordsLicenses: false };
}

function readBerry(ws: Workspace, file: string): LockfileInventory {
  const parsed = ws.yaml(file);
  const doc = parsed?.ok ? parsed.documents[0]?.value : undefined;
  if (!isRecord(doc)) {
    return {
      file,
      format: 'yarn.lock (berry)',
      components: [],
      recordsLicenses: false,
      problem: 'not valid YAML',
    };
  }
  const meta = isRecord(doc.__metadata) ? doc.__metadata : {};
  const components: Component[] = [];
  for (const [key, entry] of Object.entries(doc)) {
    if (key === '__metadata' || !isRecord(entry) || entry.linkType === 'soft') continue;
    const resolution = typeof entry.resolution === 'string' ? entry.resolution : '';
    const at = resolution.indexOf('@', 1);
    const protocol = /^([a-z]+):/.exec(resolution.slice(at + 1))?.[1];
    if (at <= 0 || (protocol && protocol !== 'npm')) continue;
    const version = typeof entry.version === 'string' ? entry.version : String(entry.version ?? '');
    if (!version) continue;
    const [namespace, name] = splitNpmName(resolution.slice(0, at));
    components.push(component({ type: 'npm', namespace, name, version, lockfile: file, anchor: key }));
  }
  return {
    file,
    format: `yarn.lock (berry v${String(meta.version ?? '?')})`,
    components,
    recordsLicenses: false,
  };
}
