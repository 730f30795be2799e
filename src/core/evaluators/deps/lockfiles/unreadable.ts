import type { Workspace } from '../../../workspace/workspace.js';
import type { LockfileInventory } from './types.js';

/**
 * The inventory of a lockfile that cannot be read as text (larger than the read limit, binary, a
 * symbolic link), with the reason; undefined when its text is available.
 */
export function unreadable(ws: Workspace, file: string): LockfileInventory | undefined {
  const content = ws.read(file);
  if (content.kind === 'text') return undefined;
  const problem =
    content.kind === 'too-large'
      ? `larger than the ${Math.round(ws.maxFileBytes / 1024)} KiB read limit (${Math.round(content.size / 1024)} KiB), not read`
      : content.kind === 'binary'
        ? 'a binary file, not read'
        : content.kind === 'symlink'
          ? 'a symbolic link, not followed'
          : `not readable (${content.reason})`;
  return {
    file,
    format: file.slice(file.lastIndexOf('/') + 1),
    components: [],
    recordsLicenses: false,
    problem,
  };
}
