import { pathMatcher } from '../../workspace/glob.js';
import type { Workspace } from '../../workspace/workspace.js';
import { readJson } from '../repo/manifests.js';

/**
 * Readers of dependency-update configuration: Dependabot's `updates` entries and Renovate's manager
 * and path settings, reduced to "does this configuration update manifest X of ecosystem Y?".
 */

/**
 * Where Dependabot and Renovate read their configuration, in the order they look. Renovate's list is
 * its documented one (`renovate.json`, `.jsonc` or `.json5` at the root, in `.github/` or `.gitlab/`,
 * `.renovaterc` and its `.json`, `.jsonc` and `.json5` forms); the `renovate` key of package.json
 * comes after them (see {@link readRenovate}). The rule dependency-update-tool lists the same files,
 * and git.ts inherits them from the top of a repository.
 */
export const DEPENDABOT_FILES = ['.github/dependabot.yml', '.github/dependabot.yaml'];
export const RENOVATE_FILES = [
  'renovate.json',
  'renovate.jsonc',
  'renovate.json5',
  '.github/renovate.json',
  '.github/renovate.jsonc',
  '.github/renovate.json5',
  '.gitlab/renovate.json',
  '.gitlab/renovate.jsonc',
  '.gitlab/renovate.json5',
  '.renovaterc',
  '.renovaterc.json',
  '.renovaterc.jsonc',
  '.renovaterc.json5',
];

/** One Dependabot `updates` entry: its ecosystem and directory globs (normalised, "" = root). */
export interface DependabotEntry {
  ecosystem: string;
  directories: string[];
  /** Its position in `updates` (its JSON pointer is `/updates/<index>`). */
  index: number;
  /** false for an entry with `open-pull-requests-limit: 0` (see {@link opensNoVersionUpdates}). */
  versionUpdates: boolean;
}

/**
 * Whether an `updates` entry opens no version updates: `open-pull-requests-limit: 0` (a number or its
 * string). GitHub documents the limit as the way to turn an entry's version updates off; security
 * updates have a limit of their own and still open pull requests, when the repository's settings
 * enable them (they do not need an entry).
 */
export function opensNoVersionUpdates(entry: Record<string, unknown>): boolean {
  const limit = entry['open-pull-requests-limit'];
  return limit === 0 || (typeof limit === 'string' && limit.trim() === '0');
}

/** The Dependabot configuration file and its entries, or undefined when there is none. */
export function readDependabot(ws: Workspace): { file: string; entries: DependabotEntry[] } | undefined {
  const file = DEPENDABOT_FILES.find((f) => ws.has(f));
  if (!file) return undefined;
  const parsed = ws.yaml(file);
  const root = parsed?.ok ? parsed.documents[0]?.value : undefined;
  const updates = (root as { updates?: unknown } | null | undefined)?.updates;
  const entries: DependabotEntry[] = [];
  (Array.isArray(updates) ? updates : []).forEach((u: unknown, index) => {
    if (!u || typeof u !== 'object') return;
    const { 'package-ecosystem': ecosystem, directory, directories } = u as Record<string, unknown>;
    if (typeof ecosystem !== 'string') return;
    const dirs = [directory, ...(Array.isArray(directories) ? directories : [])].filter(
      (d): d is string => typeof d === 'string',
    );
    entries.push({
      ecosystem,
      directories: dirs.map(normaliseDir),
      index,
      versionUpdates: !opensNoVersionUpdates(u as Record<string, unknown>),
    });
  });
  return { file, entries };
}

/** Dependabot directories are repository-absolute (`/`, `/apps/web`, `/apps/*`); ours are relative. */
export function normaliseDir(dir: string): string {
  return dir
    .trim()
    .replace(/^\.?\/+/, '')
    .replace(/\/+$/, '');
}

/** Whether a (normalised) Dependabot directory or glob names `dir`. */
export function directoryMatches(pattern: string, dir: string): boolean {
  if (pattern === dir) return true;
  if (pattern === '**' || pattern === '*') return pattern === '**' || !dir.includes('/');
  if (!/[*?[{]/.test(pattern)) return false;
  return pathMatcher(pattern)(dir);
}

/** Renovate's view: which managers run and which paths they skip. */
export interface RenovateConfig {
  file: string;
  /** false when the configuration could not be read: it is then trusted to cover everything. */
  understood: boolean;
  enabled: boolean;
  /** undefined: every manager (Renovate's default). */
  enabledManagers?: Set<string>;
  disabledManagers: Set<string>;
  ignored: (file: string) => boolean;
  /**
   * Whether an enabled custom manager (`customManagers`, the older `regexManagers`) reads the file:
   * it updates the versions its patterns capture there (a Dockerfile's base image in an ARG).
   */
  custom: (file: string) => boolean;
}

/** Renovate's default `ignorePaths`, and the longer list that its recommended presets set. */
const DEFAULT_IGNORE = ['**/node_modules/**', '**/bower_components/**'];
const PRESET_IGNORE = [
  ...DEFAULT_IGNORE,
  '**/vendor/**',
  '**/examples/**',
  '**/__tests__/**',
  '**/test/**',
  '**/tests/**',
  '**/__fixtures__/**',
];

/** The Renovate configuration (a config file, or the `renovate` key of the root package.json). */
export function readRenovate(ws: Workspace): RenovateConfig | undefined {
  let file = RENOVATE_FILES.find((f) => ws.has(f));
  let value: unknown;
  if (file) {
    value = parseJsonish(ws.text(file) ?? '');
  } else {
    const pkg = readJson(ws, 'package.json');
    if (!pkg || typeof pkg.renovate !== 'object' || pkg.renovate === null) return undefined;
    file = 'package.json';
    value = pkg.renovate;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return {
      file,
      understood: false,
      enabled: true,
      disabledManagers: new Set(),
      ignored: () => false,
      custom: () => false,
    };
  }
  const config = value as Record<string, unknown>;
  const managers = Array.isArray(config.enabledManagers)
    ? new Set(config.enabledManagers.filter((m): m is string => typeof m === 'string'))
    : undefined;
  const disabled = new Set<string>();
  for (const [key, v] of Object.entries(config)) {
    if (v && typeof v === 'object' && (v as { enabled?: unknown }).enabled === false) disabled.add(key);
  }
  const presets = Array.isArray(config.extends) ? config.extends.filter((e) => typeof e === 'string') : [];
  const recommended = presets.some((p) =>
    /config:(?:recommended|base|best-practices)|^:ignoreModulesAndTests$/.test(p),
  );
  const ignorePaths = Array.isArray(config.ignorePaths)
    ? config.ignorePaths.filter((p): p is string => typeof p === 'string')
    : recommended
      ? PRESET_IGNORE
      : DEFAULT_IGNORE;
  const includePaths = Array.isArray(config.includePaths)
    ? config.includePaths.filter((p): p is string => typeof p === 'string')
    : [];
  const ignore = ignorePaths.length > 0 ? pathMatcher(ignorePaths) : () => false;
  const include = includePaths.length > 0 ? pathMatcher(includePaths) : () => true;
  return {
    file,
    understood: true,
    enabled: config.enabled !== false,
    ...(managers ? { enabledManagers: managers } : {}),
    disabledManagers: disabled,
    ignored: (f) => ignore(f) || !include(f),
    custom: customManagers(config, (m) => (!managers || managers.has(m)) && !disabled.has(m)),
  };
}

/**
 * The files Renovate's enabled custom managers read: each manager's `managerFilePatterns` (a glob, or
 * a regular expression between slashes) or the older `fileMatch` (regular expressions), tested
 * against the path as Renovate does (anywhere in it). A pattern that could take long to test (see
 * {@link boundedRegex}) is not used: the configuration is the pull request's to write.
 */
function customManagers(config: Record<string, unknown>, enabled: (manager: string) => boolean) {
  const tests: ((file: string) => boolean)[] = [];
  const lists: [unknown, string][] = [
    [config.customManagers, 'custom'],
    [config.regexManagers, 'legacy'],
  ];
  for (const [list, kind] of lists) {
    for (const m of Array.isArray(list) ? list : []) {
      if (!m || typeof m !== 'object') continue;
      const { customType, managerFilePatterns, fileMatch } = m as Record<string, unknown>;
      const type = typeof customType === 'string' ? customType : 'regex';
      const names = kind === 'legacy' ? ['regex', 'custom.regex'] : [`custom.${type}`];
      if (!names.some(enabled)) continue;
      const strings = (v: unknown) =>
        Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
      for (const pattern of strings(managerFilePatterns)) {
        const regex = /^\/(.+)\/([a-z]*)$/.exec(pattern);
        const re = regex ? boundedRegex(regex[1]!) : undefined;
        if (regex) {
          if (re) tests.push((f) => re.test(f));
        } else tests.push(pathMatcher(pattern.replace(/^\/+/, '')));
      }
      for (const pattern of strings(fileMatch)) {
        const re = boundedRegex(pattern);
        if (re) tests.push((f) => re.test(f));
      }
    }
  }
  return (file: string) => tests.some((t) => t(file));
}

/**
 * A regular expression of a repository's configuration that tests a path in bounded time: none that
 * quantifies a group holding a quantifier (`(a+)+`), refers back to a group, or is long. Undefined
 * otherwise, or when it does not compile.
 */
export function boundedRegex(source: string): RegExp | undefined {
  if (source.length > 200 || /\\[1-9]|\\k</.test(source)) return undefined;
  // Per open group: whether it holds a quantifier.
  const groups: boolean[] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '(') groups.push(false);
    else if (c === ')') {
      const held = groups.pop() ?? false;
      const next = source[i + 1];
      const repeats = next === '*' || next === '+' || (next === '{' && /^\{\d*,/.test(source.slice(i + 1)));
      if (held && repeats) return undefined;
      if (groups.length > 0 && (held || repeats)) groups[groups.length - 1] = true;
    } else if ((c === '*' || c === '+' || c === '{') && groups.length > 0) groups[groups.length - 1] = true;
  }
  try {
    return new RegExp(source);
  } catch {
    return undefined;
  }
}

/** Whether Renovate updates a manifest read by any of `managers`. */
export function renovateCovers(config: RenovateConfig, file: string, managers: readonly string[]): boolean {
  if (!config.understood) return true;
  if (!config.enabled || config.ignored(file)) return false;
  if (config.custom(file)) return true;
  return managers.some(
    (m) => (!config.enabledManagers || config.enabledManagers.has(m)) && !config.disabledManagers.has(m),
  );
}

/**
 * The offset of a top-level key of a JSON, JSONC or JSON5 object (quoted or not), skipping strings,
 * comments and nested values; undefined when the object has no such key. Linear in the text.
 */
export function topLevelKeyOffset(text: string, key: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && text.slice(i + 1, j) === key && /^\s*:/.test(text.slice(j + 1, j + 40))) return i;
      i = j;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (depth === 1 && /[A-Za-z_$]/.test(c) && !/[\w$]/.test(text[i - 1] ?? '')) {
      const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(i, i + 100))![0];
      if (word === key && /^\s*:/.test(text.slice(i + word.length, i + word.length + 40))) return i;
      i += word.length - 1;
    }
  }
  return undefined;
}

/**
 * JSON, or JSONC and JSON5 as Renovate writes them (comments, trailing commas). Comments are removed by a
 * string-aware single pass; anything else JSON5 allows makes the file "not understood".
 */
export function parseJsonish(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // fall through to the JSON5 subset
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      const body = text.slice(i + 1, j);
      out += c === '"' ? `"${body}"` : `"${body.replace(/"/g, '\\"')}"`;
      i = j;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else out += c;
  }
  try {
    return JSON.parse(
      out.replace(/,(\s*[}\]])/g, '$1').replace(/([{,]\s*)([A-Za-z_$][\w$]*)\s*:/g, '$1"$2":'),
    );
  } catch {
    return undefined;
  }
}
