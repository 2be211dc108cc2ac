// A KVM guest's idle cores: with the `haltpoll` cpuidle driver and guest_halt_poll_ns at 0
// (as some VM images set it; the kernel's default is 200000), an idle vCPU halts at once.
// The load generator's core is idle whenever it waits for the server, so each response the
// server writes then wakes a halted vCPU, and the wake-up (an IPI, a VM exit) is charged to
// the server's write, in kernel time: on the sixth and seventh sessions' VM, 14-19 µs of
// CPU a request in both `bare` and `full`, which is the machine's, not the app's or the
// library's. It costs every configuration about the same per response, so the ratios
// hardly move (`full / bare` 0.583 with polling, 0.570 without, 30 pairs of `bench:ab`;
// BENCHMARKS.md), but the µs a request, and the budget the goal leaves, are read without it.
// For the run, idle cores poll for up to the kernel's default before halting, as a machine
// with the default does; the setting is put back when the run ends.
//   BENCH_HALT_POLL=keep   measure the machine as it is set
//   BENCH_HALT_POLL=<ns>   poll for that long instead of 200000 ns
'use strict';
const fs = require('node:fs');

const PARAMETER = '/sys/module/haltpoll/parameters/guest_halt_poll_ns';
const KERNEL_DEFAULT_NS = 200000;

/**
 * Raises the guest's halt polling for this process's lifetime when it is off and can be
 * set (Linux, the haltpoll driver, root), and says what it did, for the run's first line.
 */
function pollIdleCores({ parameter = PARAMETER, setting = process.env.BENCH_HALT_POLL } = {}) {
  let current;
  try {
    current = fs.readFileSync(parameter, 'utf8').trim();
  } catch {
    return 'no guest halt polling to set';
  }
  if (setting === 'keep') return `guest halt polling left at ${current} ns (BENCH_HALT_POLL=keep)`;
  const chosen = setting !== undefined && setting !== '';
  const wanted = chosen ? Number(setting) : KERNEL_DEFAULT_NS;
  if (!Number.isInteger(wanted) || wanted < 0) throw new Error(`BENCH_HALT_POLL is "keep" or a whole number of nanoseconds, not ${JSON.stringify(setting)}`);
  // Unless asked for a value, only an idle driver that does not poll at all is changed.
  if ((!chosen && current !== '0') || String(wanted) === current) return `guest halt polling at ${current} ns`;
  try {
    fs.writeFileSync(parameter, String(wanted));
  } catch (error) {
    return `guest halt polling left at ${current} ns (could not set ${wanted}: ${error.code ?? error.message})`;
  }
  const restore = () => {
    try {
      fs.writeFileSync(parameter, current);
    } catch {
      // Nothing else to do: the line printed at the start says what was changed.
    }
  };
  process.once('exit', restore);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)));
  return `guest halt polling ${current} → ${wanted} ns for this run (put back after; BENCH_HALT_POLL=keep to measure without)`;
}

module.exports = { pollIdleCores };
