// Runs a controlgate entry point in this process and prints its peak resident set size on exit,
// so the benchmark needs no external `time` tool: node bench/rss.mjs dist/cli.js check DIR ...
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], path.resolve(entry), ...args];
process.on('exit', () => process.stderr.write(`maxRSS=${process.resourceUsage().maxRSS}\n`));
await import(pathToFileURL(path.resolve(entry)).href);
