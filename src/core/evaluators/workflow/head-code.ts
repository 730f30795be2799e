import type { ShellWord } from '../../parsers/shell.js';
import type { CommandView } from '../../parsers/shell-commands.js';

/**
 * Commands other than git's and `gh pr checkout` that bring a pull request's code into a job when
 * they are given its head (its commit, branch, repository or `pull/N/head` ref): a download of an
 * archive or a file of it (`curl .../tarball/$SHA`, `gh api .../zipball/$SHA`, `wget
 * .../archive/$SHA.tar.gz`, `Invoke-WebRequest`), a clone (`gh repo clone $HEAD_REPO`, `go get
 * ...@$SHA`), or an install, which runs the package's build hooks by itself (`pip install
 * git+...@$SHA` runs its setup.py or build backend, `npm install owner/repo#$SHA` its scripts, `cargo
 * install --git ... --rev $SHA` its build.rs, `docker build <git URL>#$SHA` its Dockerfile's `RUN`s).
 * A call of GitHub's API that only reads or writes metadata (`.../pulls/N`, `.../commits/$SHA/status`,
 * `.../statuses/$SHA`) brings no code in.
 */

/** How a command brings the code in: `install` runs it by itself; the others leave it to what follows. */
export type CodeRoute = 'download' | 'clone' | 'install';

export interface CodeFetch {
  route: CodeRoute;
  /**
   * The words that say what to fetch: a head value in one of them fetches the head's code. For a
   * URL, only its path counts (`pathOnly`): a head value in the query names a commit to a service.
   */
  words: ShellWord[];
  pathOnly?: boolean;
}

/** HTTP clients, with their options that take a value which is not the URL. */
const HTTP_CLIENTS: Record<string, ReadonlySet<string>> = {
  curl: new Set(
    '-d --data --data-raw --data-binary --data-urlencode --data-ascii --json -H --header -F --form --form-string -X --request -o --output -u --user -A --user-agent -e --referer -w --write-out -T --upload-file -b --cookie -c --cookie-jar -m --max-time --connect-timeout --retry --retry-delay --retry-max-time -K --config -E --cert --key --cacert -x --proxy -r --range --resolve --connect-to --oauth2-bearer --variable'.split(
      ' ',
    ),
  ),
  wget: new Set(
    '-O --output-document -o --output-file -a --append-output --header --post-data --post-file --body-data --body-file --method -P --directory-prefix --user --password --http-user --http-password -U --user-agent -t --tries -T --timeout --referer'.split(
      ' ',
    ),
  ),
  http: new Set(['-a', '--auth', '-o', '--output', '--session']),
  https: new Set(['-a', '--auth', '-o', '--output', '--session']),
  xh: new Set(['-a', '--auth', '-o', '--output', '--session']),
  aria2c: new Set(['-d', '--dir', '-o', '--out', '--header']),
};
const POWERSHELL_CLIENTS = new Set(['invoke-webrequest', 'invoke-restmethod', 'iwr', 'irm']);
const POWERSHELL_VALUE_OPTIONS = new Set(
  '-outfile -headers -body -method -contenttype -form -token -authentication -useragent -credential -infile -timeoutsec -maximumredirection -proxy -websession -sessionvariable -customethod -custommethod'.split(
    ' ',
  ),
);
/** `gh api`'s options that take a value (the endpoint is its one positional argument). */
const GH_API_VALUE_OPTIONS = new Set(
  '-f --raw-field -F --field -H --header -X --method -q --jq -t --template --input --hostname --cache -p --preview'.split(
    ' ',
  ),
);
/** `docker build`'s options whose value names no build context: a tag, a build argument, a file. */
const DOCKER_VALUE_OPTIONS = new Set(
  '--build-arg -t --tag --label -f --file --target --platform --cache-from --cache-to --secret --ssh --network -o --output --iidfile --metadata-file --progress --annotation --attest --shm-size --ulimit --add-host --allow --builder'.split(
    ' ',
  ),
);

/** Package managers' subcommands that fetch, build and install every package they are given. */
const PYTHON_INSTALLS = new Set(['install', 'download', 'add', 'wheel']);
const NODE_INSTALLS = new Set(['install', 'i', 'add', 'ci', 'update', 'up']);
/** Subcommands and programs that run one package, the rest of their words its arguments. */
const PACKAGE_RUNS = new Set(['run', 'exec', 'x', 'dlx', 'create']);
const PACKAGE_RUNNERS = new Set(['npx', 'pnpx', 'bunx', 'uvx', 'pipx']);
/** The options of those that name a package to fetch besides the one run. */
const PACKAGE_OPTIONS = /^(?:-p|--package|--spec|--from|--with)$/;
/** Options of an HTTP client that send data: the request writes, it fetches no code. */
const SENDS_DATA =
  /^(?:-d|--data(?:-\w+)?|-F|--form(?:-string)?|--json|-T|--upload-file|--post-(?:data|file)|--body-(?:data|file)|-Body|-InFile|-Form)$|^(?:-X|--request|--method|-Method)(?:=|$)/i;
const WRITE_METHOD = /^(?:-X|--request|--method|-Method)?=?(?:POST|PUT|PATCH|DELETE)$/i;

/**
 * What `view` fetches, when it is a command that fetches code by a route other than git: the route,
 * and the words that name what it fetches. `apiOnly` says, for an HTTP client's URL (its variables
 * expanded where their values are written in the workflow), whether it is a call of GitHub's API that
 * returns no code.
 */
export function codeFetchOf(
  view: CommandView,
  apiOnly: (word: ShellWord, endpoint: boolean) => boolean,
): CodeFetch | undefined {
  const name = view.name.toLowerCase();
  const args = view.command.words.slice(view.nameIndex + 1);
  const positional = (options: ReadonlySet<string>) =>
    args.filter((w, i) => !w.value.startsWith('-') && !options.has(args[i - 1]?.value ?? ''));
  const http = HTTP_CLIENTS[name];
  if (http || POWERSHELL_CLIENTS.has(name)) {
    // A request that sends data or uses a writing method (`-X POST`, `-d`, `-Method Put`) posts to a service.
    if (args.some((w, i) => sendsData(w.value, args[i + 1]?.value))) return undefined;
    const urls = http
      ? positional(http)
      : args.filter(
          (w, i) =>
            !w.value.startsWith('-') &&
            (/^-uri$/i.test(args[i - 1]?.value ?? '') ||
              !POWERSHELL_VALUE_OPTIONS.has((args[i - 1]?.value ?? '').toLowerCase())),
        );
    // `curl --url=URL`: the value is the URL.
    for (const w of args) if (/^--url=/.test(w.value)) urls.push(w);
    const words = urls.filter((w) => !apiOnly(w, false));
    return words.length > 0 ? { route: 'download', words, pathOnly: true } : undefined;
  }
  if (name === 'gh') {
    const [group, verb] = args.map((w) => w.value);
    if (group === 'repo' && verb === 'clone') return { route: 'clone', words: args.slice(2) };
    if (
      group !== 'api' ||
      args.some(
        (w, i) =>
          sendsData(w.value, args[i + 1]?.value) || /^--input$|^-[fF]$|^--(?:raw-)?field$/.test(w.value),
      )
    )
      return undefined;
    const endpoint = args.slice(1).filter((w, i, rest) => {
      const previous = rest[i - 1]?.value ?? '';
      return !w.value.startsWith('-') && !GH_API_VALUE_OPTIONS.has(previous);
    })[0];
    return endpoint && !apiOnly(endpoint, true)
      ? { route: 'download', words: [endpoint], pathOnly: true }
      : undefined;
  }
  // The first two words that are not options: the subcommand (`pip install`, `uv pip install`).
  const verbs = args
    .map((w, i) => ({ w, i }))
    .filter(({ w }) => !w.value.startsWith('-'))
    .slice(0, 2);
  const verb = (set: ReadonlySet<string>) => verbs.find(({ w }) => set.has(w.value.toLowerCase()))?.i;
  if (PACKAGE_RUNNERS.has(name)) return { route: 'install', words: packageRun(args, -1) };
  if (['pip', 'pip3', 'pipx', 'uv', 'poetry', 'pdm', 'npm', 'yarn', 'pnpm', 'bun', 'cargo'].includes(name)) {
    const installs =
      name === 'cargo'
        ? new Set(['install'])
        : /^(?:pip|uv|poetry|pdm)/.test(name)
          ? PYTHON_INSTALLS
          : NODE_INSTALLS;
    const all = verb(installs);
    if (all !== undefined) return { route: 'install', words: args.slice(all + 1) };
    const one = name === 'cargo' ? undefined : verb(PACKAGE_RUNS);
    return one === undefined ? undefined : { route: 'install', words: packageRun(args, one) };
  }
  if (name === 'go') {
    const first = verbs[0]?.w.value;
    if (first === 'run') return { route: 'install', words: packageRun(args, verbs[0]!.i) };
    // `go install`/`go get` build without running it; the program they leave runs when it is called.
    return first === 'install' || first === 'get'
      ? { route: 'clone', words: args.slice(verbs[0]!.i + 1) }
      : undefined;
  }
  if (['docker', 'podman', 'buildah', 'nerdctl'].includes(name)) {
    const build = verbs.find(({ w }) => w.value === 'build')?.i;
    if (build === undefined) return undefined;
    return {
      route: 'install',
      words: positional(DOCKER_VALUE_OPTIONS).filter((w) => w.start > args[build]!.start),
    };
  }
  return undefined;
}

/** `gh pr diff` options after which it prints no code: the changed files' names, or a browser opened. */
const GH_DIFF_PRINTS_NO_CODE = /^(?:--name-only|--web|-w)$/;
/** A URL path of a pull request's diff or patch on GitHub (`/pull/12.diff`, `/pull/12.patch`). */
const PULL_DIFF_PATH = /\/pulls?\/(?:\$\{\{[^}]{1,200}\}\}|[^/\s?#]{1,200})\.(?:diff|patch)(?:[?#"'\s]|$)/i;
/** The event's links to a pull request's diff or patch (`github.event.pull_request.diff_url`). */
const PULL_DIFF_URL = /\bpull_request\??\.(?:diff|patch)_url\b|\[\s*['"](?:diff|patch)_url['"]\s*\]/;

/**
 * The word of a command that fetches a pull request's diff or patch, which is the head's code as
 * text (applied with `git apply`, `git am` or `patch`, it is the head's tree): `gh pr diff` (not
 * with `--name-only`), or an HTTP client given a URL whose path is `.../pull/N.diff` or `.patch`, or
 * the event's `diff_url` or `patch_url` (`expand` puts in the values of variables written in the
 * workflow). Undefined for any other command.
 */
export function pullDiffFetchOf(view: CommandView, expand: (text: string) => string): ShellWord | undefined {
  const name = view.name.toLowerCase();
  const args = view.command.words.slice(view.nameIndex + 1);
  if (name === 'gh') {
    if (args[0]?.value !== 'pr' || args[1]?.value !== 'diff') return undefined;
    if (args.some((w) => GH_DIFF_PRINTS_NO_CODE.test(w.value))) return undefined;
    return args[1];
  }
  if (!HTTP_CLIENTS[name] && !POWERSHELL_CLIENTS.has(name)) return undefined;
  if (args.some((w, i) => sendsData(w.value, args[i + 1]?.value))) return undefined;
  return args.find((w) => {
    const text = expand(w.value);
    return PULL_DIFF_PATH.test(text) || PULL_DIFF_URL.test(text);
  });
}

/** Whether an HTTP client's option (and the word after it) sends data or asks for a writing method. */
function sendsData(option: string, next: string | undefined): boolean {
  if (!SENDS_DATA.test(option)) return false;
  if (!/^(?:-X|--request|--method|-Method)/i.test(option)) return true;
  return WRITE_METHOD.test(option.includes('=') ? option.slice(option.indexOf('=') + 1) : (next ?? ''));
}

/**
 * The words naming the package a runner fetches and runs (`npx pkg args`, `npm exec pkg`, `go run
 * pkg@v args`): the first word after `verb` that is not an option, and the values of `--package`,
 * `--spec`, `--from`, `--with`. The words after the package are its arguments.
 */
function packageRun(args: readonly ShellWord[], verb: number): ShellWord[] {
  const out: ShellWord[] = [];
  for (let i = verb + 1; i < args.length; i++) {
    const value = args[i]!.value;
    if (value === '--') continue;
    if (PACKAGE_OPTIONS.test(value)) {
      if (args[i + 1]) out.push(args[i + 1]!);
      i++;
      continue;
    }
    if (/^--?[\w-]+=/.test(value) && PACKAGE_OPTIONS.test(value.slice(0, value.indexOf('=')))) {
      out.push(args[i]!);
      continue;
    }
    if (value.startsWith('-')) continue;
    out.push(args[i]!);
    break;
  }
  return out;
}

/** A URL of GitHub's REST API (written out, or from `GITHUB_API_URL`), or a `gh api` endpoint. */
const API_URL =
  /^(?:https?:\/\/api\.github\.com\/|https?:\/\/[^/\s]+\/api\/v3\/|\$\{?GITHUB_API_URL\b|\$\{\{\s*github\.api_url\s*\}\})/i;
/** API endpoints that return the code of a commit: archives, files, blobs. */
const CODE_ENDPOINT = /\/(?:tarball|zipball|contents|git\/blobs)(?:[/?#]|$)/i;

/**
 * Whether a URL (its variables expanded where known) is a call of GitHub's API that returns no code
 * (`endpoint`: a `gh api` endpoint, whose host is implied). Any other URL given a head value, or one
 * whose host is not known, is taken to fetch the head's code.
 */
export function apiMetadata(url: string, endpoint: boolean): boolean {
  const text = url.trim();
  return (endpoint || API_URL.test(text)) && !CODE_ENDPOINT.test(text);
}
