import { hostileRequests } from './utils/hostile-requests';
import { rawRequest, type RawResponse } from './utils/raw-http';
import { Trio } from './utils/trio';

// Issue 10.3: 10,000 hostile requests, sent byte for byte over raw sockets. No crash, no
// 5xx from telemetry, a 32-hex tracking id on every response (requests Node's parser
// rejects included), every log line exactly one JSON object.
const COUNT = 10_000;
const CONCURRENCY = 32;

describe('hostile headers', () => {
  const trio = new Trio();
  beforeAll(() => trio.start({}, { only: ['gateway'] }), 60_000);
  afterAll(() => trio.stop());

  it(`answers ${COUNT} hostile requests with a valid tracking id each, and logs only JSON lines`, async () => {
    const port = Number(new URL(trio.services.get('gateway')!.url).port);
    const corpus = hostileRequests(COUNT);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < corpus.length) {
        const request = corpus[next++];
        let response: RawResponse;
        try {
          response = await rawRequest(port, request.bytes);
        } catch (error) {
          problems.push(`${request.label}: ${(error as Error).message}`);
          continue;
        }
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const ids = response.headers.get('x-tracking-id') ?? [];
        if (response.status >= 500) problems.push(`${request.label}: status ${response.status}`);
        if (ids.length !== 1 || !/^[0-9a-f]{32}$/.test(ids[0])) problems.push(`${request.label}: tracking id ${JSON.stringify(ids)}`);
        else if (request.continuesTrace && response.status !== 400 && response.status !== 431 && !request.label.includes('GET /health')) {
          if (ids[0] !== request.continuesTrace) problems.push(`${request.label}: trace not continued (${ids[0]})`);
          const timing = response.headers.get('server-timing')?.[0] ?? '';
          if (!new RegExp(`^traceparent;desc="00-${request.continuesTrace}-[0-9a-f]{16}-0[0-3]"$`).test(timing)) problems.push(`${request.label}: server-timing ${timing}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.log(`hostile: ${COUNT} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${problems.length} problems`);
    expect(problems.slice(0, 20)).toEqual([]);

    // Still up, and its log is one JSON object per line, whatever the headers held.
    expect((await fetch(`${trio.services.get('gateway')!.url}/health`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const lines = trio.output('gateway').split('\n').filter((line) => line !== '');
    const broken = lines.filter((line) => {
      try {
        const value: unknown = JSON.parse(line);
        return typeof value !== 'object' || value === null || Array.isArray(value);
      } catch {
        return true;
      }
    });
    expect(broken.slice(0, 5)).toEqual([]);
    expect(lines.length).toBeGreaterThan(COUNT * 0.5);
    // The forged line stayed a value inside a real line.
    expect(lines.some((line) => line.startsWith('{"@level":"FATAL"'))).toBe(false);
    // Parser rejections are logged with their tracking id.
    expect(lines.some((line) => line.includes('rejected a malformed HTTP request with 400'))).toBe(true);
  }, 180_000);
});
