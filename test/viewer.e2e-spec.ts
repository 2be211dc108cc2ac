import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { freePort } from './utils/trio';

const ROOT = path.resolve(__dirname, '..');
const OUTPUT = path.join(ROOT, 'test/output');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Issue 7: `npm start`'s launcher with no OTLP endpoint set starts the telemetry viewer and
// points the trio at it; a real browser finds a workflow's trace by its tracking id, sees
// the waterfall across the three services and the log lines of all three.
describe('telemetry viewer in a browser', () => {
  let launcher: ChildProcess;
  let output = '';
  let browser: Browser | undefined;
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    if (spawnSync(CHROMIUM, ['--version']).error) throw new Error(`${CHROMIUM} not found: install Chromium (Debian: apt-get install chromium), as .ci/run does`);
    for (const name of ['GATEWAY_PORT', 'AGENT_PORT', 'ENGINE_PORT', 'TELEMETRY_VIEWER_PORT']) ports[name] = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: '127.0.0.1',
      ...Object.fromEntries(Object.entries(ports).map(([key, port]) => [key, String(port)])),
      AGENT_URL: `http://127.0.0.1:${ports.AGENT_PORT}`,
      ENGINE_URL: `http://127.0.0.1:${ports.ENGINE_PORT}`,
    };
    delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    launcher = spawn(process.execPath, [path.join(ROOT, 'scripts/start-trio.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    launcher.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 40_000;
    for (const port of [ports.GATEWAY_PORT, ports.AGENT_PORT, ports.ENGINE_PORT]) {
      while (!(await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false))) {
        if (Date.now() > deadline) throw new Error(`the trio did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (launcher && launcher.exitCode === null) {
      const exited = new Promise((resolve) => launcher.once('exit', resolve));
      launcher.kill('SIGINT');
      await exited;
    }
  });

  it('finds a workflow by its tracking id and shows its waterfall across the three services, and its logs', async () => {
    const viewer = `http://127.0.0.1:${ports.TELEMETRY_VIEWER_PORT}`;
    expect(output).toContain(`[viewer] telemetry viewer on ${viewer}/`);
    const response = await fetch(`http://127.0.0.1:${ports.GATEWAY_PORT}/api/v1/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'browser-test', steps: ['extract', 'transform', 'load'] }),
    });
    expect(response.status).toBe(201);
    const trackingId = response.headers.get('x-tracking-id')!;
    // Spans and log lines reach the viewer by OTLP within the 1 s batch delay the launcher sets.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const trace = await fetch(`${viewer}/api/traces/${trackingId}`).then((r) => (r.ok ? (r.json() as Promise<{ summary: { services: string[] } }>) : undefined));
      const { logs } = (await (await fetch(`${viewer}/api/logs?tracking_id=${trackingId}`)).json()) as { logs: { service: string }[] };
      if (trace?.summary.services.length === 3 && new Set(logs.map((log) => log.service)).size === 3) break;
      if (Date.now() > deadline) throw new Error(`trace ${trackingId} not complete in the viewer: ${JSON.stringify(trace?.summary)}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    const page = await browser!.newPage({ viewport: { width: 1500, height: 950 } });
    await page.goto(`${viewer}/`);
    await page.getByTestId('filter-tracking-id').fill(trackingId);
    const row = page.locator(`[data-testid="trace-row"][data-trace-id="${trackingId}"]`);
    await row.waitFor();
    expect(await page.getByTestId('trace-row').count()).toBe(1);
    await row.click();
    await page.getByTestId('waterfall').waitFor();

    const spans = await page.getByTestId('span-row').evaluateAll((rows) =>
      rows.map((row) => {
        const data = (row as unknown as { dataset: Record<string, string> }).dataset;
        return { id: data.spanId!, parent: data.parentSpanId!, service: data.service!, depth: Number(data.depth), label: row.textContent ?? '' };
      }),
    );
    expect(new Set(spans.map((span) => span.service))).toEqual(new Set(['api-gateway', 'workflow-agent', 'workflow-engine']));
    const root = spans.find((span) => span.depth === 0)!;
    expect(root.service).toBe('api-gateway');
    // The engine's spans are nested under the gateway's: their parent chain leads to the gateway's root span.
    const byId = new Map(spans.map((span) => [span.id, span]));
    for (const engineSpan of spans.filter((span) => span.service === 'workflow-engine')) {
      expect(engineSpan.depth).toBeGreaterThan(0);
      let ancestor = byId.get(engineSpan.parent);
      while (ancestor && ancestor.service !== 'api-gateway') ancestor = byId.get(ancestor.parent);
      expect(ancestor).toBeDefined();
    }
    expect(spans.filter((span) => span.label.includes('workflow.step'))).toHaveLength(3);

    // A span's attributes on click.
    await page.locator('[data-testid="span-row"][data-service="workflow-engine"]').first().click();
    await expect(page.getByTestId('span-details').textContent()).resolves.toContain('"service": "workflow-engine"');

    await page.getByTestId('show-logs').click();
    await page.getByTestId('log-row').first().waitFor();
    const logServices = await page.getByTestId('log-row').evaluateAll((rows) => rows.map((row) => (row as unknown as { dataset: Record<string, string> }).dataset.service));
    expect(new Set(logServices)).toEqual(new Set(['api-gateway', 'workflow-agent', 'workflow-engine']));

    fs.mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, 'viewer-waterfall.png'), fullPage: true });
    expect(fs.statSync(path.join(OUTPUT, 'viewer-waterfall.png')).size).toBeGreaterThan(10_000);

    // The exports the page links to.
    const otlp = (await (await fetch(`${viewer}/api/traces/${trackingId}/otlp`)).json()) as { resourceSpans: unknown[] };
    expect(otlp.resourceSpans).toHaveLength(3);
    const csv = await (await fetch(`${viewer}/api/traces.csv?tracking_id=${trackingId}`)).text();
    expect(csv.split('\r\n')[1]).toContain(trackingId);
    await page.close();
  }, 60_000);
});
