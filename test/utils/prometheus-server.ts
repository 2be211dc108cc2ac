import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from './trio';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

/** Says how to get Prometheus instead of failing with ENOENT. */
export function requireBinary(binary: string): void {
  if (spawnSync(binary, ['--version']).error) {
    throw new Error(`${binary} not found: install Prometheus (Debian: apt-get install prometheus), as .ci/run does`);
  }
}

/**
 * A real Prometheus server on 127.0.0.1 with a config generated for the targets,
 * scraping every second, exemplar storage on, data in a temporary directory.
 */
export class PrometheusServer {
  private process: ChildProcess | undefined;
  private dir: string | undefined;
  private output = '';
  url = '';

  /** `ruleFiles`: absolute paths of rule files to load, evaluated every second. */
  async start(targets: Record<string, string>, ruleFiles: string[] = []): Promise<void> {
    requireBinary(PROMETHEUS_BIN);
    this.dir = mkdtempSync(path.join(tmpdir(), 'prometheus-'));
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 900ms',
      '  evaluation_interval: 1s',
      ...(ruleFiles.length > 0 ? ['rule_files:', ...ruleFiles.map((file) => `  - ${JSON.stringify(file)}`)] : []),
      'scrape_configs:',
      ...Object.entries(targets).flatMap(([job, target]) => [
        `  - job_name: ${job}`,
        '    metrics_path: /metrics',
        '    static_configs:',
        `      - targets: ['${target}']`,
      ]),
    ].join('\n');
    writeFileSync(path.join(this.dir, 'prometheus.yml'), `${config}\n`);
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.process = spawn(
      PROMETHEUS_BIN,
      [
        `--config.file=${path.join(this.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--enable-feature=exemplar-storage',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.process.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.process.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    await this.waitUntil(async () => (await fetch(`${this.url}/-/ready`)).ok, 30_000, 'Prometheus did not become ready');
  }

  /** Instant query; the result vector. */
  async query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; data: { result: never[] } };
    if (body.status !== 'success') throw new Error(`query ${promql} failed: ${JSON.stringify(body)}`);
    return body.data.result;
  }

  /** Exemplars of a selector over the last 10 minutes. */
  async exemplars(selector: string): Promise<{ seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string>; value: string }[] }[]> {
    const end = Date.now() / 1000;
    const query = `query=${encodeURIComponent(selector)}&start=${end - 600}&end=${end + 60}`;
    const body = (await (await fetch(`${this.url}/api/v1/query_exemplars?${query}`)).json()) as { status: string; data: never[] };
    if (body.status !== 'success') throw new Error(`query_exemplars ${selector} failed: ${JSON.stringify(body)}`);
    return body.data;
  }

  /** Polls `check` until it holds. */
  /**
   * Waits until every query returns at least one series; on timeout, the error lists
   * those still empty (by their label) after the timeout message.
   */
  async waitForData(queries: { label: string; expr: string }[], timeoutMs: number, message: string): Promise<void> {
    let empty: string[] = [];
    await this.waitUntil(
      async () => {
        const results = await Promise.all(queries.map(async ({ label, expr }) => ((await this.query(expr)).length > 0 ? undefined : label)));
        empty = results.filter((result): result is string => result !== undefined);
        return empty.length === 0;
      },
      timeoutMs,
      message,
    ).catch((error: Error) => {
      throw new Error(`${error.message}:\n${empty.join('\n')}`);
    });
  }

  async waitUntil(check: () => Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if (await check()) return;
      } catch {
        // not there yet
      }
      if (this.process?.exitCode !== null && this.process?.exitCode !== undefined) throw new Error(`Prometheus exited:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`${message}\n${this.output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
