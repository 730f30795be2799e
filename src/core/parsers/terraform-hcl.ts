import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TreeSitter from 'web-tree-sitter';
// The CommonJS build on purpose: the ESM build imports `module` dynamically, which the ncc bundle
// turns into a namespace without `createRequire`. A relative path because the package does not
// export that file (src/ and lib/ sit at the same depth, and ncc bundles it); its types are the
// package's, declared for the package name only.
// @ts-expect-error TS2306: the .d.cts beside it declares `module 'web-tree-sitter'`, not this path.
import treeSitterCjs from '../../../node_modules/web-tree-sitter/web-tree-sitter.cjs';
import type { LineIndex } from '../workspace/lines.js';

const treeSitter = treeSitterCjs as typeof TreeSitter;

/**
 * Loads the HCL grammar of tree-sitter (`@tree-sitter-grammars/tree-sitter-hcl`, compiled to
 * WebAssembly and run by `web-tree-sitter`): a complete, error-tolerant HCL2 parser with exact source
 * ranges for every node, offline, and without native code. The syntax tree it returns is turned into
 * plain objects by terraform-syntax.ts.
 */

/** Parsing stops (and the file is reported as not parsed) after this long. */
const PARSE_TIMEOUT_MS = 10000;

// How the two WebAssembly files reach the bundle. `readFileSync(new URL(literal, import.meta.url))`,
// written out in full, is what ncc's asset relocator recognises: it copies the file beside the bundle
// unchanged and rewrites the path. A bare `new URL(...)` goes through webpack's asset handling instead,
// which writes the binary as text and corrupts it. The relocator also skips, silently, any file whose
// syntax its parser does not know: no `??=`, `||=` or numeric separators in this module (a test
// checks).
const readRuntimeWasm = () =>
  readFileSync(new URL('../../../node_modules/web-tree-sitter/web-tree-sitter.wasm', import.meta.url));
const readGrammarWasm = () =>
  readFileSync(
    new URL(
      '../../../node_modules/@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm',
      import.meta.url,
    ),
  );

/** A syntax error, located at the first error or missing token of the tree. */
export interface HclSyntaxError {
  message: string;
  line: number;
  column: number;
}

/** A named syntax node, copied out of WebAssembly memory: walking plain objects is much faster. */
export interface SyntaxNode {
  type: string;
  /** UTF-16 offsets into the text, like JavaScript string indices. */
  start: number;
  end: number;
  children: SyntaxNode[];
}

/** A parser for HCL text; one per process, reused for every file. */
export interface HclParser {
  /**
   * The named nodes of `text` (comments left out), or its first syntax error. Parsing gives up after
   * a time limit, which is reported as an error too.
   */
  parse(
    text: string,
    lines: LineIndex,
  ): { ok: true; root: SyntaxNode } | { ok: false; error: HclSyntaxError };
}

let loading: Promise<HclParser> | undefined;

/** The shared HCL parser, loaded (once) on first use: runs without Terraform files never pay for it. */
export function loadHclParser(): Promise<HclParser> {
  if (!loading) {
    loading = createParser().catch((err: unknown) => {
      loading = undefined;
      throw new Error(`cannot load the HCL parser: ${err instanceof Error ? err.message : String(err)}`);
    });
  }
  return loading;
}

async function createParser(): Promise<HclParser> {
  const g = globalThis as { __dirname?: string };
  // The CommonJS glue reads `__dirname` to find its wasm, which an ESM bundle does not define; it is
  // only a search path, unused because the bytes are passed in.
  if (g.__dirname === undefined) g.__dirname = path.dirname(fileURLToPath(import.meta.url));
  await treeSitter.Parser.init({ wasmBinary: readRuntimeWasm() });
  const language = await treeSitter.Language.load(readGrammarWasm());
  const parser = new treeSitter.Parser();
  parser.setLanguage(language);
  return {
    parse(text, lines) {
      const deadline = Date.now() + PARSE_TIMEOUT_MS;
      const tree = parser.parse(text, null, { progressCallback: () => Date.now() > deadline });
      if (!tree) {
        // A cancelled parse would otherwise resume from where it stopped on the next call.
        parser.reset();
        return { ok: false, error: { message: 'parsing took too long', line: 1, column: 1 } };
      }
      try {
        if (tree.rootNode.hasError) return { ok: false, error: firstError(tree.rootNode, lines) };
        return { ok: true, root: plainTree(tree) };
      } finally {
        tree.delete();
      }
    },
  };
}

/**
 * The first syntax error of a tree, in source order, at the innermost node that holds it: an error
 * node that wraps a whole stretch of the file (the parser's recovery can start it at line 1, before
 * the blocks it could still read) is passed through to the first error inside it, where the text
 * stops making sense (`value_from {` inside an object, in Terraform 0.11's syntax).
 */
function firstError(root: TreeSitter.Node, lines: LineIndex): HclSyntaxError {
  const stack: TreeSitter.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const inner = node.isError && node.children.some((c) => c.hasError || c.isMissing);
    if ((node.isMissing || node.isError) && !inner) {
      const at = lines.position(node.startIndex);
      const snippet = node.text.split('\n')[0]!.slice(0, 40);
      const message = node.isMissing
        ? `syntax error: missing ${JSON.stringify(node.type)}`
        : snippet
          ? `syntax error near ${JSON.stringify(snippet)}`
          : 'syntax error';
      return { message, line: at.line, column: at.column };
    }
    // Depth-first in source order: push children last-to-first.
    const children = node.children.filter((c) => c.hasError || c.isMissing);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return { message: 'syntax error', line: 1, column: 1 };
}

/** Copies the named nodes (comments excepted) of a tree in one cursor pass, without recursion. */
function plainTree(tree: TreeSitter.Tree): SyntaxNode {
  const cursor = tree.walk();
  try {
    const root: SyntaxNode = {
      type: cursor.nodeType,
      start: cursor.startIndex,
      end: cursor.endIndex,
      children: [],
    };
    const parents: SyntaxNode[] = [root];
    for (;;) {
      if (cursor.gotoFirstChild()) {
        parents.push(visit(cursor, parents[parents.length - 1]!));
        continue;
      }
      for (;;) {
        parents.pop();
        if (cursor.gotoNextSibling()) {
          parents.push(visit(cursor, parents[parents.length - 1]!));
          break;
        }
        if (!cursor.gotoParent()) return root;
      }
    }
  } finally {
    cursor.delete();
  }
}

/**
 * Records the cursor's node under `parent` when it is named, and returns where its own children go:
 * itself, or (for an anonymous token, which has none worth keeping) a throwaway holder.
 */
function visit(cursor: TreeSitter.TreeCursor, parent: SyntaxNode): SyntaxNode {
  const node: SyntaxNode = {
    type: cursor.nodeType,
    start: cursor.startIndex,
    end: cursor.endIndex,
    children: [],
  };
  if (cursor.nodeIsNamed && node.type !== 'comment') parent.children.push(node);
  return node;
}
