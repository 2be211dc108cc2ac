import { OtlpReceiver, SpanKindCode, StatusCode, type ReceivedSpan } from './utils/otlp-receiver';
import { Trio } from './utils/trio';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SERVICES = ['api-gateway', 'workflow-agent', 'workflow-engine'];
const API_KEY = 'sk_e2e_acme_5f0c1d2e3a4b';

/**
 * The trio as three processes exporting over real OTLP/HTTP (protobuf, the SDK
 * default) to a receiver on 127.0.0.1: one request, one trace, three services.
 */
describe('gateway -> agent -> engine (three processes, OTLP export)', () => {
  const receiver = new OtlpReceiver();
  const trio = new Trio();

  beforeAll(async () => {
    const endpoint = await receiver.start();
    await trio.start({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      // Extra attributes are merged; the options (service name) win over the variable.
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=not-this-one,team=workflows',
      GATEWAY_API_KEYS: `acme:${API_KEY}`,
    });
  });

  afterAll(async () => {
    await trio.stop();
    await receiver.stop();
  });

  const spansOf = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);
  const serverSpan = (spans: ReceivedSpan[], service: string) =>
    spans.find((span) => span.service === service && span.kind === SpanKindCode.SERVER);

  async function postWorkflow(steps: string[], headers: Record<string, string> = {}) {
    const response = await fetch(`${trio.gateway}/api/v1/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ name: 'e2e', steps }),
    });
    return { response, body: (await response.json()) as Record<string, unknown>, trackingId: response.headers.get('x-tracking-id')! };
  }

  /** Waits until the three services' SERVER spans of a trace have arrived. */
  const waitForTrace = (traceId: string) =>
    receiver.waitFor(() => SERVICES.every((service) => serverSpan(spansOf(traceId), service)));

  it('records one trace across the three services, linked parent to child, over protobuf', async () => {
    const { response, body, trackingId } = await postWorkflow(['fetch', 'transform']);
    expect(response.status).toBe(201);
    expect(trackingId).toMatch(TRACE_ID);
    expect(body.tracking_id).toBe(trackingId);

    await waitForTrace(trackingId);
    const spans = spansOf(trackingId);
    expect(new Set(spans.map((span) => span.service))).toEqual(new Set(SERVICES));
    expect([...receiver.contentTypes]).toEqual(['application/x-protobuf']);

    const gateway = serverSpan(spans, 'api-gateway')!;
    expect(gateway.name).toBe('POST /api/v1/workflows');
    expect(gateway.parentSpanId).toBeUndefined();
    expect(gateway.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/api/v1/workflows',
      'http.response.status_code': 201,
      'url.path': '/api/v1/workflows',
      'url.scheme': 'http',
      'tracking.id': trackingId,
    });
    expect(gateway.resource).toMatchObject({
      'service.name': 'api-gateway',
      team: 'workflows',
      'service.version': '1.0.0',
      'service.namespace': 'workflow-platform',
      'deployment.environment.name': 'dev',
    });

    // Each downstream SERVER span is the child of a gateway CLIENT span (fetch, no hand-written headers).
    const gatewayClients = spans.filter((span) => span.service === 'api-gateway' && span.kind === SpanKindCode.CLIENT);
    for (const [service, route] of [['workflow-agent', '/generate'], ['workflow-engine', '/execute']]) {
      const downstream = serverSpan(spans, service)!;
      expect(downstream.name).toBe(`POST ${route}`);
      const parent = gatewayClients.find((span) => span.spanId === downstream.parentSpanId);
      expect(parent).toBeDefined();
      expect(parent!.attributes['url.full']).toContain(route);
    }

    // The controller span and @Traced() spans hang under the server span, never a duplicate.
    const controllerSpans = spans.filter((span) => span.name === 'WorkflowsController.create');
    expect(controllerSpans).toHaveLength(1);
    expect(spans.filter((span) => span.name === 'WorkflowsService.create')).toHaveLength(1);
    expect(spans.find((span) => span.name === 'chat gpt-4o-mini')?.kind).toBe(SpanKindCode.CLIENT);
    expect(spans.filter((span) => span.service === 'workflow-engine' && span.name === 'workflow.step')).toHaveLength(2);
  });

  it("records the engine's workflow steps as measured operations, served at /_telemetry/operations", async () => {
    const { trackingId } = await postWorkflow(['extract', 'fail']);
    const body = (await (await fetch(`${trio.services.get('engine')!.url}/_telemetry/operations`)).json()) as {
      summary: { by_operation_type: Record<string, { total: number }> };
      records: { operation_name: string; component: string; status: string; metadata: { step: string }; trace_id: string; error: string | null }[];
    };
    const steps = body.records.filter((record) => record.trace_id === trackingId);
    expect(steps.map((record) => [record.operation_name, record.component, record.metadata.step, record.status])).toEqual([
      ['workflow.step', 'engine', 'extract', 'success'],
      ['workflow.step', 'engine', 'fail', 'failure'],
    ]);
    expect(steps[1].error).toContain('fail');
    expect(body.summary.by_operation_type['workflow.step'].total).toBeGreaterThanOrEqual(2);
    const csv = await (await fetch(`${trio.services.get('engine')!.url}/_telemetry/operations?format=csv`)).text();
    expect(csv.split('\r\n')[0]).toBe('operation_id,operation_name,component,started_at,duration_ms,status,error,memory_delta_mb,metadata,trace_id');
    expect(csv).toContain(trackingId);
  });

  it('writes log lines in all three services that carry the request tracking id', async () => {
    const { response, trackingId } = await postWorkflow(['fetch', 'fail']);
    expect(response.status).toBe(502);
    const linesOf = (name: 'gateway' | 'agent' | 'engine') => trio.logLines(name).filter((line) => line.tracking_id === trackingId);
    await receiver.waitFor(() => (['gateway', 'agent', 'engine'] as const).every((name) => linesOf(name).length >= 2));

    for (const name of ['gateway', 'agent', 'engine'] as const) {
      for (const line of linesOf(name)) {
        expect(line).toMatchObject({ tracking_id: trackingId, tracing: { trace_id: trackingId } });
        expect(line['@timestamp']).toMatch(/Z$/);
      }
      // One access line per request in each service.
      expect(linesOf(name).filter((line) => line.request && line.response)).toHaveLength(1);
    }
    expect(linesOf('agent').find((line) => line['@message'] === 'completion generated')).toBeDefined();
    const failure = linesOf('engine').find((line) => line['@level'] === 'ERROR' && line.exception)!;
    expect(failure.exception).toMatchObject({ class: 'StepFailedError' });
    expect(linesOf('gateway').find((line) => line['@message'] === 'workflow stored')).toMatchObject({ workflow: { status: 'failed' } });

    // The ERROR log became an error_log event on the engine's span.
    await waitForTrace(trackingId);
    const errorEvents = spansOf(trackingId).flatMap((span) => span.events.filter((event) => event.name === 'error_log'));
    expect(errorEvents.some((event) => event.attributes['error.type'] === 'StepFailedError' && event.attributes['tracking.id'] === trackingId)).toBe(true);
  });

  it('continues the trace of an incoming traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { response, trackingId } = await postWorkflow(['one'], {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      'x-tracking-id': 'client-chosen-value',
    });
    expect(response.status).toBe(201);
    expect(trackingId).toBe(traceId);
    await waitForTrace(traceId);
    expect(serverSpan(spansOf(traceId), 'api-gateway')!.parentSpanId).toBe('00f067aa0ba902b7');
  });

  it.each([
    ['garbage with a JSON fragment', '00-zzzz-not-a-trace {"@level":"INFO"}'],
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['an unknown version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
  ])('starts a new trace when traceparent is %s', async (_case, traceparent) => {
    const { response, trackingId } = await postWorkflow(['one'], { traceparent });
    expect(response.status).toBe(201);
    expect(trackingId).toMatch(TRACE_ID);
    expect(trackingId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(trackingId).not.toBe('00000000000000000000000000000000');
    await waitForTrace(trackingId);
    expect(serverSpan(spansOf(trackingId), 'api-gateway')!.parentSpanId).toBeUndefined();
  });

  it('shows a failing engine step as an ERROR span in the engine and a 502 in the gateway', async () => {
    const { response, body, trackingId } = await postWorkflow(['load', 'fail']);
    expect(response.status).toBe(502);
    expect(body.status).toBe('failed');
    await waitForTrace(trackingId);
    const spans = spansOf(trackingId);

    const failedStep = spans.find(
      (span) => span.service === 'workflow-engine' && span.name === 'workflow.step' && span.attributes['workflow.step.name'] === 'fail',
    );
    expect(failedStep?.statusCode).toBe(StatusCode.ERROR);
    expect(failedStep?.events.some((event) => event.name === 'exception')).toBe(true);

    const engine = serverSpan(spans, 'workflow-engine')!;
    expect(engine.statusCode).toBe(StatusCode.ERROR);
    expect(engine.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': '500' });
    const gateway = serverSpan(spans, 'api-gateway')!;
    expect(gateway.statusCode).toBe(StatusCode.ERROR);
    expect(gateway.attributes['http.response.status_code']).toBe(502);
  });

  it('answers 404 with a tracking id and a span named after the route template', async () => {
    const response = await fetch(`${trio.gateway}/api/v1/workflows/unknown-id`);
    expect(response.status).toBe(404);
    const trackingId = response.headers.get('x-tracking-id')!;
    expect(trackingId).toMatch(TRACE_ID);
    await receiver.waitFor(() => serverSpan(spansOf(trackingId), 'api-gateway') !== undefined);
    const span = serverSpan(spansOf(trackingId), 'api-gateway')!;
    expect(span.name).toBe('GET /api/v1/workflows/:id');
    expect(span.attributes['url.path']).toBe('/api/v1/workflows/unknown-id');
    expect(span.statusCode).toBe(StatusCode.UNSET);
  });

  it('answers a malformed body with 400 and a tracking id', async () => {
    const response = await fetch(`${trio.gateway}/api/v1/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-tracking-id')).toMatch(TRACE_ID);
    const invalid = await fetch(`${trio.gateway}/api/v1/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', steps: 'not-a-list' }),
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { message: string[] }).message.join(' ')).toContain('steps must be an array');
  });

  it('counts open sessions and API key usage at /metrics, under a hash of the key, never the key', async () => {
    const open = () =>
      fetch(`${trio.gateway}/api/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user_id: 'u-1' }) });
    const sessions = await Promise.all([open(), open(), open()]);
    expect(sessions.map((response) => response.status)).toEqual([201, 201, 201]);
    const [first] = (await Promise.all(sessions.map((response) => response.json()))) as { session_id: string }[];
    expect((await fetch(`${trio.gateway}/api/v1/sessions/${first.session_id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${trio.gateway}/api/v1/sessions/${first.session_id}`, { method: 'DELETE' })).status).toBe(404);

    expect((await postWorkflow(['one'], { 'x-api-key': API_KEY })).response.status).toBe(201);
    const refused = await postWorkflow(['one'], { 'x-api-key': 'sk_not_a_key' });
    expect(refused.response.status).toBe(401);
    expect(refused.trackingId).toMatch(TRACE_ID);

    const metrics = await (await fetch(`${trio.gateway}/metrics`)).text();
    expect(metrics).toMatch(/^active_sessions\{[^}]*service="api-gateway"[^}]*\} 2$/m);
    expect(metrics).toMatch(/^api_key_usage_total\{api_key_id="[0-9a-f]{12}",client_name="acme",endpoint="\/api\/v1\/workflows",success="true"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^api_key_usage_total\{api_key_id="[0-9a-f]{12}",client_name="unknown",endpoint="unmatched",success="false"[^}]*\} 1$/m);
    for (const key of [API_KEY, 'sk_not_a_key']) expect(metrics).not.toContain(key);
  });

  it('never traces health checks but still returns a tracking id', async () => {
    const response = await fetch(`${trio.gateway}/health`);
    expect(response.status).toBe(200);
    const trackingId = response.headers.get('x-tracking-id')!;
    expect(trackingId).toMatch(TRACE_ID);
    // A later traced request flushes the batch; the health check's id never shows up.
    const { trackingId: later } = await postWorkflow(['one']);
    await waitForTrace(later);
    expect(spansOf(trackingId)).toHaveLength(0);
    expect(receiver.spans.some((span) => span.attributes['url.path'] === '/health')).toBe(false);
  });
});
