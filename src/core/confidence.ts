/**
 * Confidence and persona: how sure a finding is, which findings can block, and which a reader sees.
 * Severity says how bad a problem would be; confidence says how likely it is real. The gate blocks
 * only on findings at least as sure as `fail-on-confidence`, and the persona hides the rest of the
 * unsure ones from the report (counted, never silently dropped).
 */

import path from 'node:path';
import { runsHere } from './evaluators/workflow/callers.js';
import {
  COMPOSE_FILES,
  composeFileReferences,
  composeReferences,
  deployedStack,
  namesDeployedEnvironment,
  pathNotDeployed,
} from './parsers/compose.js';
import {
  builtOnlyFor,
  KUSTOMIZATION_GLOBS,
  kustomizeListings,
  readKustomization,
} from './parsers/k8s-files.js';
import { TERRAFORM_GLOBS } from './parsers/terraform.js';
import { ACTION_GLOBS, readWorkflowSource, WORKFLOW_GLOBS } from './parsers/workflow.js';
import { deploysOf, jobDeploys, workflowDeploys } from './parsers/workflow-deploys.js';
import { scaffoldingTemplate, templateRootMarkedBy } from './scaffolding.js';
import {
  CONFIDENCES,
  type Confidence,
  type Finding,
  type HiddenFindings,
  type Persona,
  SEVERITIES,
  type Severity,
} from './types.js';
import { pathMatcher } from './workspace/glob.js';
import { lowerBound } from './workspace/positions.js';
import type { Workspace } from './workspace/workspace.js';

/** Default lowest confidence of a finding that can block: a guess never fails the gate. */
export const DEFAULT_FAIL_ON_CONFIDENCE: Confidence = 'medium';

/** Default persona. */
export const DEFAULT_PERSONA: Persona = 'regular';

/** Extensions of key, certificate and keystore files (`asc`: an ASCII-armoured PGP key). */
const KEY_FILE_EXTENSIONS = '{pem,key,crt,cer,der,p8,p12,pfx,jks,keystore,ppk,asc}';
/** Words that name test material; as a key file's first or last word, the key is a fixture. */
const FIXTURE_WORDS = '{fake,Fake,FAKE,dummy,Dummy,DUMMY,example,Example,EXAMPLE,sample,Sample,SAMPLE}';
const TEST = '{test,Test,TEST}';
const TESTS = '{tests,Tests,TESTS}';
/** What a key file named after "test" holds, when the name says it is the test's own key. */
const KEY_WORDS = '{key,cert,ca,Key,Cert,CA,KEY,CERT}';

/**
 * Key and certificate files whose own name says they are test material, wherever they are
 * (`internal/http/testkey.pem` beside the `http_test.go` that reads it, `dummy-ca.crt`,
 * `server-fake.key`): the name starts with fake, dummy, example or sample, or ends with one after
 * `-`, `_` or `.`. "test" also names environments and their hosts (`test-server.key`,
 * `api.test.pem` are often a test environment's real keys), so it counts only as the whole name
 * (`test.pem`), before what a key file holds (`testkey.pem`, `test-cert.key`, `test_ca.crt`), in a
 * test helper's CamelCase name (`TestServer.crt`) or as the `_test` suffix of a test file's name
 * (`server_test.pem`). The plural names a suite of tests, never an environment: "tests" as a word
 * anywhere in the name counts (`sops_functional_tests_key.asc`, `tests-ca.pem`). `latest.pem`,
 * `contest.pem`, `contests.pem` and `attestation.pem` hold the letters, not the word. Only key files:
 * a `test.yml` workflow is what runs the tests, not their data.
 */
export const TEST_KEY_NAMES: readonly string[] = [
  `**/${FIXTURE_WORDS}*.${KEY_FILE_EXTENSIONS}`,
  `**/*[-_.]${FIXTURE_WORDS}.${KEY_FILE_EXTENSIONS}`,
  `**/${TEST}.${KEY_FILE_EXTENSIONS}`,
  `**/${TEST}{,-,_}${KEY_WORDS}*.${KEY_FILE_EXTENSIONS}`,
  `**/Test[A-Z]*.${KEY_FILE_EXTENSIONS}`,
  `**/*_${TEST}.${KEY_FILE_EXTENSIONS}`,
  `**/${TESTS}{.,-,_}*.${KEY_FILE_EXTENSIONS}`,
  `**/*[-_.]${TESTS}{.,-,_}*.${KEY_FILE_EXTENSIONS}`,
  `**/*[-_.]${TESTS}.${KEY_FILE_EXTENSIONS}`,
];

/**
 * Key files named for a test by a `test` word at either end (`test-cloudflare-tunnel-cert.pem`,
 * `client-test.key`, `test_server.pem`): "test" there may also name an environment and its host
 * (`deploy/test-server.key` is often that environment's real key), so the name alone does not make
 * the key a fixture. Beside test code (`*_test.go`, `test_*.py`, `*.spec.ts`, `*Test.java` in the
 * same directory) it does: the tests that read it sit next to it.
 */
const TEST_WORD_KEY_NAMES: readonly string[] = [
  `**/${TEST}[-_.]*.${KEY_FILE_EXTENSIONS}`,
  `**/*[-_.]${TEST}.${KEY_FILE_EXTENSIONS}`,
];
/** The names of test code (not of its data: `server_test.pem` is no test). */
const TEST_CODE =
  /(?:^|\/)(?:[^/]+_test\.(?:go|py|rs|rb|exs?|dart|c|cc|cpp)|test_[^/]+\.py|[^/]+\.(?:test|spec)\.[cm]?[jt]sx?|[^/]+_spec\.rb|[^/]+Tests?\.(?:java|kt|scala|cs|swift))$/;

/**
 * Key and certificate files named for the loopback host (`localhost.key`, `app.localhost.pem`,
 * mkcert's `localhost-key.pem` and `localhost+2-key.pem`): no public CA issues a certificate for
 * `localhost` or a `.localhost` name (RFC 6761 keeps them on the loopback interface), so the key
 * identifies no service anyone else can reach. Only the file's own name counts, not a directory.
 */
export const LOOPBACK_KEY_NAMES: readonly string[] = [
  `**/localhost.${KEY_FILE_EXTENSIONS}`,
  `**/*.localhost.${KEY_FILE_EXTENSIONS}`,
  `**/localhost{-,_}${KEY_WORDS}.${KEY_FILE_EXTENSIONS}`,
  `**/localhost+[0-9]*.${KEY_FILE_EXTENSIONS}`,
];

/**
 * Compose stacks of the CI: a Compose file in a CI folder (`.ci/`, `ci/`) or named for a CI or test
 * run (`compose.ci.yaml`, `docker-compose.e2e.yml`, `compose.cypress.yaml`, `compose.override.
 * integration_tests.yml`). A job brings the stack up
 * on its runner and discards it with the job: a password there guards a container that lives as long
 * as the test, and the stack is no deployment.
 */
export const CI_STACK_NAMES: readonly string[] = [
  '**/.ci/**/*compose*.{yml,yaml}',
  '**/ci/**/*compose*.{yml,yaml}',
  '**/*compose*.{ci,e2e,cypress,integration}.{yml,yaml}',
  // Named for a suite of tests, in the plural that never names an environment
  // (`docker-compose.override.integration_tests.yml`, `compose.e2e-tests.yaml`).
  '**/*compose*.*{-,_}tests.{yml,yaml}',
];

/**
 * The values files of a Helm chart's CI tests: chart-testing (`ct install`) installs the chart once
 * with each `ci/*-values.yaml` of the chart's folder into a throw-away cluster. What they hold (a TLS
 * key for the test install's Secret) configures that test, not a release.
 */
export const CHART_TEST_VALUES: readonly string[] = ['**/ci/*-values.{yaml,yml}'];

/**
 * Paths whose content is not what runs in production: tests, fixtures, examples, samples,
 * documentation, archived and vendored code. A finding there gets low confidence (it is reported, and blocks
 * only with `fail-on-confidence: low`). Configurable with `test-paths` (an empty list turns it off).
 * Folder globs (those ending in `/**`) match whatever the case of the folder's name (.NET's and
 * Java's `Test/`, `Tests/`, `UnitTests/`); the others, which judge a file's own name, match its case.
 */
export const DEFAULT_TEST_PATHS: readonly string[] = [
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/spec/**',
  '**/specs/**',
  '**/testdata/**',
  // A test-data folder with a prefix (`_testdata/`; `gotestdata/`, named so because Go's tooling
  // skips a folder named `testdata` and the fixture must be seen by it).
  '**/*testdata/**',
  '**/test-data/**',
  '**/test_data/**',
  '**/e2e/**',
  // A folder of test suites or of a suite's material (`integration-tests/`, `functional_tests/`,
  // .NET's `Api.Tests/`, `internal/suites/`, `test_resources/`, `test-fixtures/`); the plural names
  // tests, never an environment (`deploy/k8s-test/` may be one). A .NET test project's singular
  // `Api.Test/` is named as a project is (`<Assembly>.<Kind>`), not as an environment.
  '**/*[-_.]tests/**',
  '**/*.test/**',
  '**/{integration,unit,e2e,acceptance,functional,system,smoke,conformance}{test,tests}/**',
  // The singular with a separator (`integration-test/`, `_integration-test/`, `unit_test/`): named for
  // the kind of test, never an environment as `k8s-test/` may be.
  '**/*{integration,unit,e2e,acceptance,functional,system,smoke,conformance}[-_]test/**',
  // The same words after `test` (`test-integration/`, `test_e2e/`).
  '**/test[-_]{integration,unit,e2e,acceptance,functional,system,smoke,conformance}/**',
  // A conformance suite's inputs (Kubernetes' and its APIs' `conformance/` manifests), which a test
  // applies to a throw-away cluster. Not `acceptance/`: in a DTAP chain that names an environment.
  '**/conformance/**',
  '**/suites/**',
  '**/test{-,_,}{resources,fixtures,files,assets}/**',
  // A test certificate authority and its keys (`test-ca/rsa-2048/end.key`), as a key file named
  // `test-ca.pem` is.
  '**/test{-,_,}{ca,cas,certs,keys,pki}/**',
  // The conventional folders of the Playwright and Cypress browser-test frameworks, with the stacks
  // (compose files, images) the tests run against.
  '**/playwright/**',
  '**/cypress/**',
  // Fuzzing harnesses (cargo-fuzz's `fuzz/`, an OSS-Fuzz project's `fuzzing/`): test programs that
  // feed generated inputs to the code, built for the fuzzer and never shipped.
  '**/fuzz/**',
  '**/fuzzing/**',
  '**/testing/**',
  '**/fixtures/**',
  // A folder of fixtures named for what they are fixtures of (`api_fixtures/`, `go-fixtures/`).
  '**/*[-_]fixtures/**',
  '**/__fixtures__/**',
  '**/__mocks__/**',
  '**/mocks/**',
  '**/fake/**',
  '**/fakes/**',
  '**/examples/**',
  '**/example/**',
  // A quick start: what someone applies to try the project out (a throw-away cluster, a local
  // stack), which its documentation says is not for production.
  '**/quick-start/**',
  '**/quickstart/**',
  '**/quick_start/**',
  // A folder named for what it is a quick start of (`grpc-tls-quickstart/`, a quickstarts repository's
  // projects).
  '**/*[-_]quickstart/**',
  '**/*[-_]quick-start/**',
  // A codelab or tutorial: step-by-step teaching material (`codelab/02_kpt-deploy/`,
  // `tutorials/ingress/`), applied to a learner's cluster or stack.
  '**/codelab/**',
  '**/codelabs/**',
  '**/tutorial/**',
  '**/tutorials/**',
  // A hidden examples folder (`.examples/`) is as much an example as a visible one.
  '**/.examples/**',
  // A folder named for what it gives examples of (`push-examples/`, `api_examples/`).
  '**/*[-_]examples/**',
  '**/samples/**',
  '**/sample/**',
  '**/docs/**',
  '**/doc/**',
  // A repository's own demonstration and design-document folders, at its root only: a policy
  // engine's `demo/` holds deliberately non-compliant inputs, a `design/` folder the illustrations of
  // its proposals, and neither is applied. Nested, `demo` often names a deployed environment
  // (`deploy/overlays/demo/`), whose secrets and manifests stay judged.
  'demo/**',
  'demos/**',
  'design/**',
  // The test suite in a root `t/` folder, Perl's convention that some Python projects follow
  // (`t/unit/`, `t/integration/`). Nested, a one-letter folder name says nothing.
  't/**',
  // Content kept for the record and no longer maintained or applied (`_archived/` examples).
  '**/_archive/**',
  '**/_archived/**',
  '**/archived/**',
  '**/vendor/**',
  '**/third_party/**',
  '**/third-party/**',
  '**/node_modules/**',
  '**/*_test.go',
  // A test's own data beside it (github_test.pem, client_test.key), not only its code.
  '**/*_test.*',
  '**/*.test.*',
  '**/*.spec.*',
  // The environment of a test run (Laravel's `.env.testing`, dotenv's `.env.test`), which `*.test.*`
  // cannot match. Not `.env.ci`: a CI job's environment holds the deploy and registry tokens it uses.
  '**/.env.test',
  '**/.env.testing',
  '**/test_*.py',
  '**/*_test.py',
  '**/*Test.java',
  '**/*Tests.java',
  // The test classes of the other JVM languages, by the conventions of their test runners.
  '**/*Test.kt',
  '**/*Tests.kt',
  '**/*Test.scala',
  '**/*Spec.scala',
  '**/*Test.groovy',
  '**/*Spec.groovy',
  // Gradle's test source sets besides `src/test/` (Kotlin Multiplatform's `src/jvmTest/` and
  // `src/commonTest/`, Android's `src/androidTest/`, `src/integrationTest/`), with their resources.
  // Written with a file part, so that the folder's name keeps its case, as a source set's does:
  // folder globs match whatever the case, and `src/latest/` is no test source set.
  '**/src/*Test/**/*',
  '**/src/testFixtures/**',
  '**/*Tests.cs',
  ...TEST_KEY_NAMES,
  ...LOOPBACK_KEY_NAMES,
  ...CI_STACK_NAMES,
  ...CHART_TEST_VALUES,
];

const TEST_PATH_REASON =
  'the file is under a test, fixture, example, documentation, archived or vendored path';
const CI_STACK_REASON =
  'the file is a Compose stack of the CI (its folder or name says so), which a job brings up on its runner and discards with it: it is no deployment';
/**
 * A folder named for a release of another project (`lib/zstd-1.5.7/`, `deps/jemalloc-5.3.0/`,
 * `lib/snappy-fef67ac/`): a name, then a dotted version, a date-like number or a short commit.
 */
const RELEASE_FOLDER =
  /^[A-Za-z][\w.+]*(?:-[A-Za-z][\w.+]*)*-v?(?:\d+(?:\.\d+)+[\w.+-]*|\d{5,}|(?=[a-f]*\d)(?=\d*[a-f])[0-9a-f]{7,40})$/;
/** The folders a project keeps other projects' source in (`lib/`, `deps/`, `third_party/`...). */
const VENDORING_PARENTS = new Set([
  'lib',
  'libs',
  'deps',
  'vendor',
  'vendored',
  'third_party',
  'third-party',
  'thirdparty',
  'external',
  'externals',
  'extern',
  'contrib',
]);
/** A project's own root files: its license, its README, and how it is built. */
const LICENSE_FILES = [
  'LICENSE',
  'LICENSE.md',
  'LICENSE.txt',
  'LICENCE',
  'COPYING',
  'COPYING.txt',
  'COPYING.md',
];
const README_FILES = ['README', 'README.md', 'README.rst', 'README.txt', 'readme.md'];
const BUILD_FILES = [
  'CMakeLists.txt',
  'Makefile',
  'Makefile.am',
  'Makefile.in',
  'configure',
  'configure.ac',
  'meson.build',
  'BUILD',
  'BUILD.bazel',
  'build.zig',
  'SConstruct',
  'Cargo.toml',
  'go.mod',
  'package.json',
  'setup.py',
  'pyproject.toml',
  'pom.xml',
  'build.gradle',
];
const VENDORED_RELEASE_PREFIX = 'the file is in a vendored copy of another project';
const VENDORED_RELEASE_REASON = (folder: string) =>
  `${VENDORED_RELEASE_PREFIX} (${folder}/: a folder named for a release, with ` +
  "that project's own license, README and build files), whose Dockerfiles, CI and packaging files this repository neither builds nor runs";

const TEST_KUSTOMIZATION_REASON =
  'the manifest is built only by kustomizations under test, fixture, example or quick-start paths';
const TEST_WORD_KEY_REASON = "the key file's name marks it as test material, and test code sits beside it";
const TEST_KEY_NAME_REASON =
  "the key file's name marks it as test material (test, fake, dummy, example or sample)";
const LOOPBACK_KEY_NAME_REASON =
  'the key file is named for localhost, which no public certificate covers: it identifies no service others can reach';
const CHART_TEST_VALUES_REASON =
  "the file is a values file of a Helm chart's CI tests (chart-testing installs the chart with each ci/*-values.yaml into a throw-away cluster): it configures a test install, not a release";

/** Numeric rank of a confidence: low 0 .. high 2. */
export function confidenceRank(c: Confidence): number {
  return CONFIDENCES.indexOf(c);
}

/** Whether a persona sees a non-blocking finding. */
export function personaSees(persona: Persona, f: Pick<Finding, 'confidence' | 'persona'>): boolean {
  if (persona === 'auditor') return true;
  if (f.persona === 'auditor') return false;
  if (persona === 'pedantic') return true;
  return f.persona === undefined && f.confidence !== 'low';
}

/**
 * Whether a path is under the default test, fixture, example or documentation paths
 * ({@link DEFAULT_TEST_PATHS}): for an evaluator that chooses where a finding about several files
 * lies, so that one about test material alone stays graded as test material.
 */
export function inTestPaths(path: string): boolean {
  defaultTestPaths ??= testPathMatcher(DEFAULT_TEST_PATHS);
  return defaultTestPaths(path);
}
let defaultTestPaths: ((path: string) => boolean) | undefined;

/**
 * The repository's workflows and local actions: what GitHub runs, with its token and secrets. A
 * workflow named for what it runs (`build_exe_test.yml`, `e2e.yml`) or an action in `.github/actions/e2e/`
 * is not test material, so the globs that match at any depth (those that start with `**`) do not make
 * them so; a glob that names the location (`.github/workflows/experimental.yml`) still does.
 */
const GITHUB_RUNS = /^\.github\/(?:workflows|actions)\//;

/**
 * What kustomize reads as a resource, a base or a component: YAML or JSON manifests and their
 * folders. Only such a finding asks which kustomizations build its file (listing them is a walk of
 * the whole tree that a pull request's other findings need not pay for).
 */
const KUSTOMIZE_RESOURCE = /\.(?:ya?ml|json)$/i;

/**
 * A file under a `.github/` directory, where a repository keeps its CI configuration: a manifest
 * there is a fixture a workflow applies to a throw-away test cluster, a Dockerfile there the image of
 * a container action; neither is a deployment.
 */
export function inGithubConfig(path: string): boolean {
  return /(?:^|\/)\.github\//.test(path);
}

/**
 * The root of the vendored copy of another project's release that holds `path`, if any: a folder
 * named for a release ({@link RELEASE_FOLDER}) under a vendoring folder (`lib/`, `deps/`,
 * `third_party/`...) or bundled in a plugin's folder (`plugins/filter_geoip2/libmaxminddb-1.12.2/`),
 * that carries the project's own root files: a license, a README and a build file. Such a copy is
 * re-vendored from upstream's releases as it is: upstream's Dockerfiles, CI and packaging files in it
 * are not the repository's own. The marker is cheap to add, so it lowers only findings below `high`
 * ({@link VENDORED_RELEASE_MAX_SEVERITY}), and none in a file the repository uses from outside the
 * folder ({@link usedFromOutside}).
 */
function vendoredRelease(workspace: Workspace, path: string): string | undefined {
  const parts = path.split('/');
  for (let i = 1; i < parts.length - 1; i++) {
    const name = parts[i]!;
    if (!RELEASE_FOLDER.test(name)) continue;
    if (!VENDORING_PARENTS.has(parts[i - 1]!) && parts[i - 2] !== 'plugins') continue;
    const folder = parts.slice(0, i + 1).join('/');
    const has = (names: readonly string[]) => names.some((n) => workspace.has(`${folder}/${n}`));
    if (has(LICENSE_FILES) && has(README_FILES) && has(BUILD_FILES)) return folder;
  }
  return undefined;
}

/**
 * The highest severity a vendored release's folder lowers: the findings of hygiene it was made for
 * (update coverage, lockfiles, SBOMs, digests, a root user), below the default gate's `high`. A
 * folder name and three files are a cheap marker that a pull request can add to its own
 * deployables: a privileged workload or an open firewall in it keeps its confidence.
 */
const VENDORED_RELEASE_MAX_SEVERITY: Severity = 'medium';

/** The Dockerfile a build context (`ctx`) builds with (`dockerfile`, relative to the context). */
function buildDockerfile(ctx: string, dockerfile: string): string {
  return path.posix.normalize(path.posix.join(ctx, dockerfile));
}

/**
 * A reference from one file of the repository to a path (a file or a folder) it uses, and what kind
 * of file names it: a kustomization (its resources, bases, components), a Terraform module call, a
 * compose file (include, extends, build), a workflow or action, or a workflow job that deploys the
 * path (see {@link pathUses}).
 */
export interface PathUse {
  from: string;
  to: string;
  by: 'kustomize' | 'terraform' | 'compose' | 'workflow' | 'deploy';
  /** A compose build's context (`to`): the Dockerfile it builds with, from the context. */
  dockerfile?: string;
}

/** A relative path as written in `from` (`./lib/app`, `../x`), resolved from its folder; undefined outside the tree. */
function resolveFrom(from: string, ref: string, base = path.posix.dirname(from)): string | undefined {
  if (ref === '' || /^[a-z][\w+.-]*:|^\/|[$*{]/i.test(ref)) return undefined;
  const resolved = path.posix.normalize(path.posix.join(base, ref)).replace(/\/+$/, '');
  return resolved === '..' || resolved.startsWith('../') ? undefined : resolved === '.' ? '' : resolved;
}

/** In a workflow or action, keys whose value names a path the job builds or runs (`uses: ./x`, a build context). */
const WORKFLOW_PATH_KEY =
  /^[ \t-]*(uses|context|file|dockerfile|working-directory)[ \t]*:[ \t]*["']?(\.{0,2}\/?[^\s"'#@]+)/gm;
/**
 * A Terraform `source = "./modules/x"` (a module call's, or a provisioner's file), where HCL puts an
 * attribute: at the start of a line, or right after a block's `{` (the one-line block
 * `module "sg" { source = "./examples/sg" }`). Matched in text whose comments and heredocs are
 * blanked (see {@link hclCode}).
 */
const TERRAFORM_LOCAL_SOURCE = /(?:^|\{)[ \t]*source[ \t]*=[ \t]*"(\.{1,2}\/[^"]*)"/gm;
/**
 * Terraform's files in native syntax and in JSON syntax (`main.tf.json`), which Terraform reads alike,
 * and OpenTofu's (`.tofu`, `.tofu.json`).
 */
const TERRAFORM_SOURCE_GLOBS = TERRAFORM_GLOBS;

/**
 * An HCL file's text with its comments (`#`, `//`, `/* *\/`) and heredoc bodies replaced by spaces
 * (line breaks kept), its quoted strings as written: what is left is code, where an attribute is one.
 */
function hclCode(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  // A quoted string from its opening quote, to past its closing one (or the end of the line): an
  // escape skips a character, and an interpolation (`${...}`, `%{...}`) is code, with its own strings.
  const string = (i: number): number => {
    let j = i + 1;
    while (j < text.length && text[j] !== '"' && text[j] !== '\n') {
      if (text[j] === '\\') j += 2;
      else if ((text[j] === '$' || text[j] === '%') && text[j + 1] === '{') j = code(j + 2, true);
      else j++;
    }
    return j + 1;
  };
  // Code from `i`, to past the `}` that closes it when `nested` (an interpolation), else to the end.
  const code = (i: number, nested: boolean): number => {
    let depth = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') i = string(i);
      else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
        const end = text.indexOf('\n', i);
        const to = end === -1 ? text.length : end;
        blank(i, to);
        i = to;
      } else if (c === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        const to = end === -1 ? text.length : end + 2;
        blank(i, to);
        i = to;
      } else if (c === '<' && text[i + 1] === '<') {
        const heredoc = /^<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n/.exec(text.slice(i, i + 200));
        if (!heredoc) {
          i += 2;
          continue;
        }
        const body = i + heredoc[0].length;
        const close = new RegExp(`^[ \\t]*${heredoc[1]}[ \\t]*\\r?$`, 'm').exec(text.slice(body));
        const to = close ? body + close.index + close[0].length : text.length;
        blank(body, to);
        i = to;
      } else if (c === '{') {
        depth++;
        i++;
      } else if (c === '}') {
        i++;
        if (nested && depth-- === 0) return i;
      } else i++;
    }
    return i;
  };
  code(0, false);
  return out.join('');
}

/**
 * The local sources of a Terraform file's module calls: in native syntax, every `source = "./x"`
 * attribute (see {@link TERRAFORM_LOCAL_SOURCE}); in JSON syntax, `module.<name>.source` (a block
 * written as an object, or as an array of objects, at either level).
 */
function terraformSources(file: string, text: string): string[] {
  if (!file.endsWith('.json')) return [...hclCode(text).matchAll(TERRAFORM_LOCAL_SOURCE)].map((m) => m[1]!);
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return [];
  }
  const objects = (v: unknown): Record<string, unknown>[] =>
    Array.isArray(v)
      ? v.flatMap(objects)
      : v !== null && typeof v === 'object'
        ? [v as Record<string, unknown>]
        : [];
  const sources: string[] = [];
  for (const top of objects(root)) {
    for (const modules of objects(top.module)) {
      for (const call of Object.values(modules).flatMap(objects)) {
        if (typeof call.source === 'string') sources.push(call.source);
      }
    }
  }
  return sources;
}

/**
 * What the repository's own files use by path, computed once: the resources, bases and components
 * of its kustomizations, its Terraform modules' local sources, its compose files' `include`,
 * `extends.file` and `build` contexts, and its workflows' and actions' local actions (`uses: ./x`),
 * build contexts, Dockerfiles and working directories. Read from the files' text or their YAML: what
 * a file names, not whether the tool would accept it.
 */
export function pathUses(workspace: Workspace): readonly PathUse[] {
  return workspace.memo('confidence-path-uses', '', () => {
    const uses: PathUse[] = [];
    for (const [to, kustomizations] of kustomizeListings(workspace)) {
      for (const from of kustomizations) uses.push({ from, to, by: 'kustomize' });
    }
    for (const file of workspace.glob(TERRAFORM_SOURCE_GLOBS)) uses.push(...terraformUses(workspace, file));
    for (const { from, to, dockerfile } of composeReferences(workspace)) {
      uses.push({ from, to, by: 'compose', ...(dockerfile ? { dockerfile } : {}) });
    }
    for (const file of workspace.glob([...WORKFLOW_GLOBS, ...ACTION_GLOBS])) {
      uses.push(...workflowUses(workspace, file));
    }
    // A workflow job that deploys a path (kubectl apply, helm upgrade, compose up on a deployment's
    // host, terraform apply) to no throw-away target: see workflow-deploys.ts.
    for (const { from, to } of workflowDeploys(workspace)) uses.push({ from, to, by: 'deploy' });
    return throughDirectoryLinks(workspace, uses);
  });
}

/** Most rounds of links to directories followed from one use (a link in a linked directory, ...). */
const MAX_LINKED_ROUNDS = 8;

/**
 * The uses, and for each that covers a symbolic link to a directory of the tree (`kubectl apply -R -f
 * deploy/` with `deploy/debug -> ../examples`, or `deploy` itself a link), the same use of the link's
 * target, at the same depth under it: the tool reads through the link, so the target's files are
 * used, though they are judged at their own paths (links.ts never reads through a directory). Only
 * the links a use covers are resolved; a tree without links costs one empty list.
 */
function throughDirectoryLinks(workspace: Workspace, uses: PathUse[]): PathUse[] {
  const links = workspace.symbolicLinks();
  if (links.length === 0 || uses.length === 0) return uses;
  const seen = new Set(uses.map((u) => `${u.by}\u0000${u.from}\u0000${u.to}`));
  let round = uses;
  for (let n = 0; n < MAX_LINKED_ROUNDS && round.length > 0; n++) {
    const next: PathUse[] = [];
    for (const u of round) {
      for (const { link, rest } of workspace.linksAlong(u.to)) {
        const target = workspace.directoryLink(link);
        if (target === undefined) continue;
        const to = rest === '' ? target : `${target}/${rest}`;
        const key = `${u.by}\u0000${u.from}\u0000${to}`;
        if (seen.has(key)) continue;
        seen.add(key);
        next.push({ ...u, to });
      }
    }
    uses.push(...next);
    round = next;
  }
  return uses;
}

function sortedIncludes(sorted: readonly string[], p: string): boolean {
  return sorted[lowerBound(sorted, p)] === p;
}

/** The local sources of one Terraform file's module calls (see {@link pathUses}). */
function terraformUses(workspace: Workspace, file: string): PathUse[] {
  const text = workspace.text(file);
  if (text === undefined || !text.includes('source')) return [];
  return terraformSources(file, text).flatMap((source) => {
    const to = resolveFrom(file, source.trim());
    return to ? [{ from: file, to, by: 'terraform' as const }] : [];
  });
}

/** What one workflow or action names by path (see {@link pathUses}): from the repository's root. */
function workflowUses(workspace: Workspace, file: string): PathUse[] {
  const text = workspace.text(file);
  if (text === undefined) return [];
  const uses: PathUse[] = [];
  // A workflow's paths are the checkout's (the repository root); a local action's `uses: ./x` too.
  for (const m of text.matchAll(WORKFLOW_PATH_KEY)) {
    const ref = m[2]!;
    if (m[1] === 'uses' && !ref.startsWith('./')) continue;
    const to = resolveFrom(file, ref.trim(), '');
    if (to) uses.push({ from: file, to, by: 'workflow' });
  }
  return uses;
}

/**
 * What one file the context reads ({@link readByContext}) tells it, as one string (empty when it
 * tells nothing, or the tree lacks it): the paths it uses ({@link pathUses}); for a workflow, what
 * its jobs deploy, whether it runs of its own accord (not only when called: then the local actions
 * it uses run), and its jobs that deploy (they start the compose stacks they name); for an action,
 * what it runs (its steps are those of the jobs that use it); for a symbolic link to a directory, the
 * directory it stands for. Two trees whose files tell the same
 * judge every other file alike: a change that leaves what each of its files tells as it was grades
 * nothing it does not touch differently.
 */
export function contextUsesOf(workspace: Workspace, file: string): string {
  if (!workspace.has(file)) return '';
  // A link to a directory tells what a use of its path uses (see throughDirectoryLinks).
  const linked = isSymbolicLink(workspace, file) ? workspace.directoryLink(file) : undefined;
  if (linked !== undefined) return JSON.stringify(['directory link', linked]);
  const uses: PathUse[] = [];
  const told: unknown[] = [];
  if (kustomizationFile(file)) {
    for (const to of readKustomization(workspace, file)?.resources ?? []) {
      uses.push({ from: file, to, by: 'kustomize' });
    }
  }
  if (terraformFile(file)) uses.push(...terraformUses(workspace, file));
  if (COMPOSE_FILES.test(file)) {
    for (const { to, dockerfile } of composeFileReferences(workspace, file)) {
      uses.push({ from: file, to, by: 'compose', ...(dockerfile ? { dockerfile } : {}) });
    }
  }
  if (workflowFile(file)) {
    uses.push(...workflowUses(workspace, file));
    const source = readWorkflowSource(workspace, file);
    if (source?.kind === 'action') told.push(source.runs.value);
    else if (source?.kind === 'workflow') {
      for (const { to } of deploysOf(workspace, source)) uses.push({ from: file, to, by: 'deploy' });
      if (uses.length > 0) told.push((source.on?.events ?? []).some((e) => e.event !== 'workflow_call'));
      for (const job of source.jobs) if (jobDeploys(job)) told.push(job.value);
    }
  }
  return uses.length === 0 && told.length === 0 ? '' : JSON.stringify([uses, told]);
}

/**
 * Whether the content of this file may change how the context judges other files: it is one of those
 * the context reads across the tree, a workflow or an action (what it uses, which local actions run,
 * what a job deploys or starts), a kustomization, a Terraform file, a compose file, or a symbolic
 * link of one of `trees` (a use of its path may read through it to a directory) (see
 * {@link pathUses}, `runsHere`, `deployedStack`, `builtOnlyFor`). Besides them the context reads a
 * finding's own file and asks which files the tree has (see {@link contextMarks}).
 */
export function readByContext(path: string, ...trees: Workspace[]): boolean {
  return (
    workflowFile(path) ||
    kustomizationFile(path) ||
    terraformFile(path) ||
    COMPOSE_FILES.test(path) ||
    trees.some((tree) => isSymbolicLink(tree, path))
  );
}

/** Whether a path is a symbolic link of the tree's index (one lookup in its sorted list of links). */
function isSymbolicLink(workspace: Workspace, path: string): boolean {
  const links = workspace.symbolicLinks();
  return links.length > 0 && sortedIncludes(links, path);
}
const workflowFile = lazyMatcher(() => [...WORKFLOW_GLOBS, ...ACTION_GLOBS]);
const kustomizationFile = lazyMatcher(() => KUSTOMIZATION_GLOBS);
const terraformFile = lazyMatcher(() => TERRAFORM_SOURCE_GLOBS);

/** A matcher of these globs, compiled when first asked (the parsers' lists are read then too). */
function lazyMatcher(globs: () => readonly string[]): (path: string) => boolean {
  let match: ((path: string) => boolean) | undefined;
  return (path) => {
    match ??= pathMatcher(globs());
    return match(path);
  };
}

/**
 * The files the context may judge differently once `files` are added or deleted (what it asks of the
 * file list), as a test of a path; undefined when none: the files of a vendored release whose
 * license, README or build file it is (see {@link vendoredRelease}), the key files beside test code
 * (named for a test, they are its fixtures), and the files of the template a Django template file
 * makes one (see scaffolding.ts). A path a workflow deploys that appears is itself added.
 */
export function contextMarks(files: Iterable<string>): ((path: string) => boolean) | undefined {
  const under = new Set<string>();
  const beside = new Set<string>();
  for (const file of files) {
    const folder = folderOf(file);
    if (MARK_FILES.has(file.slice(folder.length + (folder === '' ? 0 : 1))) && releaseFolder(folder)) {
      under.add(folder);
    }
    if (TEST_CODE.test(file)) beside.add(folder);
    const template = templateRootMarkedBy(file);
    if (template !== undefined) under.add(template);
  }
  if (under.size === 0 && beside.size === 0) return undefined;
  return (path) => {
    if (beside.has(folderOf(path)) && KEY_FILE.test(path)) return true;
    for (let p = folderOf(path); p !== ''; p = folderOf(p)) if (under.has(p)) return true;
    return false;
  };
}
const MARK_FILES = new Set([...LICENSE_FILES, ...README_FILES, ...BUILD_FILES]);
const KEY_FILE = new RegExp(`\\.(?:${KEY_FILE_EXTENSIONS.slice(1, -1).replaceAll(',', '|')})$`);

/** Whether a folder is named and placed as a vendored release's (see {@link vendoredRelease}). */
function releaseFolder(folder: string): boolean {
  const parts = folder.split('/');
  const i = parts.length - 1;
  return (
    i >= 1 &&
    RELEASE_FOLDER.test(parts[i]!) &&
    (VENDORING_PARENTS.has(parts[i - 1]!) || parts[i - 2] === 'plugins')
  );
}

/**
 * Which files the repository uses from outside the paths `inside` takes, computed once for them: a
 * file outside names a file or a folder holding it (a root kustomization lists `lib/app-1.2.3/pod.yaml`,
 * a Terraform module's `source = "./examples/sg"`, a compose file includes another), or names a file
 * inside that does, and so on (a root kustomization lists `fixtures/`, whose kustomization lists
 * `pod.yaml`). A use of the whole tree (`source = "../.."` in an example) names no file of its own.
 * `uses` chooses the references that count.
 */
function usedFrom(uses: readonly PathUse[], inside: (path: string) => boolean): (file: string) => boolean {
  const used = new Set<string>();
  const covered = (file: string): boolean => {
    for (let p = file; ; p = path.posix.dirname(p)) {
      if (used.has(p)) return true;
      if (!p.includes('/')) return false;
    }
  };
  const named = uses.filter((u) => u.to !== '');
  for (let grown = true; grown; ) {
    grown = false;
    for (const u of named) {
      if (used.has(u.to) || (inside(u.from) && !covered(u.from))) continue;
      used.add(u.to);
      grown = true;
    }
  }
  return covered;
}

/**
 * Whether the repository uses `file`, which lies in the vendored release `folder`, from outside it
 * (see {@link usedFrom}; any reference counts, a workflow's build context too).
 */
function usedFromOutside(workspace: Workspace, folder: string, file: string): boolean {
  const inFolder = (p: string) => p === folder || p.startsWith(`${folder}/`);
  const used = workspace.memo('confidence-used-from-outside', folder, () =>
    usedFrom(pathUses(workspace), inFolder),
  );
  return used(file);
}

/** The metadata file of an action (`uses: ./path/to/action` runs the one in that folder). */
const ACTION_FILE = /(?:^|\/)action\.ya?ml$/;

/**
 * Whether a file is the metadata of a local action that a workflow of the repository runs
 * (`uses: ./examples/setup` in `.github/workflows/ci.yml`), directly or through other local actions
 * (see `runsHere`): GitHub runs it with the job's token and secrets, wherever it lies.
 */
function runByWorkflow(workspace: Workspace, path: string): boolean {
  if (!ACTION_FILE.test(path)) return false;
  const source = readWorkflowSource(workspace, path);
  return source?.kind === 'action' && runsHere(workspace, source);
}

/**
 * A matcher of test paths that leaves the repository's workflows and actions, and the local actions
 * its workflows run (`runs`), to the globs a configuration names them by: those that start with `**`,
 * and the default list's, say what a folder holds, and a workflow's folder or the `examples/` an
 * action is kept in does not make what GitHub runs test material. Folder globs match whatever the
 * case of the folder's name; a file's name keeps its case (`*Test.java` is no `Latest.java`).
 */
function testPathMatcher(
  testPaths: readonly string[],
  runs: (path: string) => boolean = () => false,
): (path: string) => boolean {
  const either = (globs: readonly string[]): ((path: string) => boolean) => {
    const folders = globs.filter((glob) => glob.endsWith('/**'));
    const names = globs.filter((glob) => !glob.endsWith('/**'));
    const inFolder = folders.length > 0 ? pathMatcher(folders, { ignoreCase: true }) : () => false;
    const named = names.length > 0 ? pathMatcher(names) : () => false;
    return (path) => inFolder(path) || named(path);
  };
  const all = either(testPaths);
  const located = either(
    testPaths.filter((glob) => !glob.startsWith('**/') && !DEFAULT_TEST_PATHS.includes(glob)),
  );
  return (path) => {
    if (GITHUB_RUNS.test(path)) return located(path);
    return all(path) && (located(path) || !runs(path));
  };
}

/**
 * How the context judges the findings of a path of one tree: what lowers the confidence of a finding
 * located in it, or about it (see `RawFinding.about`). Built once per run and tree (the matchers are
 * compiled once), each answer computed once per path.
 */
interface ContextJudge {
  /** Why a finding located in the path is test material (or a vendored release's); undefined: it is not. */
  reason(path: string): string | undefined;
  /** Whether the path lies in the test paths, for a finding about it. */
  tested(path: string): boolean;
  /** Whether the path is a key file named for a test, with test code beside it. */
  testWordKey(path: string): boolean;
  /** The root of the project-scaffolding template the path belongs to, if any (see scaffolding.ts). */
  template(path: string): string | undefined;
}

/**
 * Lowers to `low`, with the reason, the confidence of findings about test material and about
 * project-scaffolding templates. Returns a function applied to each new finding (the matchers are
 * compiled once per run), given what the finding is about when that is not where it lies (see
 * `RawFinding.about`). With the run's workspace it also knows which folders hold test code (for key
 * files named for a test beside it), which are templates (see scaffolding.ts), and which manifests
 * kustomize builds only for kustomizations in the test paths.
 */
export function testPathContext(
  testPaths: readonly string[],
  workspace?: Workspace,
): (f: Finding, about?: string) => void {
  const judge = contextJudge(testPaths, workspace);
  const lowerTemplate = (f: Finding, path: string): void => {
    const root = judge.template(path);
    if (root === undefined) return;
    f.confidence = 'low';
    f.confidenceReason =
      `the file belongs to a project-scaffolding template (${root}/), which a generator renders into ` +
      'a new project: this repository neither builds nor runs it';
  };
  if (testPaths.length === 0) {
    return (f, about) => {
      const path = about ?? f.location?.path;
      if (path !== undefined && f.confidence !== 'low') lowerTemplate(f, path);
    };
  }
  return (f, about) => {
    const path = about ?? f.location?.path;
    if (path === undefined || f.confidence === 'low') return;
    const reason =
      about === undefined
        ? judge.reason(path)
        : judge.tested(path)
          ? `what it is about (${about}) is under a test, fixture, example, documentation, archived or vendored path`
          : undefined;
    if (
      reason !== undefined &&
      !(
        reason.startsWith(VENDORED_RELEASE_PREFIX) &&
        SEVERITIES.indexOf(f.severity) > SEVERITIES.indexOf(VENDORED_RELEASE_MAX_SEVERITY)
      )
    ) {
      f.confidence = 'low';
      f.confidenceReason = reason;
    } else if (reason !== undefined) {
      lowerTemplate(f, path);
    } else if (about === undefined && judge.testWordKey(path)) {
      f.confidence = 'low';
      f.confidenceReason = TEST_WORD_KEY_REASON;
    } else {
      lowerTemplate(f, path);
    }
  };
}

/**
 * How the context judges a path of this tree, as one string: two trees that give a path the same
 * string give every finding in it, or about it, the same confidence (see {@link testPathContext}).
 * For telling which unchanged files a change judges differently (see context-shift.ts).
 */
export function contextVerdict(testPaths: readonly string[], workspace: Workspace): (path: string) => string {
  const judge = contextJudge(testPaths, workspace);
  return (path) =>
    [
      judge.reason(path) ?? '',
      judge.tested(path) ? 'tested' : '',
      judge.testWordKey(path) ? 'test key' : '',
      judge.template(path) ?? '',
    ].join('\u0000');
}

/** See {@link ContextJudge}; without a workspace, by the path alone. */
function contextJudge(testPaths: readonly string[], workspace?: Workspace): ContextJudge {
  const template = workspace ? scaffoldingTemplate(workspace) : () => undefined;
  if (testPaths.length === 0) {
    return { reason: () => undefined, tested: () => false, testWordKey: () => false, template };
  }
  const matcher = testPathMatcher(
    testPaths,
    (path) => workspace !== undefined && runByWorkflow(workspace, path),
  );
  const byKeyName = pathMatcher(testPaths.filter((glob) => TEST_KEY_NAMES.includes(glob)));
  const byLoopbackName = pathMatcher(testPaths.filter((glob) => LOOPBACK_KEY_NAMES.includes(glob)));
  const byCiStack = pathMatcher(testPaths.filter((glob) => CI_STACK_NAMES.includes(glob)));
  const byChartTest = pathMatcher(testPaths.filter((glob) => CHART_TEST_VALUES.includes(glob)));
  // A manifest elsewhere that kustomize builds only from kustomizations in test paths (a shared
  // `components/` folder that only the quick start or the end-to-end suite includes) is their
  // material too: one a production overlay also includes keeps its confidence.
  const testBuilt = (path: string) =>
    workspace !== undefined &&
    KUSTOMIZE_RESOURCE.test(path) &&
    !GITHUB_RUNS.test(path) &&
    builtOnlyFor(workspace, path, matcher);
  // Only with the default vendored folders in force: a list of its own says what is vendored.
  const byRelease =
    workspace && ['**/vendor/**', '**/third_party/**'].every((glob) => testPaths.includes(glob))
      ? (path: string) => (runByWorkflow(workspace, path) ? undefined : vendoredRelease(workspace, path))
      : () => undefined;
  // Only with the default key names in force: a list of its own says which names are test material.
  const byTestWord =
    workspace && TEST_KEY_NAMES.every((glob) => testPaths.includes(glob))
      ? pathMatcher(TEST_WORD_KEY_NAMES)
      : () => false;
  let testCodeFolders: Set<string> | undefined;
  const besideTestCode = (path: string): boolean => {
    testCodeFolders ??= new Set(workspace!.files.filter((f) => TEST_CODE.test(f)).map(folderOf));
    return testCodeFolders.has(folderOf(path));
  };
  // The folder of the vendored release a file lies in, unless the repository uses that file from
  // outside the folder (then it is the repository's own, whatever the folder is named).
  const releaseOf = (path: string): string | undefined => {
    const folder = byRelease(path);
    return folder === undefined || usedFromOutside(workspace!, folder, path) ? undefined : folder;
  };
  // A Compose file named as a CI stack is one unless its path also names a deployed environment
  // (`docker-compose.prod_tests.yml`), a compose file that is no test or development stack includes
  // or extends it (the root `compose.yaml` including it deploys it), or a workflow job that deploys
  // starts it (see deployedStack).
  const ciStacks = new Map<string, boolean>();
  const ciStack = (path: string): boolean => {
    if (!byCiStack(path)) return false;
    let stack = ciStacks.get(path);
    if (stack === undefined) {
      stack =
        !namesDeployedEnvironment(path) &&
        (workspace === undefined || deployedStack(workspace, path) === undefined);
      ciStacks.set(path, stack);
    }
    return stack;
  };
  // Without the CI stacks' names, whether another test path holds the file (`tests/compose.ci.yml`).
  const otherTestPath = testPathMatcher(
    testPaths.filter((glob) => !CI_STACK_NAMES.includes(glob)),
    (path) => workspace !== undefined && runByWorkflow(workspace, path),
  );
  const releaseReason = (path: string): string | undefined => {
    const folder = releaseOf(path);
    return folder === undefined ? undefined : VENDORED_RELEASE_REASON(folder);
  };
  // A file in a test path that the repository deploys from outside the test paths is no test
  // material, whatever its folder is named: a root kustomization lists `fixtures/pod.yaml`, a root
  // module calls `source = "./examples/sg"`, a root compose file includes `examples/compose.yaml`.
  // Only what deploys counts (kustomizations, Terraform module calls, compose files): a workflow
  // that runs the tests in `test/` (`working-directory: test/e2e`) uses them as tests, and so does a
  // compose file named for a test, CI or development stack (`docker-compose.test.yml` building
  // `tests/`), which the compose rules judge no deployment either.
  let deploying: PathUse[] | undefined;
  const deployingUses = (ws: Workspace): PathUse[] =>
    (deploying ??= pathUses(ws)
      .filter((u) => u.by !== 'workflow' && !(u.by === 'compose' && pathNotDeployed(u.from) !== undefined))
      .map((u) => (u.dockerfile === undefined ? u : { ...u, to: buildDockerfile(u.to, u.dockerfile) })));
  let deployed: ((path: string) => boolean) | undefined;
  const deployedFromOutside = (path: string): boolean => {
    if (workspace === undefined) return false;
    // A build context deploys the Dockerfile it builds with, not every file of its folder (a test
    // image's Dockerfile under `app/tests/` beside the app's own).
    deployed ??= usedFrom(deployingUses(workspace), matcher);
    return deployed(path);
  };
  // What a workflow job deploys, directly or through what that names (`kustomize build examples`
  // builds the shared components the example's kustomization lists): no test kustomization's alone.
  let workflowDeployed: ((path: string) => boolean) | undefined;
  const deployedByWorkflow = (path: string): boolean => {
    if (workspace === undefined) return false;
    workflowDeployed ??= usedFrom(deployingUses(workspace), (p) => !GITHUB_RUNS.test(p));
    return workflowDeployed(path);
  };
  // A file usually holds many findings: its path is matched once.
  const known = new Map<string, string | undefined>();
  const reasonFor = (path: string): string | undefined => {
    if (known.has(path)) return known.get(path);
    const tested =
      matcher(path) &&
      (!byCiStack(path) || ciStack(path) || otherTestPath(path)) &&
      !deployedFromOutside(path);
    const reason = tested
      ? byKeyName(path)
        ? TEST_KEY_NAME_REASON
        : byLoopbackName(path)
          ? LOOPBACK_KEY_NAME_REASON
          : byCiStack(path) && ciStack(path)
            ? CI_STACK_REASON
            : byChartTest(path)
              ? CHART_TEST_VALUES_REASON
              : TEST_PATH_REASON
      : testBuilt(path) && !deployedByWorkflow(path)
        ? TEST_KUSTOMIZATION_REASON
        : releaseReason(path);
    known.set(path, reason);
    return reason;
  };
  return {
    reason: reasonFor,
    tested: matcher,
    testWordKey: (path) => byTestWord(path) && besideTestCode(path),
    template,
  };
}

/** The folder of a path ("" at the top). */
function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/** The findings a persona shows (every blocking one, and the others it sees) and a count of the rest. */
export function applyPersona(
  findings: readonly Finding[],
  persona: Persona,
): { shown: Finding[]; hidden?: HiddenFindings } {
  const shown: Finding[] = [];
  const hidden: HiddenFindings = {
    findings: 0,
    bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
    lowConfidence: 0,
    pedantic: 0,
    auditor: 0,
    persona: 'pedantic',
  };
  for (const f of findings) {
    if (f.blocking || personaSees(persona, f)) {
      shown.push(f);
      continue;
    }
    hidden.findings += 1;
    hidden.bySeverity[f.severity] += 1;
    if (f.persona === 'auditor') hidden.auditor += 1;
    else if (f.persona === 'pedantic') hidden.pedantic += 1;
    else hidden.lowConfidence += 1;
    if (f.persona === 'auditor') hidden.persona = 'auditor';
  }
  return hidden.findings === 0 ? { shown } : { shown, hidden };
}

/** What was hidden, in words: `3 of low confidence, 40 for auditors`. */
export function hiddenReasons(h: HiddenFindings): string {
  return [
    h.lowConfidence > 0 ? `${h.lowConfidence} of low confidence` : '',
    h.pedantic > 0 ? `${h.pedantic} code smell${h.pedantic === 1 ? '' : 's'}` : '',
    h.auditor > 0 ? `${h.auditor} for auditors` : '',
  ]
    .filter(Boolean)
    .join(', ');
}
