import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export interface RunningService {
  name: 'gateway' | 'agent' | 'engine';
  url: string;
  process: ChildProcess;
  output: string[];
  /** The file stdout and stderr go to, when the trio was started with `logDir`. */
  logFile?: string;
}

export interface TrioOptions {
  /** Start only these services (the others' URLs still point at free ports). */
  only?: readonly RunningService['name'][];
  /** Write each service's output to `<logDir>/<name>.log` instead of keeping it in memory. */
  logDir?: string;
}

/** The sample trio, started from the compiled `dist/` as three real processes on 127.0.0.1. */
export class Trio {
  readonly services = new Map<RunningService['name'], RunningService>();

  get gateway(): string {
    return this.services.get('gateway')!.url;
  }

  /** The JSON log lines a service has written so far (other output is skipped). */
  logLines(name: RunningService['name']): Record<string, unknown>[] {
    const lines: Record<string, unknown>[] = [];
    for (const line of this.output(name).split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a line still being written
      }
    }
    return lines;
  }

  /** Everything a service wrote so far. */
  output(name: RunningService['name']): string {
    return outputOf(this.services.get(name)!);
  }

  /** Starts engine, agent and gateway on free ports and waits until each answers `/health`. */
  async start(env: Record<string, string>, options: TrioOptions = {}): Promise<void> {
    const [gatewayPort, agentPort, enginePort] = await Promise.all([freePort(), freePort(), freePort()]);
    const shared = {
      ...process.env,
      HOST: '127.0.0.1',
      GATEWAY_PORT: String(gatewayPort),
      AGENT_PORT: String(agentPort),
      ENGINE_PORT: String(enginePort),
      AGENT_URL: `http://127.0.0.1:${agentPort}`,
      ENGINE_URL: `http://127.0.0.1:${enginePort}`,
      ...env,
    };
    const ports = { gateway: gatewayPort, agent: agentPort, engine: enginePort };
    for (const name of ['engine', 'agent', 'gateway'] as const) {
      if (options.only && !options.only.includes(name)) continue;
      const logFile = options.logDir ? path.join(options.logDir, `${name}.log`) : undefined;
      const fd = logFile ? fs.openSync(logFile, 'w') : undefined;
      const child = spawn(process.execPath, [path.join(ROOT, `dist/apps/${name}/src/main.js`)], {
        cwd: ROOT,
        env: shared,
        stdio: ['ignore', fd ?? 'pipe', fd ?? 'pipe'],
      });
      if (fd !== undefined) fs.closeSync(fd);
      const output: string[] = [];
      child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      this.services.set(name, { name, url: `http://127.0.0.1:${ports[name]}`, process: child, output, logFile });
    }
    await Promise.all([...this.services.values()].map((service) => waitForHealth(service)));
  }

  /** SIGTERM to each service (they flush their spans on shutdown), then waits for exit. */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.services.values()].map(
        (service) =>
          new Promise<void>((resolve) => {
            if (service.process.exitCode !== null || service.process.signalCode !== null) return resolve();
            const killer = setTimeout(() => service.process.kill('SIGKILL'), 10_000);
            service.process.once('exit', () => {
              clearTimeout(killer);
              resolve();
            });
            service.process.kill('SIGTERM');
          }),
      ),
    );
  }
}

async function waitForHealth(service: RunningService, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service.process.exitCode !== null) {
      throw new Error(`${service.name} exited with ${service.process.exitCode}:\n${outputOf(service)}`);
    }
    try {
      const response = await fetch(`${service.url}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${service.name} did not become healthy:\n${outputOf(service)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The first of `count` consecutive ports free now, for a harness that listens on port,
 * port + 1, … (`bench:ab`, `bench:profile`). Taken below Linux's ephemeral range (32768 and
 * up): a port there from `freePort` can be the next one's neighbour that an outgoing
 * connection is given before the harness listens on it.
 */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * (12_000 - count));
    const free = await Promise.all(Array.from({ length: count }, (_, index) => canListen(first + index)));
    if (free.every(Boolean)) return first;
  }
  throw new Error(`no ${count} consecutive free ports between 20000 and 32000`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function outputOf(service: RunningService): string {
  return service.logFile ? fs.readFileSync(service.logFile, 'utf8') : service.output.join('');
}
