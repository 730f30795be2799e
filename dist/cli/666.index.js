export const id = 666;
export const ids = [666];
export const modules = {

/***/ 3666:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   loadHclParser: () => (/* binding */ loadHclParser)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_url__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3136);
/* harmony import */ var _node_modules_web_tree_sitter_web_tree_sitter_cjs__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(551);



// The CommonJS build on purpose: the ESM build imports `module` dynamically, which the ncc bundle
// turns into a namespace without `createRequire`. A relative path because the package does not
// export that file (src/ and lib/ sit at the same depth, and ncc bundles it); its types are the
// package's, declared for the package name only.
// @ts-expect-error TS2306: the .d.cts beside it declares `module 'web-tree-sitter'`, not this path.

const treeSitter = _node_modules_web_tree_sitter_web_tree_sitter_cjs__WEBPACK_IMPORTED_MODULE_3__;
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
const readRuntimeWasm = () => (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(__webpack_require__.ab + "web-tree-sitter.wasm");
const readGrammarWasm = () => (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(__webpack_require__.ab + "tree-sitter-hcl.wasm");
let loading;
/** The shared HCL parser, loaded (once) on first use: runs without Terraform files never pay for it. */
function loadHclParser() {
    if (!loading) {
        loading = createParser().catch((err) => {
            loading = undefined;
            throw new Error(`cannot load the HCL parser: ${err instanceof Error ? err.message : String(err)}`);
        });
    }
    return loading;
}
async function createParser() {
    const g = globalThis;
    // The CommonJS glue reads `__dirname` to find its wasm, which an ESM bundle does not define; it is
    // only a search path, unused because the bytes are passed in.
    if (g.__dirname === undefined)
        g.__dirname = node_path__WEBPACK_IMPORTED_MODULE_1__.dirname((0,node_url__WEBPACK_IMPORTED_MODULE_2__.fileURLToPath)(import.meta.url));
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
                if (tree.rootNode.hasError)
                    return { ok: false, error: firstError(tree.rootNode, lines) };
                return { ok: true, root: plainTree(tree) };
            }
            finally {
                tree.delete();
            }
        },
    };
}
function firstError(root, lines) {
    const stack = [root];
    while (stack.length > 0) {
        const node = stack.pop();
        if (node.isMissing || node.isError) {
            const at = lines.position(node.startIndex);
            const snippet = node.text.split('\n')[0].slice(0, 40);
            const message = node.isMissing
                ? `syntax error: missing ${JSON.stringify(node.type)}`
                : snippet
                    ? `syntax error near ${JSON.stringify(snippet)}`
                    : 'syntax error';
            return { message, line: at.line, column: at.column };
        }
        // Depth-first in source order: push children last-to-first.
        const children = node.children.filter((c) => c.hasError || c.isMissing);
        for (let i = children.length - 1; i >= 0; i--)
            stack.push(children[i]);
    }
    return { message: 'syntax error', line: 1, column: 1 };
}
/** Copies the named nodes (comments excepted) of a tree in one cursor pass, without recursion. */
function plainTree(tree) {
    const cursor = tree.walk();
    try {
        const root = {
            type: cursor.nodeType,
            start: cursor.startIndex,
            end: cursor.endIndex,
            children: [],
        };
        const parents = [root];
        for (;;) {
            if (cursor.gotoFirstChild()) {
                parents.push(visit(cursor, parents[parents.length - 1]));
                continue;
            }
            for (;;) {
                parents.pop();
                if (cursor.gotoNextSibling()) {
                    parents.push(visit(cursor, parents[parents.length - 1]));
                    break;
                }
                if (!cursor.gotoParent())
                    return root;
            }
        }
    }
    finally {
        cursor.delete();
    }
}
/**
 * Records the cursor's node under `parent` when it is named, and returns where its own children go:
 * itself, or (for an anonymous token, which has none worth keeping) a throwaway holder.
 */
function visit(cursor, parent) {
    const node = {
        type: cursor.nodeType,
        start: cursor.startIndex,
        end: cursor.endIndex,
        children: [],
    };
    if (cursor.nodeIsNamed && node.type !== 'comment')
        parent.children.push(node);
    return node;
}


/***/ })

};
