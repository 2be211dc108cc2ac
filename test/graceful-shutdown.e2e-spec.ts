import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BlackHole } from './utils/black-hole';
import { OtlpReceiver } from './utils/otlp-receiver';
import { freePort, Trio } from './utils/trio';

// Issue 10.2: SIGTERM under load. The gateway stops accepting, finishes what is in
// flight, exports a span for every request that got a response, writes every access log
// line to its log file, and exits within the shutdown deadline even if the collector hangs.
const DEFAULT_DEADLINE_MS = 10_000;

const exited = (trio: Trio) =>
  new Promise<void>((resolve) => {
    const child = trio.services.get('gateway')!.process;
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

describe('graceful shutdown', () => {
  let logDir: string;
  beforeEach(() => {
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shutdown-'));
  });

  it('loses no span and no log line of a request that got a response', async () => {
    const receiver = new OtlpReceiver();
    const trio = new Trio();
    try {
      // The default 5 s batch delay: spans are still queued when SIGTERM arrives.
      await trio.start({ OTEL_EXPORTER_OTLP_ENDPOINT: await receiver.start() }, { logDir });
      const answered: { status: number; trackingId: string }[] = [];
      let refused = 0;
      let stop = false;
      const client = async () => {
        while (!stop) {
          try {
            const response = await fetch(`${trio.gateway}/api/v1/workflows`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ name: 'shutdown', steps: ['extract', 'transform'] }),
            });
            await response.arrayBuffer();
            answered.push({ status: response.status, trackingId: response.headers.get('x-tracking-id')! });
          } catch {
            refused++; // after the server stopped accepting
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      };
      const clients = Array.from({ length: 12 }, client);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const inFlightAtSignal = answered.length;
      const signalledAt = Date.now();
      trio.services.get('gateway')!.process.kill('SIGTERM');
      await exited(trio);
      const shutdownMs = Date.now() - signalledAt;
      await new Promise((resolve) => setTimeout(resolve, 300));
      stop = true;
      await Promise.all(clients);

      console.log(`graceful: ${answered.length} responses (${answered.length - inFlightAtSignal} after SIGTERM), ${refused} refused, exit after ${shutdownMs} ms`);
      expect(answered.length).toBeGreaterThan(20);
      expect(refused).toBeGreaterThan(0); // it stopped accepting
      expect(answered.every(({ status }) => status === 201)).toBe(true);
      expect(shutdownMs).toBeLessThan(DEFAULT_DEADLINE_MS);

      // Every answered request: its gateway server span reached the collector…
      const spans = new Set(receiver.spans.filter((span) => span.service === 'api-gateway' && span.kind === 2).map((span) => span.traceId));
      expect(answered.filter(({ trackingId }) => !spans.has(trackingId))).toEqual([]);
      // …and its access log line is in the file, every line one JSON object.
      const lines = fs.readFileSync(trio.services.get('gateway')!.logFile!, 'utf8').split('\n').filter(Boolean);
      const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const logged = new Set(parsed.filter((line) => line.request !== undefined).map((line) => line.tracking_id));
      expect(answered.filter(({ trackingId }) => !logged.has(trackingId))).toEqual([]);
    } finally {
      await trio.stop();
      await receiver.stop();
    }
  }, 60_000);

  it('exits within the deadline when the collector accepts and never answers', async () => {
    const blackHole = new BlackHole();
    const port = await freePort();
    await blackHole.start(port);
    const trio = new Trio();
    try {
      await trio.start({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` }, { only: ['gateway'], logDir });
      for (let i = 0; i < 20; i++) expect((await fetch(`${trio.services.get('gateway')!.url}/api/v1/workflows/none`)).status).toBe(404);
      const signalledAt = Date.now();
      trio.services.get('gateway')!.process.kill('SIGTERM');
      await exited(trio);
      const shutdownMs = Date.now() - signalledAt;
      console.log(`hung collector: exit after ${shutdownMs} ms`);
      expect(shutdownMs).toBeLessThan(DEFAULT_DEADLINE_MS + 1500);
      const log = trio.logLines('gateway').map((line) => String(line['@message']));
      expect(log.some((message) => /could not export the last spans to .*did not finish within/.test(message))).toBe(true);
    } finally {
      await trio.stop();
      await blackHole.stop();
    }
  }, 60_000);
});
