/**
 * What the CLI adds to a check for evidence kept beyond the run: the repository's settings read
 * through the GitHub API when the environment gives a token (the online mode, as in the Action), and
 * the auditor's files written from the same report (the OSCAL document, the Statement of
 * Applicability as Markdown and CSV).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fetchGitHubApi, type GitHubApi, parseRepository } from '../core/github-api.js';
import { type Report, UsageError } from '../core/types.js';
import { renderOscalString, renderSoaCsv, renderSoaMarkdown, soaPaths } from '../reporters/index.js';

/** Where the online mode's settings come from, and why it is off when it is. */
export type Online = { api: GitHubApi; repository: string; host: string } | { api?: undefined; why: string };

/**
 * The GitHub API for the `github.*` rules, from the environment the Action also reads: GITHUB_TOKEN
 * (never printed), GITHUB_REPOSITORY (`owner/name`) and GITHUB_API_URL (default
 * https://api.github.com; plain http only to this machine, so a token never crosses a network in
 * the clear). Without both variables, or with `--offline`, the rules report their controls as
 * unverifiable and say why.
 */
export function onlineApi(env: NodeJS.ProcessEnv, offline: boolean): Online {
  if (offline) return { why: '--offline' };
  const token = env.GITHUB_TOKEN?.trim();
  const repo = parseRepository(env.GITHUB_REPOSITORY);
  if (!token || !repo) {
    return { why: `${!token ? 'GITHUB_TOKEN' : 'GITHUB_REPOSITORY (owner/name)'} is not set` };
  }
  const base = env.GITHUB_API_URL?.trim() || 'https://api.github.com';
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`GITHUB_API_URL is not a URL: ${base}`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new UsageError(
      `GITHUB_API_URL must be an https:// address (plain http only to this machine), so that GITHUB_TOKEN is never sent in the clear; got ${url.origin}`,
    );
  }
  const api = fetchGitHubApi({ ...repo, token, baseUrl: base });
  return { api, repository: `${repo.owner}/${repo.repo}`, host: url.host };
}

/** Writes the OSCAL document and the SoA files asked for; returns what was written, for the log line. */
export function writeEvidenceFiles(report: Report, files: { oscal?: string; soa?: string }): string[] {
  const written: string[] = [];
  if (files.oscal) {
    writeText(files.oscal, renderOscalString(report));
    written.push(`OSCAL assessment results written to ${files.oscal}`);
  }
  if (files.soa) {
    const { markdown, csv } = soaPaths(files.soa);
    writeText(markdown, renderSoaMarkdown(report));
    writeText(csv, renderSoaCsv(report));
    written.push(`Statement of Applicability written to ${markdown} and ${csv}`);
  }
  return written;
}

/** Writes a file, creating its directory. */
export function writeText(file: string, text: string): void {
  const out = path.resolve(file);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, text);
}
