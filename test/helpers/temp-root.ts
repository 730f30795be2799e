import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Vitest's global setup: every test run gets one temporary folder of its own, which the workers'
 * `os.tmpdir()` returns (TMPDIR is set before any worker starts), and which is removed with all the
 * repositories, trees and reports the tests made in it when the run ends.
 */
export default function setup(): () => void {
  const root = mkdtempSync(path.join(tmpdir(), 'controlgate-tests-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
