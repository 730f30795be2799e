import { type ImageRef, parseImageRef } from './image-ref.js';

/**
 * What a step's or a job's `uses:` points at. GitHub accepts four forms: a path in the checked-out
 * workspace (`./...`), a path in the workflow's own repository at the commit that is running
 * (`$/...`, the self-repository form GitHub added in July 2026), a container image
 * (`docker://...`), and an action or reusable workflow in another repository
 * (`owner/repo[/path]@ref`).
 */
export type UsesRef =
  | {
      kind: 'local';
      raw: string;
      /** The path as a workspace-relative `./...` (a `$/...` reference's path is given that form). */
      path: string;
      /**
       * `$/...`: read from the workflow's own commit, not from the workspace, so nothing a job
       * checks out (a pull request's head) can replace it; like `./`, it needs no pin.
       */
      self?: true;
    }
  | { kind: 'docker'; raw: string; image: ImageRef }
  | {
      kind: 'repository';
      raw: string;
      owner: string;
      repo: string;
      /** Path inside the repository (sub-action or `.github/workflows/x.yml`), if any. */
      path?: string;
      /** Text after the first '@'; undefined when the reference names no version at all. */
      ref?: string;
    }
  | { kind: 'invalid'; raw: string; reason: string };

/** A full commit SHA: the only `@ref` that cannot be moved to other code. */
const FULL_SHA = /^[0-9a-fA-F]{40}$/;
/** An abbreviated SHA (as `git log --oneline` prints); still resolvable to more than one commit. */
const SHORT_SHA = /^[0-9a-fA-F]{7,39}$/;

/** Parses the text of a `uses:` value. */
export function parseUses(text: string): UsesRef {
  const raw = text.trim();
  if (raw.startsWith('./')) return { kind: 'local', raw, path: raw };
  if (raw.startsWith('$/')) return { kind: 'local', raw, path: `./${raw.slice(2)}`, self: true };
  if (raw.startsWith('docker://')) {
    const image = parseImageRef(raw.slice('docker://'.length));
    return image
      ? { kind: 'docker', raw, image }
      : { kind: 'invalid', raw, reason: 'no image after docker://' };
  }
  // Repository names cannot contain '@', so the first one starts the ref; taking the last one would
  // let `owner/repo@v1@<sha>` pass as pinned.
  const at = raw.indexOf('@');
  const target = at === -1 ? raw : raw.slice(0, at);
  const segments = target.split('/');
  const [owner, repo] = segments;
  if (!owner || !repo) return { kind: 'invalid', raw, reason: 'expected owner/repo[/path]@ref' };
  const out: UsesRef = { kind: 'repository', raw, owner, repo };
  if (segments.length > 2) out.path = segments.slice(2).join('/');
  if (at !== -1) out.ref = raw.slice(at + 1);
  return out;
}

/** How a repository reference's `@ref` pins the code it runs. */
export type RefPinning = 'sha' | 'short-sha' | 'mutable' | 'missing';

/** Classifies a `@ref`: only a full 40-hex commit SHA is immutable. */
export function refPinning(ref: string | undefined): RefPinning {
  if (ref === undefined || ref === '') return 'missing';
  if (FULL_SHA.test(ref)) return 'sha';
  if (SHORT_SHA.test(ref)) return 'short-sha';
  return 'mutable';
}
