export * from './cli/551.index.js';
