export const id = 790;
export const ids = [790];
export const modules = {

/***/ 6790:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  fetchBaseResults: () => (/* binding */ fetchBaseResults)
});

// UNUSED EXPORTS: MAX_ARTIFACT_BYTES, artifactProblem, runProblem

// EXTERNAL MODULE: ./lib/core/base-results.js
var base_results = __webpack_require__(7817);
// EXTERNAL MODULE: ./lib/action/event.js
var action_event = __webpack_require__(3118);
// EXTERNAL MODULE: ./lib/action/github.js
var github = __webpack_require__(6859);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
;// CONCATENATED MODULE: ./lib/action/zip.js
/**
 * A small, strict reader of the one file in a workflow artifact's zip. The archive comes from an
 * artifact download, so it is read as hostile: every offset and size is checked against the buffer
 * and the bound before use, deflate output is capped while it is produced (a zip bomb stops at the
 * bound), and anything this reader has no need to understand (several entries, directories, paths
 * that climb, encryption, zip64, split archives, other compression methods) is refused with a
 * message saying what was found. Never throws anything but an Error with such a message.
 */

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
/** The end record is followed by a comment of at most this many bytes. */
const MAX_COMMENT = 0xffff;
/** Stored methods: 0 (stored) and 8 (deflate) are what upload-artifact writes. */
const STORED = 0;
const DEFLATE = 8;
/**
 * Reads the only entry of `zip`, which must be a file whose name ends in `.json`, of at most
 * `maxBytes` bytes once decompressed. Throws an Error saying what is wrong.
 */
function readSingleJsonFile(zip, maxBytes) {
    const eocd = findEndRecord(zip);
    const disk = zip.readUInt16LE(eocd + 4);
    const cdDisk = zip.readUInt16LE(eocd + 6);
    const entriesHere = zip.readUInt16LE(eocd + 8);
    const entries = zip.readUInt16LE(eocd + 10);
    const cdSize = zip.readUInt32LE(eocd + 12);
    const cdOffset = zip.readUInt32LE(eocd + 16);
    if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
        throw new Error('the zip uses zip64 records, which are not supported here');
    }
    if (disk !== 0 || cdDisk !== 0 || entriesHere !== entries) {
        throw new Error('the zip is split over several disks');
    }
    if (entries !== 1) {
        throw new Error(`the zip holds ${entries} entries; one JSON file was expected`);
    }
    // The central directory lies between the entries' data and the end record.
    if (cdOffset + cdSize > eocd || cdSize < CENTRAL_SIZE) {
        throw new Error('the zip central directory lies outside the archive');
    }
    if (zip.readUInt32LE(cdOffset) !== CENTRAL_SIGNATURE) {
        throw new Error('the zip central directory has no entry header at its offset');
    }
    const flags = zip.readUInt16LE(cdOffset + 8);
    const method = zip.readUInt16LE(cdOffset + 10);
    const crc = zip.readUInt32LE(cdOffset + 16);
    const compressed = zip.readUInt32LE(cdOffset + 20);
    const size = zip.readUInt32LE(cdOffset + 24);
    const nameLength = zip.readUInt16LE(cdOffset + 28);
    const extraLength = zip.readUInt16LE(cdOffset + 30);
    const commentLength = zip.readUInt16LE(cdOffset + 32);
    const localOffset = zip.readUInt32LE(cdOffset + 42);
    if (CENTRAL_SIZE + nameLength + extraLength + commentLength > cdSize) {
        throw new Error('the zip entry header runs past the central directory');
    }
    const name = zip.toString('utf8', cdOffset + CENTRAL_SIZE, cdOffset + CENTRAL_SIZE + nameLength);
    const problem = nameProblem(name);
    if (problem)
        throw new Error(`the zip entry ${JSON.stringify(name.slice(0, 200))} ${problem}`);
    if (flags & 0x1)
        throw new Error(`the zip entry ${name} is encrypted`);
    if (compressed === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) {
        throw new Error('the zip uses zip64 records, which are not supported here');
    }
    if (method !== STORED && method !== DEFLATE) {
        throw new Error(`the zip entry ${name} uses compression method ${method} (only stored and deflate are read)`);
    }
    if (size > maxBytes) {
        throw new Error(`the zip entry ${name} is ${size} bytes once decompressed, over the bound of ${maxBytes}`);
    }
    if (localOffset + LOCAL_SIZE > cdOffset || zip.readUInt32LE(localOffset) !== LOCAL_SIGNATURE) {
        throw new Error(`the zip entry ${name} has no local header at its offset`);
    }
    const start = localOffset + LOCAL_SIZE + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    if (start + compressed > cdOffset) {
        throw new Error(`the zip entry ${name}'s data runs past the central directory`);
    }
    const raw = zip.subarray(start, start + compressed);
    let data;
    if (method === STORED) {
        if (compressed !== size)
            throw new Error(`the zip entry ${name} is stored with two different sizes`);
        data = raw;
    }
    else {
        try {
            data = (0,external_node_zlib_.inflateRawSync)(raw, { maxOutputLength: Math.max(1, maxBytes) });
        }
        catch (err) {
            const code = err.code;
            throw new Error(code === 'ERR_BUFFER_TOO_LARGE'
                ? `the zip entry ${name} inflates past the bound of ${maxBytes} bytes`
                : `the zip entry ${name} does not inflate (${err.message})`);
        }
    }
    // The declared size and checksum must both hold: a mismatch is a truncated or forged entry.
    if (data.length !== size) {
        throw new Error(`the zip entry ${name} holds ${data.length} bytes, not the ${size} its header says`);
    }
    if ((0,external_node_zlib_.crc32)(data) >>> 0 !== crc)
        throw new Error(`the zip entry ${name} fails its CRC-32 check`);
    return { name, data };
}
/** The end-of-central-directory record's offset, searched from the end over the comment's reach. */
function findEndRecord(zip) {
    if (zip.length < EOCD_SIZE)
        throw new Error(`not a zip archive (${zip.length} bytes)`);
    const lowest = Math.max(0, zip.length - EOCD_SIZE - MAX_COMMENT);
    for (let at = zip.length - EOCD_SIZE; at >= lowest; at--) {
        // The comment must end exactly at the end of the archive, which tells a real record from bytes
        // that happen to look like its signature.
        if (zip.readUInt32LE(at) === EOCD_SIGNATURE &&
            at + EOCD_SIZE + zip.readUInt16LE(at + 20) === zip.length) {
            return at;
        }
    }
    throw new Error('not a zip archive (no end-of-central-directory record)');
}
/** Why an entry name is not the one plain JSON file expected, or undefined. */
function nameProblem(name) {
    if (name.length > 255)
        return 'has a name longer than 255 characters';
    if (name.endsWith('/'))
        return 'is a directory; one JSON file was expected';
    if (name.includes('\\') || name.startsWith('/') || /^[a-zA-Z]:/.test(name))
        return 'is not a relative path';
    if (name.split('/').some((s) => s === '..' || s === '.' || s === ''))
        return 'climbs out of the archive';
    if (/[\u0000-\u001f\u007f]/.test(name))
        return 'has control characters in its name';
    if (!name.toLowerCase().endsWith('.json'))
        return 'is not a JSON file';
    return undefined;
}

;// CONCATENATED MODULE: ./lib/action/base-artifact.js
/**
 * The base commit's results for a pull-request run, from an artifact of a `push` run on the default
 * branch, found and checked through the REST API with the job's token (see docs/base-results.md).
 *
 * What is trusted is the run that made the artifact, not the artifact's content: a pull request
 * cannot start a `push` run on the default branch, so such a run executed the default branch's
 * workflow on the base commit. Every other run can be steered by a pull request or its author: a
 * `pull_request` run executes the change's own workflow, and `pull_request_target`, `workflow_run`,
 * `issue_comment` (and the rest) run on the default branch's commit while acting on a pull request's
 * code or data, so what they upload may be the change's. Those runs never qualify, whatever they
 * upload, whatever the artifact is called. Nor does a file restored by actions/cache: an earlier step
 * of the same job, running the change's code, could have planted it.
 *
 * Loaded only when the input `base-results` is set; nothing here fails the run: every problem is a
 * `why` for one log line, and the run then evaluates every rule.
 */




/** An artifact larger than this (compressed) is not downloaded. */
const MAX_ARTIFACT_BYTES = base_results/* BASE_RESULTS_MAX_BYTES */.yA;
/** Candidates whose run is asked about, newest first; the first that qualifies is used. */
const MAX_CANDIDATES = 3;
/**
 * Finds the newest artifact named `query.name` made by a push run on the default branch at the base
 * commit, downloads it and reads its results. Never throws.
 */
async function fetchBaseResults(client, query) {
    let listed;
    try {
        ({ data: listed } = await client.request('GET /repos/{owner}/{repo}/actions/artifacts', {
            name: query.name,
            per_page: 100,
        }));
    }
    catch (err) {
        return { why: `the artifacts could not be listed (${apiProblem(err)})` };
    }
    // Newest first, whatever order the API gave: the reason given for none fitting is the newest's.
    const all = (Array.isArray(listed?.artifacts)
        ? [...listed.artifacts]
        : []).sort(newestFirst);
    const rejected = [];
    const candidates = [];
    for (const a of all) {
        const problem = artifactProblem(a, query);
        if (problem)
            rejected.push(`${label(a, query.name)} ${problem}`);
        else
            candidates.push(a);
    }
    if (candidates.length === 0) {
        const none = `no artifact named ${query.name} was made for the base commit ${base_artifact_short(query.commit)}`;
        return {
            why: `${none}${rejected.length > 0 ? ` (newest: ${rejected[0]})` : ''}; run controlgate with base-results on every push to ${query.defaultBranch} and upload its base-results-file under that name`,
        };
    }
    const refusals = [];
    for (const artifact of candidates.slice(0, MAX_CANDIDATES)) {
        let run;
        try {
            ({ data: run } = await client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
                run_id: artifact.workflow_run.id,
            }));
        }
        catch (err) {
            return { why: `the run of ${label(artifact, query.name)} could not be read (${apiProblem(err)})` };
        }
        const problem = runProblem(run, artifact.workflow_run.id, query);
        if (problem) {
            refusals.push(`${label(artifact, query.name)} ${problem}`);
            continue;
        }
        return read(client, artifact, query);
    }
    return {
        why: `${refusals[0]}${refusals.length > 1 ? ` (and ${refusals.length - 1} more such)` : ''}; only an artifact of a push run on ${query.defaultBranch} is trusted`,
    };
}
async function read(client, artifact, query) {
    const source = `artifact ${query.name} (id ${artifact.id}) of run ${artifact.workflow_run.id}, push to ${query.defaultBranch}`;
    let zip;
    try {
        zip = await download(client, artifact);
    }
    catch (err) {
        return { why: `${source} could not be downloaded (${apiProblem(err)})` };
    }
    try {
        const file = readSingleJsonFile(zip, base_results/* BASE_RESULTS_MAX_BYTES */.yA);
        const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(file.data);
        const results = (0,base_results/* parseBaseResults */.XZ)(text);
        return { input: { results, source } };
    }
    catch (err) {
        return { why: `${source} is not readable base results: ${err.message}` };
    }
}
/**
 * `.../artifacts/{id}/zip` answers with a redirect to a signed storage URL: it is followed here,
 * without the token (the storage needs none, and must not see it), rather than by the client.
 */
async function download(client, artifact) {
    const { status, data, headers } = await client.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', { artifact_id: artifact.id, archive_format: 'zip' }, { redirect: 'manual' });
    const location = headers.location;
    if (status >= 300 && status < 400) {
        if (typeof location !== 'string')
            throw new github/* ApiError */.hD(`HTTP ${status} without a location`, status);
        return client.download(location, MAX_ARTIFACT_BYTES);
    }
    // A server may answer with the archive itself (bounded by the size the listing gave).
    if (data instanceof ArrayBuffer && data.byteLength <= MAX_ARTIFACT_BYTES)
        return Buffer.from(data);
    throw new github/* ApiError */.hD(`HTTP ${status} with no archive`, status);
}
/** Why an entry of the artifact list is not a candidate, or undefined. */
function artifactProblem(a, query) {
    const x = (0,action_event/* record */.g1)(a);
    if (!Number.isSafeInteger(x.id))
        return 'has no id';
    if (x.name !== query.name)
        return `is named ${JSON.stringify(String(x.name).slice(0, 100))}, not ${query.name}`;
    if (x.expired !== false)
        return 'has expired';
    const size = x.size_in_bytes;
    if (!Number.isSafeInteger(size) || size < 0)
        return 'has no size';
    if (size > MAX_ARTIFACT_BYTES)
        return `is ${size} bytes, over the bound of ${MAX_ARTIFACT_BYTES}`;
    const run = (0,action_event/* record */.g1)(x.workflow_run);
    if (!Number.isSafeInteger(run.id))
        return 'names no workflow run';
    if (run.head_sha !== query.commit) {
        return `was made on commit ${base_artifact_short(String(run.head_sha))}, not on the base commit ${base_artifact_short(query.commit)}`;
    }
    // A run on a fork's code has another head repository than the one it ran in.
    if (!Number.isSafeInteger(run.repository_id) || run.repository_id !== run.head_repository_id) {
        return "was made by a run on a fork's code";
    }
    return undefined;
}
/**
 * Why the workflow run behind a candidate does not vouch for it, or undefined. Only a `push` to the
 * default branch qualifies: every other event (`pull_request`, `pull_request_target`, `workflow_run`,
 * `issue_comment`, `workflow_dispatch` on another ref, ...) can run, or be fed, a pull request's code.
 */
function runProblem(run, runId, query) {
    const x = (0,action_event/* record */.g1)(run);
    if (x.id !== runId)
        return 'comes from a run the API does not describe';
    if (typeof x.event !== 'string')
        return `was made by a run of no known event, not by a push to ${query.defaultBranch}`;
    if (x.event !== 'push') {
        return `was made by a ${JSON.stringify(String(x.event).slice(0, 50))} run, not by a push to ${query.defaultBranch}`;
    }
    if (x.head_branch !== query.defaultBranch) {
        return `was made by a push to ${JSON.stringify(String(x.head_branch).slice(0, 100))}, not to ${query.defaultBranch}`;
    }
    if (x.head_sha !== query.commit) {
        return `was made by a run on commit ${base_artifact_short(String(x.head_sha))}, not on the base commit ${base_artifact_short(query.commit)}`;
    }
    const repo = (0,action_event/* record */.g1)(x.repository).full_name;
    if (typeof repo !== 'string' || repo.toLowerCase() !== query.repository.toLowerCase()) {
        return `was made by a run of ${JSON.stringify(String(repo).slice(0, 100))}, not of ${query.repository}`;
    }
    const headRepo = (0,action_event/* record */.g1)(x.head_repository).full_name;
    if (headRepo !== undefined &&
        (typeof headRepo !== 'string' || headRepo.toLowerCase() !== repo.toLowerCase())) {
        return `was made by a run on the code of ${JSON.stringify(String(headRepo).slice(0, 100))}`;
    }
    return undefined;
}
function newestFirst(a, b) {
    const [x, y] = [(0,action_event/* record */.g1)(a), (0,action_event/* record */.g1)(b)];
    const time = (r) => Date.parse(String(r.created_at ?? '')) || 0;
    const id = (r) => (Number.isSafeInteger(r.id) ? r.id : 0);
    return time(y) - time(x) || id(y) - id(x);
}
/** `artifact NAME (id N) of run M`, naming only what the listing gave as it should be. */
function label(a, name) {
    const x = (0,action_event/* record */.g1)(a);
    const run = (0,action_event/* record */.g1)(x.workflow_run).id;
    const id = Number.isSafeInteger(x.id) ? `id ${x.id}` : 'no id';
    return `artifact ${x.name === name ? `${name} ` : ''}(${id})${Number.isSafeInteger(run) ? ` of run ${run}` : ''}`;
}
/** An API failure in words, with what would fix the common one. */
function apiProblem(err) {
    if (err instanceof github/* ApiError */.hD) {
        if (err.forbidden)
            return `HTTP 403: give the job the permission actions: read`;
        if (err.status === 410)
            return 'HTTP 410: the artifact has expired';
        return err.status > 0 ? `HTTP ${err.status}: ${err.message}` : err.message;
    }
    return err instanceof Error ? err.message : String(err);
}
function base_artifact_short(sha) {
    return sha.slice(0, 12);
}


/***/ })

};
