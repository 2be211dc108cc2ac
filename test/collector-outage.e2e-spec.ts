import autocannon from 'autocannon';
import { BlackHole } from './utils/black-hole';
import { OtlpReceiver } from './utils/otlp-receiver';
import { freePort, Trio } from './utils/trio';

// Issue 10.1: a collector that refuses, then one that never answers, then one that works.
// The gateway serves 20,000 requests in each failing phase without one failure, its
// export queue stays bounded (drops counted), export errors are logged once per interval,
// and export resumes when the collector is back, without a restart.
const REQUESTS = 20_000;

describe('collector outage', () => {
  const trio = new Trio();
  const blackHole = new BlackHole();
  const receiver = new OtlpReceiver();
  let collectorPort: number;
  let workflowUrl: string;

  beforeAll(async () => {
    collectorPort = await freePort(); // nothing listens: connections are refused
    await trio.start({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`, OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_EXPORTER_OTLP_TIMEOUT: '2000' });
    const created = await fetch(`${trio.gateway}/api/v1/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'outage', steps: ['extract'] }),
    });
    expect(created.status).toBe(201);
    workflowUrl = `${trio.gateway}/api/v1/workflows/${((await created.json()) as { id: string }).id}`;
  }, 60_000);

  afterAll(async () => {
    await trio.stop();
    await blackHole.stop();
    await receiver.stop();
  });

  const load = async () => {
    const result = await autocannon({ url: workflowUrl, amount: REQUESTS, connections: 16 });
    return { ok: result['2xx'], failures: result.errors + result.timeouts + result.non2xx };
  };

  const exportMetrics = async () => {
    const text = await (await fetch(`${trio.gateway}/metrics`)).text();
    const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)`, 'm').exec(text)?.[1]);
    return {
      dropped: value('otel_export_dropped_spans_total'),
      failed: value('otel_export_failed_spans_total'),
      exported: value('otel_export_exported_spans_total'),
      queued: value('otel_export_queue_spans'),
      capacity: value('otel_export_queue_capacity_spans'),
      rssMb: value('process_resident_memory_bytes') / 2 ** 20,
    };
  };
  const exportWarnings = () => trio.logLines('gateway').filter((line) => String(line['@message']).startsWith('span export to'));

  it('serves every request while the collector refuses connections, and counts the lost spans', async () => {
    const started = Date.now();
    const { ok, failures } = await load();
    expect({ ok, failures }).toEqual({ ok: REQUESTS, failures: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the last batch fails too
    const metrics = await exportMetrics();
    console.log(`refused: ${REQUESTS} requests, 0 failures, RSS ${metrics.rssMb.toFixed(0)} MB, failed spans ${metrics.failed}, dropped ${metrics.dropped}, queued ${metrics.queued}`);
    // Every request's server span is accounted for: lost in a failed export, dropped on the
    // full queue, or still queued. (How they split depends on how fast the load runs.)
    expect(metrics.failed + metrics.dropped + metrics.queued).toBeGreaterThanOrEqual(REQUESTS);
    expect(metrics.failed).toBeGreaterThanOrEqual(512); // at least one whole batch was tried and failed
    expect(metrics.exported).toBe(0);
    // Each failed export (about five a second) is an error; one line per 60 s interval is logged.
    const minutes = (Date.now() - started) / 60_000;
    const warnings = exportWarnings();
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings.length).toBeLessThanOrEqual(Math.ceil(minutes) + 1);
    expect(String(warnings[0]['@message'])).toMatch(/ECONNREFUSED/);
    expect(warnings[0]['@level']).toBe('WARN');
  }, 120_000);

  it('serves every request while the collector accepts and never answers, with a bounded queue and counted drops', async () => {
    await blackHole.start(collectorPort);
    const before = await exportMetrics();
    const { ok, failures } = await load();
    expect({ ok, failures }).toEqual({ ok: REQUESTS, failures: 0 });
    const after = await exportMetrics();
    console.log(
      `black hole: ${REQUESTS} requests, 0 failures, RSS ${before.rssMb.toFixed(0)} -> ${after.rssMb.toFixed(0)} MB, queue ${after.queued}/${after.capacity}, dropped ${after.dropped - before.dropped}`,
    );
    expect(blackHole.received).toBeGreaterThan(0);
    expect(after.queued).toBeLessThanOrEqual(after.capacity);
    expect(after.dropped - before.dropped).toBeGreaterThan(0);
    expect(after.rssMb - before.rssMb).toBeLessThan(100);
  }, 120_000);

  it('exports again once the collector is back, without a restart', async () => {
    await blackHole.stop();
    await receiver.start(collectorPort);
    // The queue the outage filled drains first: spans of requests sent after that must all arrive.
    const deadline = Date.now() + 30_000;
    while ((await exportMetrics()).queued > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const response = await fetch(workflowUrl);
      expect(response.status).toBe(200);
      ids.push(response.headers.get('x-tracking-id')!);
    }
    await receiver.waitFor((spans) => ids.every((id) => spans.some((span) => span.traceId === id && span.service === 'api-gateway')), 30_000);
    expect((await exportMetrics()).exported).toBeGreaterThan(0);
    expect(trio.logLines('gateway').some((line) => String(line['@message']).match(/^span export to .* works again$/))).toBe(true);
  }, 60_000);
});
