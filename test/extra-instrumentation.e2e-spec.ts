import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { OtlpReceiver, SpanKindCode } from './utils/otlp-receiver';
import { freePort } from './utils/trio';

const REDIS_BIN = process.env.REDIS_BIN ?? 'redis-server';
const FIXTURE = path.join(__dirname, 'fixtures/redis-app.js');

/** Starts a child process and resolves once it printed `ready` (a line or a substring). */
async function started(child: ChildProcess, ready: string, name: string): Promise<ChildProcess> {
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 30 s:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}:\n${output}`)));
  });
  return child;
}

/**
 * `instrumentations.extra` with a real instrumentation against a real server: the app
 * (a process of its own, so the instrumentation's require hook sees ioredis load) talks
 * to a Redis server from the Debian package, and exports over OTLP to a receiver here.
 */
describe('an instrumentation of the app\'s own (instrumentations.extra)', () => {
  const receiver = new OtlpReceiver();
  let redis: ChildProcess;
  let app: ChildProcess;
  let appUrl: string;

  beforeAll(async () => {
    if (spawnSync(REDIS_BIN, ['--version']).error) {
      throw new Error(`${REDIS_BIN} not found: install Redis (Debian: apt-get install redis-server), as .ci/run does`);
    }
    const redisPort = await freePort();
    redis = await started(
      spawn(REDIS_BIN, ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] }),
      'Ready to accept connections',
      'redis-server',
    );
    const endpoint = await receiver.start();
    const appPort = await freePort();
    appUrl = `http://127.0.0.1:${appPort}`;
    app = await started(
      spawn(process.execPath, [FIXTURE, String(appPort)], {
        cwd: path.resolve(__dirname, '..'),
        env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${redisPort}`, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
      'READY',
      'the ioredis app',
    );
  }, 60_000);

  afterAll(async () => {
    for (const child of [app, redis]) {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    await receiver.stop();
  });

  it('should make each Redis command a CLIENT span, child of the request\'s server span', async () => {
    const response = await fetch(`${appUrl}/cache/k1`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ key: 'k1', value: 'value' });
    const trackingId = response.headers.get('x-tracking-id')!;

    const spans = await receiver.waitFor((all) => all.filter((span) => span.traceId === trackingId).length >= 3);
    const trace = spans.filter((span) => span.traceId === trackingId);
    const server = trace.find((span) => span.kind === SpanKindCode.SERVER)!;
    expect(server.name).toBe('GET /cache/:key');
    const commands = trace.filter((span) => span.kind === SpanKindCode.CLIENT);
    expect(commands.map((span) => span.name).sort()).toEqual(['get', 'set']);
    for (const command of commands) {
      expect(command.parentSpanId).toBe(server.spanId);
      expect(command.attributes).toMatchObject({ 'db.system.name': 'redis', 'db.operation.name': command.name });
    }
  });
});
