#!/usr/bin/env node
'use strict';
/*
 * Runs `npm ci` when node_modules is missing or older than package-lock.json, so `npm start` and
 * `npm test` work on a fresh clone. Plain JS with no dependencies: it runs before they exist.
 * When nothing is to do it only compares two modification times.
 */
const { spawnSync } = require('node:child_process');
const { statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');

function mtimeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function reason() {
  const lock = mtimeMs(join(root, 'package-lock.json'));
  // npm writes node_modules/.package-lock.json at the end of every install.
  const installed = mtimeMs(join(root, 'node_modules', '.package-lock.json')) ?? mtimeMs(join(root, 'node_modules'));
  if (installed === undefined) return 'node_modules is missing';
  if (lock !== undefined && lock > installed) return 'package-lock.json is newer than node_modules';
  return undefined;
}

const why = reason();
if (why !== undefined) {
  console.log(`ensure-deps: ${why}; running npm ci`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci'], { cwd: root, stdio: 'inherit' });
  if (result.error) {
    console.error(`ensure-deps: cannot run npm ci: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}
