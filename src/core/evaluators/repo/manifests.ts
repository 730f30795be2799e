import type { Workspace } from '../../workspace/workspace.js';

/**
 * Small, dependency-free readers of package manifests: just enough to tell whether a manifest
 * declares dependencies (and so needs a lockfile). TOML and go.mod are inspected by table headers
 * and directives rather than parsed in full; every pattern here is anchored and linear.
 */

/** A JSON object from the workspace (cached), or undefined when absent, not an object or unparsable. */
export function readJson(ws: Workspace, file: string): Record<string, unknown> | undefined {
  if (!ws.has(file)) return undefined;
  return ws.memo('deps.json', file, () => {
    const text = ws.text(file);
    if (text === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // The YAML parser accepts JSON and, unlike JSON.parse, reports where it breaks: the workspace
      // records that located problem for core.input-problems.
      const parsed = ws.yaml(file);
      value = parsed?.ok ? parsed.documents[0]?.value : undefined;
    }
    return isObject(value) ? value : undefined;
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NPM_DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

/** A package.json needs a lockfile when it declares dependencies of any kind. */
export function packageJsonNeedsLock(pkg: Record<string, unknown> | undefined): boolean {
  if (!pkg) return false;
  return NPM_DEPENDENCY_FIELDS.some((field) => {
    const deps = pkg[field];
    return isObject(deps) && Object.keys(deps).length > 0;
  });
}

/**
 * A composer.json needs composer.lock when it requires a package; platform requirements (`php`,
 * `ext-*`, `lib-*`, `composer-*`) are checked, not installed, and have no `vendor/` prefix.
 */
export function composerNeedsLock(manifest: Record<string, unknown> | undefined): boolean {
  if (!manifest) return false;
  return ['require', 'require-dev'].some((field) => {
    const deps = manifest[field];
    return isObject(deps) && Object.keys(deps).some((name) => name.includes('/'));
  });
}

/**
 * Whether a composer.json is an application, whose composer.lock is committed, rather than a library,
 * which conventionally ships without one (Composer's docs: a library "may" commit it; consumers resolve
 * its ranges against their own lock). Composer's `type` defaults to `library`, so only `"type": "project"`
 * says application outright; a manifest with no `type` and no `name` is one too, since Composer requires
 * a name of any package published for others to require. Every other type (`library`, `metapackage`,
 * `composer-plugin`, installer types such as `wordpress-plugin`) is installed into someone else's project.
 */
export function composerIsApplication(manifest: Record<string, unknown> | undefined): boolean {
  if (!manifest) return false;
  if (manifest.type === 'project') return true;
  return manifest.type === undefined && manifest.name === undefined;
}

/**
 * The Python tool whose lockfile a pyproject.toml implies: Poetry (`[tool.poetry...]`), uv
 * (`[tool.uv...]`) or PDM as a dependency manager (`[tool.pdm]`, `[tool.pdm.dev-dependencies]`; the
 * pdm-backend build tables alone do not imply a lock). Plain `[project]` metadata implies none:
 * libraries built with setuptools or hatch conventionally ship without one.
 */
export function pyprojectTool(text: string): 'poetry' | 'uv' | 'pdm' | undefined {
  const headers = tomlTableHeaders(text);
  if (headers.some((h) => h === 'tool.poetry' || h.startsWith('tool.poetry.'))) return 'poetry';
  if (headers.some((h) => h === 'tool.uv' || h.startsWith('tool.uv.'))) return 'uv';
  if (
    headers.some((h) => h === 'tool.pdm' || h === 'tool.pdm.dev-dependencies' || h === 'tool.pdm.resolution')
  ) {
    return 'pdm';
  }
  return undefined;
}

/**
 * Whether a pyproject.toml declares dependencies a lockfile would pin: `[project]` `dependencies`
 * (or lists them as `dynamic`, read from elsewhere), `[project.optional-dependencies]`,
 * `[dependency-groups]`, Poetry's `[tool.poetry.dependencies]` beyond `python` and its groups and
 * dev-dependencies, uv's `dev-dependencies`, PDM's `[tool.pdm.dev-dependencies]`. A pyproject that
 * only configures a tool (`[tool.uv]` settings for the tests of a Rust crate, a maturin build with no
 * Python dependency) installs nothing a lockfile would pin.
 */
export function pyprojectDeclaresDependencies(text: string): boolean {
  for (const { name, body } of tomlTables(text)) {
    if (name === 'project') {
      if (nonEmptyArray(body, 'dependencies')) return true;
      const dynamic = /^[ \t]*dynamic[ \t]*=[ \t]*\[([^\]]{0,2000})\]/m.exec(body)?.[1];
      if (dynamic && /["']dependencies["']/.test(dynamic)) return true;
    } else if (name === 'project.optional-dependencies' || name === 'dependency-groups') {
      if (nonEmptyArray(body, KEY)) return true;
    } else if (name === 'tool.uv') {
      if (nonEmptyArray(body, 'dev-dependencies')) return true;
    } else if (
      name === 'tool.poetry.dependencies' ||
      name === 'tool.poetry.dev-dependencies' ||
      /^tool\.poetry\.group\.[^.]+\.dependencies$/.test(name) ||
      name === 'tool.pdm.dev-dependencies'
    ) {
      const keys = [...body.matchAll(new RegExp(`^[ \\t]*(${KEY})[ \\t]*=`, 'gm'))].map((m) =>
        m[1]!.replace(/["']/g, ''),
      );
      if (keys.some((k) => name !== 'tool.poetry.dependencies' || k.toLowerCase() !== 'python')) return true;
    }
  }
  return false;
}

/** A bare or quoted TOML key (a package or group name). */
const KEY = String.raw`["']?[A-Za-z0-9][\w.-]*["']?`;

/**
 * Whether a key of a table body (`key`: a regular expression source) has an array value that holds
 * at least one element: its first character after `[`, comments and line breaks skipped, is no `]`.
 */
function nonEmptyArray(body: string, key: string): boolean {
  for (const m of body.matchAll(
    new RegExp(`^[ \\t]*(?:${key})[ \\t]*=[ \\t]*\\[((?:\\s|#[^\\n]*)*)(.)`, 'gm'),
  )) {
    if (m[2] !== ']') return true;
  }
  return false;
}

/** The tables of a TOML document (`[a.b]`, `[[a.b]]`, whitespace removed), each with its body up to the next header. */
function tomlTables(text: string): { name: string; body: string }[] {
  const headers = [...text.matchAll(/^[ \t]*\[\[?([^\]\n#]{1,500})\]\]?[ \t]*(?:#[^\n]*)?\r?$/gm)];
  return headers.map((m, i) => ({
    name: m[1]!.replace(/[ \t]+/g, ''),
    body: text.slice(m.index + m[0].length, headers[i + 1]?.index ?? text.length),
  }));
}

/**
 * A Cargo.toml needs Cargo.lock when it declares dependencies: `[dependencies]`, `[dev-dependencies]`,
 * `[build-dependencies]`, their `target.<cfg>.` forms, `[dependencies.<name>]` tables and
 * `[workspace.dependencies]`. A virtual workspace root without shared dependencies needs none itself;
 * its members point at the lockfile in it.
 */
export function cargoNeedsLock(text: string): boolean {
  return tomlTableHeaders(text).some((h) => {
    const parts = h.split('.');
    // `target.'cfg(unix)'.dependencies` may contain dots inside the quoted cfg; only the tail matters.
    return parts.some(
      (p, i) => /^(?:dev-|build-)?dependencies$/.test(p) && (i === 0 || isDepsPrefix(parts, i)),
    );
  });
}

function isDepsPrefix(parts: string[], i: number): boolean {
  return parts[0] === 'workspace' ? i === 1 : parts[0] === 'target';
}

/**
 * A Pipfile needs Pipfile.lock when its `[packages]` or `[dev-packages]` table names a package (an
 * empty Pipfile, or one with only `[requires]`, installs nothing).
 */
export function pipfileNeedsLock(text: string): boolean {
  for (const m of text.matchAll(/^[ \t]*\[(?:dev-)?packages\][ \t]*(?:#[^\n]*)?\r?$/gm)) {
    const rest = text.slice(m.index + m[0].length);
    const next = /^[ \t]*\[/m.exec(rest);
    const body = next ? rest.slice(0, next.index) : rest;
    if (/^[ \t]*["']?[A-Za-z0-9][\w.-]*["']?[ \t]*=/m.test(body)) return true;
  }
  return false;
}

/** A go.mod needs go.sum when it has a `require` directive (a module using only the standard library has none). */
export function goModNeedsSum(text: string): boolean {
  return /^[ \t]*require(?:[ \t(]|$)/m.test(text);
}

/** Table and array-of-table header names of a TOML document (`[a.b]`, `[[a.b]]`), whitespace removed. */
export function tomlTableHeaders(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^[ \t]*\[\[?([^\]\n#]{1,500})\]\]?[ \t]*(?:#[^\n]*)?\r?$/gm)) {
    out.push(m[1]!.replace(/[ \t]+/g, ''));
  }
  return out;
}

/** The body of the `[workspace]` table of a Cargo.toml (up to the next table header), if any. */
export function workspaceTable(text: string): string | undefined {
  const header = /^[ \t]*\[workspace\][ \t]*(?:#[^\n]*)?$/m.exec(text);
  if (!header) return undefined;
  const rest = text.slice(header.index + header[0].length);
  const next = /^[ \t]*\[/m.exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

/** The strings of a `key = [ "a", 'b' ]` array in a TOML table body (single- or multi-line). */
export function tomlStringArray(table: string, key: string): string[] | undefined {
  const m = new RegExp(`^[ \\t]*${key}[ \\t]*=[ \\t]*\\[([^\\]]{0,100000})\\]`, 'm').exec(table);
  if (!m) return undefined;
  return [...m[1]!.matchAll(/"([^"\n]*)"|'([^'\n]*)'/g)].map((s) => s[1] ?? s[2] ?? '');
}

/**
 * Template syntax of the scaffolding tools: `{{ name }}` (cookiecutter, Jinja, Handlebars, plop,
 * Backstage's `${{ values.name }}`), `{% ... %}` (Jinja), `<%= name %>` (EJS, Yeoman) and `${name}`.
 * None of these characters is allowed in a package or module name, nor in a version.
 */
const TEMPLATE_SYNTAX = /\{\{|\{%|<%|\$\{/;

/** The `name` and `version` values of a TOML manifest (any table), and a go.mod's module path. */
const TOML_IDENTITY = /^[ \t]*(?:name|version)[ \t]*=[ \t]*["']([^"'\n]{0,500})["']/gm;
const GO_MODULE = /^[ \t]*module[ \t]+([^\n]{0,500})$/m;

/**
 * Whether a manifest is a scaffolding template rather than a project: its directory path, or the
 * name or version it declares, holds template syntax (`"name": "{{ project_name }}"`, a
 * `{{cookiecutter.project_slug}}/` directory). Nobody installs such a manifest as it stands: the
 * generator renders it into a new project first, so its dependencies are not this repository's.
 * Read from the content rather than from folder names, since a `templates/` folder may hold a real
 * project and a template may sit anywhere.
 */
export function isTemplateManifest(ws: Workspace, file: string): boolean {
  const slash = file.lastIndexOf('/');
  if (slash > 0 && TEMPLATE_SYNTAX.test(file.slice(0, slash))) return true;
  const name = file.slice(slash + 1);
  const identity: unknown[] = [];
  if (name.endsWith('.json')) {
    const json = readJson(ws, file);
    identity.push(json?.name, json?.version);
  } else if (name.endsWith('.toml') || name === 'Pipfile') {
    for (const m of (ws.text(file) ?? '').matchAll(TOML_IDENTITY)) identity.push(m[1]);
  } else if (name === 'go.mod') {
    identity.push(GO_MODULE.exec(ws.text(file) ?? '')?.[1]);
  }
  return identity.some((v) => typeof v === 'string' && TEMPLATE_SYNTAX.test(v));
}
