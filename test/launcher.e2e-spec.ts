import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { freePort } from './utils/trio';

const ROOT = path.resolve(__dirname, '..');

/** `npm start`'s launcher: three services up, and one Ctrl-C (SIGINT) stops all three. */
describe('scripts/start-trio.js', () => {
  it('should start the three services and stop them all on SIGINT', async () => {
    const ports = { GATEWAY_PORT: await freePort(), AGENT_PORT: await freePort(), ENGINE_PORT: await freePort() };
    const env = {
      ...process.env,
      HOST: '127.0.0.1',
      ...Object.fromEntries(Object.entries(ports).map(([key, port]) => [key, String(port)])),
      AGENT_URL: `http://127.0.0.1:${ports.AGENT_PORT}`,
      ENGINE_URL: `http://127.0.0.1:${ports.ENGINE_PORT}`,
    };
    const launcher = spawn(process.execPath, [path.join(ROOT, 'scripts/start-trio.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    launcher.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));

    const deadline = Date.now() + 30_000;
    for (const port of Object.values(ports)) {
      for (;;) {
        const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
        if (ok) break;
        if (Date.now() > deadline) throw new Error(`service on ${port} did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    // Every line a service writes is prefixed with its name.
    expect(output).toMatch(/^\[gateway\] \{"@level"/m);
    expect(output).toMatch(/^\[engine \] \{"@level"/m);

    launcher.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const port of Object.values(ports)) {
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    }
  });
});
