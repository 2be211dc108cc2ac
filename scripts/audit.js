#!/usr/bin/env node
// `npm run audit`: `npm audit --omit=dev`, failing on a high or critical advisory in what
// the library and the samples ship. A registry without the audit endpoint (a mirror, an
// offline machine) is reported as "not checked", never as a pass.
'use strict';
const { spawnSync } = require('node:child_process');

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = spawnSync(npm, ['audit', '--omit=dev', '--json'], { encoding: 'utf8' });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  report = undefined;
}
if (!report || report.error || report.statusCode) {
  const reason = report?.message ?? report?.error?.summary ?? (run.stderr.trim().split('\n').pop() || 'no report');
  console.log(`audit: NOT CHECKED, the registry's audit endpoint is unavailable (${reason})`);
  process.exit(0);
}
const counts = report.metadata?.vulnerabilities ?? {};
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
for (const [name, vulnerability] of Object.entries(report.vulnerabilities ?? {})) {
  if (vulnerability.severity === 'high' || vulnerability.severity === 'critical') {
    const via = vulnerability.via.map((item) => (typeof item === 'string' ? item : item.title)).join('; ');
    console.log(`audit: ${vulnerability.severity} ${name} (${vulnerability.range}): ${via}`);
  }
}
console.log(`audit: ${JSON.stringify(counts)}`);
process.exit(serious > 0 ? 1 : 0);
