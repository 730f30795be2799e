import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { applyPersona, DEFAULT_TEST_PATHS, personaSees, testPathContext } from '../../src/core/confidence.js';
import { runCheck } from '../../src/core/engine.js';
import { createFinding } from '../../src/core/finding.js';
import type { Confidence, Finding, Persona, Report } from '../../src/core/types.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { renderMarkdown, renderText } from '../../src/reporters/index.js';
import { cleanup, testRule } from '../evaluators/kit.js';
import { keyBody, pem } from '../evaluators/secrets-kit.js';
import { makeTree } from '../helpers/run-action.js';

/** A workspace that lists these files and holds none of them (the context reads only its listing). */
const listing = (files: string[]) => new Workspace(path.join(os.tmpdir(), 'cg-listing-none'), { files });

afterAll(cleanup);

/** A finding at `file` after the default test paths: lowered with `reason`, or left high without one. */
function expectGraded(file: string, reason: string | undefined): void {
  const f = finding({ location: { path: file, startLine: 1 } });
  testPathContext(DEFAULT_TEST_PATHS)(f);
  expect([f.confidence, f.confidenceReason ?? null]).toEqual(reason ? ['low', reason] : ['high', null]);
}

function finding(overrides: Partial<Finding> = {}): Finding {
  const f = createFinding(testRule('content.forbidden', {}), {
    message: 'm',
    location: { path: 'src/a.txt', startLine: 1 },
  });
  return { ...f, ...overrides };
}

describe('personas', () => {
  it.each<[Persona, Confidence, Finding['persona'], boolean]>([
    ['regular', 'high', undefined, true],
    ['regular', 'medium', undefined, true],
    ['regular', 'low', undefined, false],
    ['regular', 'high', 'pedantic', false],
    ['pedantic', 'low', undefined, true],
    ['pedantic', 'high', 'pedantic', true],
    ['pedantic', 'high', 'auditor', false],
    ['auditor', 'low', 'auditor', true],
  ])('%s sees a %s-confidence finding marked %s: %s', (persona, confidence, marked, seen) => {
    expect(personaSees(persona, { confidence, ...(marked ? { persona: marked } : {}) })).toBe(seen);
  });

  it('never hides a blocking finding, and counts what it hides by severity', () => {
    const list = [
      finding({ confidence: 'low', blocking: true }),
      finding({ confidence: 'low', severity: 'high' }),
      finding({ confidence: 'high', persona: 'auditor', severity: 'low' }),
      finding({ confidence: 'medium' }),
    ];
    const { shown, hidden } = applyPersona(list, 'regular');
    expect(shown).toEqual([list[0], list[3]]);
    expect(hidden).toEqual({
      findings: 2,
      bySeverity: { info: 0, low: 1, medium: 0, high: 1, critical: 0 },
      lowConfidence: 1,
      pedantic: 0,
      auditor: 1,
      persona: 'auditor',
    });
    expect(applyPersona(list, 'auditor')).toEqual({ shown: list });
  });
});

describe('test paths', () => {
  const lower = testPathContext(['**/test/**', '**/*_test.go']);

  it('lowers located findings under a test path to low, with the reason', () => {
    const f = finding({ location: { path: 'pkg/x/test/data.txt', startLine: 3 } });
    lower(f);
    expect(f.confidence).toBe('low');
    expect(f.confidenceReason).toMatch(/test, fixture, example, documentation, archived or vendored path/);
    const g = finding({ location: { path: 'pkg/x_test.go', startLine: 3 } });
    lower(g);
    expect(g.confidence).toBe('low');
  });

  it.each([
    ['.examples/docker/Dockerfile', true],
    ['sample/app/Dockerfile', true],
    ['runtime/template/_testdata/ec.key', true],
    ['e2e/suites/provider/common.go', true],
    ['providers/chef/fake/fake.go', true],
    ['generators/github/github_test.pem', true],
    ['.env.test', true],
    ['services/api/.env.testing', true],
    ['.env', false],
    ['.env.production', false],
    // An example file is judged where it is: a real credential pasted into `.env.example` is a classic
    // leak (the secret scanner lowers only its guesses there).
    ['packages/adapter/.env.example', false],
    ['config/example.yml', false],
    ['.env.ci', false],
    // Already by `**/*.test.*`.
    ['.env.test.local', true],
    ['cmd/latest.go', false],
    ['localstack/integration-tests/docker-compose.yml', true],
    ['sops/functional_tests/src/lib.rs', true],
    ['internal/suites/common/pki/private.pem', true],
    ['internal/configuration/test_resources/crypto/rsa.pem', true],
    ['hack/test-fixtures/values.yaml', true],
    ['deploy/k8s-test/secret.yaml', false],
    ['_integration-test/nodejs/package.json', true],
    ['services/api/unit_test/fixtures.yaml', true],
    ['system-test/compose.yaml', true],
    ['deploy/prod-test/secret.yaml', false],
    ['test-ca/rsa-2048/end.key', true],
    ['internal/testkeys/server.pem', true],
    ['oryx/watcherx/integrationtest/Dockerfile', true],
    ['deploy/testing-ca/server.key', false],
    ['_archived/sysdig-cloud/sysdig-daemonset.yaml', true],
    ['charts/archived/old-api/values.yaml', true],
    ['src/archive/handlers.go', false],
    ['src/contests/app.py', false],
    ['lib/cipher_suite/aes.go', false],
    ['examples-app/Dockerfile', false],
    ['extra/push-examples/node/package.json', true],
    ['docs_src/api_examples/app.py', true],
    ['playwright/docker-compose.yml', true],
    ['web/cypress/support/commands.ts', true],
    ['src/playwright.config.ts', false],
    ['counter-examples.md', false],
    // The repository's own demonstration and design-document folders, at its root.
    ['demo/bank/bad_resources/deployment.yaml', true],
    ['demos/policy/pod.yaml', true],
    ['design/assets/provider/comparison.yaml', true],
    // Nested, `demo` is often a deployed environment, and `design` a product's design system.
    ['deploy/overlays/demo/secret.yaml', false],
    ['web/design/tokens.json', false],
    ['demo-app/k8s/deployment.yaml', false],
    // A quick start, at any depth: what someone applies to try the project out.
    ['manifests/quick-start/base/httpbin/my-httpbin-cred-secret.yaml', true],
    ['deploy/quickstart/values.yaml', true],
    ['quick_start/docker-compose.yml', true],
    ['src/quickstarter/config.go', false],
    ['grpc-tls-quickstart/src/main/resources/tls/server.key', true],
    ['.blueprint/templates/test-integration/daily/.yo-rc.json', true],
    ['app/test_e2e/compose.yaml', true],
    ['deploy/test-cluster/values.yaml', false],
    ['deploy/kafka_quick-start/compose.yaml', true],
    ['quickstart-service/app.py', false],
    // A codelab or tutorial, at any depth: step-by-step teaching material.
    ['codelab/02_kpt-deploy/resources/sample-app/config/frontend/deployment.yaml', true],
    ['docs-site/tutorials/ingress/deployment.yaml', true],
    ['src/tutorial/k8s/secret.yaml', true],
    ['src/tutorialservice/handler.go', false],
    ['src/.examplesrc/Dockerfile', false],
    // A test suite in a root `t/` folder (Perl's layout), with its shared helper modules.
    ['t/unit/security/__init__.py', true],
    ['t/01-basic.t', true],
    ['lib/t/config.py', false],
    ['tools/t/server.key', false],
    // A conformance suite's manifests, but not an acceptance environment's.
    ['gateway/conformance/base/manifests.yaml', true],
    ['deploy/overlays/acceptance/deployment.yaml', false],
    // Fuzzing harnesses, at any depth.
    ['fuzz/Api.Fuzz/Api.Fuzz.csproj', true],
    ['crates/parser/fuzz/Cargo.toml', true],
    ['tests/fuzzing/corpus.key', true],
    ['src/fuzzy/match.go', false],
    // The repository's workflows and actions are what GitHub runs, whatever they are named for.
    ['.github/workflows/build_exe_test.yml', false],
    ['.github/workflows/release.spec.yml', false],
    ['.github/actions/e2e/action.yml', false],
    ['examples/.github/workflows/build_test.yml', true],
    // Folders match whatever their case (.NET's and Java's capitalised test projects); file names
    // keep theirs.
    ['src/Test/Test.csproj', true],
    ['src/Tests/RunnerTests.cs', true],
    ['src/UnitTests/Worker/JobRunnerL0.cs', true],
    ['src/Runner.Tests/Runner.Tests.csproj', true],
    ['src/Api.Test/Api.Test.csproj', true],
    ['Docs/setup.md', true],
    ['src/Latest.java', false],
    ['src/Contests.cs', false],
    ['deploy/k8s-Test/secret.yaml', false],
    ['src/Testing.Platform/Host.cs', false],
    // Fixture folders named for what they feed.
    ['pkg/golang/internal/gotestdata/go-source/go.mod', true],
    ['pkg/api_fixtures/users.json', true],
    ['pkg/fixtures-loader/main.go', false],
    // Gradle's and Kotlin Multiplatform's test source sets, and the JVM languages' test classes.
    ['okhttp/src/jvmTest/kotlin/okhttp3/HttpUrlTest.kt', true],
    ['okhttp/src/jvmTest/resources/urltestdata.txt', true],
    ['core/src/commonTest/kotlin/UrlParserCases.kt', true],
    ['app/src/androidTest/java/com/acme/LoginFlow.java', true],
    ['app/src/integrationTest/resources/application.yml', true],
    ['lib/src/testFixtures/java/com/acme/Keys.java', true],
    ['lib/src/main/kotlin/com/acme/ClientTest.kt', true],
    ['lib/src/main/scala/acme/ParserSpec.scala', true],
    ['src/main/groovy/acme/ServiceSpec.groovy', true],
    ['src/main/java/acme/ClientTests.java', true],
    ['app/src/latest/resources/application.yml', false],
    ['app/src/main/resources/application.yml', false],
    ['app/src/jvmMain/kotlin/Latest.kt', false],
    ['app/src/jvmtest/kotlin/Url.kt', false],
  ])('the default test paths: %s is lowered: %s', (file, lowered) => {
    const f = finding({ location: { path: file, startLine: 1 } });
    testPathContext(DEFAULT_TEST_PATHS)(f);
    expect(f.confidenceReason !== undefined).toBe(lowered);
    if (lowered) expect(f.confidence).toBe('low');
  });

  it.each([
    ['internal/http/testkey.pem', true],
    ['certs/test_key.pem', true],
    ['certs/test-cert.key', true],
    ['pkg/tls/TestServer.crt', true],
    ['pkg/tls/server_test.pem', true],
    ['certs/test.pem', true],
    ['certs/testCA.pem', true],
    // "tests" names a suite of tests, not an environment, wherever it stands in the name.
    ['pgp/sops_functional_tests_key.asc', true],
    ['keys/tests-ca.pem', true],
    ['keys/e2e_tests.key', true],
    ['keys/release-signing.asc', false],
    ['keys/contests.pem', false],
    ['keys/latests.asc', false],
    // "test" as an environment or host: often that environment's real key.
    ['pkg/tls/server-test.key', false],
    ['deploy/test-server.key', false],
    ['deploy/testnet-validator.key', false],
    ['keys/fake-ca.pem', true],
    ['keys/fakeServer.pem', true],
    ['keys/dummy.key', true],
    ['keys/dummy_client.p12', true],
    ['config/example-tls.pem', true],
    ['config/tls.example.key', true],
    ['config/sample.jks', true],
    ['config/client-sample.pfx', true],
    ['certs/server.key', false],
    ['certs/tls.key', false],
    ['certs/latest.pem', false],
    ['certs/contest.pem', false],
    ['certs/attestation.pem', false],
    ['certs/protest-ca.crt', false],
    ['certs/testing-ca/server.key', false],
    ['keys/samplers.go', false],
    ['.github/workflows/test.yml', false],
    ['scripts/test-deploy.sh', false],
    ['config/example.yml', false],
  ])('a key file named as test material: %s is lowered: %s', (file, lowered) => {
    expectGraded(
      file,
      lowered
        ? "the key file's name marks it as test material (test, fake, dummy, example or sample)"
        : undefined,
    );
  });

  it.each([
    ['.ci/compose.ci.yaml', true],
    ['.ci/compose.browser.yaml', true],
    ['ci/stack/docker-compose.yml', true],
    ['docker-compose.ci.yml', true],
    ['deploy/compose.e2e.yaml', true],
    ['compose.cypress.yml', true],
    // Named for a suite of tests (the plural never names an environment).
    ['docker-compose.override.integration_tests.yml', true],
    ['compose.e2e-tests.yaml', true],
    ['docker-compose.staging-tests.env.yml', false],
    ['docker-compose.override.tests-env.yml', false],
    // A name that also says which environment the stack is for.
    ['docker-compose.prod_tests.yml', false],
    ['compose.production-tests.yaml', false],
    ['ci/staging/docker-compose.yml', false],
    ['.ci/compose.live.yaml', false],
    ['docker-compose.release.e2e.yml', false],
    ['docker-compose.product_tests.yml', true],
    // A deployment's stack, or a CI folder's other files (its scripts hold the deploy tokens).
    ['compose.yaml', false],
    ['deploy/docker-compose.prod.yml', false],
    ['docker-compose.circle.yml', false],
    ['.ci/deploy.sh', false],
    ['ci/values.yaml', false],
  ])('a Compose stack of the CI: %s is lowered: %s', (file, lowered) => {
    expectGraded(
      file,
      lowered
        ? 'the file is a Compose stack of the CI (its folder or name says so), which a job brings up on its runner and discards with it: it is no deployment'
        : undefined,
    );
  });

  it.each([
    ['charts/node-exporter/ci/tls-secret-values.yaml', true],
    ['charts/app/ci/default-values.yml', true],
    // Not a chart test's values file: a CI folder's own values, a chart's default values.
    ['ci/values.yaml', false],
    ['charts/app/values.yaml', false],
    ['charts/app/ci/values-prod.yaml', false],
    ['deploy/ci/deploy.sh', false],
  ])("a values file of a chart's CI tests: %s is lowered: %s", (file, lowered) => {
    expectGraded(
      file,
      lowered
        ? "the file is a values file of a Helm chart's CI tests (chart-testing installs the chart with each ci/*-values.yaml into a throw-away cluster): it configures a test install, not a release"
        : undefined,
    );
  });

  it.each([
    ['certs/localhost.key', true],
    ['support/app.localhost.pem', true],
    ['dev/localhost-key.pem', true],
    ['dev/localhost+2-key.pem', true],
    ['dev/localhost_cert.crt', true],
    // A host whose name merely starts or ends with the letters is a real host.
    ['certs/localhost.example.com.key', false],
    ['certs/notlocalhost.key', false],
    ['certs/localhostname.pem', false],
    // A directory named localhost says nothing about the key in it.
    ['localhost/server.key', false],
  ])('a key file named for localhost: %s is lowered: %s', (file, lowered) => {
    expectGraded(
      file,
      lowered
        ? 'the key file is named for localhost, which no public certificate covers: it identifies no service others can reach'
        : undefined,
    );
  });

  it.each([
    ['credentials/test-tunnel-cert.pem', ['credentials/origin_cert_test.go'], true],
    ['tls/client-test.key', ['tls/client.test.ts'], true],
    ['tls/test_server.pem', ['tls/test_server.py'], true],
    ['src/main/resources/Test-signer.pem', ['src/main/resources/SignerTest.java'], true],
    // Without test code beside it, "test" may name an environment and its host.
    ['deploy/test-server.key', ['deploy/main.go', 'deploy/test-server.crt'], false],
    ['tls/client-test.key', ['tls/client.go', 'tls/test/client_test.go'], false],
    // Test data beside it is no test code.
    ['tls/test-server.key', ['tls/server_test.pem'], false],
  ])('a key file named for a test: %s beside %j is lowered: %s', (file, others, lowered) => {
    const f = finding({ location: { path: file, startLine: 1 } });
    testPathContext(DEFAULT_TEST_PATHS, listing([file, ...others]))(f);
    expect([f.confidence, f.confidenceReason ?? null]).toEqual(
      lowered
        ? ['low', "the key file's name marks it as test material, and test code sits beside it"]
        : ['high', null],
    );
  });

  it.each([
    // Django's project and app templates, told by the `*.py-tpl` files Django renders and renames.
    ['cms/project_template/Dockerfile', 'cms/project_template'],
    ['cms/project_template/project_name/settings/base.py', 'cms/project_template'],
    ['django/conf/app_template/migrations/requirements.txt', 'django/conf/app_template'],
    // A folder named in a template language (cookiecutter, copier).
    ['{{cookiecutter.project_slug}}/Dockerfile', '{{cookiecutter.project_slug}}'],
    ['templates/{{ project_name }}/deploy/values.yaml', 'templates/{{ project_name }}'],
    // A Backstage software template's skeleton, told by the template.yaml beside it.
    ['scaffolder-templates/spring/skeleton/Dockerfile', 'scaffolder-templates/spring/skeleton'],
    ['services/node/skeleton/k8s/deploy.yaml', 'services/node/skeleton'],
    ['skeleton/catalog-info.yaml', 'skeleton'],
    // A skeleton folder with no template beside it, and a template's other folders.
    ['tools/skeleton/Dockerfile', undefined],
    ['scaffolder-templates/spring/build/Dockerfile', undefined],
    // A template folder without Django's files, a `-tpl` file outside a template folder, and a file
    // named in a template language in a plain folder are judged as they are.
    ['app/templates/Dockerfile', undefined],
    ['Dockerfile', undefined],
    ['tools/Dockerfile', undefined],
    ['deploy/{{name}}.yaml', undefined],
  ])('a file of a project-scaffolding template: %s belongs to %s', (file, root) => {
    const files = [
      'cms/project_template/manage.py-tpl',
      'django/conf/app_template/apps.py-tpl',
      'django/conf/app_template/migrations/__init__.py-tpl',
      'app/templates/index.html',
      'manage.py-tpl',
      'tools/setup.py-tpl',
      'scaffolder-templates/spring/template.yaml',
      'services/node/template.yml',
      'template.yaml',
      file,
    ];
    for (const paths of [DEFAULT_TEST_PATHS, []]) {
      const f = finding({ location: { path: file, startLine: 4 } });
      testPathContext(paths, listing(files))(f);
      expect([f.confidence, f.confidenceReason ?? null]).toEqual(
        root
          ? [
              'low',
              `the file belongs to a project-scaffolding template (${root}/), which a generator renders into a new project: this repository neither builds nor runs it`,
            ]
          : ['high', null],
      );
    }
  });

  it('judges a finding about another path (a vendored folder) by that path, wherever it lies', () => {
    const context = testPathContext(DEFAULT_TEST_PATHS, listing([]));
    const about = (path: string, location: Finding['location'] = null) => {
      const f = finding({ location });
      context(f, path);
      return [f.confidence, f.confidenceReason ?? null];
    };
    expect(about('pkg/php/testdata')).toEqual([
      'low',
      'what it is about (pkg/php/testdata) is under a test, fixture, example, documentation, archived or vendored path',
    ]);
    expect(about('cmd/app/testdata/coverage/pkgs/php', { path: 'CODEOWNERS', startLine: 3 })[0]).toBe('low');
    expect(about('web/static/js')).toEqual(['high', null]);
  });

  it("lowers the repository's workflows and actions only by a test path that names their location", () => {
    const context = testPathContext(['.github/workflows/experimental.yml', '**/*_test.*', '**/e2e/**']);
    const confidence = (file: string) => {
      const f = finding({ location: { path: file, startLine: 1 } });
      context(f);
      return f.confidence;
    };
    expect(confidence('.github/workflows/experimental.yml')).toBe('low');
    expect(confidence('.github/workflows/build_zip_test.yml')).toBe('high');
    expect(confidence('.github/actions/e2e/action.yml')).toBe('high');
    expect(confidence('scripts/e2e/run.sh')).toBe('low');
  });

  it('names the path, not the key name, for a key file under a test path with a plain name', () => {
    const f = finding({ location: { path: 'test/certs/server.key', startLine: 1 } });
    testPathContext(DEFAULT_TEST_PATHS)(f);
    expect(f.confidenceReason).toMatch(/test, fixture, example, documentation, archived or vendored path/);
  });

  it('leaves production paths and repository-level findings alone', () => {
    const f = finding({ location: { path: 'src/testing.txt', startLine: 1 } });
    const g = finding({ location: null });
    lower(f);
    lower(g);
    expect([f.confidence, g.confidence]).toEqual(['high', 'high']);
    expect(f.confidenceReason).toBeUndefined();
  });
});

/** A repository with one custom rule that forbids `FORBIDDEN` in text files. */
function repo(files: Record<string, string> = {}, rule = ''): string {
  return makeTree({
    '.controlgate/rules/no-forbidden.yml': [
      'id: no-forbidden',
      'title: No forbidden word',
      'severity: high',
      'controls: ["8.28"]',
      'rationale: test',
      'remediation: remove it',
      rule,
      'check:',
      '  kind: content.forbidden',
      '  with:',
      '    paths: ["**/*.txt"]',
      '    patterns:',
      '      - { pattern: "FORBIDDEN", message: "forbidden word" }',
    ].join('\n'),
    'src/app.txt': 'FORBIDDEN\n',
    'test/fixtures/app.txt': 'FORBIDDEN\n',
    ...files,
  });
}

async function check(root: string, extra: Partial<Parameters<typeof runCheck>[0]> = {}): Promise<Report> {
  return runCheck({ root, builtinRules: false, ruleDirs: [path.join(root, '.controlgate/rules')], ...extra });
}
const where = (r: Report) =>
  r.findings.map((f) => `${f.location?.path} ${f.confidence}${f.blocking ? ' blocking' : ''}`).sort();
/** Each finding's place, confidence, whether it blocks, and why its confidence was lowered. */
const graded = (r: Report) =>
  r.findings.map(
    (f) =>
      `${f.location?.path}:${f.location?.startLine} ${f.confidence}${f.blocking ? ' blocking' : ''}` +
      `${f.confidenceReason ? ` (${f.confidenceReason})` : ''}`,
  );

describe('a test environment file is test data', () => {
  // A random session secret beside obviously fake values, as a test environment holds them.
  const secret = createHash('sha256').update('controlgate test environment').digest('hex');
  const env = [
    'APP_ENV=test',
    'DATABASE_URL=postgres://app:app@127.0.0.1:5432/app_test',
    `SESSION_SECRET=${secret}`,
    'SMTP_PASSWORD=123',
    '',
  ].join('\n');
  const files = { '.env.test': env, 'api/.env.testing': env, '.env': env, 'api/.env.production': env };
  const shown = (r: Report) =>
    r.findings
      .map(
        (f) => `${f.location?.path}:${f.location?.startLine} ${f.confidence}${f.blocking ? ' blocking' : ''}`,
      )
      .sort();

  it('.env.test and .env.testing get low confidence (hidden); .env and .env.production keep theirs', async () => {
    const root = makeTree(files);
    const regular = await runCheck({ root, onlyRules: ['credential-file-committed'] });
    expect(shown(regular)).toEqual(['.env:3 medium blocking', 'api/.env.production:3 medium blocking']);
    expect(regular.summary.hidden).toMatchObject({ findings: 2, lowConfidence: 2 });
    const auditor = await runCheck({ root, onlyRules: ['credential-file-committed'], persona: 'auditor' });
    expect(shown(auditor)).toEqual([
      '.env.test:3 low',
      '.env:3 medium blocking',
      'api/.env.production:3 medium blocking',
      'api/.env.testing:3 low',
    ]);
    for (const f of auditor.findings.filter((x) => x.confidence === 'low')) {
      expect(f.confidenceReason).toMatch(/test, fixture, example, documentation, archived or vendored path/);
    }
  });
});

describe('confidence in a run', () => {
  it('a finding under a test path is low confidence: counted, hidden from regular, not blocking', async () => {
    const report = await check(repo());
    expect(where(report)).toEqual(['src/app.txt high blocking']);
    expect(report.summary.hidden).toEqual({
      findings: 1,
      bySeverity: { critical: 0, high: 1, medium: 0, low: 0, info: 0 },
      lowConfidence: 1,
      pedantic: 0,
      auditor: 0,
      persona: 'pedantic',
    });
    expect(report.rules.find((r) => r.id === 'no-forbidden')?.findings).toBe(2);
    expect(renderText(report, { color: false })).toContain(
      '1 finding not shown (persona regular: 1 of low confidence; persona pedantic shows it)',
    );
    expect(renderMarkdown(report)).toContain('1 finding not shown (persona regular');
  });

  it('pedantic shows it with its reason; fail-on-confidence low makes it block', async () => {
    const root = repo();
    const pedantic = await check(root, { persona: 'pedantic' });
    expect(where(pedantic)).toEqual(['src/app.txt high blocking', 'test/fixtures/app.txt low']);
    expect(pedantic.summary.hidden).toBeUndefined();
    expect(renderText(pedantic, { color: false })).toMatch(
      /test\/fixtures\/app\.txt:1:1 .*\(low confidence\)/,
    );
    const strict = await check(root, { failOnConfidence: 'low' });
    expect(where(strict)).toEqual(['src/app.txt high blocking', 'test/fixtures/app.txt low blocking']);
    expect(strict.summary.gate.reasons).toEqual(['2 open findings at or above "high" (2 high)']);
  });

  it('test-paths in the config replaces the defaults; [] turns them off', async () => {
    const off = await check(repo({ '.controlgate.yml': 'version: 1\ntest-paths: []\n' }));
    expect(where(off)).toEqual(['src/app.txt high blocking', 'test/fixtures/app.txt high blocking']);
    const own = await check(repo({ '.controlgate.yml': 'version: 1\ntest-paths: ["src/**"]\n' }));
    expect(where(own)).toEqual(['test/fixtures/app.txt high blocking']);
    expect(own.settings.testPaths).toEqual(['src/**']);
  });

  it("a rule's confidence and persona apply to its findings", async () => {
    const unsure = await check(repo({}, 'confidence: medium\npersona: pedantic'), { persona: 'pedantic' });
    expect(where(unsure)).toEqual(['src/app.txt medium blocking', 'test/fixtures/app.txt low']);
    const smell = await check(repo({}, 'persona: pedantic'), { failOn: 'never' });
    expect(smell.findings).toEqual([]);
    expect(smell.summary.hidden?.findings).toBe(2);
  });

  it('a low-confidence finding is no evidence of a gap in a declared control, nor of the control met', async () => {
    const root = repo({
      'src/app.txt': 'fine\n',
      '.github/controls.yml':
        'version: 1\ncontrols:\n  "8.28":\n    status: implemented\n    justification: reviewed\n',
    });
    const report = await check(root, { failOn: 'never' });
    expect(report.controls.find((c) => c.id === '8.28')).toMatchObject({
      verdict: 'not-assessed',
      reasons: [
        'rule no-forbidden has 1 open finding of lower confidence than medium (fail-on-confidence): it makes no gap, and does not show the control met',
      ],
    });
    expect(report.summary.gate.result).toBe('pass');
    const strict = await check(root, { failOn: 'never', failOnConfidence: 'low' });
    expect(strict.controls.find((c) => c.id === '8.28')).toMatchObject({
      verdict: 'gap',
      reasons: ['rule no-forbidden has 1 open finding'],
    });
  });

  it('a control met by its evidence says why the low-confidence findings it counts make no gap', async () => {
    const root = repo({
      'src/app.txt': 'fine\n',
      'docs/secure-coding.md':
        '# Secure coding\n\nEvery change is reviewed by a second engineer against the team checklist, and input from users is validated at the boundary before it reaches a query or a shell.\n',
      '.github/controls.yml':
        'version: 1\ncontrols:\n  "8.28":\n    status: implemented\n    justification: reviewed\n    evidence: [docs/secure-coding.md]\n',
    });
    const report = await check(root, { failOn: 'never' });
    expect(report.controls.find((c) => c.id === '8.28')).toMatchObject({
      verdict: 'satisfied',
      open: 1,
      reasons: [
        'rule no-forbidden has 1 open finding of lower confidence than medium (fail-on-confidence): it makes no gap',
      ],
    });
    const strict = await check(root, { failOn: 'never', failOnConfidence: 'low' });
    expect(strict.controls.find((c) => c.id === '8.28')).toMatchObject({
      verdict: 'gap',
      reasons: ['rule no-forbidden has 1 open finding'],
    });
  });
});

describe('settings', () => {
  async function cli(...argv: string[]) {
    let stderr = '';
    const code = await main(argv, {
      stdout() {},
      stderr: (t) => {
        stderr += t;
      },
      isTTY: false,
    });
    return { code, stderr };
  }

  it('the CLI refuses unknown values with the allowed ones', async () => {
    const root = repo();
    expect(await cli('check', root, '--persona', 'boss')).toEqual({
      code: 2,
      stderr: 'controlgate: --persona must be one of regular, pedantic, auditor; got "boss"\n',
    });
    expect((await cli('check', root, '--fail-on-confidence', 'sure')).stderr).toBe(
      'controlgate: --fail-on-confidence must be one of low, medium, high; got "sure"\n',
    );
  });

  it('the config refuses unknown values at their line', async () => {
    const root = repo({ '.controlgate.yml': 'version: 1\npersona: boss\n' });
    await expect(check(root)).rejects.toThrow(/\.controlgate\.yml:2:\d+: \/persona: must be one of/);
  });
});

describe('a key file named as test material is a fixture', () => {
  const key = `${pem('PRIVATE KEY', keyBody('pkcs8'))}\n`;
  const files = {
    'internal/http/testkey.pem': key,
    'internal/http/http_test.go': 'package http\n\nconst keyFile = "testkey.pem"\n',
    'deploy/tls.key': key,
    'certs/latest.pem': key,
  };

  it('testkey.pem beside the test that reads it is low and says why; tls.key and latest.pem still block', async () => {
    const root = makeTree(files);
    const report = await runCheck({ root, onlyRules: ['private-key-committed'], persona: 'auditor' });
    expect(graded(report)).toEqual([
      'certs/latest.pem:1 high blocking',
      'deploy/tls.key:1 high blocking',
      "internal/http/testkey.pem:1 low (the key file's name marks it as test material (test, fake, dummy, example or sample))",
    ]);
  });
});

describe('a manifest that kustomize builds only for test or quick-start kustomizations is their material', () => {
  const key = pem('PRIVATE KEY', keyBody('pkcs8'), '    ');
  const configMap = (name: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  tls.key: |\n${key}\n`;
  const kustomization = (key: string, ref: string) =>
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${key}:\n  - ${ref}\n`;
  const component = (ref: string) =>
    `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - ${ref}\n`;
  const files = {
    // Included, through a component, by the quick start alone.
    'manifests/components/sso/kustomization.yaml': component('dex'),
    'manifests/components/sso/dex/kustomization.yaml': kustomization('resources', 'dex-cm.yaml'),
    'manifests/components/sso/dex/dex-cm.yaml': configMap('dex'),
    'manifests/quick-start/sso/kustomization.yaml': kustomization('components', '../../components/sso'),
    // Included by the quick start and by a production overlay.
    'manifests/components/ldap/kustomization.yaml': component('ldap-cm.yaml'),
    'manifests/components/ldap/ldap-cm.yaml': configMap('ldap'),
    'manifests/quick-start/ldap/kustomization.yaml': kustomization('components', '../../components/ldap'),
    'manifests/production/kustomization.yaml': kustomization('components', '../components/ldap'),
    // Listed by no kustomization: applied as written, by something else.
    'manifests/tls/tls-cm.yaml': configMap('tls'),
  };

  it('lowers its findings, with the reason; one a production overlay includes, or none, still blocks', async () => {
    const report = await runCheck({
      root: makeTree(files),
      onlyRules: ['private-key-committed'],
      persona: 'auditor',
    });
    expect(graded(report)).toEqual([
      'manifests/components/ldap/ldap-cm.yaml:7 high blocking',
      'manifests/components/sso/dex/dex-cm.yaml:7 low (the manifest is built only by kustomizations under test, fixture, example or quick-start paths)',
      'manifests/tls/tls-cm.yaml:7 high blocking',
    ]);
  });

  it('follows the configured test paths: none, and nothing is lowered', async () => {
    const root = makeTree({ ...files, '.controlgate.yml': 'version: 1\ntest-paths: []\n' });
    const report = await runCheck({ root, onlyRules: ['private-key-committed'], persona: 'auditor' });
    expect(report.findings.map((f) => f.confidence)).toEqual(['high', 'high', 'high']);
  });
});

describe("a vendored copy of another project's release is not the repository's own", () => {
  // Findings are lowered ('low') or keep their confidence ('kept').
  // A medium finding (the hygiene the lowering is for): a Dockerfile whose container runs as root.
  const dockerfile = `FROM alpine@sha256:${'0'.repeat(64)}\nCMD ["serve"]\n`;
  /** A copy of upstream's release in `folder`, with the root files `roots`, and a Dockerfile in it. */
  const release = (folder: string, roots = ['LICENSE', 'README.md', 'Makefile']) => ({
    ...Object.fromEntries(roots.map((r) => [`${folder}/${r}`, 'x\n'])),
    [`${folder}/contrib/docker/Dockerfile`]: dockerfile,
  });
  it.each([
    ['lib/zstd-1.5.7', release('lib/zstd-1.5.7'), 'low'],
    ['deps/snappy-fef67ac', release('deps/snappy-fef67ac', ['COPYING', 'README', 'CMakeLists.txt']), 'low'],
    ['a plugin bundles libmaxminddb-1.12.2', release('plugins/filter_geoip2/libmaxminddb-1.12.2'), 'low'],
    // Without a license, a README or a build file of its own, nothing says it is another project.
    ['lib/zstd-1.5.7 without a license', release('lib/zstd-1.5.7', ['README.md', 'Makefile']), 'kept'],
    ['lib/zstd-1.5.7 without a build file', release('lib/zstd-1.5.7', ['LICENSE', 'README.md']), 'kept'],
    // Not under a vendoring folder, or not named for a release.
    ['src/zstd-1.5.7', release('src/zstd-1.5.7'), 'kept'],
    ['lib/zstd', release('lib/zstd'), 'kept'],
    ['lib/api-v2', release('lib/api-v2'), 'kept'],
    // A list of test paths of its own says what is vendored.
    [
      'lib/zstd-1.5.7 with test paths of its own',
      { ...release('lib/zstd-1.5.7'), '.controlgate.yml': 'version: 1\ntest-paths: ["**/test/**"]\n' },
      'kept',
    ],
    // The repository builds the Dockerfile from outside the folder: it is its own.
    [
      'a root compose file builds it',
      {
        ...release('lib/zstd-1.5.7'),
        'compose.yaml': 'services:\n  app:\n    build: ./lib/zstd-1.5.7/contrib/docker\n',
      },
      'kept',
    ],
    [
      'a workflow builds it',
      {
        ...release('lib/zstd-1.5.7'),
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          context: ./lib/zstd-1.5.7/contrib/docker\n',
      },
      'kept',
    ],
    // The release's own compose file building it is upstream's, unless the repository includes that.
    [
      "the release's own compose file builds it",
      {
        ...release('lib/zstd-1.5.7'),
        'lib/zstd-1.5.7/compose.yaml': 'services:\n  app:\n    build: ./contrib/docker\n',
      },
      'low',
    ],
    [
      "a root compose file includes the release's compose file, which builds it",
      {
        ...release('lib/zstd-1.5.7'),
        'lib/zstd-1.5.7/compose.yaml': 'services:\n  app:\n    build: ./contrib/docker\n',
        'compose.yaml': 'include:\n  - path: lib/zstd-1.5.7/compose.yaml\n',
      },
      'kept',
    ],
  ])("%s: the Dockerfile's root user is $2", async (_, files, confidence) => {
    const report = await runCheck({
      root: makeTree(files),
      onlyRules: ['dockerfile-root-user'],
      persona: 'auditor',
    });
    expect(report.findings.map((f) => (f.confidence === 'low' ? 'low' : 'kept'))).toEqual([confidence]);
    if (confidence === 'low')
      expect(report.findings[0]!.confidenceReason).toMatch(/^the file is in a vendored copy/);
  });

  const folder = 'lib/app-1.2.3';
  const marked = {
    [`${folder}/LICENSE`]: 'MIT\n',
    [`${folder}/README.md`]: '# app\n',
    [`${folder}/Makefile`]: 'all:\n',
  };
  const pod =
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n' +
    `      image: nginx@sha256:${'0'.repeat(64)}\n      securityContext: {privileged: true}\n`;
  const bucket =
    'resource "aws_s3_bucket_acl" "b" {\n  bucket = "prod-data"\n  acl    = "public-read-write"\n}\n';
  it.each([
    // A high finding keeps its confidence in the folder, used or not: the marker is cheap to add.
    [
      'a privileged Pod, used by nothing',
      { [`${folder}/pod.yaml`]: pod },
      'k8s-privileged-container',
      'kept',
    ],
    ['a public bucket, used by nothing', { [`${folder}/main.tf`]: bucket }, 'terraform-bucket-public', 'low'],
    [
      'a public bucket of a module the root calls',
      { [`${folder}/main.tf`]: bucket, 'main.tf': `module "net" {\n  source = "./${folder}"\n}\n` },
      'terraform-bucket-public',
      'kept',
    ],
    [
      'a public bucket of a module the release calls itself',
      {
        [`${folder}/modules/s3/main.tf`]: bucket,
        [`${folder}/main.tf`]: 'module "s3" {\n  source = "./modules/s3"\n}\n',
      },
      'terraform-bucket-public',
      'low',
    ],
    [
      'a public bucket of a module the release calls, which the root calls',
      {
        [`${folder}/modules/s3/main.tf`]: bucket,
        [`${folder}/main.tf`]: 'module "s3" {\n  source = "./modules/s3"\n}\n',
        'infra/main.tf': `module "app" {\n  source = "../${folder}"\n}\n`,
      },
      'terraform-bucket-public',
      'kept',
    ],
    [
      'a root Pod listed by a root kustomization',
      {
        [`${folder}/pod.yaml`]: pod.replace('privileged: true', 'runAsUser: 0'),
        'kustomization.yaml': `resources:\n  - ${folder}/pod.yaml\n`,
      },
      'k8s-run-as-root',
      'kept',
    ],
    [
      "a Pod listed only by the release's own kustomization",
      {
        [`${folder}/pod.yaml`]: pod.replace('privileged: true', 'runAsUser: 0'),
        [`${folder}/kustomization.yaml`]: 'resources:\n  - pod.yaml\n',
      },
      'k8s-run-as-root',
      'low',
    ],
    [
      "a Pod of the release's kustomization, which a root one lists",
      {
        [`${folder}/pod.yaml`]: pod.replace('privileged: true', 'runAsUser: 0'),
        [`${folder}/kustomization.yaml`]: 'resources:\n  - pod.yaml\n',
        'deploy/kustomization.yaml': `resources:\n  - ../${folder}\n`,
      },
      'k8s-run-as-root',
      'kept',
    ],
  ])('%s', async (_, files, rule, confidence) => {
    const report = await runCheck({
      root: makeTree({ ...marked, ...files }),
      onlyRules: [rule],
      persona: 'auditor',
    });
    expect(report.findings.map((f) => (f.confidence === 'low' ? 'low' : 'kept'))).toEqual([confidence]);
  });
});

describe('a file under a test or example path that the repository deploys from outside them is its own', () => {
  const pod =
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n' +
    `      image: nginx@sha256:${'0'.repeat(64)}\n      securityContext: {privileged: true}\n`;
  const sg =
    'resource "aws_security_group" "ssh" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n' +
    '    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';
  const stack = `services:\n  app:\n    image: nginx@sha256:${'0'.repeat(64)}\n    privileged: true\n`;
  const k8s = 'k8s-privileged-container';
  const tf = 'terraform-admin-ports-public';
  const compose = 'compose-privileged-container';
  it.each([
    // Kustomize: a root kustomization lists the fixture, directly or through a folder's kustomization.
    ['a fixture nothing lists', { 'fixtures/pod.yaml': pod }, k8s, 'low'],
    [
      'a fixture only a test kustomization lists',
      { 'fixtures/pod.yaml': pod, 'fixtures/kustomization.yaml': 'resources:\n  - pod.yaml\n' },
      k8s,
      'low',
    ],
    [
      'a fixture a root kustomization lists',
      { 'fixtures/pod.yaml': pod, 'kustomization.yaml': 'resources:\n  - fixtures/pod.yaml\n' },
      k8s,
      'kept',
    ],
    [
      'a fixture of a test kustomization that an overlay lists',
      {
        'test/e2e/pod.yaml': pod,
        'test/e2e/kustomization.yaml': 'resources:\n  - pod.yaml\n',
        'deploy/prod/kustomization.yaml': 'resources:\n  - ../../test/e2e\n',
      },
      k8s,
      'kept',
    ],
    [
      'an example an overlay takes as a component',
      {
        'examples/sso/pod.yaml': pod,
        'examples/sso/kustomization.yaml': 'kind: Component\nresources:\n  - pod.yaml\n',
        'deploy/kustomization.yaml': 'components:\n  - ../examples/sso\n',
      },
      k8s,
      'kept',
    ],
    // Terraform: a module outside the test paths calls the example's folder.
    ['an example module nothing calls', { 'examples/sg/main.tf': sg }, tf, 'low'],
    [
      'an example module the root module calls',
      { 'examples/sg/main.tf': sg, 'main.tf': 'module "sg" {\n  source = "./examples/sg"\n}\n' },
      tf,
      'kept',
    ],
    // Wherever HCL allows the attribute, and in JSON syntax.
    [
      'an example module the root module calls in a one-line block',
      { 'examples/sg/main.tf': sg, 'main.tf': 'module "sg" { source = "./examples/sg" }\n' },
      tf,
      'kept',
    ],
    [
      'an example module a call with an unquoted label calls, after an interpolation holding a comment opener',
      {
        'examples/sg/main.tf': sg,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: an HCL interpolation
        'main.tf': 'locals {\n  a = "${"/*"}"\n}\nmodule sg { source = "./examples/sg" } # {\n',
      },
      tf,
      'kept',
    ],
    [
      'an example module the root module calls in JSON syntax',
      { 'examples/sg/main.tf': sg, 'main.tf.json': '{"module":{"sg":{"source":"./examples/sg"}}}\n' },
      tf,
      'kept',
    ],
    [
      'an example module the root module calls in JSON syntax, blocks as arrays',
      {
        'examples/sg/main.tf': sg,
        'main.tf.json': '{"module":[{"sg":[{"source":"./examples/sg"}]}]}\n',
      },
      tf,
      'kept',
    ],
    [
      'an example module only a comment or a heredoc names',
      {
        'examples/sg/main.tf': sg,
        'main.tf':
          '# module "sg" { source = "./examples/sg" }\n/* module "sg" {\n  source = "./examples/sg"\n} */\n' +
          'locals {\n  doc = <<-EOT\n    module "sg" {\n      source = "./examples/sg"\n    }\n  EOT\n}\n',
      },
      tf,
      'low',
    ],
    [
      'an example that calls the root module (the usual direction)',
      {
        'examples/complete/main.tf': `module "root" {\n  source = "../.."\n}\n${sg}`,
        'main.tf': 'variable "x" {}\n',
      },
      tf,
      'low',
    ],
    [
      'an example module only another example calls',
      {
        'examples/sg/main.tf': sg,
        'examples/complete/main.tf': 'module "sg" {\n  source = "../sg"\n}\n',
      },
      tf,
      'low',
    ],
    // Compose: a compose file outside the test paths includes the test's stack.
    ['a test stack nothing includes', { 'test/compose.yaml': stack }, compose, 'low'],
    [
      'a test stack the root compose file includes',
      { 'test/compose.yaml': stack, 'compose.yaml': 'include:\n  - test/compose.yaml\n' },
      compose,
      'kept',
    ],
    // A compose file named for a test stack, which the compose rules judge no deployment, builds
    // the test's image as a test does.
    [
      'a test image a compose file named for tests builds',
      {
        'app/tests/Dockerfile': 'FROM node:22.11.0\nCMD ["npm", "test"]\n',
        'app/docker-compose.test.yml': 'services:\n  sut:\n    build: ./tests/\n',
      },
      'dockerfile-root-user',
      'low',
    ],
    [
      "a test image beside the app's own, in the folder the root compose file builds",
      {
        'app/Dockerfile': 'FROM node:22.11.0\nUSER node\nCMD ["node", "server.js"]\n',
        'app/tests/Dockerfile': 'FROM node:22.11.0\nCMD ["npm", "test"]\n',
        'compose.yaml': 'services:\n  app:\n    build: ./app\n',
      },
      'dockerfile-root-user',
      'low',
    ],
    [
      'a test image the root compose file builds',
      {
        'app/tests/Dockerfile': 'FROM node:22.11.0\nCMD ["npm", "test"]\n',
        'compose.yaml': 'services:\n  app:\n    build: ./app/tests/\n',
      },
      'dockerfile-root-user',
      'kept',
    ],
    // A workflow that runs the tests from their folder uses them as tests.
    [
      'a test stack a workflow starts from its folder',
      {
        'test/compose.yaml': stack,
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker compose up -d\n        working-directory: test\n',
      },
      compose,
      'low',
    ],
  ])('%s', async (_, files, rule, confidence) => {
    const report = await runCheck({ root: makeTree(files), onlyRules: [rule], persona: 'auditor' });
    expect(report.findings.map((f) => (f.confidence === 'low' ? 'low' : 'kept'))).toEqual([confidence]);
  });
});

describe("a file under a test or example path that a workflow job deploys is the repository's own", () => {
  const pod =
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n' +
    `      image: nginx@sha256:${'0'.repeat(64)}\n      securityContext: {privileged: true}\n`;
  const stack = `services:\n  app:\n    image: nginx@sha256:${'0'.repeat(64)}\n    privileged: true\n`;
  const sg =
    'resource "aws_security_group" "ssh" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n' +
    '    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n';
  const k8s = 'k8s-privileged-container';
  const compose = 'compose-privileged-container';
  const tf = 'terraform-admin-ports-public';
  const prod = '    runs-on: [self-hosted, prod]\n    environment: production\n';
  const ci = '    runs-on: ubuntu-latest\n';
  const job = (head: string, ...steps: string[]) =>
    `on: push\njobs:\n  j:\n${head}    steps:\n      - uses: actions/checkout@v4\n${steps
      .map((st) => `      - ${st}\n`)
      .join('')}`;
  const wf = (text: string) => ({ '.github/workflows/deploy.yml': text });
  it.each([
    // A job that deploys (an environment, a self-hosted runner) applies or starts the file.
    [
      'a manifest a production job applies',
      { 'examples/pod.yaml': pod, ...wf(job(prod, 'run: kubectl apply -f examples/pod.yaml')) },
      k8s,
      'kept',
    ],
    [
      'a folder a production job applies, with options before the subcommand',
      { 'examples/pod.yaml': pod, ...wf(job(prod, 'run: kubectl -n prod apply --filename=examples/')) },
      k8s,
      'kept',
    ],
    [
      'a manifest a production job applies from its working directory',
      {
        'examples/pod.yaml': pod,
        ...wf(job(prod, 'run: kubectl apply -f pod.yaml\n        working-directory: examples')),
      },
      k8s,
      'kept',
    ],
    [
      'a kustomization a production job builds and applies',
      {
        'examples/pod.yaml': pod,
        'examples/kustomization.yaml': 'resources:\n  - pod.yaml\n',
        ...wf(job(prod, 'run: kustomize build examples | kubectl apply -f -')),
      },
      k8s,
      'kept',
    ],
    [
      'a manifest a local action of a production job applies',
      {
        'examples/pod.yaml': pod,
        '.github/actions/up/action.yml':
          'runs:\n  using: composite\n  steps:\n    - run: kubectl apply -f examples/pod.yaml\n      shell: bash\n',
        ...wf(job(prod, 'uses: ./.github/actions/up')),
      },
      k8s,
      'kept',
    ],
    [
      'a manifest a hosted job applies to the cluster it logs in to',
      {
        'examples/pod.yaml': pod,
        ...wf(
          job(
            ci,
            'uses: aws-actions/configure-aws-credentials@v4\n        with: {role-to-assume: arn:aws:iam::1:role/x, aws-region: eu-west-1}',
            'run: aws eks update-kubeconfig --name prod && kubectl apply -f examples/pod.yaml',
          ),
        ),
      },
      k8s,
      'kept',
    ],
    [
      'a manifest a job applies with a kubeconfig from a secret, after a comment naming kind',
      {
        'examples/pod.yaml': pod,
        ...wf(
          job(
            ci,
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression
            'run: |\n          # kind create cluster\n          echo "${{ secrets.KUBE }}" > kc\n          kubectl apply -f examples/pod.yaml',
          ),
        ),
      },
      k8s,
      'kept',
    ],
    [
      'a compose stack a production job starts',
      {
        'examples/compose.yaml': stack,
        ...wf(job(prod, 'run: docker compose -f examples/compose.yaml up -d')),
      },
      compose,
      'kept',
    ],
    [
      'a compose stack a hosted job starts on a remote Docker host',
      {
        'test/compose.yaml': stack,
        ...wf(
          job(
            `${ci}    env: {DOCKER_HOST: ssh://deploy@prod}\n`,
            'run: docker compose -f test/compose.yaml up -d',
          ),
        ),
      },
      compose,
      'kept',
    ],
    [
      'an example module a production job applies',
      {
        'examples/sg/main.tf': sg,
        ...wf(job(prod, 'run: terraform -chdir=examples/sg apply -auto-approve')),
      },
      tf,
      'kept',
    ],
    // A job that tests: it applies to a cluster it creates, reaches none, or only rehearses.
    [
      'a manifest a job applies to the kind cluster the kind action creates',
      {
        'test/e2e/pod.yaml': pod,
        ...wf(
          job(
            ci,
            'uses: helm/kind-action@v1',
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression
            'run: kubectl apply -f test/e2e/pod.yaml && make e2e\n        env: {REGISTRY_TOKEN: "${{ secrets.REGISTRY }}"}',
          ),
        ),
      },
      k8s,
      'low',
    ],
    [
      'a manifest a job applies to the kind cluster it creates',
      {
        'test/e2e/pod.yaml': pod,
        ...wf(
          job(
            prod.replace('    environment: production\n', '').replace('[self-hosted, prod]', 'ubuntu-latest'),
            'run: kind create cluster && kubectl apply -f test/e2e/pod.yaml',
          ),
        ),
      },
      k8s,
      'low',
    ],
    [
      "a manifest a job applies to its kind cluster after writing that cluster's kubeconfig to a file",
      {
        'test/e2e/pod.yaml': pod,
        ...wf(
          job(
            '    runs-on: [self-hosted, big]\n',
            'run: kind create cluster --name m',
            'run: kind get kubeconfig --name m | sed s/127.0.0.1/10.0.0.2/ > /tmp/m-kubeconfig.yaml',
            'run: kubectl --context kind-m apply -f test/e2e/pod.yaml',
          ),
        ),
      },
      k8s,
      'low',
    ],
    [
      'a manifest a hosted job with no credentials applies',
      { 'test/e2e/pod.yaml': pod, ...wf(job(ci, 'run: make cluster && kubectl apply -f test/e2e/pod.yaml')) },
      k8s,
      'low',
    ],
    [
      'a manifest a production job only rehearses or names in a comment',
      {
        'examples/pod.yaml': pod,
        ...wf(
          job(
            prod,
            'run: kubectl apply --dry-run=client -f examples/pod.yaml',
            'run: |\n          # kubectl apply -f examples/pod.yaml\n          echo done',
          ),
        ),
      },
      k8s,
      'low',
    ],
    [
      'a compose stack a hosted test job starts on its runner',
      {
        'test/compose.yaml': stack,
        ...wf(job(ci, 'run: docker compose -f test/compose.yaml up -d && npm test')),
      },
      compose,
      'low',
    ],
  ])('%s', async (_, files, rule, confidence) => {
    const report = await runCheck({ root: makeTree(files), onlyRules: [rule], persona: 'auditor' });
    expect(report.findings.map((f) => (f.confidence === 'low' ? 'low' : 'kept'))).toEqual([confidence]);
  });
});

describe('a Compose stack of the CI is one only if nothing deploys it', () => {
  const stack = `services:\n  app:\n    image: nginx@sha256:${'0'.repeat(64)}\n    privileged: true\n`;
  const workflow = (job: string) =>
    `on: push\njobs:\n  j:\n${job}    steps:\n      - uses: actions/checkout@v4\n      - run: docker compose -f docker-compose.integration_tests.yml up -d\n`;
  it.each([
    ['named for a suite of tests, used by nothing', {}, 'low'],
    [
      'brought up by a test job',
      { '.github/workflows/ci.yml': workflow('    runs-on: ubuntu-latest\n') },
      'low',
    ],
    [
      'included by a CI stack',
      { 'ci/compose.yaml': 'include:\n  - ../docker-compose.integration_tests.yml\n' },
      'low',
    ],
    [
      'included by the root compose file',
      { 'compose.yaml': 'include:\n  - docker-compose.integration_tests.yml\n' },
      'kept',
    ],
    [
      'extended by the root compose file',
      {
        'compose.yaml':
          'services:\n  web:\n    extends:\n      file: docker-compose.integration_tests.yml\n      service: app\n',
      },
      'kept',
    ],
    [
      'brought up by a job on a self-hosted runner',
      { '.github/workflows/deploy.yml': workflow('    runs-on: [self-hosted, prod]\n') },
      'kept',
    ],
    [
      'brought up by a job of an environment',
      {
        '.github/workflows/deploy.yml': workflow('    runs-on: ubuntu-latest\n    environment: production\n'),
      },
      'kept',
    ],
  ])('%s', async (_, files, expected) => {
    const report = await runCheck({
      root: makeTree({ 'docker-compose.integration_tests.yml': stack, ...files }),
      onlyRules: ['compose-privileged-container'],
      persona: 'auditor',
    });
    expect(
      report.findings
        .filter((f) => f.location?.path === 'docker-compose.integration_tests.yml')
        .map((f) => (f.confidence === 'low' ? 'low' : 'kept')),
    ).toEqual([expected]);
  });
});
