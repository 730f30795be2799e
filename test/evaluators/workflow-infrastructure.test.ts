import { afterAll, describe, expect, it } from 'vitest';
import { triggeringEvents } from '../../src/core/evaluators/workflow/callers.js';
import { shellWrites } from '../../src/core/evaluators/workflow/shell.js';
import { type Workflow, workflowSources } from '../../src/core/parsers/workflow.js';
import { removeTrees, tree } from '../parsers/tree.js';

afterAll(removeTrees);

describe('shellWrites', () => {
  it('records $GITHUB_PATH writes with what they are made of, besides outputs and env', () => {
    const script = [
      'dir="$RUNNER_TEMP/$TOOL"',
      'echo "$dir/bin" >> "$GITHUB_PATH"',
      'echo "mode=$MODE" >> $GITHUB_ENV',
      '{',
      '  echo "$HOME/.local/bin"',
      '} >> "$GITHUB_PATH"',
      'echo >> "$GITHUB_PATH"',
    ].join('\n');
    const writes = shellWrites(script).map((w) => ({
      file: w.file,
      name: w.name,
      vars: w.envVars,
      lines: w.ranges.map(([s]) => script.slice(0, s).split('\n').length),
    }));
    expect(writes).toEqual([
      { file: 'path', name: '', vars: ['RUNNER_TEMP', 'TOOL', 'GITHUB_PATH'], lines: [2, 1] },
      { file: 'env', name: 'mode', vars: ['MODE', 'GITHUB_ENV'], lines: [3] },
      { file: 'path', name: '', vars: ['HOME'], lines: [5] },
    ]);
  });
});

describe('triggeringEvents', () => {
  it('adds the triggers of local callers, through chains of calls', () => {
    const ws = tree({
      '.github/workflows/preview.yml':
        'on: pull_request_target\njobs:\n  call:\n    uses: ./.github/workflows/middle.yml\n',
      '.github/workflows/middle.yml':
        'on: workflow_call\njobs:\n  call:\n    uses: ./.github/workflows/build.yml\n',
      '.github/workflows/build.yml':
        'on:\n  workflow_call:\n  workflow_dispatch:\njobs:\n  b:\n    runs-on: x\n    steps: [{ run: make }]\n',
      '.github/workflows/push.yml': 'on: push\njobs:\n  b:\n    runs-on: x\n    steps: [{ run: make }]\n',
    });
    const byPath = new Map(workflowSources(ws).map((s) => [s.path, s as Workflow]));
    const events = (p: string) => [...triggeringEvents(ws, byPath.get(p)!)].sort();
    expect(events('.github/workflows/build.yml')).toEqual([
      'pull_request_target',
      'workflow_call',
      'workflow_dispatch',
    ]);
    expect(events('.github/workflows/middle.yml')).toEqual(['pull_request_target', 'workflow_call']);
    expect(events('.github/workflows/push.yml')).toEqual(['push']);
  });
});
