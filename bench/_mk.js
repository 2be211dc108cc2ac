const { TracerProvider } = require('@opentelemetry/sdk-trace');
const { resourceFromAttributes } = require('@opentelemetry/resources');
let ended = [];
const p = new TracerProvider({ spanProcessors: [{ onStart(){}, onEnd(s){ ended.push(s) }, forceFlush(){return Promise.resolve()}, shutdown(){return Promise.resolve()} }], resource: resourceFromAttributes({ 'service.name': 'bench' }) });
const t = p.getTracer('nest-telemetry', '0.1.0');
const ATTRS = Number(process.env.ATTRS ?? 7);
function mk(n) { for (let i = 0; i < n; i++) { const a = { 'http.request.method': 'GET', 'url.path': '/api/v1/items/42', 'url.scheme': 'http', 'server.address': '127.0.0.1', 'user_agent.original': 'autocannon/9', 'client.address': '127.0.0.1', 'network.protocol.version': '1.1' }; const s = t.startSpan('GET', { kind: 1, attributes: ATTRS ? a : undefined }); if (ATTRS) { s.setAttribute('tracking.id', s.spanContext().traceId); s.setAttribute('http.route', '/api/v1/items/:id'); s.setAttribute('http.response.status_code', 200); } s.updateName('GET /api/v1/items/:id'); s.end(); } }
for (let r = 0; r < Number(process.env.R ?? 10); r++) { ended = []; const t0 = process.hrtime.bigint(); mk(5000); console.log('create+end µs/span', (Number(process.hrtime.bigint() - t0) / 1e3 / 5000).toFixed(2)); }
