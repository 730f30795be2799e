import type { GitHubApi, GitHubResponse } from '../../github-api.js';
import { segment } from '../../github-api.js';

/**
 * What the online workflow audits ask GitHub about the actions a repository uses: the repository
 * (archived, default branch), its tags, whether a ref is a branch or a tag, whether a commit is in a
 * branch's history, and the advisory database. One instance per API client (so per run): every answer
 * is cached and shared by the audits, and the requests not yet answered are bounded by a budget that
 * the audits share. A question that cannot be asked (budget spent, no answer from the API) resolves to
 * `undefined`, which the audits report as "not checked", never as a pass.
 */

/** Requests the online workflow audits may make per run, together (cached answers cost nothing). */
export const ONLINE_REQUEST_BUDGET = 40;

/** Actions per advisory query (the `affects` list of one request). */
const ADVISORY_BATCH = 20;

export interface Tag {
  name: string;
  sha: string;
}

export interface Advisory {
  ghsaId: string;
  summary: string;
  severity: string;
  url: string;
  vulnerabilities: { name: string; range: string; patched?: string }[];
}

export class ActionApi {
  private readonly answers = new Map<string, Promise<GitHubResponse | undefined>>();
  /** Advisories by `owner/repo@version`, kept per package so that any later batch can reuse them. */
  private readonly advisoryCache = new Map<string, Advisory[]>();
  private spent = 0;
  private silent = false;

  constructor(
    private readonly api: GitHubApi,
    readonly budget: number,
  ) {}

  /** Requests made so far. */
  get requests(): number {
    return this.spent;
  }

  /** Why questions go unanswered from now on, if they do. */
  get exhausted(): string | undefined {
    if (this.silent) return 'the GitHub API stopped answering';
    return this.spent >= this.budget
      ? `the run's budget of ${this.budget} requests for these audits is spent`
      : undefined;
  }

  /** A GET within the budget; undefined when it cannot be asked or got no answer. */
  get(path: string): Promise<GitHubResponse | undefined> {
    const known = this.answers.get(path);
    if (known) return known;
    if (this.exhausted) return Promise.resolve(undefined);
    this.spent += 1;
    const answer = this.api.get(path).then(
      (r) => (r.status === 429 || (r.status === 403 && rateLimited(r)) ? this.stop() : r),
      () => this.stop(),
    );
    this.answers.set(path, answer);
    return answer;
  }

  private stop(): undefined {
    this.silent = true;
    return undefined;
  }

  /** `archived` and the default branch; `null` when the repository does not exist (or is hidden). */
  async repository(slug: string): Promise<{ archived: boolean; defaultBranch?: string } | null | undefined> {
    const r = await this.get(`/repos/${path(slug)}`);
    if (!r) return undefined;
    if (r.status === 404) return null;
    const data = record(r.data);
    if (r.status !== 200 || !data) return undefined;
    const branch = typeof data.default_branch === 'string' ? data.default_branch : undefined;
    return { archived: data.archived === true, ...(branch ? { defaultBranch: branch } : {}) };
  }

  /** The first page of tags (newest first, as GitHub lists them) and whether that is all of them. */
  async tags(slug: string): Promise<{ tags: Tag[]; complete: boolean } | undefined> {
    const r = await this.get(`/repos/${path(slug)}/tags?per_page=100`);
    if (r?.status !== 200 || !Array.isArray(r.data)) return undefined;
    const tags: Tag[] = [];
    for (const item of r.data) {
      const t = record(item);
      const sha = record(t?.commit)?.sha;
      if (typeof t?.name === 'string' && typeof sha === 'string')
        tags.push({ name: t.name, sha: sha.toLowerCase() });
    }
    return { tags, complete: r.data.length < 100 };
  }

  /** The commit a tag names: from the tag list, else the tag's ref; `null` when there is no such tag. */
  async tagCommit(slug: string, tag: string): Promise<string | null | undefined> {
    const listed = await this.tags(slug);
    const hit = listed?.tags.find((t) => t.name === tag);
    if (hit) return hit.sha;
    if (listed?.complete) return null;
    const r = await this.get(`/repos/${path(slug)}/git/ref/tags/${segment(tag)}`);
    if (!r) return undefined;
    if (r.status === 404) return null;
    const object = record(record(r.data)?.object);
    if (r.status !== 200 || typeof object?.sha !== 'string') return undefined;
    if (object.type !== 'tag') return object.sha.toLowerCase();
    // An annotated tag points at a tag object, which points at the commit.
    const t = await this.get(`/repos/${path(slug)}/git/tags/${segment(object.sha)}`);
    const target = record(record(t?.data)?.object);
    return t?.status === 200 && typeof target?.sha === 'string' ? target.sha.toLowerCase() : undefined;
  }

  /** Whether a branch of that name exists. */
  async branchExists(slug: string, name: string): Promise<boolean | undefined> {
    const r = await this.get(`/repos/${path(slug)}/branches/${segment(name)}`);
    if (!r) return undefined;
    return r.status === 200 ? true : r.status === 404 ? false : undefined;
  }

  /** Whether a tag of that name exists. */
  async tagExists(slug: string, name: string): Promise<boolean | undefined> {
    const sha = await this.tagCommit(slug, name);
    return sha === undefined ? undefined : sha !== null;
  }

  /**
   * How `head` relates to `base` (`identical`, `behind`: head is in base's history; `ahead`,
   * `diverged`: it is not); `null` when GitHub knows no such commit in this repository's network.
   */
  async compare(slug: string, base: string, head: string): Promise<string | null | undefined> {
    const r = await this.get(`/repos/${path(slug)}/compare/${segment(base)}...${segment(head)}?per_page=1`);
    if (!r) return undefined;
    if (r.status === 404) return null;
    const status = record(r.data)?.status;
    return r.status === 200 && typeof status === 'string' ? status : undefined;
  }

  /**
   * Advisories affecting each of `packages` (`owner/repo@1.2.3`), asked in batches of distinct
   * actions (so each advisory maps back to one version) and remembered per package; a package whose
   * batch got no answer is absent from the result.
   */
  async advisoriesFor(packages: string[]): Promise<Map<string, Advisory[]>> {
    const slugOf = (p: string) => p.slice(0, p.lastIndexOf('@'));
    const batches: string[][] = [];
    for (const item of new Set(packages)) {
      if (this.advisoryCache.has(item)) continue;
      const batch = batches.find(
        (b) => b.length < ADVISORY_BATCH && !b.some((x) => slugOf(x) === slugOf(item)),
      );
      if (batch) batch.push(item);
      else batches.push([item]);
    }
    for (const batch of batches) {
      const answer = await this.advisories(batch);
      if (!answer) continue;
      for (const item of batch) {
        const slug = slugOf(item);
        this.advisoryCache.set(
          item,
          answer.filter((a) => a.vulnerabilities.some((v) => v.name === slug)),
        );
      }
    }
    const out = new Map<string, Advisory[]>();
    for (const item of packages) {
      const known = this.advisoryCache.get(item);
      if (known) out.set(item, known);
    }
    return out;
  }

  /** Reviewed advisories of the `actions` ecosystem affecting any of `packages` (`owner/repo@1.2.3`). */
  private async advisories(packages: string[]): Promise<Advisory[] | undefined> {
    const affects = packages.map((p) => encodeURIComponent(p)).join(',');
    const r = await this.get(`/advisories?ecosystem=actions&affects=${affects}&per_page=100`);
    if (r?.status !== 200 || !Array.isArray(r.data)) return undefined;
    const out: Advisory[] = [];
    for (const item of r.data) {
      const a = record(item);
      if (!a || typeof a.ghsa_id !== 'string' || a.withdrawn_at) continue;
      const vulnerabilities = (Array.isArray(a.vulnerabilities) ? a.vulnerabilities : []).flatMap((v) => {
        const vr = record(v);
        const name = record(vr?.package)?.name;
        if (typeof name !== 'string') return [];
        const patched = vr?.first_patched_version;
        const fixed = typeof patched === 'string' ? patched : record(patched)?.identifier;
        return [
          {
            name: name.toLowerCase(),
            range: typeof vr?.vulnerable_version_range === 'string' ? vr.vulnerable_version_range : '',
            ...(typeof fixed === 'string' ? { patched: fixed } : {}),
          },
        ];
      });
      out.push({
        ghsaId: a.ghsa_id,
        summary: typeof a.summary === 'string' ? a.summary : '',
        severity: typeof a.severity === 'string' ? a.severity : 'unknown',
        url: typeof a.html_url === 'string' ? a.html_url : `https://github.com/advisories/${a.ghsa_id}`,
        vulnerabilities,
      });
    }
    return out;
  }
}

const instances = new WeakMap<GitHubApi, ActionApi>();

/** The run's shared instance for an API client. */
export function actionApi(api: GitHubApi, budget = ONLINE_REQUEST_BUDGET): ActionApi {
  let instance = instances.get(api);
  if (!instance) {
    instance = new ActionApi(api, budget);
    instances.set(api, instance);
  }
  return instance;
}

function path(slug: string): string {
  return slug
    .split('/')
    .map((s) => segment(s))
    .join('/');
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function rateLimited(r: GitHubResponse): boolean {
  const message = record(r.data)?.message;
  return typeof message === 'string' && /rate limit/i.test(message);
}
