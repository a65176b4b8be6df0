import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What every local stand-in shares: it listens on 127.0.0.1, reads whole bodies, and closes at once. */

/** Listens on 127.0.0.1 (a free port unless given) and returns the endpoint URL. */
export async function listenLocally(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Drops open connections (kept-alive SDK sockets) and closes the server. */
export async function closeNow(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A request's or an answer's whole body. */
export async function readBytes(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A request's whole body as UTF-8 text. */
export async function readBody(request: IncomingMessage): Promise<string> {
  return (await readBytes(request)).toString('utf8');
}
