#!/usr/bin/env node
// Starts the sample trio (engine, agent, gateway) from the compiled dist/, prefixes
// each line with the service name, and stops all three on Ctrl-C or when one dies.
// With no OTLP endpoint configured, it first starts the telemetry viewer
// (nest-telemetry/viewer) and points the trio's OTLP export, spans and logs, at it:
// the same OTLP/HTTP a collector receives, so setting OTEL_EXPORTER_OTLP_ENDPOINT to a
// real collector switches everything over.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

const root = path.resolve(__dirname, '..');
const services = [
  { name: 'engine', entry: 'dist/apps/engine/src/main.js' },
  { name: 'agent', entry: 'dist/apps/agent/src/main.js' },
  { name: 'gateway', entry: 'dist/apps/gateway/src/main.js' },
];
const width = Math.max(...services.map((s) => s.name.length));
const children = new Map();
let stopping = false;
let exitCode = 0;

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});

async function main() {
  const env = { ...process.env };
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
    const viewer = await startViewer();
    if (viewer) {
      env.OTEL_EXPORTER_OTLP_ENDPOINT = viewer.url;
      env.OTEL_LOGS_EXPORTER ??= 'otlp';
      // Spans show up in the viewer within a second instead of five.
      env.OTEL_BSP_SCHEDULE_DELAY ??= '1000';
      process.stdout.write(`[viewer] telemetry viewer on ${viewer.url}/ (set OTEL_EXPORTER_OTLP_ENDPOINT to use a collector instead)\n`);
    }
  }
  for (const service of services) start(service, env);
}

/** The viewer, or undefined (with the reason) when it is off or its port is taken. */
async function startViewer() {
  try {
    const { startTelemetryViewer } = require('nest-telemetry/viewer');
    return await startTelemetryViewer();
  } catch (error) {
    process.stderr.write(`[viewer] not started: ${error.message}\n`);
    return undefined;
  }
}

function start(service, env) {
  const child = spawn(process.execPath, ['--enable-source-maps', path.join(root, service.entry)], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: Ctrl-C reaches only this launcher, which passes it on
    // once. A second SIGINT during Nest's graceful close would kill the service before
    // it flushed its spans and log lines.
    detached: true,
  });
  children.set(service.name, child);
  const prefix = `[${service.name.padEnd(width)}] `;
  readline.createInterface({ input: child.stdout }).on('line', (line) => process.stdout.write(prefix + line + '\n'));
  readline.createInterface({ input: child.stderr }).on('line', (line) => process.stderr.write(prefix + line + '\n'));
  child.on('exit', (code, signal) => {
    children.delete(service.name);
    if (!stopping) {
      process.stderr.write(`${prefix}exited (${signal ?? code}); stopping the others\n`);
      exitCode = code || 1;
      stopAll('SIGTERM');
    }
    if (children.size === 0) process.exit(exitCode);
  });
}

function stopAll(signal) {
  stopping = true;
  for (const child of children.values()) child.kill(signal);
  // A service that does not stop in 10 s is killed.
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 10_000).unref();
}

process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));
// Never leave the services behind, whatever ends the launcher.
process.on('exit', () => {
  for (const child of children.values()) child.kill('SIGKILL');
});
