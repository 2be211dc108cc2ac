// Names JIT-compiled frames from Node's perf map (/tmp/perf-<pid>.map, written under
// --perf-basic-prof-only-functions), the latest entry first. V8 appends a line whenever it
// compiles a function, and reuses the addresses of code it has freed; `perf script`
// keeps the first name it read for an address, so a hot function compiled late can show
// under the name of one that lived there at start-up (an SDK hook taking 19 µs a request
// was one such). After a warm-up, the code that ran while perf sampled is the latest
// compiled at that address.
'use strict';
const fs = require('node:fs');

// How many entries before the one found are checked for a later, overlapping one.
const OVERLAP_LOOKBACK = 8;

/** The map's entries, the latest per start address, sorted by address, with a lookup. */
function loadPerfMap(file) {
  const latestByStart = new Map();
  let order = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/i.exec(line);
    if (!match) continue;
    const start = parseInt(match[1], 16);
    latestByStart.set(start, { start, end: start + parseInt(match[2], 16), name: match[3], order: order++ });
  }
  const entries = [...latestByStart.values()].sort((a, b) => a.start - b.start);
  return {
    /** The name of the latest code that covers `address`, or undefined. */
    nameAt(address) {
      let low = 0;
      let high = entries.length - 1;
      while (low <= high) {
        const middle = (low + high) >> 1;
        if (entries[middle].start <= address) low = middle + 1;
        else high = middle - 1;
      }
      let best;
      for (let index = high; index >= 0 && index > high - OVERLAP_LOOKBACK; index--) {
        const entry = entries[index];
        if (address < entry.end && (best === undefined || entry.order > best.order)) best = entry;
      }
      return best?.name;
    },
  };
}

/**
 * `perf script -F comm,pid,tid,ip,sym,dso` output with each frame of the perf map named
 * from `perfMap`, and every frame's `(dso)` dropped: the text bench/profile-classifier.js reads.
 */
function renameJitFrames(text, perfMap) {
  return text.replace(/^(\s+)([0-9a-f]+) (.*?) \(([^()]*)\)$/gm, (line, indent, ip, symbol, dso) => {
    const name = dso.includes('/perf-') && dso.endsWith('.map') ? (perfMap.nameAt(parseInt(ip, 16)) ?? symbol) : symbol;
    return `${indent}${ip} ${name}`;
  });
}

module.exports = { loadPerfMap, renameJitFrames };
