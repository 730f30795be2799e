import { locationFromSpan } from '../../location.js';
import type { Job, Located, LocatedMap, Step, Workflow, WorkflowSource } from '../../parsers/workflow.js';
import { ACTION_GLOBS, walkWorkflows, workflowSources } from '../../parsers/workflow.js';
import { locatedText } from '../../parsers/workflow-expressions.js';
import type { RawFinding } from '../../types.js';
import { escapeRegExp } from '../../workspace/glob.js';
import type { Workspace } from '../../workspace/workspace.js';
import { defineEvaluator } from '../types.js';
import { linkedWorkflows } from './callers.js';
import { type Command, commandsOf, type Word } from './commands.js';
import { laterPusher } from './fix-checkout.js';
import { MAKEFILE_GLOBS } from './pr-evidence-follow.js';
import {
  deploysSite,
  opensPullRequest,
  PULL_REQUEST_ACTIONS,
  publishesThroughMake,
  publishingJobs,
  pullRequestsOnly,
} from './publishing.js';
import { actionPathOf, input, sameOwner, stepLabel } from './shared.js';

/** Python project tools, the commands of theirs that install from a lockfile, and that lockfile (at the root). */
const LOCKING: Readonly<Record<string, { commands: readonly string[]; lockfile: string }>> = {
  uv: { commands: ['sync'], lockfile: 'uv.lock' },
  poetry: { commands: ['install'], lockfile: 'poetry.lock' },
  pdm: { commands: ['install', 'sync'], lockfile: 'pdm.lock' },
  pipenv: { commands: ['install', 'sync'], lockfile: 'Pipfile.lock' },
};

/** npm-compatible installers, the commands of theirs that install the project from its lockfile, and those lockfiles (at the root). */
const NPM_LOCKFILES: Readonly<Record<string, readonly string[]>> = {
  npm: ['package-lock.json', 'npm-shrinkwrap.json'],
  yarn: ['yarn.lock'],
  pnpm: ['pnpm-lock.yaml'],
  bun: ['bun.lock'],
};
/**
 * Packages installed by name in a script (`npm install -g foo`, `pip install foo`, `gem install foo`,
 * `cargo install foo`, `cargo binstall foo`, `go install foo@latest`, `gh extension install o/r`, and
 * runners that fetch what they run: `pnpm dlx foo`, `uvx foo`, `npx foo@latest`, `go run foo@latest`)
 * are resolved when
 * the job runs: the newest release, and the newest of each of its dependencies, whoever published
 * them an hour ago. A lockfile or a
 * manifest with hashes is what makes an install reviewable and repeatable. Reported at the first
 * package of the command: low when a package has no version, info when every package names an exact
 * version (its own dependencies are still resolved at run time), none for an exact version of a
 * package that ships its dependencies inside it (npm, yarn, pnpm, corepack), and low confidence for an
 * exact version of a Python package with no dependencies (a PyPI release can still gain files). A
 * version from `${{ env.X }}` is read as the literal the workflow sets. Installs from a manifest
 * or lockfile (`npm ci`, `pip install -r requirements.txt`, `bundle install`, `pip install .`) are not
 * reported. Low confidence where the install may fetch nothing new or is itself under review: a
 * `pip install name` (no upgrade) after an earlier command of the job installed from a lockfile that
 * names the package (`uv sync`, `poetry install`, `pip install -r`), `npx pkg@version` after a
 * lockfile install of the project that holds the package (npx runs that copy), and a package added to the
 * project's manifest (`npm install --save-dev x`, `yarn add x`) in a job that opens a pull request,
 * and a VCS requirement of a branch replacing a dependency the job installed from a lockfile (a run
 * against its upstream branch). Medium for an unpinned install in a job that builds what the workflow
 * publishes (publishing.ts; a site deployment counts, and a make target whose recipe publishes; not a
 * push to a throwaway registry, nor a job that only pull requests run), or that holds a secret of its own and later
 * pushes to the repository. `pip install --no-index` takes local archives only: not reported.
 * A setup action that downloads a tool's newest release (`version: latest`, a range, or, for the
 * release tools, its floating default: see TOOL_RELEASES) is reported at low, as
 * `go install tool@latest` is; Helm, kubectl, Terraform and the other installers there only when the
 * workflow writes the floating version.
 */
export const workflowAdhocPackages = defineEvaluator<Record<string, never>>({
  kind: 'workflow.adhoc-packages',
  scope: 'file',
  // The lockfiles and requirement files an earlier install of the job read (see lockedBefore).
  readsOtherFiles: [
    ...Object.values(LOCKING).map((l) => l.lockfile),
    ...Object.values(NPM_LOCKFILES).flat(),
    '**/*.txt',
    // The repository's composite actions a later step runs, for whether they push (see laterPusher).
    ...ACTION_GLOBS,
    // The Makefiles (and the files they include) whose targets a job runs, for whether they publish.
    ...MAKEFILE_GLOBS,
  ],
  affectedBy: linkedWorkflows,
  summary:
    'Packages installed by name in scripts (npm -g, pip, gem, cargo, go install), outside a lockfile, and tool releases setup actions take unpinned.',
  schema: { type: 'object', additionalProperties: false, properties: {} },
  evaluate({ workspace, repository }) {
    const findings: RawFinding[] = [];
    // The jobs of each workflow that publish or build what is published, asked once per workflow.
    const releasing = new Map<Workflow, Set<Job>>();
    const builds = (source: WorkflowSource, job: Job | undefined): boolean => {
      if (!job || source.kind !== 'workflow') return false;
      // What a job that only pull requests run pushes is a build of the change under review (a
      // preview, a test image), no release.
      if (pullRequestsOnly(source, job)) return false;
      let jobs = releasing.get(source);
      if (!jobs) {
        // A documentation site pushed to the pages branch is published too, and so is what a make
        // target the job runs publishes.
        jobs = publishingJobs(
          source,
          (s, j) => publishesThroughMake(workspace, s, j, source) || deploysSite(s),
        );
        releasing.set(source, jobs);
      }
      return jobs.has(job);
    };
    walkWorkflows(workflowSources(workspace), {
      step(step, source, job) {
        const setup = toolRelease(
          step,
          envResolver(step.env, job?.env, source.kind === 'workflow' ? source.env : undefined),
        );
        if (setup) {
          // As for an install by name: medium where the tool builds what the workflow publishes, unless
          // the tool is the run's owner's own (a project that releases itself with its own newest build).
          const own = repository !== undefined ? sameOwner(step.uses!.value, repository) : undefined;
          const released = !own && builds(source, job);
          findings.push({
            message:
              `"${step.uses!.value.trim()}" installs ${setup.tool} at ${setup.version}, ` +
              (setup.range
                ? 'taking the newest release that range allows when the job runs'
                : 'taking whatever release is newest when the job runs') +
              `, published by whoever controls the project at that moment. Give the action an exact version (\`${setup.input}: v1.2.3\`) and update it on purpose.` +
              (released
                ? ' This job builds what the workflow publishes (it publishes, or hands its artifacts to a job that does): a compromised release of the tool reaches the published build.'
                : own
                  ? ` The tool is published by this repository's owner (${own}), whose own release process it follows.`
                  : ''),
            location: locationFromSpan(source.path, setup.at.span),
            key: `${job?.id ?? ''}/${stepLabel(step)}/${setup.tool} ${setup.version}`,
            severity: released ? 'medium' : 'low',
          });
        }
        if (!step.run || !INSTALLER.test(step.run.value)) return;
        let text: ReturnType<typeof locatedText> | undefined;
        const commands = commandsOf(step.run.value);
        // A version written as `${{ env.X }}` is read as the literal the workflow sets X to.
        const spec = envResolver(step.env, job?.env, source.kind === 'workflow' ? source.env : undefined);
        commands.forEach((command, i) => {
          const found = adhoc(command);
          // An exact version of a self-contained package fetches that one tarball and nothing else.
          const packages = found?.packages.filter(
            (p) => !(found.npm && found.pinned(spec(p.text)) && SELF_CONTAINED.has(npmName(p.text))),
          );
          if (!found || !packages || packages.length === 0) return;
          text ??= locatedText(workspace, source.path, step.run!);
          const first = packages[0]!;
          const names = packages.map((p) => p.text);
          const specs = names.map(spec);
          const them = names.length === 1 ? 'it' : 'them';
          const pinned = specs.every((s) => found.pinned(s));
          const ranges = pinned ? [] : specs.flatMap((s) => rangeOf(found, s) ?? []);
          const resolved = specs.some((s, j) => s !== names[j])
            ? ` (as the workflow's env sets it: ${specs.join(' ').slice(0, 80)})`
            : '';
          const earlier = () => [...(job ? commandsBefore(job, step) : []), ...commands.slice(0, i)];
          const locked =
            found.tool === 'pip install' ? lockedBefore(workspace, command, packages, earlier()) : undefined;
          // npx and npm exec run the copy a lockfile install put in node_modules when its version
          // satisfies the one asked for.
          const local = found.local ? npmLockedBefore(workspace, packages, earlier()) : undefined;
          const reviewed = found.saves && job && opensPullRequest(job);
          // An exact version of a Python package with no dependencies of its own resolves nothing else;
          // but a PyPI release can gain files after it is published, unlike an npm version's one tarball.
          const alone = pinned && found.python === true && specs.every(selfContainedPython);
          // A VCS requirement of a branch (`name @ git+https://...`, no commit) taking the place of a
          // dependency an earlier command of the job installed from the lockfile: a run of the project
          // against that dependency's upstream branch, which a pin would defeat.
          const branch = found.python === true && specs.every(vcsBranch);
          const upstream =
            branch && !locked
              ? lockedBefore(workspace, command, packages.map(vcsName), earlier(), true)
              : undefined;
          // What this job installs goes into what the workflow publishes (it publishes, or hands its
          // artifacts or outputs to a job that does): a release carries whatever the install fetched.
          const released = !pinned && !upstream && builds(source, job);
          // A job that later pushes to the repository while it holds a secret (a token of its own):
          // a compromised release runs beside both, and what it changes is pushed.
          const pusher =
            !pinned && !upstream && !released && job && source.kind === 'workflow'
              ? pushesWithSecret(workspace, source, job, step)
              : undefined;
          findings.push({
            message:
              `"${found.tool} ${names.join(' ').slice(0, 80)}" installs ${names.length === 1 ? 'a package' : 'packages'} by name at run time` +
              (pinned
                ? alone
                  ? ` (the version is pinned, and ${names.length === 1 ? 'the package ships' : 'the packages ship'} with no dependencies of ${names.length === 1 ? 'its' : 'their'} own to resolve, but a PyPI release can still gain files after it is published, such as a wheel with a build tag pip prefers).`
                  : ' (the version is pinned, but its dependencies are resolved afresh on every run).'
                : branch
                  ? ', taking the newest commit of a branch of its repository when the job runs.'
                  : ranges.length === specs.length
                    ? `, taking the newest release its version range allows when the job runs${resolved}.`
                    : ', taking whatever release is newest when the job runs.') +
              ` Declare ${them} in a manifest with a committed lockfile (or hashes) and install from that.` +
              (locked
                ? ` An earlier command of this job installed from ${locked}, which names ${them}: without --upgrade, this may install nothing new.`
                : local
                  ? ` An earlier command of this job installed from ${local}, which names ${them}: ${found.tool} runs that copy when its version matches, and fetches nothing.`
                  : reviewed
                    ? " This job opens a pull request: the package is added to the project's manifest and lockfile, which are reviewed there."
                    : upstream
                      ? ` An earlier command of this job installed the project's dependencies from ${upstream}, which names ${them}: this replaces ${names.length === 1 ? 'that dependency' : 'those dependencies'} with ${names.length === 1 ? 'its' : 'their'} upstream branch, a run against it that a pin would defeat.`
                      : released
                        ? ' This job builds what the workflow publishes (it publishes, or hands its artifacts to a job that does): a compromised release of the package reaches the published build.'
                        : pusher
                          ? ` This job holds ${pusher.secret} and later pushes to the repository (${pusher.step}): a compromised release of the package runs beside that secret, and what it changes is pushed.`
                          : ''),
            location: text.locate(first.start, first.end),
            key: `${job?.id ?? ''}/${stepLabel(step)}/${found.tool} ${names.join(' ')}`,
            severity: pinned ? 'info' : released || pusher ? 'medium' : 'low',
            ...(locked || local || reviewed || alone || upstream ? { confidence: 'low' as const } : {}),
          });
        });
      },
    });
    return findings;
  },
});

/**
 * Setup actions that download a tool's release, the input that names it, and what they take without
 * it: both defaults float (goreleaser-action's `~> v2`, `latest` before v6; setup-ko's newest release).
 */
const TOOL_RELEASES: Readonly<
  Record<
    string,
    { tool: string; input: string; default?: string; range: boolean; ignoredWhen?: [string, string] }
  >
> = {
  'goreleaser/goreleaser-action': {
    tool: 'GoReleaser',
    input: 'version',
    default: '~> v2, or latest before v6',
    range: true,
  },
  'ko-build/setup-ko': { tool: 'ko', input: 'version', default: 'latest-release', range: false },
  // No default of its own to report (a `version-file` may name it); `v2.3` takes its newest patch, and
  // `install-mode: none` runs the golangci-lint already installed.
  'golangci/golangci-lint-action': {
    tool: 'golangci-lint',
    input: 'version',
    range: true,
    ignoredWhen: ['install-mode', 'none'],
  },
  // Installers of deployment and build tools. Their defaults float too (most take `latest`), but a
  // step that writes no version is left alone: only a floating version the workflow writes is reported.
  'azure/setup-helm': { tool: 'Helm', input: 'version', range: true },
  'azure/setup-kubectl': { tool: 'kubectl', input: 'version', range: true },
  'hashicorp/setup-terraform': { tool: 'Terraform', input: 'terraform_version', range: true },
  'opentofu/setup-opentofu': { tool: 'OpenTofu', input: 'tofu_version', range: true },
  'hashicorp/setup-packer': { tool: 'Packer', input: 'version', range: true },
  'peaceiris/actions-hugo': { tool: 'Hugo', input: 'hugo-version', range: true },
  'docker/setup-buildx-action': { tool: 'Buildx', input: 'version', range: true },
  'helm/chart-testing-action': { tool: 'chart-testing', input: 'version', range: true },
  'anchore/sbom-action': { tool: 'Syft', input: 'syft-version', range: true },
  'bufbuild/buf-setup-action': { tool: 'Buf', input: 'version', range: true },
};

/**
 * The floating tool release a setup action installs (`version: latest`, `version: '~> v2'`, none: the
 * action's default), where to report it; undefined for an exact version (`v2.3.2`) or one an
 * expression chooses that the workflow's `env:` does not set to a literal (a version someone chose).
 */
function toolRelease(
  step: Step,
  spec: (s: string) => string,
): { tool: string; input: string; version: string; range: boolean; at: Located } | undefined {
  const action = actionPathOf(step.uses);
  const known = action ? TOOL_RELEASES[action] : undefined;
  if (!known || !step.uses) return undefined;
  if (
    known.ignoredWhen &&
    String(input(step, known.ignoredWhen[0])?.value ?? '').trim() === known.ignoredWhen[1]
  )
    return undefined;
  const node = input(step, known.input);
  if (!node) {
    return known.default === undefined
      ? undefined
      : { ...known, version: `its default version (${known.default})`, range: known.range, at: step.uses };
  }
  const written = String(node.value ?? '').trim();
  const version = spec(written);
  // An exact release, or a commit (`install-mode: goinstall` takes one).
  if (
    version.includes('${{') ||
    EXPRESSION.test(version) ||
    /^v?\d+\.\d+\.\d+$/.test(version) ||
    /^[0-9a-f]{40}$/.test(version)
  )
    return undefined;
  const range = /^(?:~>|[~^<>=])|^v?\d+(?:\.\d+)?(?:\.x)?$/.test(version);
  return { ...known, version: `"${version}"`, range, at: node };
}

/** A quick test before splitting the script into commands. */
const INSTALLER = /\b(?:install|binstall|add|i|dlx|uvx|run|npx|bunx|exec|x)\b/;

interface Adhoc {
  tool: string;
  packages: Word[];
  pinned(spec: string): boolean;
  /** An npm registry install (npm, yarn, pnpm, bun): `name@version` specs. */
  npm?: boolean;
  /** The install adds the packages to the project's manifest and lockfile (`npm install x`, `yarn add x`). */
  saves?: boolean;
  /** A runner that runs the copy in the project's node_modules when there is one (`npx`, `npm exec`). */
  local?: boolean;
  /** A Python package install (pip, pipx, uv): `name==version` or `name@version` specs. */
  python?: boolean;
}

/** Options that take a value (the value is not a package name). */
const VALUE_OPTIONS = new Set([
  '--group',
  '--no-binary',
  '--only-binary',
  '--implementation',
  '--abi',
  '--config-settings',
  '--upgrade-strategy',
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-e',
  '--editable',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-t',
  '--target',
  '--prefix',
  '--root',
  '--platform',
  '--python-version',
  '--python',
  '-p',
  '--registry',
  '--prefix',
  '--cache',
  '--install-dir',
  '-v',
  '--version',
  '--root',
  '--git',
  '--branch',
  '--tag',
  '--rev',
  '--path',
  '--features',
  '--index',
  '--source',
  '--tool-path',
  '--framework',
  '--arch',
  '--os',
  '--filter',
  '-w',
  '--workspace',
  '-C',
  '--dir',
  // cargo binstall
  '--targets',
  '--install-path',
  '--manifest-path',
  '--pkg-url',
  '--pkg-fmt',
  '--bin-dir',
  '--strategies',
  '--disable-strategies',
  '--log-level',
  '--github-token',
  '--min-tls-version',
  // gh extension install
  '--pin',
]);

/**
 * A value the workflow sets elsewhere: a GitHub expression (`${{ matrix.version }}`), a shell variable
 * (`$VERSION`, `${VERSION}`, `$1`, PowerShell's `$env:VERSION`) or a command's output (`$(cat .version)`).
 */
const EXPRESSION = /\$(?:[{(]|[A-Za-z_\d])/;

/** What follows the first `separator` of a package argument from `from` on (its version), if any. */
function versionAfter(spec: string, separator: string, from = 0): string | undefined {
  const at = spec.indexOf(separator, from);
  return at < 0 ? undefined : spec.slice(at + separator.length).trim();
}

/**
 * A version taken from an expression wherever the expression stands in it (`${{ matrix.v }}`,
 * `v${{ matrix.v }}`, `1.$MINOR`): a version someone chose, as fixed as a literal one. A range around
 * an expression (`^${V}`, `~$V`, `>=$V`) still floats.
 */
function chosenVersion(version: string | undefined): boolean {
  return version !== undefined && /^[^^~<>=!*|]/.test(version) && EXPRESSION.test(version);
}

/** `name@1.2.3`, or a version from a variable (`name@$VERSION`, `name@v${{ matrix.version }}`). */
const npmPinned = (s: string) => {
  // After a scope's `@` (`@scope/name@1.2.3`).
  const version = versionAfter(s, '@', 1);
  return version !== undefined && (/^v?\d+\.\d+\.\d+/.test(version) || chosenVersion(version));
};
/**
 * `name==1.2` or `name==${{ matrix.version }}`; `>=`, `~=` and `!=` leave the version to the resolver,
 * and so does a wildcard (`==1.*`, any release of 1).
 */
const pipPinned = (s: string) => {
  const version = /===?(.*)$/.exec(s)?.[1]?.trim();
  return version !== undefined && !version.includes('*') && (/^\d/.test(version) || chosenVersion(version));
};

/** `name==1.2` (pip's spelling) or `name@1.2` (uv's and pipx's), or a chosen version in either. */
const pythonToolPinned = (s: string) =>
  pipPinned(s) || /^[^@=]+@v?\d/.test(s) || chosenVersion(versionAfter(s, '@', 1));

/** Options of package runners whose value is the package to run (`npx -p pkg cmd`, `uvx --from pkg cmd`). */
const RUNNER_PACKAGE = /^(?:-p|--package|--from|--spec)(?:=(.*))?$/;
/** Options of package runners that add a package beside the program's (`uvx --with dep tool`). */
const RUNNER_EXTRA = /^(?:-w|--with)(?:=(.*))?$/;
/** Options of package runners that take a value that is no package (`uvx --python 3.12`). */
const RUNNER_VALUE = /^(?:--python|--index|--index-url|--pip-args|-c|--call|--registry|--cache)$/;

/**
 * The package a runner fetches and runs (`pnpm dlx pkg args`, `uvx pkg args`, `npx pkg@1 args`): the
 * values of its package options, or else the first word that is no option. The words after it are
 * the program's arguments, not packages. `versioned`: only a package that names a release
 * (`pkg@latest`, `pkg@2`): npx and bunx run the copy the lockfile installed when there is one, and
 * fetch from the registry what it does not hold.
 */
function runnerPackages(words: Word[], versioned: boolean): Word[] {
  const named: Word[] = [];
  const extras: Word[] = [];
  let first: Word | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const option = RUNNER_PACKAGE.exec(w.text) ?? RUNNER_EXTRA.exec(w.text);
    if (option) {
      const value = option[1] !== undefined ? { ...w, text: option[1] } : words[++i];
      if (value) (RUNNER_EXTRA.test(w.text) ? extras : named).push(value);
      continue;
    }
    if (RUNNER_VALUE.test(w.text)) i++;
    else if (!w.text.startsWith('-')) {
      // The program (or the package that provides it); what follows are its arguments.
      first = w;
      break;
    }
  }
  const candidates = packagesAfter([...(named.length > 0 ? named : first ? [first] : []), ...extras]).filter(
    (w) => !w.text.includes('://'),
  );
  return versioned ? candidates.filter((w) => versionAfter(w.text, '@', 1) !== undefined) : candidates;
}

/** Recognises an install by name and returns its package arguments. */
function adhoc(command: Command): Adhoc | undefined {
  let words = command.program.map((w) => w);
  const name = () => words[0]?.text.replace(/^.*\//, '').toLowerCase();
  // `python -m pip install`, `uv pip install`, `corepack pnpm add`
  if (/^python[\d.]*$|^py$/.test(name() ?? '') && words[1]?.text === '-m') words = words.slice(2);
  else if (name() === 'uv' && words[1]?.text === 'pip') words = words.slice(1);
  const tool = name();
  const sub = words[1]?.text;
  const args = () => packagesAfter(words.slice(2));
  switch (tool) {
    case 'npm':
      // `npm exec pkg@1`: see runnerPackages.
      if (sub === 'exec')
        return result('npm exec', runnerPackages(words.slice(2), true), npmPinned, NPM_LOCAL);
      return sub === 'install' || sub === 'i' || sub === 'add'
        ? result(`npm ${sub}`, args(), npmPinned, projectInstall(words))
        : undefined;
    case 'npx':
      return result(tool, runnerPackages(words.slice(1), true), npmPinned, NPM_LOCAL);
    case 'bunx':
      return result(tool, runnerPackages(words.slice(1), true), npmPinned, NPM);
    case 'yarn':
      if (sub === 'global' && words[2]?.text === 'add')
        return result('yarn global add', packagesAfter(words.slice(3)), npmPinned, NPM);
      // `yarn dlx` and `pnpm dlx` fetch the package from the registry on every run.
      if (sub === 'dlx') return result('yarn dlx', runnerPackages(words.slice(2), false), npmPinned, NPM);
      return sub === 'add' ? result('yarn add', args(), npmPinned, projectInstall(words)) : undefined;
    case 'pnpm':
    case 'bun':
      if (sub === 'dlx' && tool === 'pnpm')
        return result('pnpm dlx', runnerPackages(words.slice(2), false), npmPinned, NPM);
      if (sub === 'x' && tool === 'bun')
        return result('bun x', runnerPackages(words.slice(2), true), npmPinned, NPM);
      return sub === 'add' || (sub === 'install' && tool === 'bun') || (sub === 'i' && tool === 'bun')
        ? result(`${tool} ${sub}`, args(), npmPinned, projectInstall(words))
        : undefined;
    case 'uv':
      if (sub !== 'tool') return undefined;
      if (words[2]?.text === 'run')
        return result('uv tool run', runnerPackages(words.slice(3), false), pythonToolPinned, PYTHON);
      return words[2]?.text === 'install'
        ? result('uv tool install', packagesAfter(words.slice(3)), pythonToolPinned, PYTHON)
        : undefined;
    case 'uvx':
      // A tool run in an environment uv resolves for it (`uv tool run`).
      return result('uvx', runnerPackages(words.slice(1), false), pythonToolPinned, PYTHON);
    case 'pip':
    case 'pip3':
      // `--no-index`: only local directories and archives (`--find-links dist`), no registry.
      if (sub !== 'install' || words.some((w) => w.text === '--require-hashes' || w.text === '--no-index'))
        return undefined;
      return result('pip install', args(), pipPinned, PYTHON);
    case 'pipx':
      if (sub === 'run')
        return result('pipx run', runnerPackages(words.slice(2), false), pythonToolPinned, PYTHON);
      return sub === 'install' || sub === 'inject'
        ? result(`pipx ${sub}`, args(), pipPinned, PYTHON)
        : undefined;
    case 'gem':
      if (sub !== 'install' || words.some((w) => /^(?:-g|--file)$/.test(w.text))) return undefined;
      return result(
        'gem install',
        args(),
        (s) => /:v?\d+\.\d+/.test(s) || chosenVersion(versionAfter(s, ':')) || versionFlag(words),
      );
    case 'bundle':
      // `bundle add gem --path dir` takes the gem from a directory of the checkout, not the registry.
      if (sub !== 'add' || words.some((w) => /^--path(=|$)/.test(w.text))) return undefined;
      return result('bundle add', args(), () => versionFlag(words));
    case 'cargo':
      // `cargo binstall` fetches a release binary of the crate crates.io names, newest by default.
      if ((sub !== 'install' && sub !== 'binstall') || words.some((w) => /^--path(=|$)/.test(w.text)))
        return undefined;
      return result(
        `cargo ${sub}`,
        args(),
        (s) =>
          /@\d/.test(s) || chosenVersion(versionAfter(s, '@')) || versionFlag(words) || gitRevision(words),
      );
    case 'go':
      // `go install pkg@v1.2.3` is checked against the checksum database: only @latest and branches
      // float. `go run pkg@version` builds and runs the module's newest release the same way; `go run`
      // of a package of the checkout (`go run ./cmd/x`, no `@`) takes nothing from a proxy.
      if (sub !== 'install' && sub !== 'run') return undefined;
      return result(
        `go ${sub}`,
        // A commit or a version from a variable (`@$V`, `@v${{ matrix.v }}`) is as fixed as a tag.
        (sub === 'run' ? goRunPackage(words.slice(2)) : args()).filter((w) => {
          const version = versionAfter(w.text, '@');
          return (
            version !== undefined &&
            !/^(?:v\d+\.\d+\.\d+|[0-9a-f]{7,40}$)/.test(version) &&
            !chosenVersion(version)
          );
        }),
        () => false,
      );
    case 'dotnet':
      return sub === 'tool' && words[2]?.text === 'install'
        ? result('dotnet tool install', packagesAfter(words.slice(3)), () => versionFlag(words))
        : undefined;
    case 'gh':
      // An extension is a repository: without `--pin`, its newest release (or default branch) is taken.
      return (sub === 'extension' || sub === 'ext') && words[2]?.text === 'install'
        ? result('gh extension install', packagesAfter(words.slice(3)), () =>
            words.some((w) => /^--pin(=|$)/.test(w.text)),
          )
        : undefined;
    case 'composer':
      return sub === 'require' || (sub === 'global' && words[2]?.text === 'require')
        ? result(
            `composer ${sub}`,
            packagesAfter(words.slice(sub === 'global' ? 3 : 2)),
            (s) => /:\s*v?\d+\.\d+\.\d+$/.test(s) || chosenVersion(versionAfter(s, ':')),
          )
        : undefined;
    default:
      return undefined;
  }
}

function result(
  tool: string,
  packages: Word[],
  pinned: (s: string) => boolean,
  flags: Pick<Adhoc, 'npm' | 'saves' | 'local' | 'python'> = {},
): Adhoc | undefined {
  return packages.length > 0 ? { tool, packages, pinned, ...flags } : undefined;
}

const NPM = { npm: true };
const NPM_LOCAL = { npm: true, local: true };
const PYTHON = { python: true };

/** Flags of `go run` (the build flags) that take the next word as their value. */
const GO_VALUE_FLAGS = new Set(
  '-C -exec -p -asmflags -buildmode -buildvcs -compiler -gccgoflags -gcflags -installsuffix -ldflags -mod -modfile -overlay -pgo -pkgdir -tags -toolexec -o'.split(
    ' ',
  ),
);

/**
 * The package `go run` builds: the first word that is no flag (nor a flag's value); the words after it
 * are the program's arguments. Only one named with a version (`pkg@latest`) is fetched: see adhoc.
 */
function goRunPackage(words: Word[]): Word[] {
  for (let i = 0; i < words.length; i++) {
    const t = words[i]!.text;
    if (t === '--') return words[i + 1] ? [words[i + 1]!] : [];
    if (t.startsWith('-')) {
      if (!t.includes('=') && GO_VALUE_FLAGS.has(t.replace(/^--/, '-'))) i++;
      continue;
    }
    return packagesAfter([words[i]!]);
  }
  return [];
}

/**
 * A function that writes each `${{ env.NAME }}` of a package argument as the literal the step's, the
 * job's or the workflow's `env:` sets NAME to (the nearest first; names compared as GitHub does,
 * without case), when it is one: `pkg@${{ env.V }}` with `V: ~1.4.0` reads `pkg@~1.4.0`. A value that
 * is itself an expression, or a name no `env:` here sets, is left as written.
 */
function envResolver(...maps: (LocatedMap | undefined)[]): (spec: string) => string {
  const lookup = (name: string): string | undefined => {
    for (const map of maps) {
      for (const [key, v] of map?.entries ?? []) {
        if (key.toLowerCase() !== name.toLowerCase()) continue;
        const value = typeof v.value === 'number' ? String(v.value) : v.value;
        return typeof value === 'string' && !value.includes('${{') && !/\s/.test(value.trim())
          ? value.trim()
          : undefined;
      }
    }
    return undefined;
  };
  return (spec) =>
    spec.includes('${{')
      ? spec.replace(
          /\$\{\{\s*env\.([A-Za-z_][\w-]*)\s*\}\}/g,
          (whole, name: string) => lookup(name) ?? whole,
        )
      : spec;
}

/**
 * The version range a package argument asks for, if it names one rather than a release or a tag: npm's
 * `^1.2.0`, `~1.39.0`, `>=2`, `1.x`, `1.2` (not `1.2.3`, which is exact, nor `latest`); a Python
 * requirement's `>=8,<9`, `~=2.0`, `!=1.0` or `==1.*`.
 */
function rangeOf(found: Adhoc, spec: string): string | undefined {
  if (found.npm) {
    const version = versionAfter(spec, '@', 1);
    return version !== undefined && !found.pinned(spec) && /^(?:[\^~<>=]|v?\d)/.test(version)
      ? version
      : undefined;
  }
  if (found.python) return /(?:[<>!~]=?|===?)\s*\S.*$/.exec(spec)?.[0];
  return undefined;
}

/**
 * Python packages that have no dependencies of their own (no requirement in their metadata but
 * optional extras): pip and setuptools vendor theirs, uv, ruff and ty ship as one compiled binary.
 * An exact version of one resolves nothing else.
 */
const SELF_CONTAINED_PYTHON = new Set(['pip', 'setuptools', 'uv', 'ruff', 'ty']);

/**
 * Whether a Python package argument names an exact version (`==1.2.3`, `===`, uv's `@1.2.3`; not a
 * wildcard `==1.*`) of a package of {@link SELF_CONTAINED_PYTHON}, without extras (which add
 * dependencies).
 */
function selfContainedPython(spec: string): boolean {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:===?|@)\s*(?:\$\{\{[^}]*\}\}|\$(?!\{\{)|[^\s,;*$])+$/.exec(
    spec,
  );
  return m !== null && SELF_CONTAINED_PYTHON.has(m[1]!.toLowerCase().replace(/[-_.]+/g, '-'));
}

const NPM_CI = new Set(['ci', 'clean-install', 'ic', 'install-clean', 'isntall-clean']);

/**
 * The lockfile an earlier command of the job installed the project's node_modules from, when it
 * names every one of `packages` at the top of node_modules: `npm ci` (`npm clean-install`), and
 * `npm install`, `yarn [install]`, `pnpm install`, `bun install` without package arguments. npx and
 * npm exec run that copy when its version satisfies the one asked for. Looked up at the root (working
 * directories are not followed).
 */
function npmLockedBefore(
  workspace: Workspace,
  packages: readonly Word[],
  earlier: readonly Command[],
): string | undefined {
  const names = packages.map((p) => npmName(p.text));
  if (!names.every((n) => /^(?:@[\w.-]+\/)?[\w.-]+$/.test(n))) return undefined;
  for (const c of earlier) {
    const words = c.program.map((w) => w.text);
    const tool = words[0]?.replace(/^.*\//, '').toLowerCase() ?? '';
    const files = NPM_LOCKFILES[tool];
    if (!files) continue;
    const sub = words.slice(1).find((w) => !w.startsWith('-'));
    const installs =
      (tool === 'npm' && sub !== undefined && NPM_CI.has(sub)) ||
      ((sub === 'install' || sub === 'i' || (tool === 'yarn' && sub === undefined)) &&
        packagesAfter(c.program.slice(sub === undefined ? 1 : words.indexOf(sub) + 1)).length === 0);
    if (!installs) continue;
    for (const file of files) {
      const text = workspace.has(file) ? workspace.text(file) : undefined;
      if (text !== undefined && names.every((n) => locksNpmPackage(file, text, n))) return file;
    }
  }
  return undefined;
}

/** Whether a lockfile holds a package at the top of node_modules. */
function locksNpmPackage(file: string, text: string, name: string): boolean {
  const n = escapeRegExp(name);
  if (file === 'yarn.lock') return new RegExp(`^"?${n}@`, 'm').test(text);
  if (file === 'pnpm-lock.yaml') return new RegExp(`^\\s+['"]?/?${n}[@/:]`, 'm').test(text);
  if (file === 'bun.lock') return text.includes(`"${name}": [`);
  return text.includes(`"node_modules/${name}"`) || new RegExp(`"${n}":\\s*\\{\\s*"version"`).test(text);
}

/**
 * An npm, yarn, pnpm or bun install into the project, which writes the packages into its package.json
 * and lockfile, or a global one (`-g`, `--global`, `--location=global`, `--no-save`), which does not.
 */
function projectInstall(words: Word[]): Pick<Adhoc, 'npm' | 'saves'> {
  const global = words.some((w) => /^(?:-g|--global|--location=global|--no-save)$/.test(w.text));
  return { npm: true, saves: !global };
}

/**
 * Packages of the npm registry that ship their dependencies inside them (npm bundles every one,
 * yarn 1, pnpm and corepack are built into files of their own): an exact version of one is a single
 * immutable tarball, nothing is resolved beside it.
 */
const SELF_CONTAINED = new Set(['npm', 'yarn', 'pnpm', 'corepack']);

/** The name of an npm package argument (`@scope/name@1.2.3` -> `@scope/name`). */
function npmName(spec: string): string {
  const at = spec.indexOf('@', 1);
  return (at < 0 ? spec : spec.slice(0, at)).toLowerCase();
}

/** The commands of the job's steps before `step`, in order. */
function commandsBefore(job: Job, step: Step): Command[] {
  return job.steps
    .filter((s) => s.index < step.index && typeof s.run?.value === 'string')
    .flatMap((s) => commandsOf(s.run!.value));
}

/** Options of pip and uv that install a newer release than one already there. */
const UPGRADE =
  /^(?:-U|--upgrade|--upgrade-package|-P|--force-reinstall|--reinstall|--reinstall-package)(?:=|$)/;

/**
 * The lockfile an earlier command of the job installed Python packages from, when it names every one
 * of `packages` (bare names: a version asked for may differ from the locked one) and `command` does
 * not upgrade: `uv sync` (uv.lock), `poetry install` (poetry.lock), `pdm install`/`sync` (pdm.lock),
 * `pipenv install`/`sync` (Pipfile.lock), `pip install -r file`, `uv pip sync file`. pip and uv leave an
 * installed package as it is, so the install may fetch nothing. Looked up at the root (working
 * directories are not followed).
 */
function lockedBefore(
  workspace: Workspace,
  command: Command,
  packages: readonly (Word | string)[],
  earlier: readonly Command[],
  replaces = false,
): string | undefined {
  // An upgrade takes a newer release than the locked one; a VCS requirement replaces it whatever.
  if (!replaces && command.program.some((w) => UPGRADE.test(w.text))) return undefined;
  const names = packages.map((p) => (typeof p === 'string' ? p : p.text));
  if (!names.every((n) => /^[A-Za-z0-9][\w.-]*$/.test(n))) return undefined;
  for (const c of earlier) {
    for (const file of lockfilesOf(c)) {
      const text = workspace.has(file) ? workspace.text(file) : undefined;
      if (text !== undefined && names.every((n) => namesPackage(text, n))) return file;
    }
  }
  return undefined;
}

/** The lockfiles (or requirement files, `.txt`) a command installs Python packages from. */
function lockfilesOf(command: Command): string[] {
  let words = command.program.map((w) => w.text);
  if (/^python[\d.]*$|^py$/.test(words[0] ?? '') && words[1] === '-m') words = words.slice(2);
  const [tool, sub] = [words[0]?.replace(/^.*\//, '').toLowerCase(), words[1]];
  const locking = tool ? LOCKING[tool] : undefined;
  if (locking?.commands.includes(sub ?? '')) return [locking.lockfile];
  const pip = tool === 'uv' && sub === 'pip' ? words.slice(1) : words;
  const pipTool = pip[0]?.replace(/^.*\//, '').toLowerCase();
  if (pipTool !== 'pip' && pipTool !== 'pip3') return [];
  if (pip[1] === 'sync') return pip.slice(2).filter((w) => !w.startsWith('-') && w.endsWith('.txt'));
  if (pip[1] !== 'install') return [];
  return pip
    .flatMap((w, j) => {
      const inline = /^(?:-r|--requirement)=?(.+)$/.exec(w)?.[1];
      if (inline && w !== '-r' && w !== '--requirement') return [inline];
      return (w === '-r' || w === '--requirement') && pip[j + 1] ? [pip[j + 1]!] : [];
    })
    .map((f) => f.replace(/^\.\//, ''));
}

/**
 * Whether a lockfile or requirement file names a package: as a TOML or JSON string (`name =
 * "certifi"`, `"certifi": {`) or at the start of a requirement line, its name compared as Python
 * normalises it (case, and `-`, `_` and `.` alike).
 */
function namesPackage(text: string, name: string): boolean {
  const pattern = name
    .toLowerCase()
    .split(/[-_.]+/)
    .map((part) => part.replace(/[^a-z0-9]/g, ''))
    .join('[-_.]+');
  return new RegExp(`(?:^|["'])${pattern}(?=["'\\s=<>~!;\\[@]|$)`, 'im').test(text);
}

/** A Python requirement `name @ git+<url>` (or `name@git+<url>`) whose URL names no commit (a branch, or none). */
const VCS_REQUIREMENT = /^([A-Za-z0-9][\w.-]*)(?:\[[^\]]*\])?\s*@\s*(?:git|hg|svn|bzr)\+\S+$/;

function vcsBranch(spec: string): boolean {
  if (!VCS_REQUIREMENT.test(spec)) return false;
  // The ref after the path's last `@` (`...repo.git@main`), without a fragment (`#egg=`).
  const url = spec.slice(spec.indexOf('+') + 1).replace(/#.*$/, '');
  const ref = /@([^/@]+)$/.exec(url.replace(/^[a-z]+:\/\/[^/]*@/, ''))?.[1];
  return ref === undefined || !/^(?:[0-9a-f]{40}|v?\d+(?:\.\d+)+)$/i.test(ref);
}

/** The name of a VCS requirement (`typing-ext @ git+...` -> `typing-ext`). */
function vcsName(word: Word): string {
  return VCS_REQUIREMENT.exec(word.text)?.[1] ?? word.text;
}

/**
 * `cargo install --git <url> --rev <commit>` (or `--tag <tag>`): the crate is built from that commit
 * or tag of the repository, as fixed as a version from the registry (its dependencies are still
 * resolved afresh without `--locked`); `--branch`, or `--git` alone, follows a branch.
 */
function gitRevision(words: Word[]): boolean {
  const value = (flag: string) => {
    const i = words.findIndex((w) => w.text === flag || w.text.startsWith(`${flag}=`));
    if (i < 0) return undefined;
    const w = words[i]!.text;
    return w === flag ? words[i + 1]?.text : w.slice(flag.length + 1);
  };
  const rev = value('--rev');
  const tag = value('--tag');
  return (rev !== undefined && /^[0-9a-f]{7,40}$/i.test(rev)) || (tag !== undefined && tag !== '');
}

function versionFlag(words: Word[]): boolean {
  return words.some((w) => /^(?:-v|--version)(=|$)/.test(w.text));
}

/** Package arguments: not options or their values, not paths, files, URLs of archives or variables. */
function packagesAfter(words: Word[]): Word[] {
  const out: Word[] = [];
  for (let i = 0; i < words.length; i++) {
    const t = words[i]!.text;
    if (t.startsWith('-')) {
      if (VALUE_OPTIONS.has(t)) i++;
      continue;
    }
    // A redirection (`>log`, `2>/dev/null`, `> log` with its file), not a quoted version range
    // (`"pkg>=1,<2"`).
    if (words[i]!.redirects) {
      if (/^\d*(?:[<>]{1,2}|&>{1,2})$/.test(t)) i++;
      continue;
    }
    if (/^[.~/$%<>]|^\w:\\|\.(?:whl|tar\.gz|tgz|zip|gem|txt|toml|cfg)$|^file:|^\$\{\{|^[>|&]/.test(t))
      continue;
    if (t === '') continue;
    out.push(words[i]!);
  }
  return out;
}

/** A secret other than the job's own token (`secrets.GITHUB_TOKEN`), named in an expression. */
const OWN_SECRET = /\bsecrets\s*(?:\.\s*(?!github_token\b)([\w-]+)|\[\s*'(?!github_token')([^']+)'\s*\])/i;

/**
 * A secret the job can read (its own or the workflow's `env:`, a step's `env:` or `with:`) and a step
 * after `step` that pushes to the repository (a git push, an action that commits and pushes):
 * undefined when either is missing.
 */
function pushesWithSecret(
  workspace: Workspace,
  workflow: Workflow,
  job: Job,
  step: Step,
): { secret: string; step: string } | undefined {
  const maps = [workflow.env, job.env, ...job.steps.flatMap((s) => [s.env, s.with])];
  let secret: string | undefined;
  for (const map of maps) {
    for (const [, v] of map?.entries ?? []) {
      const m = typeof v.value === 'string' ? OWN_SECRET.exec(v.value) : null;
      if (m) secret = `secrets.${m[1] ?? m[2]}`;
      if (secret) break;
    }
    if (secret) break;
  }
  if (!secret) return undefined;
  // An action that commits and pushes a branch to open a pull request pushes too.
  const pusher =
    laterPusher(workspace, job.steps, step, false) ??
    job.steps
      .slice(job.steps.indexOf(step) + 1)
      .find((s) => PULL_REQUEST_ACTIONS.has(actionPathOf(s.uses) ?? ''));
  return pusher ? { secret, step: `step "${stepLabel(pusher)}"` } : undefined;
}
