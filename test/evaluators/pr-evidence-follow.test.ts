// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell variables (${language}) are the subject of these tests.
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/core/engine.js';
import { workflowPrEvidence } from '../../src/core/evaluators/workflow/pr-evidence.js';
import { RecordingWorkspace } from '../../src/core/workspace/recording.js';
import { InputLog, touchedBy } from '../../src/core/workspace/scope.js';
import { makeTree } from '../helpers/run-action.js';
import { at, cleanup, run as evaluate, runBuiltin as runRule, workspaceOf } from './kit.js';

afterAll(cleanup);

/**
 * A built-in rule over the tree, with a source file beside it: a repository of configuration alone is
 * told apart (see the last describe), and these cases are about where the evidence is.
 */
const runBuiltin = (id: string, files: Record<string, string>, options?: Parameters<typeof runRule>[2]) =>
  runRule(id, { 'cmd/app/main.go': 'package main\n', ...files }, options);

/**
 * The built-in SAST and tests rules over small trees modelled on what crater judgements found: the
 * activity run on pull requests through golangci-lint's gosec, a make target, a repository script or a
 * reusable workflow of another repository. Each `pass` case failed before the evaluator followed
 * these; each `fail` case is the same shape without the activity.
 */

const W = '.github/workflows/ci.yml';
const PIN = '0123456789abcdef0123456789abcdef01234567';
/** A pull request workflow whose one job runs `steps` (YAML list items, indented 6). */
const pr = (steps: string) =>
  `on: pull_request\npermissions: { contents: read }\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
const action = (uses: string) => `      - uses: ${uses}@${PIN}\n`;
const run = (script: string, shell?: string) =>
  `      - run: ${script}\n${shell ? `        shell: ${shell}\n` : ''}`;
/** A composite action whose `steps` are YAML list items indented 6 (a `run:` also takes `shell`). */
const COMPOSITE = (steps: string) => `name: local\nruns:\n  using: composite\n  steps:\n${steps}`;
const GOSEC_V2 = 'version: "2"\nlinters:\n  default: none\n  enable: [govet, gosec]\n';

type Case = [name: string, files: Record<string, string>, expected: string[]];

/** A Dockerfile whose build stage runs `command`, copied from by the final stage. */
const TEST_STAGE = (command: string) =>
  `FROM golang:1.24 AS build\nCOPY . .\nRUN ${command}\nRUN go build -o /app .\n\nFROM alpine:3\nCOPY --from=build /app /app\n`;

const sast: Case[] = [
  [
    'golangci-lint action, v2 config enabling gosec',
    { [W]: pr(action('golangci/golangci-lint-action')), '.golangci.yml': GOSEC_V2 },
    [],
  ],
  [
    'golangci-lint command, v1 enable-all',
    {
      [W]: pr(run('golangci-lint run ./...')),
      '.golangci.yaml': 'linters:\n  enable-all: true\n  disable: [lll]\n',
    },
    [],
  ],
  [
    'golangci-lint behind make lint',
    {
      [W]: pr(run('make lint')),
      Makefile: 'GO ?= go\nlint: tools\n\tgolangci-lint run -v\n',
      '.golangci.yml': GOSEC_V2,
    },
    [],
  ],
  [
    'zizmor in a reusable workflow of another repository',
    {
      [W]: `on: pull_request\njobs:\n  zizmor:\n    uses: org/.github/.github/workflows/zizmor.yml@${PIN}\n`,
    },
    [],
  ],
  [
    'bandit behind a script with a variable',
    { [W]: pr(run('./ci/scan-${LANG}.sh')), 'ci/scan-python.sh': 'bandit -r src\n' },
    [],
  ],
  ['golangci-lint without a configuration', { [W]: pr(action('golangci/golangci-lint-action')) }, ['-']],
  [
    'golangci-lint whose configuration does not enable gosec',
    { [W]: pr(run('golangci-lint run')), '.golangci.yml': 'version: "2"\nlinters:\n  enable: [govet]\n' },
    ['-'],
  ],
  [
    'golangci-lint with all linters but gosec disabled',
    {
      [W]: pr(run('golangci-lint run')),
      '.golangci.yml': 'version: "2"\nlinters:\n  default: all\n  disable: [gosec]\n',
    },
    ['-'],
  ],
  [
    'gosec enabled but golangci-lint never runs',
    { [W]: pr(run('go vet ./...')), '.golangci.yml': GOSEC_V2 },
    ['-'],
  ],
  [
    'make lint whose recipe only formats',
    { [W]: pr(run('make lint')), Makefile: 'lint:\n\tgofmt -l .\n', '.golangci.yml': GOSEC_V2 },
    ['-'],
  ],
  [
    // Its steps are not in this tree: the finding is a guess (low confidence, out of the regular view).
    'a reusable workflow of another repository, not examined',
    {
      [W]: `on: pull_request\njobs:\n  build:\n    uses: org/.github/.github/workflows/docker-build.yml@${PIN}\n`,
    },
    [],
  ],
  ['a script that does not exist', { [W]: pr(run('../../outside/scan.sh')) }, ['-']],
  [
    'the golangci-lint built by golangci-lint custom, run through a make variable',
    {
      [W]: pr(run('make lint')),
      Makefile:
        'LINTER := bin/custom-gcl\n\n$(LINTER):\n\tgolangci-lint custom\n\nlint: $(LINTER)\n\t$(LINTER) run ./...\n',
      '.custom-gcl.yml': 'version: v2.5.0\nname: custom-gcl\ndestination: ./bin\nplugins: []\n',
      '.golangci.yml': GOSEC_V2,
    },
    [],
  ],
  [
    'a custom golangci-lint under the name its .custom-gcl.yml gives, run by a step',
    {
      [W]: pr(run('./tools/gcl-plus run --timeout 5m ./...')),
      '.custom-gcl.yaml': 'version: v2.5.0\nname: gcl-plus\ndestination: ./tools\n',
      '.golangci.yml': GOSEC_V2,
    },
    [],
  ],
  [
    'golangci-lint behind nested make variables (?= and :=)',
    {
      [W]: pr(run('make lint')),
      Makefile:
        'LOCALBIN ?= $(shell pwd)/bin\nGOLANGCI_LINT ?= ${LOCALBIN}/golangci-lint\nlint:\n\t$(GOLANGCI_LINT) run\n',
      '.golangci.yml': GOSEC_V2,
    },
    [],
  ],
  [
    'a make variable set before is not replaced by ?=',
    {
      [W]: pr(run('make lint')),
      Makefile: 'LINT := gofmt -l .\nLINT ?= golangci-lint\nlint:\n\t$(LINT) run\n',
      '.golangci.yml': GOSEC_V2,
    },
    ['-'],
  ],
  [
    'a custom golangci-lint whose configuration does not enable gosec',
    {
      [W]: pr(run('bin/custom-gcl run')),
      '.custom-gcl.yml': 'version: v2.5.0\n',
      '.golangci.yml': 'version: "2"\nlinters:\n  enable: [govet]\n',
    },
    ['-'],
  ],
  [
    'a binary named like the default custom build, without a .custom-gcl.yml or under another name',
    { [W]: pr(run('bin/custom-gcl run')), '.golangci.yml': GOSEC_V2 },
    ['-'],
  ],
  [
    'the default name when .custom-gcl.yml names another binary',
    {
      [W]: pr(run('bin/custom-gcl run')),
      '.custom-gcl.yml': 'version: v2.5.0\nname: other-gcl\n',
      '.golangci.yml': GOSEC_V2,
    },
    ['-'],
  ],
  [
    'semgrep in a composite action of the repository',
    {
      [W]: pr(`${run('npm ci')}      - uses: ./.github/actions/sast\n`),
      '.github/actions/sast/action.yml': COMPOSITE(run('semgrep scan --config auto', 'bash')),
    },
    [],
  ],
  [
    'CodeQL in a composite action that another local action uses (action.yaml)',
    {
      [W]: pr('      - uses: ./ci/scan\n'),
      'ci/scan/action.yaml': COMPOSITE('      - uses: ./ci/codeql\n'),
      'ci/codeql/action.yml': COMPOSITE(action('github/codeql-action/analyze')),
    },
    [],
  ],
  [
    'a composite action of the repository that only builds',
    {
      [W]: pr('      - uses: ./.github/actions/build\n'),
      '.github/actions/build/action.yml': COMPOSITE(run('npm run build', 'bash')),
    },
    ['-'],
  ],
  ['a local action that does not exist', { [W]: pr('      - uses: ./.github/actions/missing\n') }, ['-']],
];

const tests: Case[] = [
  ['npm run --if-present test', { [W]: pr(run('npm run --if-present test')) }, []],
  [
    'a script path with a variable, relative to a working directory',
    {
      [W]: pr(run('for f in $FILES; do ../scripts/build-${language}.sh "$f"; done')),
      'scripts/build-typescript.sh': 'npm ci\nnpm run --if-present test\n',
      'scripts/build-go.sh': 'go build ./...\n',
    },
    [],
  ],
  [
    'a make target whose prerequisite runs go test',
    { [W]: pr(run('make ci')), Makefile: 'ci: lint unit\nlint:\n\tgo vet ./...\nunit:\n\tgo test ./...\n' },
    [],
  ],
  [
    'a make target named like tests, with -C',
    { [W]: pr(run('make -C build test-unit')), 'build/Makefile': 'test-unit:\n\t./hack/run.sh\n' },
    [],
  ],
  [
    'make then a script then go test',
    {
      [W]: pr(run('make verify')),
      Makefile: 'verify:\n\thack/verify-all.sh\n',
      'hack/verify-all.sh': 'go test -race ./...\n',
    },
    [],
  ],
  // Projects that keep their tasks in extensionless scripts (`scripts/install`, `scripts/test`).
  [
    'a repository script without an extension, called by path',
    {
      [W]: pr(run('scripts/check')),
      'scripts/check': '#!/bin/sh -e\n${PREFIX}ruff check .\n${PREFIX}pytest tests\n',
    },
    [],
  ],
  [
    'a file without a shebang is no script',
    { [W]: pr(run('scripts/check')), 'scripts/check': 'pytest tests\n' },
    ['-'],
  ],
  [
    'a make target whose recipe runs a script silently (@)',
    {
      [W]: pr(run('make ci')),
      Makefile: 'ci:\n\t@./hack/ci.sh\n',
      'hack/ci.sh': 'go test ./...\n',
    },
    [],
  ],
  // An Electron app's CI runs `npm run coverage`, whose package.json script runs vitest.
  [
    'npm run coverage, a package.json script that runs vitest',
    {
      [W]: pr(run('npm run coverage')),
      'package.json': '{ "scripts": { "coverage": "vitest run --coverage" } }',
    },
    [],
  ],
  [
    'yarn with --cwd and a bare script name',
    { [W]: pr(run('yarn --cwd web check')), 'web/package.json': '{ "scripts": { "check": "tsc && jest" } }' },
    [],
  ],
  [
    'the pre script of a package script',
    {
      [W]: pr(run('pnpm run verify')),
      'package.json': '{ "scripts": { "preverify": "ava", "verify": "tsc --noEmit" } }',
    },
    [],
  ],
  // Mobile builds: Android's variant test tasks, xcodebuild's test action, fastlane's test lanes, Dart.
  ['./gradlew testDemoDebug', { [W]: pr(run('./gradlew testDemoDebug')) }, []],
  ['./gradlew connectedDebugAndroidTest', { [W]: pr(run('./gradlew connectedDebugAndroidTest')) }, []],
  [
    'xcodebuild test',
    { [W]: pr(run("xcodebuild -scheme App -destination 'platform=iOS Simulator,name=iPhone 15' test")) },
    [],
  ],
  ['bundle exec fastlane ios test', { [W]: pr(run('bundle exec fastlane ios test')) }, []],
  ['fastlane scan', { [W]: pr(run('fastlane scan --scheme App')) }, []],
  ['dart test', { [W]: pr(run('dart test --coverage=coverage')) }, []],
  ['mvn package, whose lifecycle runs the test phase', { [W]: pr(run('mvn -B package --file pom.xml')) }, []],
  ['./gradlew build, which runs the test task', { [W]: pr(run('./gradlew --no-daemon build')) }, []],
  ['mvn package -DskipTests', { [W]: pr(run('mvn -B -DskipTests package')) }, ['-']],
  ['mvn install -Dmaven.test.skip=true', { [W]: pr(run('./mvnw install -Dmaven.test.skip=true')) }, ['-']],
  ['./gradlew build -x test', { [W]: pr(run('./gradlew build -x test')) }, ['-']],
  ['npm run --if-present build', { [W]: pr(run('npm run --if-present build')) }, ['-']],
  ['./gradlew assembleDebug', { [W]: pr(run('./gradlew assembleDebug')) }, ['-']],
  ['xcodebuild build-for-testing', { [W]: pr(run('xcodebuild -scheme AppTests build-for-testing')) }, ['-']],
  ['fastlane ios build_only', { [W]: pr(run('bundle exec fastlane ios build_only')) }, ['-']],
  [
    'a package script that only builds',
    { [W]: pr(run('npm run build')), 'package.json': '{ "scripts": { "build": "tsc", "test": "vitest" } }' },
    ['-'],
  ],
  [
    "a package manager's own command is no script, even when a script has its name",
    { [W]: pr(run('yarn install')), 'package.json': '{ "scripts": { "install": "jest" } }' },
    ['-'],
  ],
  [
    'a script with a variable whose files only build',
    { [W]: pr(run('../scripts/build-${language}.sh')), 'scripts/build-go.sh': 'go build ./...\n' },
    ['-'],
  ],
  [
    'a make target that only builds',
    {
      [W]: pr(run('make build')),
      Makefile: 'build: gen\n\tgo build ./...\ngen:\n\tgo generate ./...\ntest:\n\tgo test ./...\n',
    },
    ['-'],
  ],
  [
    'variable assignments are not targets',
    { [W]: pr(run('make unit')), Makefile: 'unit := go test ./...\nunit ?= go test\nci:\n\t$(unit)\n' },
    ['-'],
  ],
  [
    'attacker-sized lines are read (no quadratic split): the target after them still counts',
    {
      [W]: pr(run(`make ci ./${'a'.repeat(200_000)}`)),
      Makefile: `x${' '.repeat(200_000)}\nci:\n\tgo test ./...\n`,
    },
    [],
  ],
  [
    'npm test in the composite action of the repository root',
    {
      [W]: pr('      - uses: ./\n'),
      'action.yml': COMPOSITE(run('npm test', 'bash')),
    },
    [],
  ],
  [
    'a Docker action of the repository runs no steps of its own',
    {
      [W]: pr('      - uses: ./\n'),
      'action.yml': "name: x\nruns:\n  using: docker\n  image: Dockerfile\n  args: ['npm test']\n",
    },
    ['-'],
  ],
  // An image build runs its Dockerfile's RUN instructions: a test stage there gates the pull request.
  [
    'go test in a stage that the built Dockerfile needs (docker/build-push-action file:)',
    {
      [W]: pr(
        `${action('docker/build-push-action')}        with:\n          context: ./gateway\n          file: ./gateway/Dockerfile\n          push: false\n`,
      ),
      'gateway/Dockerfile': TEST_STAGE('go test ./... -cover'),
    },
    [],
  ],
  [
    'npm test in the Dockerfile of the context, by a matrix value',
    {
      [W]: pr(
        `${action('docker/build-push-action')}        with:\n          context: ./\${{ matrix.svc }}\n`,
      ),
      'web/Dockerfile': 'FROM node:22\nCOPY . .\nRUN npm ci && npm test\n',
    },
    [],
  ],
  [
    'docker build -f, a test stage as --target',
    {
      [W]: pr(run('docker build --target unit -t app:ci -f build/app.Dockerfile .')),
      'build/app.Dockerfile':
        'FROM python:3.12 AS base\nRUN pip install .\nFROM base AS unit\nRUN pytest -q\nFROM base\n',
    },
    [],
  ],
  [
    'docker buildx build of a context directory, cargo test behind COPY --from',
    {
      [W]: pr(
        '      - run: |\n          docker buildx build \\\n            --platform linux/amd64 --load \\\n            svc\n',
      ),
      'svc/Dockerfile': 'FROM rust:1 AS check\nRUN cargo test\nFROM scratch\nCOPY --from=check /x /x\n',
    },
    [],
  ],
  [
    'a test stage the built target does not need (BuildKit skips it)',
    {
      [W]: pr(run('docker build -t app .')),
      Dockerfile:
        'FROM golang:1 AS test\nRUN go test ./...\nFROM golang:1 AS build\nRUN go build\nFROM alpine\nCOPY --from=build /app /app\n',
    },
    ['-'],
  ],
  [
    'a Dockerfile that only builds',
    {
      [W]: pr(`${action('docker/build-push-action')}        with:\n          file: Dockerfile\n`),
      Dockerfile: TEST_STAGE('go build ./...'),
    },
    ['-'],
  ],
];

/** A step of Trivy's action with `inputs` (YAML lines indented 10). */
const trivy = (inputs: string) => `${action('aquasecurity/trivy-action')}        with:\n${inputs}`;
const MISSING = ['- medium/high'];
/** Analysers of infrastructure code, on a Terraform repository: what they analyse, they analyse. */
const iac: Case[] = [
  ['tfsec action', { [W]: pr(action('aquasecurity/tfsec-action')) }, []],
  [
    "tfsec's pull request commenter, and reviewdog's tfsec",
    { [W]: pr(action('aquasecurity/tfsec-pr-commenter-action') + action('reviewdog/action-tfsec')) },
    [],
  ],
  ['Checkov action', { [W]: pr(action('bridgecrewio/checkov-action')) }, []],
  ['KICS action', { [W]: pr(action('checkmarx/kics-github-action')) }, []],
  ['Terrascan action', { [W]: pr(action('tenable/terrascan-action')) }, []],
  ['checkov command', { [W]: pr(run('pipx run checkov -d .')) }, []],
  [
    'tfsec command behind make',
    { [W]: pr(run('make sec')), Makefile: 'sec:\n\ttfsec --soft-fail=false .\n' },
    [],
  ],
  ['kics scan command', { [W]: pr(run('kics scan -p . --fail-on high')) }, []],
  ['terrascan scan command', { [W]: pr(run('terrascan scan -i terraform')) }, []],
  ['trivy config command', { [W]: pr(run('trivy config --exit-code 1 .')) }, []],
  [
    'trivy fs with the misconfiguration scanner',
    { [W]: pr(run('trivy fs --scanners vuln,misconfig .')) },
    [],
  ],
  ['Trivy action scanning configuration', { [W]: pr(trivy('          scan-type: config\n')) }, []],
  [
    'Trivy action scanning the repository with the misconfiguration scanner',
    { [W]: pr(trivy("          scan-type: 'fs'\n          scanners: vuln,misconfig\n")) },
    [],
  ],
  [
    'pre-commit with the terraform_tfsec hook',
    {
      [W]: pr(run('pre-commit run --all-files')),
      '.pre-commit-config.yaml':
        'repos:\n  - repo: https://github.com/antonbabenko/pre-commit-terraform\n    rev: v1.99.0\n    hooks:\n      - id: terraform_fmt\n      - id: terraform_tfsec\n',
    },
    [],
  ],
  // Trivy scans an image by default, and only vulnerabilities and secrets in a file system.
  ['Trivy action on an image', { [W]: pr(trivy('          image-ref: ghcr.io/acme/app:1.0.0\n')) }, MISSING],
  [
    'Trivy action on the file system, default scanners',
    { [W]: pr(trivy('          scan-type: fs\n')) },
    MISSING,
  ],
  [
    'Trivy action whose scan type is an expression',
    { [W]: pr(trivy('          scan-type: ${{ matrix.scan }}\n          scanners: misconfig\n')) },
    MISSING,
  ],
  ['trivy image command', { [W]: pr(run('trivy image ghcr.io/acme/app:1.0.0')) }, MISSING],
  ['trivy fs for vulnerabilities', { [W]: pr(run('trivy fs --scanners vuln .')) }, MISSING],
  // TFLint finds errors and enforces practices; it is no security analysis.
  ['tflint', { [W]: pr(action('terraform-linters/setup-tflint') + run('tflint --recursive')) }, MISSING],
];

describe('workflow-sast-on-pull-requests: analysers of infrastructure code', () => {
  it.each(iac)('%s', async (_name, files, expected) => {
    const findings = await runBuiltin('workflow-sast-on-pull-requests', {
      'main.tf': 'terraform {}\n',
      ...files,
    });
    expect(findings.map((f) => `${at(f)} ${f.severity}/${f.confidence}`)).toEqual(expected);
  });
});

describe('workflow-sast-on-pull-requests: evidence behind golangci-lint, make, scripts, reusable workflows', () => {
  it.each(sast)('%s', async (_name, files, expected) => {
    expect((await runBuiltin('workflow-sast-on-pull-requests', files)).map(at)).toEqual(expected);
  });

  it('names the reusable workflows of other repositories it could not examine, and is not sure without them', async () => {
    const files = {
      [W]: `on: pull_request\njobs:\n  scan:\n    uses: org/ci/.github/workflows/code-scan.yaml@${PIN}\n`,
      '.github/workflows/release.yml': `on: push\njobs:\n  b:\n    uses: org/ci/.github/workflows/release.yml@${PIN}\n`,
    };
    const report = await runCheck({
      root: makeTree(files),
      onlyRules: ['workflow-sast-on-pull-requests'],
      failOn: 'never',
      persona: 'auditor',
    });
    expect(report.findings.map((f) => [at(f), f.confidence])).toEqual([['-', 'low']]);
    expect(report.findings[0]!.message).toContain(
      `No workflow in this repository runs static analysis (SAST) on pull requests, so changes are merged without it.`,
    );
    expect(report.findings[0]!.message).toContain(
      `On pull requests, workflows here call reusable workflows of other repositories, which are not examined: org/ci/.github/workflows/code-scan.yaml@${PIN} (called by ${W}). If one of them runs static analysis (SAST), declare that`,
    );
    expect(report.findings[0]!.message).not.toContain('release.yml');
  });
});

describe('workflow.pr-evidence: the custom golangci-lint is an input', () => {
  it('a pull request changing .custom-gcl.yml or the Makefile evaluates the rule again', async () => {
    const ws = workspaceOf({
      [W]: pr(run('make lint')),
      Makefile: 'LINTER := bin/custom-gcl\nlint:\n\t$(LINTER) run ./...\n',
      '.custom-gcl.yml': 'version: v2.5.0\n',
      '.golangci.yml': GOSEC_V2,
    });
    const view = new RecordingWorkspace(ws, new InputLog());
    view.log.begin();
    const options = { evidence: 'static analysis', golangciLinters: ['gosec'] };
    expect(await evaluate(workflowPrEvidence, options, view)).toEqual([]);
    const inputs = view.log.end();
    const matcher = (patterns: readonly string[]) => ws.matcher(patterns);
    for (const file of ['.custom-gcl.yml', 'Makefile', '.golangci.yml']) {
      const edited = new Set([file]);
      expect(touchedBy(inputs, { paths: edited, listing: false, presence: new Set() }, matcher), file).toBe(
        true,
      );
    }
  });
});

describe('workflow.pr-evidence: a composite action of the repository is an input', () => {
  it('a pull request changing only the local action a workflow uses evaluates the rule again', async () => {
    const ws = workspaceOf({
      [W]: pr('      - uses: ./.github/actions/sast\n'),
      '.github/actions/sast/action.yml': COMPOSITE(run('semgrep ci', 'bash')),
    });
    const view = new RecordingWorkspace(ws, new InputLog());
    view.log.begin();
    const options = { evidence: 'static analysis', commands: ['(?<![\\w-])semgrep\\s+ci'] };
    expect(await evaluate(workflowPrEvidence, options, view)).toEqual([]);
    const inputs = view.log.end();
    const edited = new Set(['.github/actions/sast/action.yml']);
    expect(
      touchedBy(inputs, { paths: edited, listing: false, presence: new Set() }, (p) => ws.matcher(p)),
    ).toBe(true);
  });
});

describe('workflow-tests-on-pull-requests: evidence behind make and scripts', () => {
  it.each(tests)('%s', async (_name, files, expected) => {
    expect((await runBuiltin('workflow-tests-on-pull-requests', files)).map(at)).toEqual(expected);
  });
});

// A step name counts when it says the step runs tests, not when "test" names where it runs.
describe('workflow-tests-on-pull-requests: step names', () => {
  const MESSAGE =
    'No workflow runs tests on pull requests, so changes are merged without it. Add a workflow triggered by pull_request that runs it (or declare where it happens outside GitHub Actions).';
  const named = (name: string) => ({ [W]: pr(`      - name: ${name}\n        run: ./ci.sh\n`) });
  it.each([
    ['Run tests', []],
    ['Test', []],
    ['Unit tests', []],
    ['unit-tests', []],
    ['pytest', []],
    ['Build and test', []],
    ['Tests (node 20)', []],
    ['Run e2e tests against staging', []],
    ['Configure AWS credentials from Test account', [MESSAGE]],
    ['Use the test environment', [MESSAGE]],
    ['Deploy to test', [MESSAGE]],
    ['Deploy to staging/test cluster', [MESSAGE]],
    ['Photo test', []],
    ['Protest', [MESSAGE]],
  ])('%s', async (name, expected) => {
    const findings = await runBuiltin('workflow-tests-on-pull-requests', named(name));
    expect(findings.map((f) => [f.severity, f.message])).toEqual(expected.map((m) => ['medium', m]));
  });
});

// A job's name ("Run e2e test") stands for its steps only where what they run cannot be read here;
// a job whose every step is understood and runs no tests runs none, whatever it is called (a teardown
// job whose name was copied from the test job).
describe('workflow-tests-on-pull-requests: job names', () => {
  const job = (steps: string, header = '    name: Run e2e test\n', id = 'e2e') =>
    `on: pull_request\npermissions: { contents: read }\njobs:\n  ${id}:\n${header}    runs-on: ubuntu-latest\n    steps:\n${steps}`;
  const CHECKOUT = action('actions/checkout');
  const AWS = `${action('aws-actions/configure-aws-credentials')}        with: { role-to-assume: "\${{ secrets.ROLE }}", aws-region: eu-west-1 }\n`;
  it.each<Case>([
    // Understood, and no tests: the name alone is no evidence.
    ['a teardown: terraform destroy', { [W]: job(CHECKOUT + run('terraform destroy -auto-approve')) }, ['-']],
    [
      'setup, login and teardown, with text tools',
      {
        [W]: job(
          `${CHECKOUT}${action('hashicorp/setup-terraform')}${AWS}` +
            run(
              '|\n          sed -i "s/# //g" versions.tf\n          terraform init -upgrade=true\n          terraform -chdir=patterns/x destroy -auto-approve\n          echo done',
            ),
        ),
      },
      ['-'],
    ],
    [
      'only setup actions, in a job whose id is test',
      { [W]: job(CHECKOUT + action('actions/setup-node') + action('actions/cache'), '', 'test') },
      ['-'],
    ],
    ['installs only', { [W]: job(CHECKOUT + run('npm ci && pip install -r requirements.txt')) }, ['-']],
    [
      'a composite action of the repository whose steps are all understood',
      {
        [W]: job(`${CHECKOUT}      - uses: ./.github/actions/clean\n`),
        '.github/actions/clean/action.yml': COMPOSITE(run('terraform destroy -auto-approve', 'bash')),
      },
      ['-'],
    ],
    // Something the analysis cannot see into: the name may say it is the tests.
    ['a repository script', { [W]: job(CHECKOUT + run('./ci/run.sh')) }, []],
    ['a make target not in the tree', { [W]: job(CHECKOUT + run('make ci')) }, []],
    ['a script of the repository run by python', { [W]: job(run('python3 .github/scripts/e2e.py')) }, []],
    ['an unknown program', { [W]: job(run('bats tests/')) }, []],
    [
      'terraform apply, which an end-to-end test deploys with',
      { [W]: job(AWS + run('terraform apply -auto-approve')) },
      [],
    ],
    ['an action not known to be inert', { [W]: job(CHECKOUT + action('acme/e2e-action')) }, []],
    [
      'a composite action of the repository that runs a script',
      {
        [W]: job(`${CHECKOUT}      - uses: ./.github/actions/e2e\n`),
        '.github/actions/e2e/action.yml': COMPOSITE(run('./run-e2e.sh', 'bash')),
      },
      [],
    ],
    [
      'a reusable workflow',
      {
        [W]: `on: pull_request\njobs:\n  test:\n    uses: ./.github/workflows/suite.yml\n`,
        '.github/workflows/suite.yml': `on: workflow_call\njobs:\n  a:\n    runs-on: x\n    steps:\n${run('./suite')}`,
      },
      [],
    ],
    ['a script in another language', { [W]: job(`${run('print("hi")')}        shell: python\n`) }, []],
  ])('%s', async (_name, files, expected) => {
    expect((await runBuiltin('workflow-tests-on-pull-requests', files)).map(at)).toEqual(expected);
  });

  it('takes no step named for tests whose commands are all understood, and one that runs a script', async () => {
    const step = (script: string) => ({ [W]: pr(`      - name: Run tests\n        run: ${script}\n`) });
    const found = async (script: string) =>
      (await runBuiltin('workflow-tests-on-pull-requests', step(script))).map(at);
    expect(await found('echo "no tests yet"')).toEqual(['-']);
    expect(await found('terraform validate')).toEqual(['-']);
    expect(await found('./hack/test-all')).toEqual([]);
  });
});

// Tests that log in to a cloud with the repository's credentials cannot run on a fork's pull request
// (no secrets, no OIDC token): such a workflow run by hand or on a schedule is no place for
// "pull_request", and no evidence; what is missing is a test on pull requests that needs none.
describe('workflow-tests-on-pull-requests: tests against a cloud, only on other events', () => {
  const E2E = '.github/workflows/e2e.yml';
  const AWS = `${action('aws-actions/configure-aws-credentials')}        with: { role-to-assume: "\${{ secrets.ROLE }}", aws-region: eu-west-1 }\n`;
  const workflow = (on: string, steps: string, jobs = '') =>
    `on: ${on}\npermissions: { contents: read, id-token: write }\njobs:\n  e2e:\n    name: Run e2e test\n    runs-on: ubuntu-latest\n    steps:\n${steps}${jobs}`;
  const deploy = workflow(
    '{ workflow_dispatch: {} }',
    action('actions/checkout') +
      AWS +
      run('terraform apply -auto-approve && terraform destroy -auto-approve'),
  );
  const CLOUD_NOTE =
    'runs tests against a cloud with this repository\'s credentials, and not on pull requests: a pull request from a fork is given no secrets and no OIDC token, so that workflow is no place for "pull_request". Run tests that need no credentials on pull requests.';
  const graded = async (files: Record<string, string>) =>
    (await runBuiltin('workflow-tests-on-pull-requests', files, { persona: 'auditor' })).map((f) => [
      at(f),
      f.severity,
      f.confidence,
      f.message,
    ]);
  const MISSING =
    'No workflow runs tests on pull requests, so changes are merged without it. Add a workflow triggered by pull_request that runs it (or declare where it happens outside GitHub Actions).';

  it('reports the missing tests on pull requests, naming the run by hand, not "add pull_request" to it', async () => {
    expect(await graded({ [E2E]: deploy })).toEqual([
      [
        '-',
        'medium',
        'high',
        `${MISSING} ${E2E} (on workflow_dispatch, logging in with aws-actions/configure-aws-credentials) ${CLOUD_NOTE}`,
      ],
    ]);
  });

  it('reads a scheduled test suite given cloud keys from secrets the same way', async () => {
    const scheduled = workflow(
      "{ schedule: [{ cron: '0 3 * * *' }] }",
      `${action('actions/checkout')}${run('go test ./test/...')}        env:\n          AWS_ACCESS_KEY_ID: \${{ secrets.KEY }}\n          AWS_SECRET_ACCESS_KEY: \${{ secrets.SECRET }}\n`,
    );
    expect(await graded({ [E2E]: scheduled })).toEqual([
      [
        '-',
        'medium',
        'high',
        `${MISSING} ${E2E} (on schedule, logging in with env AWS_ACCESS_KEY_ID) ${CLOUD_NOTE}`,
      ],
    ]);
  });

  it('keeps a run by hand without credentials, or beside a credential-free test job, where pull_request goes', async () => {
    const plain = workflow('{ workflow_dispatch: {} }', action('actions/checkout') + run('npm test'));
    const mixed = workflow(
      '{ workflow_dispatch: {} }',
      action('actions/checkout') + AWS + run('./e2e.sh'),
      `  unit:\n    runs-on: ubuntu-latest\n    steps:\n${run('npm test')}`,
    );
    const onOn = (files: Record<string, string>) => graded(files).then((fs) => fs.map((f) => f.slice(0, 3)));
    expect(await onOn({ [E2E]: plain })).toEqual([[`${E2E}:1:1`, 'medium', 'high']]);
    expect(await onOn({ [E2E]: mixed })).toEqual([[`${E2E}:1:1`, 'medium', 'high']]);
  });

  it('leaves the finding to a workflow that runs tests on pushes, and passes with tests on pull requests', async () => {
    const push = pr(run('npm test')).replace('on: pull_request', 'on: { push: { branches: [main] } }');
    expect((await graded({ [E2E]: deploy, [W]: push })).map((f) => f.slice(0, 3))).toEqual([
      [`${W}:1:1`, 'medium', 'high'],
    ]);
    expect(await graded({ [E2E]: deploy, [W]: pr(run('npm test')) })).toEqual([]);
  });
});

describe('workflow.pr-evidence: a repository with another CI system', () => {
  it('names its configuration in the repository-level finding, and says nothing when there is none', async () => {
    const files = { [W]: pr(run('go build ./...')) };
    const [plain] = await runBuiltin('workflow-tests-on-pull-requests', files);
    expect(plain?.message).not.toContain('also has');
    const other = { ...files, OWNERS: 'approvers: [a]\n', '.travis.yml': 'language: go\n' };
    // What the other system runs is not known: a guess, hidden by default and counted.
    expect(await runBuiltin('workflow-tests-on-pull-requests', other)).toEqual([]);
    const [prow] = await runBuiltin('workflow-tests-on-pull-requests', other, { persona: 'auditor' });
    expect(prow?.confidence).toBe('low');
    expect(prow?.message).toContain(
      'This repository also has .travis.yml (Travis CI), OWNERS (Prow), whose runs are not visible here: if it runs tests on pull requests, declare that in .github/controls.yml with its evidence.',
    );
  });
});

describe('workflow.pr-evidence: tests on pushes to every branch', () => {
  const tests = (on: string) => ({ [W]: pr(run('npm test')).replace('on: pull_request', `on: ${on}`) });

  it("says that a fork's pull request goes untested, at medium confidence, and keeps the plain finding otherwise", async () => {
    const graded = async (on: string) =>
      (await runBuiltin('workflow-tests-on-pull-requests', tests(on))).map((f) => [
        f.confidence,
        f.message.split(':')[0],
      ]);
    const everyBranch = [
      'medium',
      'This workflow runs tests on pushes to every branch but not on pull requests',
    ];
    expect(await graded('[push, workflow_dispatch]')).toEqual([everyBranch]);
    expect(await graded('{ push: { branches-ignore: [gh-pages] } }')).toEqual([everyBranch]);
    expect(await graded("{ push: { branches: ['**'] } }")).toEqual([everyBranch]);
    const mergedFirst = [
      'high',
      'This workflow runs tests, but only on push, not on pull requests, so changes are merged before it runs. Add "pull_request" to its triggers.',
    ];
    expect(await graded('{ push: { branches: [main] } }')).toEqual([mergedFirst]);
    expect(await graded("{ push: { tags: ['v*'] } }")).toEqual([mergedFirst]);
  });
});

describe('workflow.pr-evidence: other CI systems, by their configuration anywhere it sits', () => {
  it.each([
    ['.woodpecker/test.yaml', 'Woodpecker CI'],
    ['.woodpecker.yml', 'Woodpecker CI'],
    ['.tekton/pull-request.yaml', 'Tekton'],
    ['.drone.star', 'Drone'],
    ['.azure-pipelines/ci.yml', 'Azure Pipelines'],
    ['.buildkite/pipeline.yaml', 'Buildkite'],
    ['.circleci/config.yml', 'CircleCI'],
    ['.gitlab-ci.yml', 'GitLab CI'],
    ['ci/Jenkinsfile', 'Jenkins'],
    ['build/int.cloudbuild.yaml', 'Cloud Build'],
    ['lint.cloudbuild.yml', 'Cloud Build'],
  ])('lowers the repository-level findings of both rules for %s (%s)', async (file, system) => {
    const files = { [W]: pr(run('go build ./...')), [file]: 'steps: []\n' };
    for (const rule of ['workflow-tests-on-pull-requests', 'workflow-sast-on-pull-requests']) {
      const found = await runBuiltin(rule, files, { persona: 'auditor' });
      expect(found.map((f) => [f.location, f.confidence])).toEqual([[null, 'low']]);
      expect(found[0]!.message).toContain(
        `This repository also has ${file} (${system}), whose runs are not visible here`,
      );
    }
  });
});

describe('workflow.pr-evidence: a build folder that holds no CI configuration', () => {
  it.each(['build/values.yaml', 'build/cloudbuild-notes.md', 'docs/int.cloudbuild.yaml'])(
    'keeps both rules at high confidence with %s',
    async (file) => {
      const files = { [W]: pr(run('go build ./...')), [file]: 'steps: []\n' };
      for (const rule of ['workflow-tests-on-pull-requests', 'workflow-sast-on-pull-requests']) {
        const found = await runBuiltin(rule, files, { persona: 'auditor' });
        expect(found.map((f) => [f.location, f.confidence])).toEqual([[null, 'high']]);
      }
    },
  );
});

describe('workflow.pr-evidence: an app that analyses pull requests without a workflow', () => {
  it('lowers the SAST finding for its configuration, and not the tests finding', async () => {
    const files = {
      [W]: pr(run('go build ./...')),
      '.sonarcloud.properties': 'sonar.exclusions=**/*_test.go\n',
    };
    const sast = await runBuiltin('workflow-sast-on-pull-requests', files, { persona: 'auditor' });
    expect(sast.map((f) => [f.location, f.confidence])).toEqual([[null, 'low']]);
    expect(sast[0]!.message).toContain('.sonarcloud.properties (SonarCloud automatic analysis)');
    const tests = await runBuiltin('workflow-tests-on-pull-requests', files, { persona: 'auditor' });
    expect(tests.map((f) => [f.location, f.confidence])).toEqual([[null, 'high']]);
  });
});

/** A root pre-commit configuration holding `hooks` (YAML list items, indented 6) of one repository. */
const PRE_COMMIT = (hooks: string, top = '') =>
  `${top}repos:\n  - repo: https://example.com/hooks\n    rev: v1.0.0\n    hooks:\n${hooks}`;
const ZIZMOR = PRE_COMMIT('      - id: check-yaml\n      - id: zizmor\n');
const C = '.pre-commit-config.yaml';

describe('workflow-sast-on-pull-requests: a SAST hook run through pre-commit', () => {
  it.each<Case>([
    [
      'pre-commit/action with its default arguments',
      { [W]: pr(action('pre-commit/action')), [C]: ZIZMOR },
      [],
    ],
    [
      'pre-commit/action on all files',
      {
        [W]: pr(`${action('pre-commit/action')}        with: { extra_args: --all-files --verbose }\n`),
        [C]: ZIZMOR,
      },
      [],
    ],
    ['pre-commit run --all-files', { [W]: pr(run('uv run pre-commit run --all-files')), [C]: ZIZMOR }, []],
    [
      'prek run on the changed files',
      { [W]: pr(run('prek run --from-ref origin/main --to-ref HEAD')), [C]: ZIZMOR },
      [],
    ],
    ['pre-commit run zizmor alone', { [W]: pr(run('pre-commit run zizmor --all-files')), [C]: ZIZMOR }, []],
    [
      'a local hook whose entry runs bandit',
      {
        [W]: pr(run('pre-commit run -a')),
        [C]: 'repos:\n  - repo: local\n    hooks:\n      - id: security\n        entry: bandit -r src\n        language: system\n',
      },
      [],
    ],
    // What pre-commit runs is what the configuration holds, and only the hooks the command runs.
    [
      'pre-commit without a SAST hook',
      { [W]: pr(action('pre-commit/action')), [C]: PRE_COMMIT('      - id: check-yaml\n') },
      ['-'],
    ],
    ['pre-commit/action without a configuration', { [W]: pr(action('pre-commit/action')) }, ['-']],
    [
      'pre-commit run of another hook',
      { [W]: pr(run('pre-commit run check-yaml --all-files')), [C]: ZIZMOR },
      ['-'],
    ],
    ['pre-commit run on the staged files only', { [W]: pr(run('pre-commit run')), [C]: ZIZMOR }, ['-']],
    [
      'pre-commit/action with the hook skipped',
      { [W]: pr(`${action('pre-commit/action')}        env: { SKIP: "check-yaml,zizmor" }\n`), [C]: ZIZMOR },
      ['-'],
    ],
    [
      'a hook kept to the manual stage',
      {
        [W]: pr(run('pre-commit run --all-files')),
        [C]: PRE_COMMIT('      - id: zizmor\n        stages: [manual]\n'),
      },
      ['-'],
    ],
    [
      'the manual stage run for a hook kept to it',
      {
        [W]: pr(run('pre-commit run --all-files --hook-stage manual')),
        [C]: PRE_COMMIT('      - id: zizmor\n        stages: [manual]\n'),
      },
      [],
    ],
    [
      'pre-commit on pushes only',
      {
        [W]: `on: push\njobs:\n  l:\n    runs-on: x\n    steps:\n${action('pre-commit/action')}`,
        [C]: ZIZMOR,
      },
      [`${W}:1:1`],
    ],
  ])('%s', async (_name, files, expected) => {
    expect((await runBuiltin('workflow-sast-on-pull-requests', files)).map(at)).toEqual(expected);
  });

  it('a pull request changing only the pre-commit configuration evaluates the rule again', async () => {
    const ws = workspaceOf({ [W]: pr(action('pre-commit/action')), [C]: ZIZMOR });
    const view = new RecordingWorkspace(ws, new InputLog());
    view.log.begin();
    const options = { evidence: 'static analysis', preCommitHooks: ['zizmor'] };
    expect(await evaluate(workflowPrEvidence, options, view)).toEqual([]);
    const inputs = view.log.end();
    const edited = new Set([C]);
    expect(
      touchedBy(inputs, { paths: edited, listing: false, presence: new Set() }, (p) => ws.matcher(p)),
    ).toBe(true);
  });

  // pre-commit.ci runs the hooks on pull requests without a workflow: like another app, a sign it may.
  it.each([
    ['a ci: key and a SAST hook', PRE_COMMIT('      - id: zizmor\n', 'ci:\n  autofix_prs: false\n'), 'low'],
    ['a ci: key that skips the hook', PRE_COMMIT('      - id: zizmor\n', 'ci:\n  skip: [zizmor]\n'), 'high'],
    ['no ci: key', ZIZMOR, 'high'],
    ['a ci: key and no SAST hook', PRE_COMMIT('      - id: check-yaml\n', 'ci: {}\n'), 'high'],
  ])('pre-commit.ci with %s', async (_name, config, confidence) => {
    const files = { [W]: pr(run('go build ./...')), [C]: config };
    const found = await runBuiltin('workflow-sast-on-pull-requests', files, { persona: 'auditor' });
    expect(found.map((f) => [f.location, f.confidence])).toEqual([[null, confidence]]);
    expect(found[0]!.message.includes('(pre-commit.ci)')).toBe(confidence === 'low');
    const tests = await runBuiltin('workflow-tests-on-pull-requests', files, { persona: 'auditor' });
    expect(tests.map((f) => f.confidence)).toEqual(['high']);
  });
});

describe('workflow.pr-evidence: where the fix goes', () => {
  const job = (steps: string) => `jobs:\n  unit:\n    runs-on: x\n    steps:\n${steps}`;
  const graded = async (files: Record<string, string>) =>
    (await runBuiltin('workflow-tests-on-pull-requests', files, { persona: 'auditor' })).map((f) => [
      f.location?.path,
      f.confidence,
    ]);

  it('is low for a scheduled, manual or release test run beside a workflow that runs the tests on pushes', async () => {
    const coverage = {
      '.github/workflows/coverage.yml': `on:\n  schedule: [{ cron: '0 3 * * 1' }]\n${job(run('go test -cover ./...'))}`,
      '.github/workflows/flake.yml': `on:\n  release: { types: [prereleased] }\n  workflow_dispatch:\n${job(run('go test -count=3 ./...'))}`,
    };
    const ci = { [W]: `on: push\n${job(run('go test ./...'))}` };
    expect(await graded({ ...ci, ...coverage })).toEqual([
      [W, 'medium'],
      ['.github/workflows/coverage.yml', 'low'],
      ['.github/workflows/flake.yml', 'low'],
    ]);
    const [, weekly] = await runBuiltin(
      'workflow-tests-on-pull-requests',
      { ...ci, ...coverage },
      { persona: 'auditor' },
    );
    expect(weekly!.message).toContain(
      `not on pull requests; ${W} runs it on pushes, and is where "pull_request" belongs`,
    );
    // Alone, the scheduled run is the only one there is: where the fix goes.
    expect(await graded(coverage)).toEqual([
      ['.github/workflows/coverage.yml', 'high'],
      ['.github/workflows/flake.yml', 'high'],
    ]);
  });

  it('reports a reusable workflow at its callers when they are reported, with their pushes to every branch', async () => {
    const called = { '.github/workflows/unit.yml': `on: workflow_call\n${job(run('go test ./...'))}` };
    const caller = (name: string) => ({
      [W]: `on: push\njobs:\n  ${name}:\n    uses: ./.github/workflows/unit.yml\n`,
    });
    // The caller's job is named for its tests: reported there, once.
    expect(await graded({ ...called, ...caller('unit_tests') })).toEqual([[W, 'medium']]);
    // Named for nothing: the reusable workflow is the finding, run on the caller's pushes of every branch.
    expect(await graded({ ...called, ...caller('call') })).toEqual([
      ['.github/workflows/unit.yml', 'medium'],
    ]);
  });

  it('is low for tests a comment on a pull request asks for, and not for any comment', async () => {
    const chatops = (condition: string) => ({
      [W]: `on:\n  issue_comment:\n    types: [created]\njobs:\n  test:\n    if: \${{ ${condition} }}\n    uses: acme/.github/.github/workflows/terratest.yml@main\n`,
    });
    const onComment = await runBuiltin(
      'workflow-tests-on-pull-requests',
      chatops("github.event.issue.pull_request && contains(github.event.comment.body, '/test')"),
      { persona: 'auditor' },
    );
    expect(onComment.map((f) => [at(f), f.confidence])).toEqual([[`${W}:1:1`, 'low']]);
    expect(onComment[0]!.message).toContain('on a pull request when a comment asks for it');
    expect(await graded(chatops("contains(github.event.comment.body, '/test')"))).toEqual([[W, 'high']]);
  });
});

describe('workflow.pr-evidence: a step name is no evidence for a utility action', () => {
  it('does not take a checkout named for tests for a test run', async () => {
    const files = {
      [W]: pr(
        '      - name: checkout tests passed\n        uses: actions/checkout@v4\n      - name: Run tests\n        run: make build\n',
      ).replace('on: pull_request', 'on: push'),
    };
    // The run step named "Run tests" still counts, by its name; the checkout does not.
    const named = await runBuiltin('workflow-tests-on-pull-requests', files);
    expect(named.map((f) => f.location?.path)).toEqual([W]);
    const onlyCheckout = {
      [W]: pr('      - name: checkout tests passed\n        uses: actions/checkout@v4\n').replace(
        'on: pull_request',
        'on: push',
      ),
    };
    const none = await runBuiltin('workflow-tests-on-pull-requests', onlyCheckout);
    expect(none.map((f) => [f.location, f.message.split(',')[0]])).toEqual([
      [null, 'No workflow runs tests on pull requests'],
    ]);
  });
});

describe('workflow.pr-evidence: specs are tests', () => {
  it('takes a step named for specs for a test run', async () => {
    const step = (name: string) =>
      pr(`      - name: ${name}\n        run: docker run --rm -e USE_TURBO=1 "$TEST_IMAGE"\n`);
    expect(
      await runBuiltin('workflow-tests-on-pull-requests', { [W]: step('run specs for `main` branch') }),
    ).toEqual([]);
    expect(await runBuiltin('workflow-tests-on-pull-requests', { [W]: step('rspec') })).toEqual([]);
    // A specification is no spec run.
    const found = await runBuiltin('workflow-tests-on-pull-requests', {
      [W]: step('Generate API specification'),
    });
    expect(found.map((f) => f.location)).toEqual([null]);
  });
});

describe('workflow.pr-evidence: a repository without source code', () => {
  const files = {
    'compose.yaml': 'services:\n  db:\n    image: postgres:16.4\n',
    'README.md': '# Stack\n',
    'clickhouse/config.xml': '<clickhouse/>\n',
    // Code under the test or documentation paths is not the repository's own code.
    'docs/snippets/example.py': 'print(1)\n',
  };
  it.each(['workflow-sast-on-pull-requests', 'workflow-tests-on-pull-requests'])(
    '%s: low confidence, saying there may be nothing to run it on',
    async (rule) => {
      const found = await runRule(rule, files, { persona: 'auditor' });
      expect(
        found.map((f) => [f.confidence, /holds no source code of a programming language/.test(f.message)]),
      ).toEqual([['low', true]]);
      // A shell script, or Terraform, is code to analyse and test.
      for (const code of ['deploy/setup.sh', 'infra/main.tf']) {
        const withCode = await runRule(rule, { ...files, [code]: 'x\n' }, { persona: 'auditor' });
        expect(withCode.map((f) => [f.confidence, /holds no source code/.test(f.message)])).toEqual([
          ['high', false],
        ]);
      }
    },
  );
});
