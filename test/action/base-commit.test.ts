/**
 * The base commit read through the API in a shallow checkout: the changed files' base versions that
 * build the base tree are read within bounds, and what is not read is said, never guessed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readBaseCommit } from '../../src/action/base-commit.js';
import { createApiClient } from '../../src/action/github-client.js';
import { FakeGitHub } from '../helpers/fake-github.js';
import { makeTree } from '../helpers/run-action.js';

let fake: FakeGitHub;
const saved = process.env.GITHUB_API_URL;
beforeEach(async () => {
  fake = await FakeGitHub.start();
  process.env.GITHUB_API_URL = fake.url;
});
afterEach(async () => {
  if (saved === undefined) delete process.env.GITHUB_API_URL;
  else process.env.GITHUB_API_URL = saved;
  await fake.close();
});

const COMMIT = 'c'.repeat(40);
const FILES: Record<string, string> = {
  'a.yml': 'a: 1\n',
  'b.yml': 'b: 2\n',
  'c.yml': 'c: 3\n',
  'big.yml': `x: ${'y'.repeat(2000)}\n`,
};

async function base() {
  fake.addCommit(COMMIT, FILES);
  const client = createApiClient({ token: 'ghs_fake', owner: 'acme', repo: 'payments-api' });
  const dir = makeTree({});
  const { base: read } = await readBaseCommit({
    workspace: dir,
    root: dir,
    commit: COMMIT,
    client,
    needs: { prefix: '', ruleDirs: [], topFiles: [], rootFiles: () => [] },
  });
  expect(read?.source).toBe('api');
  return read!;
}

describe('reading the changed files of the base through the API', () => {
  const cases: {
    name: string;
    paths: string[];
    bounds: { maxFiles?: number; maxBytes?: number; maxFileBytes?: number };
    fault?: boolean;
    read: string[];
    unread: string[];
    reason?: RegExp;
  }[] = [
    {
      name: 'within the bounds: every file, absent ones left out',
      paths: ['a.yml', 'b.yml', 'gone.yml'],
      bounds: {},
      read: ['a.yml', 'b.yml'],
      unread: [],
    },
    {
      name: 'over the file bound: the first ones read, the rest unread',
      paths: ['a.yml', 'b.yml', 'c.yml'],
      bounds: { maxFiles: 2 },
      read: ['a.yml', 'b.yml'],
      unread: ['c.yml'],
      reason: /over the bound of 2 files/,
    },
    {
      name: 'over the byte bound: unread',
      paths: ['a.yml', 'big.yml', 'b.yml'],
      bounds: { maxBytes: 1000 },
      read: ['a.yml', 'b.yml'],
      unread: ['big.yml'],
      reason: /over the bound/,
    },
    {
      name: 'a file larger than a file is read: unread',
      paths: ['big.yml', 'a.yml'],
      bounds: { maxFileBytes: 1000 },
      read: ['a.yml'],
      unread: ['big.yml'],
      reason: /larger than/,
    },
    {
      name: 'the API refuses a blob: unread, and the run goes on',
      paths: ['a.yml', 'b.yml'],
      bounds: {},
      fault: true,
      read: ['b.yml'],
      unread: ['a.yml'],
      reason: /HTTP 404/,
    },
  ];
  it.each(cases)('$name', async ({ paths, bounds, fault, read, unread, reason }) => {
    const b = await base();
    if (fault) fake.inject({ path: /\/git\/blobs\/[0-9a-f]+$/, status: 404, times: 1 });
    const got = await b.readChanged!(paths, bounds);
    expect([...got.blobs.keys()].sort()).toEqual(read);
    expect([...got.unread].sort()).toEqual(unread);
    for (const p of read) expect(got.blobs.get(p)).toEqual({ kind: 'file', bytes: Buffer.from(FILES[p]!) });
    if (reason) expect(got.reason).toMatch(reason);
    else expect(got.reason).toBeUndefined();
    // One request per file read, none for the others.
    expect(fake.log().filter((l) => l.includes('/git/blobs/'))).toHaveLength(read.length + (fault ? 1 : 0));
  });
});
