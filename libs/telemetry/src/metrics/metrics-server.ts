import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsExposition } from './metrics-exposition';

/**
 * `/metrics` on a port of its own (`metrics.port`), so it can stay off the public
 * listener. Anything but `GET /metrics` is a 404.
 * @internal
 */
export class MetricsServer {
  private server: Server | undefined;

  constructor(private readonly exposition: MetricsExposition) {}

  /** The URL `/metrics` is served at, once listening. */
  url: string | undefined;

  async listen(port: number, host: string): Promise<void> {
    this.server = createServer((request, response) => {
      const path = request.url?.split('?')[0];
      if (request.method !== 'GET' || path !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found\n');
        return;
      }
      this.exposition.render(request.headers).then(
        (scrape) => response.writeHead(scrape.status, scrape.headers).end(scrape.body),
        () => response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, resolve);
    });
    const address = this.server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost}:${address.port}/metrics`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
