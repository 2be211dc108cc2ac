import { connect } from 'node:net';

/** The head of an HTTP response, as read off the socket. */
export interface RawResponse {
  status: number;
  /** Header values by lowercase name; repeated headers keep every value. */
  headers: Map<string, string[]>;
}

/**
 * Sends bytes as they are (Node's own client refuses CR, LF and control characters in
 * header values, which is exactly what a hostile client sends) and reads the response
 * head. The request should say `Connection: close`; the server's close ends the read.
 */
export function rawRequest(port: number, request: Buffer | string, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) return reject(new Error(`no complete response head: ${JSON.stringify(text.slice(0, 200))}`));
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
      const headers = new Map<string, string[]>();
      for (const line of lines) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
      }
      resolve({ status, headers });
    };
    socket.setTimeout(timeoutMs, () => {
      settled = true;
      socket.destroy();
      reject(new Error('raw request timed out'));
    });
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // The head is all we need; a body may follow until the server closes.
      if (Buffer.concat(chunks).includes('\r\n\r\n')) finish();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (error) => {
      // A reset after the head was read is the server closing a rejected connection.
      if (chunks.length > 0) finish();
      else if (!settled) {
        settled = true;
        reject(error);
      }
    });
    socket.write(request);
  });
}
