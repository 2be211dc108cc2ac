import { randomBytes } from 'node:crypto';
import { OtlpReceiver } from './utils/otlp-receiver';
import { Trio } from './utils/trio';

// Issue 10.5: secrets sent in headers, query strings and bodies appear in no log line,
// no span (name, attribute, event, resource) and no metric label of any of the three services.
const secret = (kind: string) => `${kind}-${randomBytes(9).toString('hex')}`;
const SECRETS = {
  bearer: secret('bearer'),
  basic: Buffer.from(`admin:${secret('basic')}`).toString('base64'),
  cookie: secret('cookie'),
  password: secret('password'),
  apiKey: secret('apikey'),
  token: secret('token'),
  email: `${secret('alice')}@example.com`,
  jwt: `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(`{"sub":"${secret('jwt')}"}`).toString('base64url')}.c2lnbmF0dXJl`,
};

describe('secrets', () => {
  const receiver = new OtlpReceiver();
  const trio = new Trio();

  beforeAll(async () => {
    // The API key is one the gateway knows: its use is counted in api_key_usage_total, which must not show it either.
    await trio.start({ OTEL_EXPORTER_OTLP_ENDPOINT: await receiver.start(), OTEL_BSP_SCHEDULE_DELAY: '100', GATEWAY_API_KEYS: `acme:${SECRETS.apiKey}` });
  }, 60_000);
  afterAll(async () => {
    await trio.stop();
    await receiver.stop();
  });

  it('never writes a secret to logs, spans or metrics', async () => {
    const headers = {
      authorization: `Bearer ${SECRETS.bearer}`,
      'proxy-authorization': `Basic ${SECRETS.basic}`,
      cookie: `session=${SECRETS.cookie}; theme=dark`,
      'x-api-key': SECRETS.apiKey,
      'x-auth-token': SECRETS.jwt,
    };
    const query = new URLSearchParams({
      token: SECRETS.token,
      password: SECRETS.password,
      api_key: SECRETS.apiKey,
      email: SECRETS.email,
      access_token: SECRETS.jwt,
    }).toString();
    const json = { 'content-type': 'application/json', ...headers };
    const bodies = [
      { name: 'with secrets', steps: ['extract'], password: SECRETS.password },
      { name: 'with secrets', steps: ['extract'], credentials: { api_key: SECRETS.apiKey, token: SECRETS.token, email: SECRETS.email } },
      { name: 'ok', steps: ['extract'] }, // a valid one: the whole trio runs, with the secret headers and query
    ];
    const ids: string[] = [];
    for (const body of bodies) {
      const response = await fetch(`${trio.gateway}/api/v1/workflows?${query}`, { method: 'POST', headers: json, body: JSON.stringify(body) });
      ids.push(response.headers.get('x-tracking-id')!);
      expect(response.status).toBeLessThan(500);
    }
    const created = await fetch(`${trio.gateway}/api/v1/workflows?${query}`, { method: 'POST', headers: json, body: JSON.stringify(bodies[2]) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    for (const path of [`/api/v1/workflows/${id}?${query}`, `/api/v1/workflows/missing?${query}`, `/no/such/route?${query}`, `/health?${query}`]) {
      ids.push((await fetch(`${trio.gateway}${path}`, { headers })).headers.get('x-tracking-id')!);
    }
    // A malformed body that echoes a secret back at the parser.
    await fetch(`${trio.gateway}/api/v1/workflows`, { method: 'POST', headers: json, body: `{"password":"${SECRETS.password}"` });

    await receiver.waitFor((spans) => spans.some((span) => span.traceId === ids[2] && span.service === 'workflow-engine'));
    await new Promise((resolve) => setTimeout(resolve, 500));

    const logs = (['gateway', 'agent', 'engine'] as const).map((name) => trio.output(name)).join('\n');
    const spans = JSON.stringify(receiver.spans);
    const metrics = (await Promise.all([...trio.services.values()].map(async (service) => (await fetch(`${service.url}/metrics`)).text()))).join('\n');
    expect(logs).toContain(ids[2]); // the places searched are the right ones
    expect(spans).toContain(ids[2]);
    expect(metrics).toContain('http_server_request_duration_seconds');
    expect(metrics).toMatch(/^api_key_usage_total\{api_key_id="[0-9a-f]{12}",client_name="acme"/m);

    const leaks: string[] = [];
    for (const [kind, value] of Object.entries(SECRETS)) {
      for (const form of new Set([value, encodeURIComponent(value)])) {
        if (logs.includes(form)) leaks.push(`${kind} in logs`);
        if (spans.includes(form)) leaks.push(`${kind} in spans`);
        if (metrics.includes(form)) leaks.push(`${kind} in metrics`);
      }
    }
    expect(leaks).toEqual([]);
  }, 60_000);
});
