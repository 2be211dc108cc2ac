/**
 * A generated corpus of hostile HTTP/1.1 requests (issue 10.3): malformed, oversized and
 * unicode `traceparent` / `tracestate`, tracking-id headers holding CR/LF, JSON fragments
 * and ANSI escapes, user agents that try to forge log lines, and headers near Node's
 * 16 KiB limit. Deterministic: the same seed gives the same corpus.
 */
export interface HostileRequest {
  /** What went into it, for a failure message. */
  label: string;
  bytes: Buffer;
  /** A valid traceparent it carries: its trace id must become the tracking id. */
  continuesTrace?: string;
}

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const JSON_FRAGMENT = '"},{"@level":"FATAL","@message":"forged line"}\n{"x":"';
const ANSI = '\x1b[31mred\x1b[0m\x1b[2J';

const TRACEPARENTS: Record<string, string> = {
  valid: `00-${TRACE_ID}-${SPAN_ID}-01`,
  validRandom: `00-${TRACE_ID}-${SPAN_ID}-03`,
  uppercase: `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`,
  versionFf: `ff-${TRACE_ID}-${SPAN_ID}-01`,
  zeroTrace: `00-${'0'.repeat(32)}-${SPAN_ID}-01`,
  zeroParent: `00-${TRACE_ID}-${'0'.repeat(16)}-01`,
  future: `cc-${TRACE_ID}-${SPAN_ID}-01-future-fields`,
  short: `00-${TRACE_ID}-${SPAN_ID}-0`,
  long: `00-${TRACE_ID}-${SPAN_ID}-01${'-x'.repeat(4000)}`,
  unicode: `00-${TRACE_ID.slice(0, 30)}\u00e9\u00e9-${SPAN_ID}-01`,
  emoji: `00-\u{1F600}${TRACE_ID}-${SPAN_ID}-01`,
  json: JSON_FRAGMENT,
  spaces: `00 - ${TRACE_ID} - ${SPAN_ID} - 01`,
  ansi: ANSI,
  bareCr: `00-${TRACE_ID}\r-${SPAN_ID}-01`,
  nul: `00-${TRACE_ID}\0-${SPAN_ID}-01`,
};
const TRACESTATES: Record<string, string> = {
  valid: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
  tooMany: Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(','),
  badKey: 'Rojo=1',
  duplicate: 'a=1,a=2',
  huge: `a=${'x'.repeat(255)},`.repeat(40),
  unicode: 'caf\u00e9=cr\u00e8me',
  json: JSON_FRAGMENT,
  ansi: ANSI,
};
const TRACKING_IDS: Record<string, string> = {
  clientChosen: 'ffffffffffffffffffffffffffffffff',
  uppercase: TRACE_ID.toUpperCase(),
  json: JSON_FRAGMENT,
  ansi: ANSI,
  bareLf: 'abc\ninjected: yes',
  bareCr: 'abc\rinjected: yes',
  long: 'a'.repeat(8000),
  unicode: '\u202e\u0000\u2028evil',
};
const USER_AGENTS: Record<string, string> = {
  json: JSON_FRAGMENT,
  ansi: ANSI,
  unicode: 'Mozilla/5.0 \u{1F600} \u2028 \u202e',
  escapedNewline: 'curl\\n{"@level":"FATAL"}',
  long: 'u'.repeat(12_000),
};
const PATHS = [
  'GET /api/v1/workflows/wf-1',
  'GET /api/v1/workflows/%0d%0a%7B%22x%22%3A1%7D',
  `GET /api/v1/workflows/${'a'.repeat(3000)}`,
  'GET /health',
  'GET /no/such/route?q=%1b%5b31m',
  'POST /api/v1/workflows',
  'DELETE /api/v1/workflows/wf-1',
];

function mulberry32(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hostileRequests(count: number, seed = 10): HostileRequest[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const entries = (pool: Record<string, string>) => Object.entries(pool);
  const requests: HostileRequest[] = [];
  for (let i = 0; i < count; i++) {
    const [method, path] = pick(PATHS).split(' ');
    const headers: [string, string][] = [];
    const labels: string[] = [`${method} ${path.slice(0, 40)}`];
    let continuesTrace: string | undefined;
    if (random() < 0.8) {
      const [name, value] = pick(entries(TRACEPARENTS));
      headers.push(['traceparent', value]);
      if (random() < 0.1) headers.push(['traceparent', TRACEPARENTS.valid]); // two of them
      labels.push(`traceparent:${name}`);
      if ((name === 'valid' || name === 'validRandom' || name === 'future') && headers.filter(([n]) => n === 'traceparent').length === 1) continuesTrace = TRACE_ID;
    }
    if (random() < 0.5) {
      const [name, value] = pick(entries(TRACESTATES));
      headers.push(['tracestate', value]);
      labels.push(`tracestate:${name}`);
    }
    if (random() < 0.6) {
      const [name, value] = pick(entries(TRACKING_IDS));
      headers.push([pick(['X-Tracking-ID', 'x-tracking-id', 'X-Request-ID']), value]);
      labels.push(`tracking:${name}`);
    }
    if (random() < 0.4) {
      const [name, value] = pick(entries(USER_AGENTS));
      headers.push(['User-Agent', value]);
      labels.push(`ua:${name}`);
    }
    if (random() < 0.05) {
      // Near Node's 16 KiB header limit: under it (accepted) or over it (431).
      const size = random() < 0.5 ? 15_000 : 17_000;
      headers.push(['X-Padding', 'p'.repeat(size)]);
      labels.push(`padding:${size}`);
    }
    const body = method === 'POST' ? pick(['{"name":1}', '{"name":"x","steps":[],"password":"hunter2"}', '{not json', JSON_FRAGMENT]) : '';
    const head = [
      `${method} ${path} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Connection: close',
      ...(method === 'POST' ? ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`] : []),
      ...headers.map(([name, value]) => `${name}: ${value}`),
    ].join('\r\n');
    requests.push({ label: labels.join(' '), bytes: Buffer.from(`${head}\r\n\r\n${body}`, 'utf8'), continuesTrace });
  }
  return requests;
}
