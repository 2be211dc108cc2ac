/**
 * The viewer's page: one HTML document with its script and styles inline (nothing to
 * build, nothing fetched from elsewhere). Every value shown is set as text, never as
 * HTML: span names, attributes and log lines come from the services' clients.
 * @internal
 */
export const VIEWER_PAGE = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nest-telemetry viewer</title>
<style>
  :root { --fg: #1d2330; --muted: #6b7280; --line: #e5e7eb; --bg: #f8fafc; --error: #dc2626; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
  header { display: flex; align-items: baseline; gap: 16px; padding: 10px 16px; background: #111827; color: #f9fafb; }
  header h1 { font-size: 15px; margin: 0; }
  header .stats { color: #9ca3af; font-size: 12px; }
  main { display: grid; grid-template-columns: minmax(420px, 2fr) 3fr; gap: 12px; padding: 12px 16px; }
  section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; min-width: 0; }
  section h2 { font-size: 13px; margin: 0 0 8px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
  .full { grid-column: 1 / -1; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 280px; }
  th { font-weight: 600; color: var(--muted); font-size: 12px; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  tr.trace { cursor: pointer; }
  tr.trace:hover, tr.trace.selected { background: #eef2ff; }
  .error { color: var(--error); font-weight: 600; }
  .filters { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 8px; align-items: center; }
  input, select, button, a.button { font: inherit; padding: 3px 6px; border: 1px solid #cbd5e1; border-radius: 4px; background: #fff; color: inherit; text-decoration: none; }
  button, a.button { cursor: pointer; }
  .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
  .waterfall { position: relative; }
  .span-row { display: grid; grid-template-columns: 260px 1fr; align-items: center; height: 22px; cursor: pointer; border-bottom: 1px solid #f1f5f9; }
  .span-row:hover, .span-row.selected { background: #f1f5f9; }
  .span-label { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; padding-right: 6px; }
  .span-track { position: relative; height: 14px; }
  .span-bar { position: absolute; top: 0; height: 14px; border-radius: 3px; min-width: 2px; }
  .span-bar.failed { outline: 2px solid var(--error); outline-offset: 1px; }
  .span-duration { position: absolute; top: -1px; font-size: 11px; color: var(--muted); white-space: nowrap; }
  .axis { display: grid; grid-template-columns: 260px 1fr; color: var(--muted); font-size: 11px; margin-bottom: 4px; }
  .axis .ticks { display: flex; justify-content: space-between; }
  .legend { display: flex; gap: 12px; margin: 6px 0; font-size: 12px; }
  .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
  pre { background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: 8px; overflow: auto; max-height: 260px; margin: 6px 0 0; }
  .empty { color: var(--muted); padding: 12px 0; }
  .level-ERROR, .level-FATAL { color: var(--error); }
  .level-WARN { color: #b45309; }
</style>
</head>
<body>
<header><h1>nest-telemetry viewer</h1><span class="stats" id="stats"></span></header>
<main>
  <section class="full">
    <h2>Services and routes (rate, errors, duration)</h2>
    <table data-testid="red-table"><thead><tr><th>service</th><th>route</th><th class="num">requests</th><th class="num">req/s</th><th class="num">errors</th><th class="num">p50 ms</th><th class="num">p95 ms</th><th class="num">p99 ms</th></tr></thead><tbody id="red"></tbody></table>
  </section>
  <section>
    <h2>Recent traces</h2>
    <div class="filters">
      <input id="f-tracking" data-testid="filter-tracking-id" placeholder="tracking id" size="34" spellcheck="false">
      <select id="f-service" data-testid="filter-service"><option value="">all services</option></select>
      <select id="f-status" data-testid="filter-status"><option value="">any status</option><option value="ok">ok</option><option value="error">error</option></select>
      <input id="f-duration" data-testid="filter-min-duration" type="number" min="0" placeholder="min ms" style="width: 80px">
      <a class="button" id="export-csv" data-testid="export-csv" download="traces.csv">CSV</a>
    </div>
    <table><thead><tr><th>time</th><th>root span</th><th class="num">ms</th><th>services</th><th>status</th></tr></thead><tbody id="traces" data-testid="trace-list"></tbody></table>
  </section>
  <section>
    <h2>Trace</h2>
    <div id="trace-view" class="empty">Select a trace.</div>
  </section>
</main>
<script>
(() => {
  const token = new URLSearchParams(location.search).get('token');
  const api = (path, params = {}) => {
    const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v !== undefined));
    if (token) query.set('token', token);
    const qs = query.toString();
    return path + (qs ? '?' + qs : '');
  };
  const get = async (path, params) => {
    const response = await fetch(api(path, params));
    if (!response.ok) throw new Error(path + ': ' + response.status);
    return response.json();
  };
  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key === 'style') Object.assign(node.style, value);
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    }
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
    return node;
  };
  const palette = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563'];
  const colours = new Map();
  const colourOf = (service) => {
    if (!colours.has(service)) colours.set(service, palette[colours.size % palette.length]);
    return colours.get(service);
  };
  const filters = () => ({
    tracking_id: document.getElementById('f-tracking').value.trim(),
    service: document.getElementById('f-service').value,
    status: document.getElementById('f-status').value,
    min_duration_ms: document.getElementById('f-duration').value,
  });
  let selected = new URLSearchParams(location.hash.slice(1)).get('trace');

  async function refresh() {
    const [{ traces, stats }, { rows }] = await Promise.all([get('/api/traces', filters()), get('/api/red')]);
    document.getElementById('stats').textContent = stats.traces + ' traces, ' + stats.spans + ' spans, ' + stats.logs + ' log records in memory';
    document.getElementById('export-csv').href = api('/api/traces.csv', filters());
    const services = new Set();
    const body = document.getElementById('traces');
    body.replaceChildren(...traces.map((trace) => {
      trace.services.forEach((service) => services.add(service));
      return el('tr', { class: 'trace' + (trace.traceId === selected ? ' selected' : ''), 'data-testid': 'trace-row', dataset: { traceId: trace.traceId }, onclick: () => select(trace.traceId) },
        el('td', { class: 'mono' }, new Date(trace.startMs).toLocaleTimeString()),
        el('td', { title: trace.rootService + ' ' + trace.rootName }, trace.rootName),
        el('td', { class: 'num' }, trace.durationMs.toFixed(1)),
        el('td', {}, trace.services.join(', ')),
        el('td', { class: trace.status === 'error' ? 'error' : '' }, trace.status));
    }));
    if (traces.length === 0) body.replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'empty' }, 'No traces yet: send a request to a service.')));
    const select_ = document.getElementById('f-service');
    const current = select_.value;
    const known = new Set([...select_.options].map((option) => option.value));
    for (const service of [...services].sort()) if (!known.has(service)) select_.append(el('option', { value: service }, service));
    select_.value = current;
    document.getElementById('red').replaceChildren(...rows.map((row) => el('tr', { 'data-testid': 'red-row' },
      el('td', {}, row.service), el('td', {}, row.route), el('td', { class: 'num' }, row.requests), el('td', { class: 'num' }, row.rate),
      el('td', { class: 'num' + (row.errors ? ' error' : '') }, row.errors + ' (' + (row.errorRate * 100).toFixed(1) + ' %)'),
      el('td', { class: 'num' }, row.p50Ms), el('td', { class: 'num' }, row.p95Ms), el('td', { class: 'num' }, row.p99Ms))));
  }

  async function select(traceId) {
    selected = traceId;
    history.replaceState(null, '', '#trace=' + traceId);
    document.querySelectorAll('tr.trace').forEach((row) => row.classList.toggle('selected', row.dataset.traceId === traceId));
    const view = document.getElementById('trace-view');
    let trace;
    try {
      trace = await get('/api/traces/' + traceId);
    } catch {
      view.replaceChildren(el('div', { class: 'empty' }, 'Trace ' + traceId + ' is not in the viewer (evicted, or not received yet).'));
      return;
    }
    view.className = '';
    view.replaceChildren(waterfall(trace), el('div', { id: 'span-details', 'data-testid': 'span-details' }), logsPanel(traceId));
  }

  function waterfall({ summary, spans }) {
    const start = summary.startMs;
    const total = Math.max(summary.durationMs, 0.001);
    const children = new Map();
    const ids = new Set(spans.map((span) => span.spanId));
    for (const span of spans) {
      const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : '';
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(span);
    }
    const ordered = [];
    const walk = (parent, depth) => (children.get(parent) || []).sort((a, b) => a.startMs - b.startMs).forEach((span) => {
      ordered.push([span, depth]);
      walk(span.spanId, depth + 1);
    });
    walk('', 0);
    const rows = ordered.map(([span, depth]) => {
      const left = ((span.startMs - start) / total) * 100;
      const width = Math.max((span.durationMs / total) * 100, 0.2);
      const failed = span.status === 'error' || Number(span.attributes['http.response.status_code']) >= 500;
      const row = el('div', { class: 'span-row', 'data-testid': 'span-row', dataset: { spanId: span.spanId, parentSpanId: span.parentSpanId || '', service: span.service, depth: String(depth), status: failed ? 'error' : 'ok' }, onclick: () => details(span, row) },
        el('div', { class: 'span-label', style: { paddingLeft: depth * 14 + 'px' }, title: span.service + ': ' + span.name },
          el('span', { class: 'swatch', style: { background: colourOf(span.service) } }), failed ? el('span', { class: 'error' }, '! ') : '', span.name),
        el('div', { class: 'span-track' },
          el('div', { class: 'span-bar' + (failed ? ' failed' : ''), style: { left: left + '%', width: width + '%', background: colourOf(span.service) } }),
          // The duration right of the bar; near the right edge, inside a wide bar or left of a narrow one.
          el('span', { class: 'span-duration', style: left + width <= 82
            ? { left: (left + width) + '%', marginLeft: '4px' }
            : width > 12 ? { right: (100 - left - width) + '%', marginRight: '4px', color: '#fff' } : { right: (100 - left) + '%', marginRight: '4px' } },
          span.durationMs.toFixed(2) + ' ms')));
      return row;
    });
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => el('span', {}, (total * f).toFixed(1) + ' ms'));
    const services = [...new Set(spans.map((span) => span.service))];
    return el('div', {},
      el('div', { class: 'filters' },
        el('span', { class: 'mono', 'data-testid': 'trace-id' }, summary.traceId),
        el('span', {}, summary.durationMs.toFixed(1) + ' ms, ' + spans.length + ' spans'),
        el('a', { class: 'button', 'data-testid': 'export-otlp', href: api('/api/traces/' + summary.traceId + '/otlp'), download: 'trace-' + summary.traceId + '.json' }, 'OTLP JSON')),
      el('div', { class: 'legend' }, ...services.map((service) => el('span', {}, el('span', { class: 'swatch', style: { background: colourOf(service) } }), service))),
      el('div', { class: 'axis' }, el('span', {}, 'span'), el('div', { class: 'ticks' }, ...ticks)),
      el('div', { class: 'waterfall', 'data-testid': 'waterfall' }, ...rows));
  }

  function details(span, row) {
    document.querySelectorAll('.span-row').forEach((r) => r.classList.toggle('selected', r === row));
    const panel = document.getElementById('span-details');
    const info = { service: span.service, name: span.name, kind: span.kind, status: span.status, statusMessage: span.statusMessage, spanId: span.spanId, parentSpanId: span.parentSpanId, durationMs: span.durationMs, attributes: span.attributes, events: span.events };
    panel.replaceChildren(el('pre', { class: 'mono' }, JSON.stringify(info, null, 2)));
  }

  function logsPanel(traceId) {
    const container = el('div', { 'data-testid': 'logs' });
    const button = el('button', { 'data-testid': 'show-logs', onclick: async () => {
      const { logs } = await get('/api/logs', { tracking_id: traceId });
      container.replaceChildren(el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'time'), el('th', {}, 'service'), el('th', {}, 'level'), el('th', {}, 'message'))),
        el('tbody', {}, ...logs.map((log) => el('tr', { 'data-testid': 'log-row', dataset: { service: log.service } },
          el('td', { class: 'mono' }, new Date(log.timeMs).toISOString().slice(11, 23)), el('td', {}, log.service),
          el('td', { class: 'level-' + log.severity }, log.severity), el('td', { title: JSON.stringify(log.attributes) }, log.body))))));
      if (logs.length === 0) container.replaceChildren(el('div', { class: 'empty' }, 'No log records for this tracking id.'));
    } }, 'Logs for this tracking id');
    return el('div', { style: { marginTop: '10px' } }, button, container);
  }

  for (const id of ['f-tracking', 'f-service', 'f-status', 'f-duration']) document.getElementById(id).addEventListener('input', () => refresh());
  refresh().then(() => selected && select(selected));
  setInterval(() => refresh().catch(() => undefined), 3000);
})();
</script>
</body>
</html>
`;
