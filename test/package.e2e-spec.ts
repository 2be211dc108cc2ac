import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { OtlpReceiver, SpanKindCode } from './utils/otlp-receiver';
import { freePort } from './utils/trio';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const LIBRARY = path.join(ROOT, 'libs/telemetry');
const rootPackage = require(path.join(ROOT, 'package.json')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const pinned = (name: string) => rootPackage.dependencies[name] ?? rootPackage.devDependencies[name];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * What a user does: `npm pack` the library, install the tarball into a fresh Nest 11 app
 * outside this repository (its own package.json, node_modules, tsconfig), compile it and
 * run it against an OTLP receiver.
 */
describe('nest-telemetry installed from its tarball into a fresh Nest app', () => {
  const receiver = new OtlpReceiver();
  let appDir: string;
  let child: ChildProcess | undefined;
  let output = '';
  let url: string;

  beforeAll(async () => {
    const work = mkdtempSync(path.join(tmpdir(), 'nest-telemetry-adopter-'));
    await run(npm, ['pack', '--pack-destination', work], { cwd: LIBRARY });
    const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'))!;
    appDir = path.join(work, 'app');
    cpSync(path.join(__dirname, 'fixtures/fresh-app'), appDir, { recursive: true });
    const dependencies = Object.fromEntries(
      [
        '@nestjs/common',
        '@nestjs/core',
        '@nestjs/platform-express',
        'reflect-metadata',
        'rxjs',
        '@opentelemetry/api',
        'prom-client',
        'pino',
        'pino-http',
        'nestjs-pino',
        '@willsoto/nestjs-prometheus',
        '@opentelemetry/exporter-trace-otlp-proto',
      ].map((name) => [name, pinned(name)]),
    );
    const manifest = {
      name: 'fresh-app',
      private: true,
      scripts: { build: 'tsc -p tsconfig.json' },
      dependencies: { ...dependencies, 'nest-telemetry': `file:../${tarball}` },
      devDependencies: { typescript: pinned('typescript'), '@types/node': pinned('@types/node') },
    };
    writeFileSync(path.join(appDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    // The same versions the workspace installed are in npm's cache: no download needed.
    await run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: appDir, timeout: 240_000 });
    await run(npm, ['run', 'build'], { cwd: appDir, timeout: 120_000 });

    const endpoint = await receiver.start();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['dist/main.js'], {
      cwd: appDir,
      env: { PATH: process.env.PATH, PORT: String(port), OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the fresh app exited with ${child.exitCode}:\n${output}`);
      if (await fetch(`${url}/metrics`).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline) throw new Error(`the fresh app did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 400_000);

  afterAll(async () => {
    child?.kill('SIGTERM');
    await new Promise((resolve) => (child?.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
    await receiver.stop();
    if (appDir) rmSync(path.dirname(appDir), { recursive: true, force: true });
  });

  const logLines = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('should answer with X-Tracking-ID, log it in JSON lines, count the custom metric and export the @Traced() span', async () => {
    const response = await fetch(`${url}/greetings/ada`);
    expect(await response.json()).toEqual({ text: 'Hello, ada' });
    const trackingId = response.headers.get('x-tracking-id')!;
    expect(trackingId).toMatch(/^[0-9a-f]{32}$/);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/greetings_total\{language="en",environment="dev",project="adopters",service="fresh-app"\} 1/);
    expect(metrics).toMatch(/http_server_request_duration_seconds_count\{[^}]*http_route="\/greetings\/:name"[^}]*\} 1/);

    const spans = await receiver.waitFor((received) => received.some((span) => span.name === 'GreetingService.greet'));
    const traced = spans.find((span) => span.name === 'GreetingService.greet')!;
    expect(traced).toMatchObject({ traceId: trackingId, service: 'fresh-app', kind: SpanKindCode.INTERNAL });
    expect(spans.some((span) => span.traceId === trackingId && span.kind === SpanKindCode.SERVER && span.name === 'GET /greetings/:name')).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = logLines().filter((line) => line.tracking_id === trackingId);
    expect(lines.map((line) => line['@message'])).toEqual(expect.arrayContaining(['greeting given', 'GET /greetings/ada 200']));
    for (const line of lines) expect(line).toMatchObject({ service: 'fresh-app', '@level': 'INFO' });
    expect(lines.find((line) => line['@message'] === 'greeting given')).toMatchObject({ user: { id: 'ada' }, tracing: { trace_id: trackingId } });
    // Nest's own start-up lines came out in the same format.
    expect(logLines().some((line) => String(line['@message']).includes('Nest application successfully started'))).toBe(true);
  });

  it('should run the telemetry viewer from the installed package (npx nest-telemetry-viewer) and take the app\'s OTLP export', async () => {
    const port = await freePort();
    const viewer = spawn(path.join(appDir, 'node_modules/.bin/nest-telemetry-viewer'), [], {
      cwd: appDir,
      env: { PATH: process.env.PATH, TELEMETRY_VIEWER_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let viewerOutput = '';
    viewer.stdout!.on('data', (chunk: Buffer) => (viewerOutput += chunk.toString()));
    viewer.stderr!.on('data', (chunk: Buffer) => (viewerOutput += chunk.toString()));
    try {
      const deadline = Date.now() + 15_000;
      while (!viewerOutput.includes('telemetry viewer on')) {
        if (viewer.exitCode !== null || Date.now() > deadline) throw new Error(`the viewer did not start:\n${viewerOutput}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/`)).status).toBe(200);
      // What the app's exporter sent to the test receiver, sent again as the exporter sends it: OTLP/protobuf.
      const spans = receiver.spans.filter((span) => span.service === 'fresh-app');
      expect(spans.length).toBeGreaterThan(0);
      const accepted = await fetch(`${base}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: receiver.lastBody });
      expect(accepted.status).toBe(200);
      const { traces } = (await (await fetch(`${base}/api/traces`)).json()) as { traces: { services: string[] }[] };
      expect(traces.some((trace) => trace.services.includes('fresh-app'))).toBe(true);
    } finally {
      viewer.kill('SIGTERM');
    }
  });
});
