import { afterAll, describe, expect, it } from 'vitest';
import { depsSbomCoverage } from '../../src/core/evaluators/deps/sbom-coverage.js';
import { at, cleanup, examinedBy, run, runBuiltin } from './kit.js';

afterAll(cleanup);

const gradle = 'dependencies { implementation("com.google.guava:guava:33.4.0-jre") }\n';
const csproj =
  '<Project><ItemGroup><PackageReference Include="Serilog" Version="4.2.0" /></ItemGroup></Project>\n';

describe('deps.sbom-coverage', () => {
  it('accepts Gradle and NuGet projects whose lockfile is committed', async () => {
    const findings = await run(
      depsSbomCoverage,
      {},
      {
        'app/build.gradle': gradle,
        'app/gradle.lockfile': 'com.google.guava:guava:33.4.0-jre=runtimeClasspath\nempty=\n',
        'svc/Svc.csproj': csproj,
        'svc/packages.lock.json': '{"version":1,"dependencies":{"net8.0":{}}}',
      },
    );
    expect(findings).toEqual([]);
  });

  it("lowers a test project's and a scaffolding template's findings, whatever the case of the test folder", async () => {
    const findings = await runBuiltin(
      'sbom-coverage',
      {
        'src/Test/Test.csproj': csproj,
        'src/Runner.Tests/Runner.Tests.csproj': csproj,
        'src/Runner/Runner.csproj': csproj,
        // The project a framework's `start` command renders (Django's `*.py-tpl` files beside it).
        'app/project_template/manage.py-tpl': 'import os\n',
        'app/project_template/requirements.txt': 'Django>=6.1,<6.2\n',
        'requirements.txt': 'Django>=6.1,<6.2\n',
      },
      { persona: 'auditor' },
    );
    expect(
      findings.map((f) => [`${f.location?.path}:${f.location?.startLine}`, f.severity, f.confidence]),
    ).toEqual([
      ['app/project_template/requirements.txt:1', 'low', 'low'],
      ['requirements.txt:1', 'low', 'high'],
      ['src/Runner.Tests/Runner.Tests.csproj:1', 'low', 'low'],
      ['src/Runner/Runner.csproj:1', 'low', 'high'],
      ['src/Test/Test.csproj:1', 'low', 'low'],
    ]);
  });

  it('wants a Gradle lockfile beside each build script, and reports each project once', async () => {
    const findings = await run(
      depsSbomCoverage,
      {},
      {
        'build.gradle': gradle,
        'settings.gradle': 'include("lib")\n',
        'lib/build.gradle': gradle,
        'gradle.lockfile': 'com.google.guava:guava:33.4.0-jre=runtimeClasspath\n',
        'other/pom.xml':
          '<project><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>1</version></dependency></dependencies></project>\n',
        // An aggregator of modules, and a parent of build plugins only, declare no dependency.
        'misc/pom.xml':
          '<project><parent><artifactId>root</artifactId></parent><modules><module>a</module></modules></project>\n',
        'tools/pom.xml':
          '<project><build><plugins><plugin><artifactId>p</artifactId></plugin></plugins></build></project>\n',
      },
    );
    expect(findings.map(at)).toEqual(['lib/build.gradle:1:-', 'other/pom.xml:1:-']);
  });

  it.each([
    ['a coordinate', 'dependencies { implementation("com.google.guava:guava:33.4.0-jre") }', true],
    ['a Groovy coordinate', "dependencies {\n  testImplementation 'junit:junit:4.13.2'\n}", true],
    ['a map coordinate', "dependencies { implementation group: 'g', name: 'a', version: '1' }", true],
    ['a catalog library', 'dependencies {\n  api(libs.square.okio)\n}', true],
    [
      'a catalog library of the root project',
      'dependencies { testImplementation(rootProject.libs.junit) }',
      true,
    ],
    [
      'Kotlin shorthand',
      'kotlin { sourceSets { commonTest.dependencies { implementation(kotlin("test")) } } }',
      true,
    ],
    [
      'a buildscript classpath',
      'buildscript { dependencies { classpath("com.android.tools.build:gradle:8.5.0") } }',
      true,
    ],
    [
      'a library beside constraints',
      'dependencies {\n  constraints { api(project(":a")) }\n  api(libs.okio)\n}',
      true,
    ],
    // Nothing Gradle resolves from a repository.
    ['plugins only', 'plugins {\n  alias(libs.plugins.kotlin.jvm) apply false\n  id("java")\n}\n', false],
    [
      'projects of the build',
      'dependencies {\n  api(project(":core"))\n  implementation(projects.util)\n}',
      false,
    ],
    [
      'files and Gradle itself',
      'dependencies { implementation(files("libs/a.jar")); implementation(gradleApi()) }',
      false,
    ],
    [
      "a platform's constraints on its own modules",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Kotlin string template, as a build script writes it.
      'plugins { id("java-platform") }\ndependencies {\n  constraints {\n    rootProject.subprojects.forEach { api(it) }\n    api("com.acme:acme-core:${project.version}")\n  }\n}\n',
      false,
    ],
    ['a commented-out dependency', 'dependencies {\n  // implementation("g:a:1")\n}', false],
  ])('a Gradle build script with %s is reported: %s', async (_case, script, reported) => {
    const findings = await run(depsSbomCoverage, {}, { 'build.gradle.kts': `${script}\n` });
    expect(findings.map(at)).toEqual(reported ? ['build.gradle.kts:1:-'] : []);
  });

  it('a CycloneDX plugin in the build covers everything', async () => {
    const pom =
      '<project><build><plugins><plugin><groupId>org.cyclonedx</groupId><artifactId>cyclonedx-maven-plugin</artifactId></plugin></plugins></build></project>\n';
    expect(await run(depsSbomCoverage, {}, { 'pom.xml': pom, 'requirements.txt': 'flask\n' })).toEqual([]);
  });

  it('leaves options, includes and hash lines of requirements files alone', async () => {
    const text =
      '-r base.txt\n--index-url https://pypi.org/simple\nflask==3.1.0 \\\n    --hash=sha256:00\n-e ./lib\n';
    expect(await run(depsSbomCoverage, {}, { 'requirements.txt': text })).toEqual([]);
  });

  it.each([
    // [case, requirements.txt, expected]
    ['extras of a package pinned on the line before', 'bleach==6.3.0\nbleach[css]\n', []],
    ['extras of a package pinned after, spelled otherwise', 'Celery_Beat[sqs]\ncelery-beat==2.1.0\n', []],
    ['extras with a marker', 'flask==3.1.0\nflask[async] ; python_version >= "3.10"\n', []],
    ['extras of a package pinned nowhere', 'bleach==6.3.0\ncelery[sqs]\n', ['requirements.txt:2:-']],
    ['extras with a range of their own', 'bleach==6.3.0\nbleach[css]>=6\n', ['requirements.txt:2:-']],
  ])('requirements.txt: %s', async (_case, text, expected) => {
    expect((await run(depsSbomCoverage, {}, { 'requirements.txt': text })).map(at)).toEqual(expected);
  });

  it('reads a requirements file of another format (macOS code signing) as no Python manifest', async () => {
    const codesign = 'designated => anchor apple generic and certificate leaf[subject.OU] = ABCDE12345\n';
    expect(await run(depsSbomCoverage, {}, { 'tools/certs/requirements.txt': codesign })).toEqual([]);
    const findings = await run(depsSbomCoverage, {}, { 'requirements.txt': 'flask==3.1.0\nrequests>=2\n' });
    expect(findings.map(at)).toEqual(['requirements.txt:2:-']);
  });
});

describe('deps.sbom-coverage: NuGet central package management', () => {
  const props =
    '<Project><PropertyGroup><ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally></PropertyGroup><ItemGroup><PackageVersion Include="Serilog" Version="4.2.0" /></ItemGroup></Project>\n';
  const project = '<Project><ItemGroup><PackageReference Include="Serilog" /></ItemGroup></Project>\n';

  it.each<[what: string, files: Record<string, string>, expected: string[]]>([
    [
      'the version list is no project: only the project without a lockfile is reported',
      { 'Directory.Packages.props': props, 'src/App/App.csproj': project },
      ['src/App/App.csproj:1:-'],
    ],
    [
      'a project beside the version list is still reported',
      { 'Directory.Packages.props': props, 'App.csproj': project },
      ['App.csproj:1:-'],
    ],
    [
      'projects with their lockfiles pass, the version list needs none',
      {
        'Directory.Packages.props': props,
        'src/App/App.csproj': project,
        'src/App/packages.lock.json': '{"version":2,"dependencies":{"net8.0":{}}}',
      },
      [],
    ],
  ])('%s', async (_what, files, expected) => {
    expect((await run(depsSbomCoverage, {}, files)).map(at)).toEqual(expected);
  });
});

describe('deps.sbom-coverage: requirements files of packaging and environment tools', () => {
  it.each<[what: string, text: string, expected: string[]]>([
    [
      'only tox, its plugins and virtualenv: low confidence',
      'tox>=3.15.2\ntox-pyenv==1.1.0\ntox-gh-actions==1.3.0\nvirtualenv>=16.7.10\n',
      ['requirements-meta.txt:1:low'],
    ],
    [
      'pip and setuptools before a build',
      '# bootstrap\npip>=19.1.1\nsetuptools>=18.0.1\nwheel\n',
      ['requirements-meta.txt:2:low'],
    ],
    [
      'a library among the tools is what the project installs: reported as before',
      'virtualenv>=16.6.0\npip>=19.1.1\nsix>=1.14.0\n',
      ['requirements-meta.txt:1:rule'],
    ],
    ['an application dependency unpinned', 'flask\ntox==4.0.0\n', ['requirements-meta.txt:1:rule']],
  ])('%s', async (_what, text, expected) => {
    const findings = await run(depsSbomCoverage, {}, { 'requirements-meta.txt': text });
    expect(
      findings.map((f) => `${f.location?.path}:${f.location?.startLine}:${f.confidence ?? 'rule'}`),
    ).toEqual(expected);
  });
});

describe('deps.sbom-coverage: the loose input of a pip-compile lock', () => {
  const input = 'flask\nrequests\nacme==5.3.0\n';
  const lock = (via: string, extra = '') =>
    `#\n# This file is autogenerated by pip-compile\n#\nacme==5.3.0\n    # via -r ${via}\ncertifi==2025.1.31\n    # via requests\nrequests==2.32.3\n    # via\n    #   -r ${via}\n    #   acme\n${extra}`;
  it.each<[what: string, files: Record<string, string>, expected: string[]]>([
    [
      'a pinned lock beside it, compiled from it: low confidence',
      { 'img/unfrozen/requirements.txt': input, 'img/requirements.txt': lock('unfrozen/requirements.txt') },
      ['img/unfrozen/requirements.txt:1:low'],
    ],
    [
      'the lock names another input: reported as before',
      { 'img/unfrozen/requirements.txt': input, 'img/requirements.txt': lock('other/requirements.txt') },
      ['img/unfrozen/requirements.txt:1:rule'],
    ],
    [
      'the lock naming it is not pinned itself: reported as before',
      {
        'img/unfrozen/requirements.txt': input,
        'img/requirements.txt': lock('unfrozen/requirements.txt', 'six\n'),
      },
      ['img/requirements.txt:12:rule', 'img/unfrozen/requirements.txt:1:rule'],
    ],
  ])('%s', async (_what, files, expected) => {
    const findings = await run(depsSbomCoverage, {}, files);
    expect(
      findings.map((f) => `${f.location?.path}:${f.location?.startLine}:${f.confidence ?? 'rule'}`).sort(),
    ).toEqual(expected);
    const low = findings.find((f) => f.confidence === 'low');
    if (low) expect(low.message).toContain('It is the input of img/requirements.txt');
  });
});

describe('deps.sbom-coverage: what a pass rests on', () => {
  it('examines nothing in a tree that declares no dependency', async () => {
    const examined = async (files: Record<string, string>) =>
      (await examinedBy('sbom-coverage', files)).files;
    const workflow = 'on: push\njobs:\n  t:\n    runs-on: x\n    steps: [{run: terraform validate}]\n';
    expect(
      await examined({ 'main.tf': 'resource "aws_vpc" "this" {}\n', '.github/workflows/ci.yml': workflow }),
    ).toEqual([]);
    expect(await examined({ 'requirements.txt': 'flask==3.0.3\n' })).toContain('requirements.txt');
  });
});
