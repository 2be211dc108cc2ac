import { createServer, type Server, type Socket } from 'node:net';

/** A collector that accepts connections, reads everything and never answers. */
export class BlackHole {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  /** Bytes received: proof that the exporter really sent to it. */
  received = 0;

  async start(port: number): Promise<void> {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('data', (chunk) => (this.received += chunk.length));
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
