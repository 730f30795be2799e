import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv } from 'ajv';
import type { DockerfileParser } from 'dockerfile-ast';
import type { Ignore, Options as IgnoreOptions } from 'ignore';
import type { constructFromEvents, getScalarValue, parseEvents, YAMLException } from 'js-yaml';
import type { parse as parseToml, TomlError } from 'smol-toml';

/**
 * Libraries that many runs never call, loaded on their first use. Compiling a library costs start-up
 * time whether or not it runs: ajv and its formats, dockerfile-ast with the language-server types it
 * builds on, and smol-toml were a sixth of the Action's instructions on a tree that needs none of
 * them (docs/performance.md). The build bundles each one into a file of its own, once, beside the
 * CLI's bundle (`dist/cli/<name>.cjs`, from `scripts/vendor/<name>.cjs`, by
 * `scripts/build-vendored.mjs`): the npm package ships only `dist/cli/`, and the Action's bundle in
 * `dist/` finds them in its `cli/` folder. From `src/` (tests) and `lib/` the packages are required
 * from node_modules. Loading is synchronous (a CommonJS `require`), so the code that validates or parses
 * keeps its synchronous shape; webpack leaves a function made by `createRequire` alone, so the
 * libraries stay out of the main bundles.
 */
export interface VendoredLibraries {
  ajv: {
    Ajv: typeof Ajv;
    /** ajv-formats' plugin (CommonJS: the module object is the plugin). */
    addFormats: (ajv: Ajv) => Ajv;
  };
  'dockerfile-ast': { DockerfileParser: typeof DockerfileParser };
  'smol-toml': { parse: typeof parseToml; TomlError: typeof TomlError };
  /** gitignore matching (CommonJS: the module object is the factory). */
  ignore: (options?: IgnoreOptions) => Ignore;
  'js-yaml': {
    parseEvents: typeof parseEvents;
    constructFromEvents: typeof constructFromEvents;
    getScalarValue: typeof getScalarValue;
    YAMLException: typeof YAMLException;
  };
}

const load = createRequire(import.meta.url);

/** Each library from its packages, as its entry in scripts/vendor/ exports it. */
const FROM_PACKAGES: { [Name in keyof VendoredLibraries]: () => VendoredLibraries[Name] } = {
  ajv: () => ({ Ajv: load('ajv').Ajv, addFormats: load('ajv-formats') }),
  'dockerfile-ast': () => ({ DockerfileParser: load('dockerfile-ast').DockerfileParser }),
  'smol-toml': () => ({ parse: load('smol-toml').parse, TomlError: load('smol-toml').TomlError }),
  ignore: () => load('ignore'),
  'js-yaml': () => {
    const { parseEvents, constructFromEvents, getScalarValue, YAMLException } = load('js-yaml');
    return { parseEvents, constructFromEvents, getScalarValue, YAMLException };
  },
};

const loaded = new Map<keyof VendoredLibraries, unknown>();

/** The library `name`, loaded on the first call (see {@link VendoredLibraries}). */
export function vendored<Name extends keyof VendoredLibraries>(name: Name): VendoredLibraries[Name] {
  let library = loaded.get(name) as VendoredLibraries[Name] | undefined;
  if (!library) {
    const here = path.dirname(fileURLToPath(import.meta.url));
    // Beside the bundle (the CLI's, or an Action built alone), else in the CLI's folder beside it.
    const bundled = [path.join(here, `${name}.cjs`), path.join(here, 'cli', `${name}.cjs`)].find((f) =>
      existsSync(f),
    );
    library = bundled ? (load(bundled) as VendoredLibraries[Name]) : FROM_PACKAGES[name]();
    loaded.set(name, library);
  }
  return library;
}
