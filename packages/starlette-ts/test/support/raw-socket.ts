import { connect } from 'node:net';

/** Sends `GET path` on a raw socket, reads the response until `needle` arrives, then resets the connection. */
export async function readThenAbort(port: number, path: string, needle: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  await new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.includes(needle)) resolve();
    });
    socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`);
  });
  socket.destroy();
  return received;
}
