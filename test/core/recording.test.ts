import { describe, expect, it } from 'vitest';
import { RecordingWorkspace } from '../../src/core/workspace/recording.js';
import { InputLog, type RuleInputs, touchedBy } from '../../src/core/workspace/scope.js';
import { defineSelector } from '../../src/core/workspace/screens.js';
import { Workspace } from '../../src/core/workspace/workspace.js';
import { makeTree } from '../helpers/run-action.js';

function tree(files: Record<string, string>): Workspace {
  return new Workspace(makeTree(files, 'cg-rec-'), { files: Object.keys(files).sort() });
}

/** Records one "rule" run over the view. */
function record(view: RecordingWorkspace, rule: (ws: Workspace) => void): RuleInputs {
  view.log.begin();
  rule(view);
  return view.log.end();
}

const matcher = (ws: Workspace) => (patterns: readonly string[]) => ws.matcher(patterns);

describe('RecordingWorkspace', () => {
  it('records every path asked, found or not, the globs listed and whether the tree was enumerated', () => {
    const ws = tree({ 'a/package.json': '{}', 'a/x.yml': 'k: v\n', 'b.txt': 'b' });
    const view = new RecordingWorkspace(ws, new InputLog());
    const inputs = record(view, (w) => {
      w.has('a/package-lock.json');
      w.text('a/package.json');
      w.yaml('a/x.yml');
      w.glob('**/*.tf');
    });
    expect([...inputs.paths].sort()).toEqual(['a/package-lock.json', 'a/package.json', 'a/x.yml']);
    expect([...inputs.globs.values()]).toEqual([['**/*.tf']]);
    expect(inputs.listed).toBe(false);
    expect(record(view, (w) => void w.files.length).listed).toBe(true);
    // The answers are the whole tree's, read once.
    expect(view.read('b.txt')).toBe(ws.read('b.txt'));
  });

  it('credits a rule with the inputs of a shared computation another rule made', () => {
    const ws = tree({ 'k/a.yaml': 'kind: Pod\n', 'k/b.yaml': 'kind: Service\n' });
    const view = new RecordingWorkspace(ws, new InputLog());
    const index = (w: Workspace) => w.memo('k8s-index', '', () => w.glob('k/*.yaml').map((f) => w.text(f)));
    const first = record(view, index);
    const second = record(view, index);
    expect(second.paths).toEqual(first.paths);
    expect([...second.paths].sort()).toEqual(['k/a.yaml', 'k/b.yaml']);
    expect([...second.globs.values()]).toEqual([['k/*.yaml']]);
    // Made where nothing was recorded (the whole tree, directly): the rule's inputs are unknown.
    ws.memo('other', '', () => ws.text('k/a.yaml'));
    expect(record(view, (w) => w.memo('other', '', () => '')).opaque).toMatch(/other/);
  });

  it('credits a value derived from one file, whoever computed it first, to that file alone', () => {
    const ws = tree({ '.github/workflows/a.yml': 'on: push\n', '.github/workflows/b.yml': 'on: push\n' });
    const view = new RecordingWorkspace(ws, new InputLog());
    // A per-file rule (never recorded) computed it on the whole tree: a rule that takes it through
    // the view read that file, not an unknown set of files.
    ws.memo('workflow-expressions-by-holder', '.github/workflows/a.yml', () => new Map());
    const inputs = record(view, (w) =>
      w.memo('workflow-expressions-by-holder', '.github/workflows/a.yml', () => 0),
    );
    expect(inputs.opaque).toBeUndefined();
    expect([...inputs.paths]).toEqual(['.github/workflows/a.yml']);
  });

  it('answers every question a workspace takes from the whole tree (a method added later must be too)', () => {
    // The view has no file list of its own: a method it inherited would answer from an empty tree.
    // Those left are the text of a read (through `read`; `configText` reports through
    // `reportProblem`, which the view delegates), private helpers of reads and memos it delegates
    // (`linkOf`, `node` and `listedAsRegular` among them: the base tree asks them of the head, and
    // `aliasOf` of the whole tree, never of a view), and
    // `matchByName` and `filesOfKeys`, which only `matchFiles` and `filesWhere` call (the view's ask
    // the whole tree's `glob` and `filesWhere`).
    const own = new Set(Object.getOwnPropertyNames(RecordingWorkspace.prototype));
    const inherited = Object.getOwnPropertyNames(Workspace.prototype).filter(
      (n) => n !== 'constructor' && !own.has(n),
    );
    expect(inherited).toEqual([
      'configText',
      'matchByName',
      'filesOfKeys',
      'text',
      'settleMemo',
      'indexedSet',
      'load',
      'open',
      'openLink',
      'resolveLink',
      'listedAsRegular',
      'linkOf',
      'node',
      'realDirectoryOf',
      'realDirectory',
    ]);
  });

  it('cannot record what a rule learns from the input problems of the others', () => {
    const view = new RecordingWorkspace(tree({ 'a.yml': ': :\n' }), new InputLog());
    expect(record(view, (w) => w.inputProblems()).opaque).toBeDefined();
  });
});

describe('touchedBy', () => {
  const ws = tree({ 'a/package.json': '{}', 'infra/main.tf': '' });
  const inputs = (over: Partial<RuleInputs>): RuleInputs => ({
    paths: new Set(),
    globs: new Map(),
    screened: new Map(),
    selected: new Set(),
    listed: false,
    opaque: undefined,
    ...over,
  });

  it('is touched by a change to a path asked, one matching a glob listed, or a new file list', () => {
    const change = { paths: new Set(['a/package-lock.json']), listing: true };
    expect(touchedBy(inputs({ paths: new Set(['a/package-lock.json']) }), change, matcher(ws))).toBe(true);
    expect(touchedBy(inputs({ globs: new Map([['x', ['**/*-lock.json']]]) }), change, matcher(ws))).toBe(
      true,
    );
    expect(touchedBy(inputs({ listed: true }), change, matcher(ws))).toBe(true);
    expect(touchedBy(inputs({ opaque: 'API' }), { paths: new Set(), listing: false }, matcher(ws))).toBe(
      true,
    );
  });

  it('answers each change and glob list on its own, asked again and again', () => {
    const m = matcher(ws);
    const lock = inputs({ globs: new Map([['x', ['**/*-lock.json']]]) });
    const tf = inputs({ globs: new Map([['x', ['**/*.tf']]]) });
    const toLock = { paths: new Set(['a/package-lock.json']), listing: false };
    const toTf = { paths: new Set(['infra/main.tf']), listing: false };
    for (let round = 0; round < 2; round++) {
      expect(touchedBy(lock, toLock, m)).toBe(true);
      expect(touchedBy(tf, toLock, m)).toBe(false);
      expect(touchedBy(lock, toTf, m)).toBe(false);
      expect(touchedBy(tf, toTf, m)).toBe(true);
      // A list is its globs in order: two globs are not one glob holding a comma.
      expect(touchedBy(inputs({ globs: new Map([['y', ['**/*.tf', 'z']]]) }), toTf, m)).toBe(true);
      expect(touchedBy(inputs({ globs: new Map([['y', ['**/*.tf,z']]]) }), toTf, m)).toBe(false);
    }
  });

  it('is touched through a selector only by a path the selector takes, added or deleted', () => {
    defineSelector('test-manifests', (p) => p.endsWith('package.json'));
    const asked = inputs({ selected: new Set(['test-manifests']) });
    const added = (p: string) => ({ paths: new Set([p]), listing: true });
    expect(touchedBy(asked, added('src/new.js'), matcher(ws))).toBe(false);
    expect(touchedBy(asked, added('svc/package.json'), matcher(ws))).toBe(true);
    // An edit leaves the list as it was (what the rule read of the file is a path input of its own).
    const edited = { paths: new Set(['svc/package.json']), listing: false, presence: new Set<string>() };
    expect(touchedBy(asked, edited, matcher(ws))).toBe(false);
    // Globs are selectors any process can make again from their names.
    const docs = inputs({ selected: new Set(['glob-i:["**/security.md"]']) });
    expect(touchedBy(docs, added('docs/SECURITY.md'), matcher(ws))).toBe(true);
    expect(touchedBy(docs, added('docs/guide.md'), matcher(ws))).toBe(false);
    // A name no process knows: every path counts.
    expect(touchedBy(inputs({ selected: new Set(['unknown']) }), added('src/new.js'), matcher(ws))).toBe(
      true,
    );
  });

  it('is touched through a screened glob by a file added, deleted, or passing the screen on either side', () => {
    const asked = inputs({ screened: new Map([['k', { patterns: ['**/*.yml'], screen: 'k8s-manifest' }]]) });
    const change = (passes: boolean | undefined, added = false) => ({
      paths: new Set(['ci/a.yml']),
      listing: added,
      presence: new Set(added ? ['ci/a.yml'] : []),
      ...(passes === undefined
        ? {}
        : { screened: (p: string, s: string) => passes && p === 'ci/a.yml' && s === 'k8s-manifest' }),
    });
    expect(touchedBy(asked, change(false), matcher(ws))).toBe(false);
    expect(touchedBy(asked, change(true), matcher(ws))).toBe(true);
    // The rule read it to test it: a file more or less is another read.
    expect(touchedBy(asked, change(false, true), matcher(ws))).toBe(true);
    // Where the trees cannot be asked, the screened glob is a plain glob.
    expect(touchedBy(asked, change(undefined), matcher(ws))).toBe(true);
    expect(touchedBy(asked, { paths: new Set(['src/a.js']), listing: true }, matcher(ws))).toBe(false);
  });

  it('is not touched by edits elsewhere, nor is a listing by edits that keep the file list', () => {
    const edit = { paths: new Set(['src/app.js']), listing: false };
    const asked = inputs({
      paths: new Set(['a/package.json']),
      globs: new Map([['tf', ['**/*.tf']]]),
      listed: true,
    });
    expect(touchedBy(asked, edit, matcher(ws))).toBe(false);
  });
});
