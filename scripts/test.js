#!/usr/bin/env node
// `npm test`: unit tests, then end-to-end tests (on the build `npm test` made first),
// then one closing line with the totals of both runs.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const jest = require.resolve('jest/bin/jest', { paths: [root] });
const suites = [
  { name: 'unit', config: 'jest.config.js' },
  { name: 'e2e', config: 'test/jest-e2e.json' },
];
const extraArgs = process.argv.slice(2);
let passed = 0;
let failed = 0;
let status = 0;

for (const suite of suites) {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jest-')), 'report.json');
  const run = spawnSync(process.execPath, [jest, '--config', suite.config, '--json', `--outputFile=${report}`, ...extraArgs], {
    cwd: root,
    stdio: 'inherit',
  });
  if (fs.existsSync(report)) {
    const result = JSON.parse(fs.readFileSync(report, 'utf8'));
    passed += result.numPassedTests;
    failed += result.numFailedTests + result.numRuntimeErrorTestSuites;
  } else {
    failed += 1;
  }
  if (run.status !== 0) status = run.status || 1;
}

console.log(`\nsummary: ${passed} passed, ${failed} failed`);
process.exit(status);
