import { afterAll, describe, expect, it } from 'vitest';
import { repoVendoredOwnership } from '../../src/core/evaluators/repo/vendored-ownership.js';
import { evaluate, removeTrees } from '../parsers/tree.js';
import { cleanup, runBuiltin } from './kit.js';

afterAll(removeTrees);
afterAll(cleanup);

const options = { directories: ['vendor', 'third_party'] };

describe('repo.vendored-ownership', () => {
  it('reports the outermost vendored directory of each file, leaving node_modules and file names alone', async () => {
    const findings = await evaluate(
      repoVendoredOwnership,
      {
        'vendor/a/b.go': 'package b\n',
        'vendor/a/vendor/c.go': 'package c\n',
        'src/third_party/lib/x.c': 'int x;\n',
        'src//vendor/y.c': 'int y;\n',
        'node_modules/pkg/vendor/z.js': 'z\n',
        'web/node_modules/vendor/z.js': 'z\n',
        'tools/vendor': 'a file named vendor\n',
        'go.mod': 'module m\n',
      },
      options,
    );
    // In the order the files are listed; a directory under node_modules is a package's own.
    expect(findings.map((f) => f.key)).toEqual(['vendor', 'src/third_party', 'src//vendor']);
    expect(findings.every((f) => f.location === null)).toBe(true);
  });

  it('judges a vendored folder by the folder that holds it: under test data it is a fixture, at low confidence', async () => {
    const files = {
      'pkg/php/testdata/vendor/composer/installed.json': '{}\n',
      'cmd/app/test/integration/testdata/pkgs/php/vendor/composer/installed.json': '{}\n',
      'web/static/js/vendor/jquery.min.js': 'x\n',
      'third_party/zlib/zlib.h': 'x\n',
      '.gitmodules':
        '[submodule "third_party/grpc"]\n\tpath = third_party/grpc\n\turl = https://example.com/grpc\n',
    };
    const raw = await evaluate(repoVendoredOwnership, files, options);
    expect(raw.map((f) => [f.key, f.about ?? null])).toEqual([
      ['pkg/php/testdata/vendor', 'pkg/php/testdata'],
      ['cmd/app/test/integration/testdata/pkgs/php/vendor', 'cmd/app/test/integration/testdata/pkgs/php'],
      ['web/static/js/vendor', 'web/static/js'],
      ['third_party', null],
      // A submodule in a vendored folder is vendored code, whatever holds it.
      ['third_party/grpc', null],
    ]);
    const findings = await runBuiltin('vendored-code-owner', files, { persona: 'auditor' });
    expect(
      findings.map((f) => [f.message.split(' ')[0], f.location?.path ?? null, f.severity, f.confidence]),
    ).toEqual([
      ['cmd/app/test/integration/testdata/pkgs/php/vendor/', null, 'low', 'low'],
      ['pkg/php/testdata/vendor/', null, 'low', 'low'],
      ['third_party/', null, 'low', 'high'],
      ['web/static/js/vendor/', null, 'low', 'high'],
      ['the', '.gitmodules', 'low', 'high'],
    ]);
  });

  // A Rust module of the crate around it is the crate's own source, whatever its name; nothing else
  // named vendor is, and neither is a module that says its code came from elsewhere.
  const CRATE = { 'crates/loader/Cargo.toml': '[package]\nname = "loader"\n' };
  const MODULE = { 'crates/loader/src/vendor/mod.rs': 'pub struct Bundle;\n' };
  it.each<[string, Record<string, string>, string[]]>([
    [
      'a module declared by the crate root (mod vendor;)',
      { ...CRATE, ...MODULE, 'crates/loader/src/lib.rs': 'mod vendor;\npub use vendor::Bundle;\n' },
      [],
    ],
    [
      'a public module of a binary crate, declared with attributes',
      {
        ...CRATE,
        ...MODULE,
        'crates/loader/src/main.rs': '#[cfg(feature = "web")]\npub(crate) mod vendor;\nfn main() {}\n',
      },
      [],
    ],
    [
      "a module declared by its parent module's own file (assets.rs, assets/vendor.rs)",
      {
        ...CRATE,
        'crates/loader/src/lib.rs': 'mod assets;\n',
        'crates/loader/src/assets.rs': 'pub mod vendor;\n',
        'crates/loader/src/assets/vendor.rs': 'mod bundle;\n',
        'crates/loader/src/assets/vendor/bundle.rs': 'pub struct Bundle;\n',
      },
      [],
    ],
    [
      'a declared module that keeps a licence of its own (copied code)',
      {
        ...CRATE,
        ...MODULE,
        'crates/loader/src/vendor/LICENSE-MIT': 'MIT\n',
        'crates/loader/src/lib.rs': 'mod vendor;\n',
      },
      ['crates/loader/src/vendor'],
    ],
    [
      'a declared module holding a crate of its own',
      {
        ...CRATE,
        ...MODULE,
        'crates/loader/src/vendor/fxhash/Cargo.toml': '[package]\nname = "fxhash"\n',
        'crates/loader/src/lib.rs': 'mod vendor;\n',
      },
      ['crates/loader/src/vendor'],
    ],
    [
      'a module file the crate does not declare',
      { ...CRATE, ...MODULE, 'crates/loader/src/lib.rs': 'mod other;\n// mod vendor;\n' },
      ['crates/loader/src/vendor'],
    ],
    [
      "cargo vendor's crates",
      {
        'Cargo.toml': '[package]\nname = "app"\n',
        'src/main.rs': 'fn main() {}\n',
        'vendor/serde/Cargo.toml': '[package]\nname = "serde"\n',
        'vendor/serde/.cargo-checksum.json': '{}\n',
        'vendor/serde/src/lib.rs': 'mod de;\n',
      },
      ['vendor'],
    ],
    [
      "Go's vendor/",
      { 'go.mod': 'module m\n', 'vendor/modules.txt': '# x v1\n', 'vendor/x/x.go': 'package x\n' },
      ['vendor'],
    ],
    [
      "Composer's vendor/",
      { 'vendor/composer/installed.json': '{}\n', 'vendor/autoload.php': '<?php\n' },
      ['vendor'],
    ],
    [
      'a Python package named vendor (how pip vendors its dependencies)',
      {
        'app/__init__.py': '',
        'app/vendor/__init__.py': 'from . import six\n',
        'app/vendor/six.py': '# six\n',
      },
      ['app/vendor'],
    ],
    // Laravel's overrides of its packages' views and translations are the app's own templates.
    [
      "a Laravel app's overrides of package views (resources/views/vendor)",
      {
        artisan: '#!/usr/bin/env php\n<?php\n',
        'resources/views/vendor/notifications/email.blade.php': '<p>{{ $greeting }}</p>\n',
        'resources/views/vendor/pagination/default.blade.php': '<nav></nav>\n',
      },
      [],
    ],
    [
      "a Laravel app's overrides of package translations (lang/vendor), in a subfolder",
      {
        'web/artisan': '#!/usr/bin/env php\n<?php\n',
        'web/lang/vendor/backup/en/notifications.php': '<?php return [];\n',
      },
      [],
    ],
    [
      'the same folder holding scripts is copied code',
      {
        artisan: '#!/usr/bin/env php\n<?php\n',
        'resources/views/vendor/editor/editor.js': 'export {};\n',
        'resources/views/vendor/editor/show.blade.php': '<div></div>\n',
      },
      ['resources/views/vendor'],
    ],
    [
      'the same folder without a Laravel app',
      { 'resources/views/vendor/notifications/email.blade.php': '<p></p>\n' },
      ['resources/views/vendor'],
    ],
    [
      "a Laravel package's published assets (public/vendor)",
      { artisan: '#!/usr/bin/env php\n<?php\n', 'public/vendor/horizon/app.js': 'x\n' },
      ['public/vendor'],
    ],
  ])('%s', async (_case, files, expected) => {
    const findings = await evaluate(repoVendoredOwnership, files, options);
    expect(findings.map((f) => f.key)).toEqual(expected);
  });
});
