import { readFileSync } from 'node:fs';
import { execFile, spawn } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');
const FIXTURE = path.join(__dirname, 'fixtures/minimal-app.js');

async function start(mode: string, nodeArgs: string[] = [], env: Record<string, string> = {}) {
  const { stdout, stderr } = await run(process.execPath, [...nodeArgs, FIXTURE, mode], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 30_000,
  });
  const output = stdout + stderr;
  const line = output.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`fixture printed no result:\n${output}`);
  type Result = {
    status: number;
    trackingId: string;
    sdk: boolean;
    spans: { name: string; kind: number; route?: string }[];
    spanSeconds?: number;
    metricSeconds?: number;
  };
  return { output, result: JSON.parse(line.slice('RESULT '.length)) as Result };
}

/** How the SDK is started decides whether auto-instrumentation works: each way, in a process of its own. */
describe('starting the SDK', () => {
  it('should stay silent when startTelemetry() runs before Nest loads', async () => {
    const { output, result } = await start('early');
    expect(result).toMatchObject({ status: 200, sdk: true });
    expect(result.trackingId).toMatch(/^[0-9a-f]{32}$/);
    expect(output).not.toMatch(/WARN|ERROR/);
  });

  it('should refuse to start with an HTTP exporter pointed at the gRPC port 4317, saying what to change', async () => {
    const attempt = start('early', [], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317' });
    await expect(attempt).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/InvalidTelemetryOptionsError: .*"otlpEndpoint \(OTEL_EXPORTER_OTLP_ENDPOINT\)".*4317 is OTLP\/gRPC's.*OTEL_EXPORTER_OTLP_PROTOCOL=grpc/),
    });
  });

  it('should print console spans as JSON lines on stderr, leaving stdout to the JSON log lines', async () => {
    const { stdout, stderr } = await run(process.execPath, [FIXTURE, 'early'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', OTEL_TRACES_EXPORTER: 'console', LOG_LEVEL: 'info' },
      timeout: 30_000,
    });
    const logLines = stdout.split('\n').filter((line) => line !== '' && !line.startsWith('RESULT '));
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(JSON.parse(line)).toHaveProperty('@level');
    expect(stdout).not.toContain('traceId');
    const spans = stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { name: string; traceId: string; duration: number });
    expect(spans.map((span) => span.name)).toContain('GET /ping/:id');
    for (const span of spans) expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('should record one server span per request, named after the route, and no Nest spans by default', async () => {
    const { result } = await start('early');
    // The fixture's own fetch is the CLIENT span (kind 2).
    expect(result.spans.filter((span) => span.kind !== 2)).toEqual([{ name: 'GET /ping/:id', kind: 1, route: '/ping/:id' }]);
  });

  it('should record the Nest controller spans when instrumentations.nestjs is on', async () => {
    const { result } = await start('early', [], { FIXTURE_OPTIONS: JSON.stringify({ instrumentations: { nestjs: true } }) });
    expect(result.spans).toEqual(
      expect.arrayContaining([
        { name: 'GET /ping/:id', kind: 1, route: '/ping/:id' },
        expect.objectContaining({ name: 'PingController.ping' }),
      ]),
    );
  });

  it('should time the HTTP duration metric like the server span, within a millisecond', async () => {
    const { result } = await start('early');
    expect(result.spanSeconds).toBeGreaterThan(0);
    expect(result.metricSeconds).toBeGreaterThan(0);
    expect(Math.abs(result.metricSeconds! - result.spanSeconds!)).toBeLessThan(0.001);
  });

  it('should name the server span after the route template with the express instrumentation on too', async () => {
    const { result } = await start('early', [], { FIXTURE_OPTIONS: JSON.stringify({ instrumentations: { express: true } }) });
    expect(result.spans).toEqual(expect.arrayContaining([{ name: 'GET /ping/:id', kind: 1, route: '/ping/:id' }]));
    expect(result.spans.some((span) => span.name.startsWith('middleware - '))).toBe(true);
  });

  it('should name the server span after the route template without the express instrumentation', async () => {
    const { result } = await start('early', [], { FIXTURE_OPTIONS: JSON.stringify({ instrumentations: { express: false, nestjs: false } }) });
    // Only the server span (kind 1) is left beside the fixture's own fetch CLIENT span (kind 2).
    expect(result.spans.filter((span) => span.kind !== 2)).toEqual([{ name: 'GET /ping/:id', kind: 1, route: '/ping/:id' }]);
  });

  it('should warn once, saying what to do, when Nest was loaded before the SDK', async () => {
    const { output, result } = await start('late', [], { FIXTURE_OPTIONS: JSON.stringify({ instrumentations: { nestjs: true } }) });
    expect(result.status).toBe(200);
    const warnings = output.split('\n').filter((l) => l.includes('WARN'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('OpenTelemetry SDK started after @nestjs/core');
    expect(warnings[0]).toContain("call startTelemetry(options) from 'nest-telemetry/sdk' in a file imported on the first line of main.ts");
    expect(warnings[0]).toContain('or start node with --require nest-telemetry/register');
    // The server span comes from the app's own pipeline and survives a late start; Nest spans are lost.
    expect(result.spans).toEqual(expect.arrayContaining([{ name: 'GET /ping/:id', kind: 1, route: '/ping/:id' }]));
    expect(result.spans.some((span) => span.name === 'PingController.ping')).toBe(false);
  });

  it('should warn when no SDK was started, and still answer with a tracking id', async () => {
    const { output, result } = await start('none');
    expect(result).toMatchObject({ status: 200, sdk: false });
    expect(result.trackingId).toMatch(/^[0-9a-f]{32}$/);
    expect(output).toContain('OpenTelemetry SDK not started');
    expect(output).toContain("from 'nest-telemetry/sdk'");
  });

  it('should start no SDK under OTEL_SDK_DISABLED=true without warning, and still answer with a tracking id', async () => {
    const { output, result } = await start('early', [], { OTEL_SDK_DISABLED: 'true' });
    expect(result).toMatchObject({ status: 200, sdk: false, spans: [] });
    expect(result.trackingId).toMatch(/^[0-9a-f]{32}$/);
    // Said at the log level (the fixture's start-up shows warnings only): a choice, not a mistake to warn of.
    expect(output).not.toContain('OpenTelemetry SDK not started');
    expect(output).not.toMatch(/WARN|ERROR/);
  });

  it('should start from OTEL_* variables alone with --require nest-telemetry/register, as the warning says', async () => {
    const { output, result } = await start('register', ['--require', 'nest-telemetry/register'], { OTEL_SERVICE_NAME: 'fixture' });
    expect(result).toMatchObject({ status: 200, sdk: true });
    expect(output).not.toMatch(/WARN|ERROR/);
  });

  it('should exit with code 1 at shutdownTimeoutMillis when a shutdown hook never returns, its last lines written', async () => {
    const child = spawn(process.execPath, [FIXTURE, 'hang'], {
      cwd: ROOT,
      env: { ...process.env, FIXTURE_OPTIONS: JSON.stringify({ shutdownTimeoutMillis: 1500 }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!stdout.includes('"@message":"ready"') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 10_000))]);
    if (code === 'hung') child.kill('SIGKILL');
    const elapsed = Date.now() - signalledAt;
    expect(code).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(4000);
    const messages = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { '@message': string })['@message']);
    // The hook's own line, then the module's, as the last line of the process.
    expect(messages).toContain('shutdown hook started, never returns');
    expect(messages[messages.length - 1]).toBe('shutdown on SIGTERM did not finish within 1500 ms (shutdownTimeoutMillis): exiting now');
  });

  /** The fixture's "burst line" lines on stdout, from a run in `mode` that logs `count` of them. */
  async function burstLines(mode: 'burst' | 'abrupt', count: number): Promise<string[]> {
    const { stdout } = await run(process.execPath, [FIXTURE, mode], {
      cwd: ROOT,
      env: { ...process.env, BURST_LINES: String(count) },
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout.split('\n').filter((line) => line.includes('"burst line '));
  }

  it('should lose no log line on a normal shutdown, even an immediate exit after close', async () => {
    const burst = await burstLines('burst', 20000);
    expect(burst).toHaveLength(20000);
    expect(JSON.parse(burst[19999])).toMatchObject({ '@message': 'burst line 19999', '@level': 'INFO', service: 'fixture' });
  });

  it('should lose no log line when the process exits in the same turn as it logged, without closing the app', async () => {
    const burst = await burstLines('abrupt', 5000);
    expect(burst).toHaveLength(5000);
    expect(JSON.parse(burst[4999])).toMatchObject({ '@message': 'burst line 4999' });
  });

  it('should name the function, file and line of each line with LOG_SOURCE, from V8 call sites and through source maps alike', async () => {
    const fixtureLine = readFileSync(FIXTURE, 'utf8').split('\n').findIndex((line) => line.includes('`burst line ${i}`')) + 1;
    // Plain node reads V8's call sites; --enable-source-maps makes it read the formatted stack instead.
    for (const nodeArgs of [[], ['--enable-source-maps']]) {
      const { stdout } = await run(process.execPath, [...nodeArgs, FIXTURE, 'burst'], {
        cwd: ROOT,
        env: { ...process.env, BURST_LINES: '3', LOG_SOURCE: 'true' },
        timeout: 30_000,
      });
      const burst = stdout.split('\n').filter((line) => line.includes('"burst line '));
      expect(burst).toHaveLength(3);
      for (const line of burst) {
        expect(JSON.parse(line).source).toEqual({ function: 'burst', file: FIXTURE, line: fixtureLine, module: 'Burst' });
      }
    }
  });

  it('should keep serving when the collector is down, without crashing or spamming', async () => {
    const { output, result } = await start('early', [], { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_BSP_SCHEDULE_DELAY: '50' });
    expect(result.status).toBe(200);
    // One clear line about the lost export, no stack trace, no crash.
    const problems = output.split('\n').filter((line) => /ECONNREFUSED|Error/.test(line));
    expect(problems).toHaveLength(1);
    const line = JSON.parse(problems[0]) as Record<string, unknown>;
    expect(line['@level']).toBe('WARN');
    expect(line['@message']).toMatch(/^could not export the last spans to http:\/\/127\.0\.0\.1:9\/v1\/traces/);
  });
});

describe('the nest-telemetry/sdk entry', () => {
  const check = (entry?: string) => run(process.execPath, [path.join(ROOT, 'scripts/check-sdk-entry.js'), ...(entry ? [entry] : [])], { cwd: ROOT });

  it('should load no Nest or express module', async () => {
    const { stdout } = await check();
    expect(stdout).toMatch(/nest-telemetry\/sdk loads \d+ modules, none of Nest or express/);
  });

  it('should be caught by the check if it did (the main entry does)', async () => {
    await expect(check('nest-telemetry')).rejects.toMatchObject({ stderr: expect.stringContaining('nest-telemetry loads @nestjs/') });
  });
});
