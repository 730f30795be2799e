/**
 * The identity of a run for evidence that outlives it: which repository, which ref, which CI run.
 * GitHub Actions says it in its environment; outside a runner the CLI asks git (the branch checked
 * out, the `origin` remote). Every value is checked against its expected shape, so what lands in a
 * report or an OSCAL document is an identifier, never arbitrary text from the environment.
 */
import type { GitRepository } from './git.js';
import { parseRepository } from './github-api.js';
import type { RunIdentity } from './types.js';

const SAFE_REF = /^refs\/[A-Za-z0-9._/+-]{1,240}$/;

/** What GitHub Actions' environment says: GITHUB_REPOSITORY, GITHUB_SERVER_URL, GITHUB_REF, GITHUB_RUN_ID. */
export function identityFromEnv(env: NodeJS.ProcessEnv): RunIdentity {
  const out: RunIdentity = {};
  const repo = parseRepository(env.GITHUB_REPOSITORY);
  const server = webOrigin(env.GITHUB_SERVER_URL ?? 'https://github.com');
  if (repo) {
    out.repository = `${repo.owner}/${repo.repo}`;
    if (server) out.url = `${server}/${out.repository}`;
  }
  if (env.GITHUB_REF && SAFE_REF.test(env.GITHUB_REF)) out.ref = env.GITHUB_REF;
  const id = env.GITHUB_RUN_ID;
  if (out.url && id && /^\d{1,20}$/.test(id)) {
    const attempt = env.GITHUB_RUN_ATTEMPT;
    out.runUrl = `${out.url}/actions/runs/${id}${attempt && /^\d{1,6}$/.test(attempt) && attempt !== '1' ? `/attempts/${attempt}` : ''}`;
  }
  return out;
}

/**
 * The environment's identity, completed from git where it says nothing: the branch checked out
 * (`refs/heads/...`) and the `origin` remote when it is a GitHub-like web address (an SSH or HTTPS
 * remote of any host). Two git processes at most, only when the environment lacks the answers.
 */
export function identityOf(repo: GitRepository | undefined, env: NodeJS.ProcessEnv): RunIdentity {
  const out = identityFromEnv(env);
  if (!repo) return out;
  if (!out.ref) {
    const ref = repo.symbolicHead();
    if (ref && SAFE_REF.test(ref)) out.ref = ref;
  }
  if (!out.repository) {
    const remote = repo.remoteUrl('origin');
    const parsed = remote ? fromRemote(remote) : undefined;
    if (parsed) Object.assign(out, parsed);
  }
  return out;
}

/** `git@github.com:acme/api.git`, `https://github.com/acme/api(.git)`, `ssh://git@host/acme/api`. */
export function fromRemote(remote: string): { repository: string; url: string } | undefined {
  const m =
    /^(?:https?:\/\/(?:[^@/\s]+@)?|ssh:\/\/[^@/\s]+@|[A-Za-z0-9._-]+@)([A-Za-z0-9.-]+)(?::\d+)?[:/]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(
      remote.trim(),
    );
  if (!m) return undefined;
  const repository = `${m[2]}/${m[3]}`;
  return parseRepository(repository) ? { repository, url: `https://${m[1]}/${repository}` } : undefined;
}

function webOrigin(value: string): string | undefined {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}
