export const id = 643;
export const ids = [643];
export const modules = {

/***/ 9643:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  RunCache: () => (/* binding */ RunCache)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./lib/core/clock.js
var core_clock = __webpack_require__(1601);
// EXTERNAL MODULE: ./lib/core/evaluate-rule.js
var evaluate_rule = __webpack_require__(2595);
// EXTERNAL MODULE: ./lib/core/slices.js
var slices = __webpack_require__(1200);
// EXTERNAL MODULE: ./lib/core/version.js
var version = __webpack_require__(8067);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
;// CONCATENATED MODULE: ./lib/core/cache/blobs.js
/**
 * Each tracked file's content id, as git knows it: the mode and blob id of its index entry, for the
 * files whose working-tree copy git says is unmodified. A file git reports modified (or merely
 * touched since the index was written: git compares the file's stat with the index first), untracked
 * or absent from the index has no id here, so it is read and evaluated as if there were no cache.
 */

const GIT_OPTIONS = { maxBuffer: 1024 * 1024 * 1024, encoding: 'buffer' };
function git(root, args) {
    return new Promise((resolve, reject) => {
        (0,external_node_child_process_.execFile)('git', ['-c', 'core.quotepath=off', ...args], { cwd: root, ...GIT_OPTIONS }, (err, out) => err ? reject(err) : resolve(out));
    });
}
/** Splits git's `-z` output into its entries. */
function entries(out) {
    const list = [];
    let start = 0;
    while (start < out.length) {
        let end = out.indexOf(0, start);
        if (end < 0)
            end = out.length;
        if (end > start)
            list.push(out.toString('utf8', start, end));
        start = end + 1;
    }
    return list;
}
/**
 * The content ids of the unmodified tracked files under `root` (paths relative to it, as git prints
 * them from there); empty when git cannot tell (not a work tree), so nothing is taken from a cache.
 */
async function blobIds(root) {
    try {
        const [staged, modified] = await Promise.all([
            git(root, ['ls-files', '-z', '--stage']),
            // Everything whose working-tree copy differs from the index, stat-only differences included.
            git(root, ['diff-files', '-z', '--name-only', '--relative', '--no-renames']),
        ]);
        const changed = new Set(entries(modified));
        const ids = new Map();
        for (const e of entries(staged)) {
            // `<mode> <oid> <stage>\t<path>`; a conflicted path (stage 1-3) has no single content.
            const tab = e.indexOf('\t');
            const [mode, oid, stage] = e.slice(0, tab).split(' ');
            const file = e.slice(tab + 1);
            if (tab < 0 || stage !== '0' || !mode || !oid || changed.has(file))
                continue;
            ids.set(file, `${mode} ${oid}`);
        }
        return ids;
    }
    catch {
        return new Map();
    }
}

;// CONCATENATED MODULE: ./lib/core/cache/mask.js
/**
 * Sets of rules as the cache file writes them: one hexadecimal digit per four rule positions, the
 * lowest position in the lowest bit. 52 per-file rules fit in 13 characters per file.
 */
/** The mask of the positions set in `bits`. */
function encodeMask(bits) {
    let out = '';
    for (let i = 0; i < bits.length; i += 4) {
        const digit = (bits[i] ?? 0) | ((bits[i + 1] ?? 0) << 1) | ((bits[i + 2] ?? 0) << 2) | ((bits[i + 3] ?? 0) << 3);
        out += digit.toString(16);
    }
    return out;
}
/** Each hexadecimal digit's value by character code (asked once per rule and file: no parseInt). */
const DIGITS = new Uint8Array(128);
for (let d = 0; d < 16; d++)
    DIGITS[d.toString(16).charCodeAt(0)] = d;
/** Whether position `k` is in the mask; an absent mask holds every position. */
function inMask(mask, k) {
    if (mask === undefined)
        return true;
    return ((DIGITS[mask.charCodeAt(k >> 2)] >> (k & 3)) & 1) === 1;
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./lib/core/finding.js
var finding = __webpack_require__(6134);
// EXTERNAL MODULE: ./lib/core/types.js
var types = __webpack_require__(2458);
// EXTERNAL MODULE: ./lib/core/cache/fingerprints.js
var fingerprints = __webpack_require__(8033);
;// CONCATENATED MODULE: ./lib/core/cache/store.js
/**
 * The cache file: one JSON document in the directory the user names (`cache-dir`), read at the start
 * of a run and replaced atomically at its end. It is untrusted input: whoever could write the
 * directory (a careless `actions/cache` key restoring a pull request's cache) wrote it. So it is
 * bounded in bytes and entries, never read or written through a symbolic link, and checked entry by
 * entry; anything wrong makes the whole file ignored, and the run evaluates every file.
 */





/** The file's name in the cache directory. */
const CACHE_FILE = 'controlgate-cache.json';
/** Bumped whenever the shape below changes: a file of another version is ignored, silently. */
const CACHE_FORMAT = 1;
/** Larger files are refused unread (100,000 files with findings take about 15 MB). */
const MAX_CACHE_BYTES = 256 * 1024 * 1024;
/** At most this many files, findings per entry and characters per string. */
const MAX_FILES = 1_000_000;
const MAX_FINDINGS = 10_000;
const MAX_STRING = 100_000;
function restore(stored) {
    const { fp, ...raw } = stored;
    (0,fingerprints/* rememberFingerprint */.k)(raw, fp);
    return raw;
}
/** A finding as stored: its fingerprint (as the report prints it) instead of its key. */
function stash(ruleId, raw) {
    const { key, ...rest } = raw;
    return { ...rest, fp: (0,fingerprints/* cachedFingerprint */.n)(raw) ?? (0,finding/* fingerprint */.Rj)(ruleId, raw.location?.path ?? '', key ?? '') };
}
/** Why a cache file is refused. */
class CacheRefused extends Error {
}
/** Reads the cache of `dir`; undefined when there is none yet; throws {@link CacheRefused}. */
function readCache(dir) {
    const file = external_node_path_.join(dir, CACHE_FILE);
    const dirStat = lstatOrUndefined(dir);
    if (!dirStat)
        return undefined;
    if (!dirStat.isDirectory())
        throw new CacheRefused(`${dir} is not a directory (a symbolic link is refused)`);
    const stat = lstatOrUndefined(file);
    if (!stat)
        return undefined;
    if (!stat.isFile())
        throw new CacheRefused(`${file} is not a regular file (a symbolic link is refused)`);
    let fd;
    try {
        fd = (0,external_node_fs_.openSync)(file, external_node_fs_.constants.O_RDONLY | (external_node_fs_.constants.O_NOFOLLOW ?? 0));
    }
    catch (err) {
        throw new CacheRefused(`${file} cannot be opened: ${err.code ?? err}`);
    }
    let text;
    try {
        const size = (0,external_node_fs_.fstatSync)(fd).size;
        if (size > MAX_CACHE_BYTES)
            throw new CacheRefused(`${file} is ${size} bytes, over ${MAX_CACHE_BYTES}`);
        const buf = Buffer.allocUnsafe(size);
        let read = 0;
        while (read < size) {
            const n = (0,external_node_fs_.readSync)(fd, buf, read, size - read, read);
            if (n === 0)
                break;
            read += n;
        }
        text = buf.toString('utf8', 0, read);
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
    let doc;
    try {
        doc = JSON.parse(text);
    }
    catch (err) {
        throw new CacheRefused(`${file} is not JSON: ${err.message}`);
    }
    return decode(doc, file);
}
/** Checks the document's shape entry by entry. */
function decode(doc, file) {
    const fail = (where, what) => {
        throw new CacheRefused(`${file}: ${where}: ${what}`);
    };
    if (!isObject(doc) || doc.format !== 'controlgate-cache')
        fail('/format', 'not a controlgate cache');
    const d = doc;
    // Another version's file is not an attack: it is simply not used (and replaced at the end).
    if (d.version !== CACHE_FORMAT)
        return undefined;
    if (!isString(d.key))
        fail('/key', 'expected a string');
    const rules = d.rules;
    if (!Array.isArray(rules) || !rules.every(isString))
        fail('/rules', 'expected an array of rule ids');
    const count = rules.length;
    const maskShape = new RegExp(`^[0-9a-f]{${Math.ceil(count / 4)}}$`);
    const masks = d.masks;
    if (!Array.isArray(masks) ||
        masks.length > MAX_FILES ||
        !masks.every((m) => isString(m) && maskShape.test(m))) {
        fail('/masks', `expected masks of ${count} rules`);
    }
    const { paths, blobs, examined } = d;
    if (!Array.isArray(paths) || paths.length > MAX_FILES)
        fail('/paths', `expected at most ${MAX_FILES} paths`);
    const n = paths.length;
    if (!Array.isArray(blobs) || blobs.length !== n)
        fail('/blobs', `expected ${n} blob ids`);
    if (!Array.isArray(examined) || examined.length !== n)
        fail('/examined', `expected ${n} mask indexes`);
    const maskAt = (v, where) => Number.isInteger(v) && v >= 0 && v < masks.length
        ? masks[v]
        : fail(where, 'expected the index of a mask');
    const files = new Map();
    const entries = [];
    for (let i = 0; i < n; i++) {
        const name = paths[i];
        if (!isString(name) || files.has(name))
            fail(`/paths/${i}`, 'expected a path given once');
        const blob = blobs[i];
        if (!isString(blob) || !/^\d{6} [0-9a-f]{40,64}$/.test(blob))
            fail(`/blobs/${i}`, 'expected "<mode> <blob id>"');
        const entry = {
            blob: blob,
            examined: maskAt(examined[i], `/examined/${i}`),
        };
        files.set(name, entry);
        entries.push(entry);
    }
    const at = (key, where) => {
        const i = /^(0|[1-9]\d*)$/.test(key) ? Number(key) : -1;
        return i >= 0 && i < n ? i : fail(where, 'not a file index');
    };
    if (!isObject(d.cached))
        fail('/cached', 'expected an object');
    for (const [key, v] of Object.entries(d.cached)) {
        entries[at(key, `/cached/${key}`)].cached = maskAt(v, `/cached/${key}`);
    }
    if (!isObject(d.outcomes))
        fail('/outcomes', 'expected an object');
    for (const [key, list] of Object.entries(d.outcomes)) {
        const i = at(key, `/outcomes/${key}`);
        const name = paths[i];
        if (!Array.isArray(list) || list.length > count)
            fail(`/outcomes/${key}`, 'expected an array');
        const outcomes = new Map();
        for (const [j, o] of list.entries()) {
            const where = `/outcomes/${key}/${j}`;
            if (!Array.isArray(o) || o.length < 2 || o.length > 3)
                fail(where, 'expected [rule, raw, problems?]');
            const [rule, raw, problems = []] = o;
            if (!Number.isInteger(rule) || rule < 0 || rule >= count) {
                fail(`${where}/0`, 'not a rule position');
            }
            if (outcomes.has(rule))
                fail(`${where}/0`, 'a rule given twice');
            if (!Array.isArray(raw) || raw.length > MAX_FINDINGS || !raw.every((r) => isRaw(r, name))) {
                fail(`${where}/1`, `expected findings located in ${name}`);
            }
            if (!Array.isArray(problems) ||
                problems.length > MAX_FINDINGS ||
                !problems.every((p) => isProblem(p, name))) {
                fail(`${where}/2`, `expected input problems of ${name}`);
            }
            outcomes.set(rule, {
                raw: raw.map(restore),
                problems: problems,
            });
        }
        entries[i].outcomes = outcomes;
    }
    return { key: d.key, rules: rules, files };
}
/**
 * Writes the cache into `dir` (created if missing): a temporary file beside the final one, renamed
 * over it, so a reader never sees half a file. Refuses a directory that is a symbolic link.
 */
function writeCache(dir, data) {
    (0,external_node_fs_.mkdirSync)(dir, { recursive: true });
    if (!(0,external_node_fs_.lstatSync)(dir).isDirectory())
        throw new CacheRefused(`${dir} is not a directory (a symbolic link is refused)`);
    const stored = { masks: [], paths: [], blobs: [], examined: [], cached: {}, outcomes: {} };
    const maskIndex = new Map();
    const mask = (m) => {
        let i = maskIndex.get(m);
        if (i === undefined) {
            i = stored.masks.push(m) - 1;
            maskIndex.set(m, i);
        }
        return i;
    };
    for (const [name, f] of data.files) {
        const i = stored.paths.push(name) - 1;
        stored.blobs.push(f.blob);
        stored.examined.push(mask(f.examined));
        if (f.cached !== undefined)
            stored.cached[i] = mask(f.cached);
        if (f.outcomes && f.outcomes.size > 0) {
            stored.outcomes[i] = [...f.outcomes].map(([rule, c]) => {
                const raw = c.raw.map((r) => stash(data.rules[rule], r));
                return c.problems.length > 0 ? [rule, raw, c.problems] : [rule, raw];
            });
        }
    }
    const text = JSON.stringify({
        format: 'controlgate-cache',
        version: CACHE_FORMAT,
        key: data.key,
        rules: data.rules,
        ...stored,
    });
    const temp = external_node_path_.join(dir, `.${CACHE_FILE}.${process.pid}.tmp`);
    (0,external_node_fs_.rmSync)(temp, { force: true });
    // Exclusive and without following a link: a planted file of that name is never written through.
    const fd = (0,external_node_fs_.openSync)(temp, external_node_fs_.constants.O_WRONLY | external_node_fs_.constants.O_CREAT | external_node_fs_.constants.O_EXCL | (external_node_fs_.constants.O_NOFOLLOW ?? 0), 0o644);
    try {
        (0,external_node_fs_.writeSync)(fd, text);
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
    (0,external_node_fs_.renameSync)(temp, external_node_path_.join(dir, CACHE_FILE));
}
function lstatOrUndefined(p) {
    try {
        return (0,external_node_fs_.lstatSync)(p);
    }
    catch {
        return undefined;
    }
}
function isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function isString(v) {
    return typeof v === 'string' && v.length <= MAX_STRING;
}
function isLine(v) {
    return Number.isInteger(v) && v >= 0;
}
const LOCATION_KEYS = new Set(['path', 'startLine', 'endLine', 'startColumn', 'endColumn']);
const RAW_KEYS = new Set([
    'message',
    'location',
    'fp',
    'severity',
    'confidence',
    'persona',
    'controls',
    'fix',
    'unfixable',
]);
/** A raw finding about `file` (or about no place), with nothing but the fields a finding has. */
function isRaw(v, file) {
    if (!isObject(v) || !Object.keys(v).every((k) => RAW_KEYS.has(k)) || !isString(v.message))
        return false;
    const loc = v.location;
    if (loc !== null) {
        if (!isObject(loc) || !Object.keys(loc).every((k) => LOCATION_KEYS.has(k)))
            return false;
        if (loc.path !== file || !isLine(loc.startLine))
            return false;
        for (const k of ['endLine', 'startColumn', 'endColumn'])
            if (k in loc && !isLine(loc[k]))
                return false;
    }
    if (typeof v.fp !== 'string' || !/^[0-9a-f]{32}$/.test(v.fp))
        return false;
    if ('severity' in v && !types/* SEVERITIES */.oC.includes(v.severity))
        return false;
    if ('confidence' in v && !types/* CONFIDENCES */.ix.includes(v.confidence))
        return false;
    if ('persona' in v && (v.persona === 'regular' || !types/* PERSONAS */.Ud.includes(v.persona)))
        return false;
    if ('controls' in v &&
        !(Array.isArray(v.controls) && v.controls.every((c) => isString(c) && /^\d+\.\d+$/.test(c)))) {
        return false;
    }
    if ('unfixable' in v && !isString(v.unfixable))
        return false;
    return !('fix' in v) || isFix(v.fix);
}
function isFix(v) {
    if (!isObject(v) || !isString(v.description) || !Array.isArray(v.edits))
        return false;
    const edit = (e) => isObject(e) && isLine(e.start) && isLine(e.end) && isString(e.text);
    if (!v.edits.every(edit))
        return false;
    const r = v.region;
    if (!isObject(r) || !isLine(r.startLine) || !isLine(r.endLine) || !isLine(r.offset) || !isString(r.text)) {
        return false;
    }
    if (!('resolve' in v))
        return true;
    const s = v.resolve;
    return (isObject(s) && s.kind === 'tag-commit' && isString(s.repository) && isString(s.ref) && isLine(s.edit));
}
function isProblem(v, file) {
    return (isObject(v) &&
        Object.keys(v).length === 4 &&
        v.path === file &&
        isString(v.message) &&
        isLine(v.line) &&
        isLine(v.column));
}

// EXTERNAL MODULE: ./lib/core/workspace/workspace.js + 1 modules
var workspace = __webpack_require__(6651);
;// CONCATENATED MODULE: ./lib/core/cache/view.js
/**
 * Some files of the tree (a slice's, or those of it the cache has no outcome for), as a per-file rule
 * sees them when its outcomes are to be cached: the view lists those files alone, and every question
 * about anything else (another path, the index, the clock, other rules' input problems) is noted as a
 * reason the outcomes are not functions of the files listed. Whether a rule's outcomes may be cached
 * is decided by what it asked, not by a list of rules: a rule that looks beyond the files it was
 * given is evaluated again on the next run.
 *
 * Parses and memos are computed in the view (not taken from the whole tree's caches): whatever they
 * report (a YAML parse problem) or ask is then seen, and credited to every rule that reuses them.
 */


class FileView extends workspace/* Workspace */.aR {
    whole;
    /** The record of the rule being evaluated. */
    current = { problems: [], foreign: undefined };
    /** Computations in progress; what happens while one is open is remembered with its value. */
    computing = new Set();
    /** What each computation made in this view reported or asked, to credit the rules that reuse it. */
    computed = new Map();
    listed;
    /** `files`: in the whole tree's order. */
    constructor(whole, files) {
        super(whole.root, { files, maxFileBytes: whole.maxFileBytes, scope: whole.scope });
        this.whole = whole;
        this.listed = new Set(files);
        Object.defineProperty(this, 'indexed', {
            get: () => {
                this.note(undefined, 'it lists the whole index');
                return whole.indexed;
            },
        });
    }
    /** Starts recording a rule's evaluation. */
    begin() {
        this.current = { problems: [], foreign: undefined };
    }
    /** Ends a rule's evaluation: the input problems it reported or reused, and what made it impure. */
    end() {
        return this.current;
    }
    /** Notes a problem or a reason in the current rule's record and in every open computation's. */
    note(problem, foreign) {
        for (const r of [this.current, ...this.computing]) {
            if (problem)
                r.problems.push(problem);
            if (foreign)
                r.foreign ??= foreign;
        }
    }
    other(file, what) {
        if (!this.listed.has(file))
            this.note(undefined, `it ${what} ${file}`);
    }
    /** Computes (or reuses) a value of this view, crediting the current rule with what it depended on. */
    shared(key, compute) {
        const seen = this.computed.get(key);
        if (seen) {
            for (const p of seen.problems)
                this.note(p, undefined);
            if (seen.foreign)
                this.note(undefined, seen.foreign);
            return compute();
        }
        const record = { problems: [], foreign: undefined };
        this.computed.set(key, record);
        this.computing.add(record);
        const clock = (0,core_clock/* clockReads */.CR)();
        const close = () => {
            if ((0,core_clock/* clockReads */.CR)() !== clock)
                this.note(undefined, 'it reads the clock');
            this.computing.delete(record);
        };
        let value;
        try {
            value = compute();
        }
        catch (err) {
            close();
            throw err;
        }
        // An asynchronous computation may read the clock while another runs: say so rather than guess.
        if (value instanceof Promise) {
            record.foreign ??= 'it is computed asynchronously';
            this.current.foreign ??= record.foreign;
            value.then(close, close);
        }
        else
            close();
        return value;
    }
    has(file) {
        this.other(file, 'asks whether there is');
        return this.whole.has(file);
    }
    matcher(patterns) {
        return this.whole.matcher(patterns);
    }
    read(file) {
        this.other(file, 'reads');
        return this.whole.read(file);
    }
    release(files) {
        this.whole.release(files);
    }
    yaml(file) {
        if (!this.listed.has(file)) {
            this.other(file, 'parses');
            return this.whole.yaml(file);
        }
        return this.shared(`\u0000yaml\u0000${file}`, () => super.yaml(file));
    }
    memo(kind, file, compute) {
        return this.shared(`${kind}\u0000${file}`, () => super.memo(kind, file, compute));
    }
    inspect(file) {
        this.other(file, 'inspects');
        return this.whole.inspect(file);
    }
    reportProblem(problem) {
        this.other(problem.path, 'reports a problem of');
        this.note(problem, undefined);
        this.whole.reportProblem(problem);
    }
    /** What other rules recorded: never a function of the files listed alone. */
    inputProblems() {
        this.note(undefined, 'it reads the input problems of other rules');
        return this.whole.inputProblems().filter((p) => this.listed.has(p.path));
    }
    isInherited(file) {
        return this.whole.isInherited(file);
    }
}

;// CONCATENATED MODULE: ./lib/core/cache/run.js
/**
 * The cache between runs (`cache-dir`), as one run uses it: the per-file rules' outcomes of each
 * unmodified tracked file, keyed by the file's path and content id (see blobs.ts) and by the run key
 * (this version, the cached rules' definitions, the settings that shape raw findings). A file whose
 * content id and path match an entry is not read for those rules; every other file is evaluated one
 * file at a time through a {@link FileView}, and its outcome is kept for the next run only when the
 * rule asked nothing of the tree but that file (and the API and the clock not at all).
 *
 * What is never cached: the policy rules (inline ignores, suppressions, exceptions, declarations),
 * the rules that read across files, and the per-file rules that need the engine's thread. Triage
 * runs on restored findings exactly as on fresh ones.
 */









class RunCache {
    dir;
    blobs;
    stored;
    log;
    stats = { hits: 0, evaluated: 0, kept: 0 };
    /** The previous run's entries, once {@link use} found them made under the same key. */
    previous;
    key = '';
    rules = [];
    /** This run's entries, written by {@link save}. */
    next = new Map();
    /** Whether the per-file rules went through the cache over the whole tree (else nothing is saved). */
    complete = false;
    /** Whether any file's entry differs from the previous run's. */
    changed = false;
    /** Rules said to be evaluated on every run (said once). */
    uncached = new Set();
    constructor(dir, blobs, stored, log) {
        this.dir = dir;
        this.blobs = blobs;
        this.stored = stored;
        this.log = log;
    }
    /**
     * Reads the cache of `dir` and the content ids of `root`'s files (side by side). A cache that is
     * refused costs one warning and nothing else: every file is evaluated.
     */
    static async open(root, dir, log) {
        const ids = blobIds(root);
        let stored;
        try {
            stored = readCache(dir);
        }
        catch (err) {
            if (!(err instanceof CacheRefused))
                throw err;
            log.warning(`cache-dir: the cache is ignored, every file is evaluated: ${err.message}`);
        }
        return new RunCache(dir, await ids, stored, log);
    }
    /**
     * Fixes the rules whose outcomes are cached, in order, and the settings their raw findings depend
     * on; the stored entries apply only when they were made under the same key.
     */
    use(rules, settings) {
        this.rules = rules.map((r) => r.id);
        this.key = (0,external_node_crypto_.createHash)('sha256')
            .update(JSON.stringify({ version: version/* VERSION */.x, format: CACHE_FORMAT, ...settings, rules }))
            .digest('hex');
        const stored = this.stored;
        this.stored = undefined;
        if (stored && stored.key === this.key && stored.rules.join('\n') === this.rules.join('\n')) {
            this.previous = stored;
        }
        else if (stored) {
            this.log.debug('cache-dir: the cache was made by another version, rule set or settings; not used');
        }
        this.complete = true;
    }
    /**
     * The outcomes of `rules` (those given to {@link use}, in that order) on `files` (a slice): each
     * rule restored on the files the cache has its outcome for (same path, same content id), and
     * evaluated on the others, all at once through a {@link FileView} of them.
     */
    async evaluate(workspace, files, rules, github) {
        const n = rules.length;
        const state = files.map((file) => {
            const blob = this.blobs.get(file);
            const prev = blob !== undefined ? this.previous?.files.get(file) : undefined;
            const hit = prev?.blob === blob ? prev : undefined;
            // A file every rule is restored on keeps its entry as it is; the others get one made anew.
            const restoredWhole = hit !== undefined && hit.cached === undefined;
            const keep = blob === undefined || restoredWhole
                ? undefined
                : {
                    cached: new Uint8Array(n),
                    examined: new Uint8Array(n),
                    outcomes: new Map(),
                    // Whether an outcome evaluated in this run is kept (else the entry is the previous one).
                    fresh: false,
                };
            return { file, blob, at: workspace.scope.position(file), hit, keep };
        });
        // Files restored on every rule (the bulk of a run after the first) take the short way below.
        const whole = state.filter((s) => s.keep === undefined && s.hit !== undefined);
        const wholeFound = whole.filter((s) => s.hit.outcomes !== undefined);
        const rest = state.filter((s) => s.keep !== undefined || s.hit === undefined);
        // Rules that miss the same files share one view, and so its parses.
        const views = new Map();
        const outcomes = [];
        for (const [k, rule] of rules.entries()) {
            const misses = rest.filter((s) => !(s.hit && inMask(s.hit.cached, k)));
            let fresh;
            if (misses.length > 0) {
                const key = misses.length === state.length ? '' : misses.map((s) => s.file).join('\u0000');
                let view = views.get(key);
                if (!view) {
                    view = new FileView(workspace, misses.map((s) => s.file));
                    views.set(key, view);
                }
                fresh = await this.evaluateOn(view, rule, github);
                this.stats.evaluated += misses.length;
                if (fresh.why && !this.uncached.has(rule.id)) {
                    this.uncached.add(rule.id);
                    this.log.debug(`cache-dir: ${rule.id} is evaluated on every run: ${fresh.why}`);
                }
                if (fresh.alone)
                    this.stats.kept += misses.filter((s) => s.blob !== undefined).length;
            }
            const raw = [];
            const examined = fresh ? [...fresh.outcome.examined.files] : [];
            const freshExamined = new Set(examined);
            this.stats.hits += whole.length;
            for (const s of whole) {
                if (inMask(s.hit.examined, k) && s.at !== undefined)
                    examined.push(s.at);
            }
            for (const s of wholeFound) {
                const c = s.hit.outcomes.get(k);
                if (!c)
                    continue;
                for (const p of c.problems)
                    workspace.reportProblem(p);
                for (const r of c.raw)
                    raw.push(r);
            }
            for (const s of rest) {
                const restored = s.hit && inMask(s.hit.cached, k) ? s.hit : undefined;
                if (restored) {
                    this.stats.hits += 1;
                    const c = restored.outcomes?.get(k);
                    if (c) {
                        for (const p of c.problems)
                            workspace.reportProblem(p);
                        for (const r of c.raw)
                            raw.push(r);
                        s.keep?.outcomes.set(k, c);
                    }
                    const seen = inMask(restored.examined, k);
                    if (seen && s.at !== undefined)
                        examined.push(s.at);
                    if (s.keep) {
                        s.keep.cached[k] = 1;
                        if (seen)
                            s.keep.examined[k] = 1;
                    }
                    continue;
                }
                const found = fresh?.raw.get(s.file);
                if (found)
                    for (const r of found)
                        raw.push(r);
                if (fresh?.alone && s.keep) {
                    s.keep.fresh = true;
                    s.keep.cached[k] = 1;
                    if (s.at !== undefined && freshExamined.has(s.at))
                        s.keep.examined[k] = 1;
                    const problems = fresh.problems.get(s.file) ?? [];
                    if (found || problems.length > 0)
                        s.keep.outcomes.set(k, { raw: found ?? [], problems });
                }
            }
            if (fresh)
                raw.push(...fresh.unlocated);
            const settings = fresh?.outcome.examined.settings ?? [];
            outcomes.push(fresh && 'error' in fresh.outcome
                ? { ...fresh.outcome, examined: { files: examined, settings } }
                : { raw, examined: { files: examined, settings } });
        }
        for (const s of state) {
            if (!s.keep || (s.hit && !s.keep.fresh)) {
                // Restored, and nothing new kept: the entry stays as it was.
                if (s.hit)
                    this.next.set(s.file, s.hit);
                continue;
            }
            this.changed = true;
            if (!s.keep.cached.includes(1))
                continue;
            const entry = { blob: s.blob, examined: encodeMask(s.keep.examined) };
            if (s.keep.cached.includes(0))
                entry.cached = encodeMask(s.keep.cached);
            if (s.keep.outcomes.size > 0)
                entry.outcomes = s.keep.outcomes;
            this.next.set(s.file, entry);
        }
        workspace.release(files);
        return outcomes;
    }
    /**
     * One rule on the files of a view, its findings and input problems by file, and whether they are
     * functions of those files alone (then they are kept for the next run).
     */
    async evaluateOn(view, rule, github) {
        const clock = (0,core_clock/* clockReads */.CR)();
        view.begin();
        const outcome = await (0,evaluate_rule/* runEvaluator */.t)(rule, view, slices/* SLICE_POLICY */.EX, github);
        const record = view.end();
        const raw = new Map();
        const unlocated = [];
        const listed = new Set(view.files);
        for (const r of 'raw' in outcome ? outcome.raw : []) {
            if (r.location && listed.has(r.location.path)) {
                const list = raw.get(r.location.path);
                if (list)
                    list.push(r);
                else
                    raw.set(r.location.path, [r]);
            }
            else
                unlocated.push(r);
        }
        const problems = new Map();
        for (const p of record.problems) {
            const list = problems.get(p.path);
            if (list)
                list.push(p);
            else
                problems.set(p.path, [p]);
        }
        const positions = new Set(view.files.map((f) => view.whole.scope.position(f)));
        const why = 'error' in outcome
            ? 'it failed'
            : (record.foreign ??
                ((0,core_clock/* clockReads */.CR)() !== clock
                    ? 'it reads the clock'
                    : unlocated.length > 0
                        ? 'it reports findings about no file it was given'
                        : outcome.examined.settings.length > 0
                            ? 'it reads the API'
                            : outcome.examined.files.every((p) => positions.has(p))
                                ? undefined
                                : 'it examines files it was not given'));
        return { outcome, raw, unlocated, problems, alone: why === undefined, ...(why ? { why } : {}) };
    }
    /**
     * Writes this run's entries (only the files of this tree, so the cache never outgrows it), when
     * the per-file rules went through the cache; a failure to write is a warning.
     */
    save() {
        if (!this.complete)
            return;
        // Every entry restored as it was and none dropped: the file on disk is this run's already.
        const same = !this.changed && this.previous !== undefined && this.previous.files.size === this.next.size;
        if (same) {
            this.log.debug(`cache-dir: ${this.stats.hits} rule outcomes restored, ${this.stats.evaluated} evaluated; the cache is unchanged`);
            return;
        }
        try {
            writeCache(this.dir, { key: this.key, rules: this.rules, files: this.next });
        }
        catch (err) {
            this.log.warning(`cache-dir: the cache could not be written: ${err.message}`);
        }
        this.log.debug(`cache-dir: ${this.stats.hits} rule outcomes restored, ${this.stats.evaluated} evaluated (${this.stats.kept} kept for the next run), ${this.next.size} files written`);
    }
}


/***/ })

};
