/**
 * Turns prom-client's OpenMetrics exposition into the classic Prometheus text format
 * (0.0.4) for scrapers that did not ask for OpenMetrics: counter families named with
 * their `_total` suffix, exemplars and `# EOF` removed. Rendering OpenMetrics once and
 * converting keeps one registry: prom-client renames counters in place when it
 * renders OpenMetrics, so switching a registry between formats corrupts the classic one.
 * @internal
 */
export function openMetricsToClassic(text: string): string {
  const out: string[] = [];
  let pendingHelp: { name: string; rest: string } | undefined;

  for (const line of text.split('\n')) {
    if (line === '' || line === '# EOF') continue;
    if (line.startsWith('# HELP ')) {
      flushHelp();
      const [name, rest] = splitName(line.slice('# HELP '.length));
      pendingHelp = { name, rest };
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = splitName(line.slice('# TYPE '.length));
      const family = type === 'counter' && !name.endsWith('_total') ? `${name}_total` : name;
      if (pendingHelp && pendingHelp.name === name) out.push('', `# HELP ${family} ${pendingHelp.rest}`);
      else flushHelp();
      pendingHelp = undefined;
      out.push(`# TYPE ${family} ${type}`);
      continue;
    }
    flushHelp();
    out.push(line.startsWith('#') ? line : withoutExemplar(line));
  }
  flushHelp();
  return `${out.join('\n').replace(/^\n/, '')}\n`;

  function flushHelp(): void {
    if (pendingHelp) out.push('', `# HELP ${pendingHelp.name} ${pendingHelp.rest}`);
    pendingHelp = undefined;
  }
}

function splitName(rest: string): [string, string] {
  const space = rest.indexOf(' ');
  return space === -1 ? [rest, ''] : [rest.slice(0, space), rest.slice(space + 1)];
}

/** Cuts ` # {…} value timestamp` after a sample, reading label values as quoted strings. */
function withoutExemplar(sample: string): string {
  let i = 0;
  // metric name
  while (i < sample.length && sample[i] !== '{' && sample[i] !== ' ') i++;
  if (sample[i] === '{') {
    let quoted = false;
    for (i++; i < sample.length; i++) {
      const char = sample[i];
      if (quoted && char === '\\') i++;
      else if (char === '"') quoted = !quoted;
      else if (!quoted && char === '}') break;
    }
  }
  const exemplar = sample.indexOf(' # ', i);
  return exemplar === -1 ? sample : sample.slice(0, exemplar);
}
