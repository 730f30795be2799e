import path from 'node:path/posix';
import type { DockerfileModel } from '../../parsers/dockerfile.js';
import { pathMatcher } from '../../workspace/glob.js';
import { defineSelector } from '../../workspace/screens.js';
import type { Workspace } from '../../workspace/workspace.js';
import { parseYaml } from '../../workspace/yaml.js';
import type { EcosystemName, Manifest } from './ecosystems.js';

/**
 * Reader of updatecli manifests (https://www.updatecli.io/docs/), reduced to what the coverage rule
 * needs: which repository files an updatecli target edits, and which ecosystems an `autodiscovery`
 * crawler updates.
 *
 * Assumption about paths: a target's `spec.file`/`spec.files` is resolved by updatecli against the
 * working directory it runs in, or against the root of the clone when the target has an `scmid`; in
 * both usual setups (a workflow running updatecli at the checkout's root, or a `git`/`github` scm of
 * this repository) that is the repository root, so paths are read as relative to the root, not to
 * the manifest's directory. A target whose scm is another repository cannot be told apart (its
 * owner and name are usually template values): at worst a file of the same path here counts as
 * covered.
 */

/**
 * Where updatecli manifests are found by convention: `updatecli.yaml` (updatecli's default) or its
 * hidden variant at the root, and any YAML file in an `updatecli.d/` or `updatecli/` directory (the
 * `--config` directory of most setups, e.g. `updatecli/updatecli.d/*.yaml`). The same globs are
 * listed by the `dependency-update-tool` rule.
 */
export const UPDATECLI_GLOBS = [
  'updatecli.yaml',
  'updatecli.yml',
  '.updatecli.yaml',
  '.updatecli.yml',
  '**/updatecli.d/**/*.{yaml,yml}',
  '**/updatecli/**/*.{yaml,yml}',
];

/** What a template action inside a line becomes (a name no real path has). */
const TEMPLATE = '__updatecli_template__';

const isUpdatecliPath = pathMatcher(UPDATECLI_GLOBS);
/** Paths where an updatecli manifest may be (only those with its shape are manifests). */
const UPDATECLI_PATHS = defineSelector('updatecli-manifests', (f) => isUpdatecliPath(f));

/** A file a target edits; for a `dockerfile` target, the instruction it changes when known. */
export interface UpdatecliTarget {
  /** The manifest that declares it. */
  manifest: string;
  /** The target's id (its key under `targets`). */
  id: string;
  kind: string;
  /** Repository-relative path (normalised). */
  file: string;
  /** `dockerfile` targets: the instruction keyword (upper case) and matcher, when given as text. */
  keyword?: string;
  matcher?: string;
}

/** An `autodiscovery` crawler that updates the manifests of one ecosystem under a directory. */
export interface UpdatecliCrawler {
  manifest: string;
  ecosystem: EcosystemName;
  /** "" for the repository root. */
  rootdir: string;
}

/** The updatecli manifests of the repository and what they update. */
export interface UpdatecliConfig {
  /** Manifests (files with updatecli's shape), in index order. */
  manifests: string[];
  targets: UpdatecliTarget[];
  crawlers: UpdatecliCrawler[];
  /**
   * Manifests read only in part: no YAML even without their template actions (read line by line),
   * or with a target whose file name is itself a template. A file they edit may not be among
   * {@link targets}.
   */
  partial: string[];
}

/** Crawler names of updatecli's autodiscovery, by the ecosystem whose manifests they update. */
const CRAWLERS: Readonly<Record<string, EcosystemName>> = {
  dockerfile: 'docker',
  npm: 'npm',
  golang: 'gomod',
  cargo: 'cargo',
  maven: 'maven',
  githubaction: 'github-actions',
};

/** The updatecli manifests of the workspace, or undefined when there is none. */
export function readUpdatecli(ws: Workspace): UpdatecliConfig | undefined {
  const config: UpdatecliConfig = { manifests: [], targets: [], crawlers: [], partial: [] };
  for (const file of ws.filesWhere(UPDATECLI_PATHS)) {
    const text = ws.text(file);
    // Cheap screen: a manifest has a top-level `targets:` or `autodiscovery:` key.
    if (text === undefined || !/^(?:targets|autodiscovery)[ \t]*:/m.test(text)) continue;
    readManifest(file, text, config);
  }
  return config.manifests.length > 0 ? config : undefined;
}

/** Adds what one candidate file declares, if it has updatecli's shape. */
function readManifest(file: string, text: string, config: UpdatecliConfig): void {
  let parsed = parseYaml(text);
  // A Go template that is not YAML as written (`key: {{ .value }}`, `{{ range }}` lines): what the
  // actions produce is unknown, but a file name they make is seen as one (the manifest is partial).
  if (!parsed.ok) parsed = parseYaml(neutraliseTemplates(text));
  if (!parsed.ok) {
    scanLines(file, text, config);
    return;
  }
  let found = false;
  let partial = false;
  for (const doc of parsed.documents) {
    const root = asMap(doc.value);
    if (!root || !hasShape(root)) continue;
    found = true;
    for (const [id, raw] of Object.entries(asMap(root.targets) ?? {})) {
      const target = asMap(raw);
      if (!target || typeof target.kind !== 'string') continue;
      const spec = asMap(target.spec) ?? {};
      const instruction = asMap(spec.instruction);
      for (const name of targetFiles(target.kind, spec)) {
        const normalised = normalisePath(name);
        if (normalised === null) {
          partial = true;
          continue;
        }
        if (normalised === undefined) continue;
        config.targets.push({
          manifest: file,
          id,
          kind: target.kind.toLowerCase(),
          file: normalised,
          ...(typeof instruction?.keyword === 'string' ? { keyword: instruction.keyword.toUpperCase() } : {}),
          ...(typeof instruction?.matcher === 'string' ? { matcher: instruction.matcher } : {}),
        });
      }
    }
    const autodiscovery = asMap(root.autodiscovery);
    for (const [name, raw] of Object.entries(asMap(autodiscovery?.crawlers) ?? {})) {
      const ecosystem = CRAWLERS[name.toLowerCase()];
      if (!ecosystem) continue;
      const rootdir = normalisePath(String(asMap(raw)?.rootdir ?? '.'));
      // A templated directory is unknown; one outside the repository crawls nothing of it.
      if (rootdir === null) partial = true;
      else if (rootdir !== undefined) config.crawlers.push({ manifest: file, ecosystem, rootdir });
    }
  }
  if (!found) return;
  config.manifests.push(file);
  if (partial) config.partial.push(file);
}

/** updatecli's shape: `targets` (whose entries have a `kind`) or `autodiscovery` crawlers; maps. */
function hasShape(root: Record<string, unknown>): boolean {
  if (root.sources !== undefined && root.sources !== null && !asMap(root.sources)) return false;
  const targets = asMap(root.targets);
  if (targets && Object.values(targets).some((t) => typeof asMap(t)?.kind === 'string')) return true;
  return asMap(asMap(root.autodiscovery)?.crawlers) !== undefined;
}

/** The file names a target's spec gives (`file`, `files`; a Helm chart's values file in its directory). */
function targetFiles(kind: string, spec: Record<string, unknown>): string[] {
  const files = [spec.file, ...(Array.isArray(spec.files) ? spec.files : [])].filter(
    (f): f is string => typeof f === 'string',
  );
  if (kind.toLowerCase() === 'helmchart' && typeof spec.name === 'string') {
    return (files.length > 0 ? files : ['values.yaml']).map((f) => `${spec.name}/${f}`);
  }
  return files;
}

/**
 * A repository-relative path: `./a/b` and `file://a/b` are `a/b`, `.` is "". Undefined for what is
 * no file of the repository (a URL, an absolute path, a path out of it); null for a templated name.
 */
function normalisePath(name: string): string | undefined | null {
  if (name.includes('{{') || name.includes(TEMPLATE)) return null;
  let p = name.trim().replace(/^file:\/\//, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p) || p.startsWith('/') || /^[a-z]:[\\/]/i.test(p)) return undefined;
  p = path.normalize(p.replace(/\\/g, '/')).replace(/\/+$/, '');
  if (p === '.' || p === '') return '';
  return p === '..' || p.startsWith('../') ? undefined : p;
}

/**
 * The text with Go template actions made harmless for a YAML parser: lines holding nothing but
 * actions (`{{ range ... }}`, `{{- end }}`) become empty (lines keep their numbers), and an action
 * inside a line becomes a placeholder, so that `key: {{ .value }}` is a plain scalar.
 */
export function neutraliseTemplates(text: string): string {
  return text
    .split('\n')
    .map((line) => (/^\s*(?:\{\{.*?\}\}\s*)+$/.test(line) ? '' : line.replace(/\{\{.*?\}\}/g, TEMPLATE)))
    .join('\n');
}

/**
 * Last resort for a manifest that is no YAML even without its template actions: the `file:` values
 * and `files:` items of its top-level `targets:` block, read line by line. The manifest is partial.
 */
function scanLines(file: string, text: string, config: UpdatecliConfig): void {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^targets[ \t]*:/.test(l));
  if (start === -1) return;
  let listIndent = -1;
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line) && !line.startsWith('{{') && !line.startsWith('#')) break;
    const indent = line.search(/\S/);
    const item = /^\s*-\s+["']?([^"'#\s]+)["']?\s*(?:#.*)?$/.exec(line);
    if (listIndent >= 0 && item && indent >= listIndent) {
      pushScanned(file, item[1]!, config);
      continue;
    }
    listIndent = -1;
    const key = /^\s*(files?)\s*:\s*["']?([^"'#\s]*)["']?\s*(?:#.*)?$/.exec(line);
    if (!key) continue;
    if (key[1] === 'file' && key[2]) pushScanned(file, key[2], config);
    else if (key[1] === 'files' && !key[2]) listIndent = indent;
  }
  config.manifests.push(file);
  config.partial.push(file);
}

function pushScanned(manifest: string, name: string, config: UpdatecliConfig): void {
  const file = normalisePath(name);
  if (file) config.targets.push({ manifest, id: '', kind: 'unknown', file });
}

function asMap(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** What updatecli does for one manifest of the repository. */
export interface UpdatecliVerdict {
  covered: boolean;
  /** Targets that edit the file without updating what the rule asks about (a Dockerfile's base image). */
  editing: UpdatecliTarget[];
}

/**
 * Whether updatecli updates a manifest: an autodiscovery crawler of its ecosystem runs over its
 * directory, or a target edits the file. Only files a target names are covered; for a Dockerfile,
 * whose updates are its base images, a `dockerfile` target must change a FROM instruction or an ARG
 * that a FROM line uses (a target whose instruction is not given as keyword and matcher, or of
 * another kind such as `file`, is taken to). The workflows' actions are one manifest for all
 * workflows: only a crawler covers them.
 */
export function updatecliCovers(
  config: UpdatecliConfig,
  m: Manifest,
  dockerfile: () => DockerfileModel | undefined,
): UpdatecliVerdict {
  const crawled = config.crawlers.some(
    (c) => c.ecosystem === m.ecosystem && (c.rootdir === '' || m.file.startsWith(`${c.rootdir}/`)),
  );
  if (crawled) return { covered: true, editing: [] };
  if (m.ecosystem === 'github-actions') return { covered: false, editing: [] };
  const editing = config.targets.filter((t) => t.file === m.file);
  if (editing.length === 0) return { covered: false, editing };
  if (m.ecosystem !== 'docker') return { covered: true, editing };
  const model = dockerfile();
  const baseArgs = model ? fromArgs(model) : undefined;
  const updatesBase = (t: UpdatecliTarget) => {
    if (t.kind !== 'dockerfile' || t.keyword === undefined || t.matcher === undefined || !baseArgs)
      return true;
    if (t.keyword === 'FROM') return true;
    // The matcher is matched against the ARG's text, taken here leniently (any part of its name).
    const matcher = t.matcher.toLowerCase();
    return t.keyword === 'ARG' && [...baseArgs].some((a) => a.toLowerCase().includes(matcher));
  };
  return editing.some(updatesBase) ? { covered: true, editing } : { covered: false, editing };
}

/**
 * The names of the ARGs a FROM line uses, directly or through another global ARG's default
 * (`ARG TAG=${VERSION}-slim`).
 */
function fromArgs(model: DockerfileModel): Set<string> {
  const refs = (s: string) => [...s.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((r) => r[1]!);
  const used = new Set(model.stages.flatMap((s) => refs(`${s.from.image ?? ''} ${s.from.platform ?? ''}`)));
  const defaults = new Map(model.globalArgs.map((a) => [a.name, a.value ?? '']));
  for (const pending = [...used]; pending.length > 0; ) {
    for (const r of refs(defaults.get(pending.pop()!) ?? '')) {
      if (!used.has(r)) {
        used.add(r);
        pending.push(r);
      }
    }
  }
  return used;
}
