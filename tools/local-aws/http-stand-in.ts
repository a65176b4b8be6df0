import type { IncomingMessage, Server } from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

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

/** The credentials local tools and tests sign with, by access key ID: what the stand-ins can check. */
export const LOCAL_SECRETS: Readonly<Record<string, string>> = {
  AKIDLOCALONLY: 'local-only-secret',
  AKIDLOCALTESTONLY: 'local-test-secret',
  local: 'local',
};

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/([0-9]{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * Checks a request's SigV4 signature as AWS does, for the credentials in {@link LOCAL_SECRETS}:
 * the signature is computed again from the signed headers and the body, and compared; a signed
 * `x-amz-content-sha256` must be the body's hash. Returns what is wrong, or undefined.
 */
export async function signatureProblem(request: IncomingMessage, service: string, body: string): Promise<string | undefined> {
  const match = AUTHORIZATION.exec(request.headers.authorization ?? '');
  if (!match) return 'the Authorization header is not a SigV4 (AWS4-HMAC-SHA256) signature';
  const [, accessKeyId = '', date = '', region = '', signedService = '', signedHeaders = '', signature = ''] = match;
  const secretAccessKey = LOCAL_SECRETS[accessKeyId];
  if (secretAccessKey === undefined) return `the access key ${accessKeyId} is not one the local stand-ins know`;
  if (signedService !== service) return `the credential scope names the service ${signedService}, not ${service}`;
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(date)) return 'X-Amz-Date is missing or not the day of the credential scope';
  const names = signedHeaders.split(';');
  if (!names.includes('host')) return 'the host header is not signed';
  const headers: Record<string, string> = {};
  for (const name of names) {
    const value = request.headers[name];
    if (value === undefined) return `the signed header ${name} is missing`;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const payloadHash = headers['x-amz-content-sha256'];
  if (payloadHash !== undefined && payloadHash !== createHash('sha256').update(body).digest('hex')) return 'x-amz-content-sha256 is not the hash of the body';
  const url = new URL(request.url ?? '/', 'http://local');
  const sessionToken = request.headers['x-amz-security-token'];
  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId, secretAccessKey, ...(typeof sessionToken === 'string' ? { sessionToken } : {}) },
    sha256: Hash.bind(null, 'sha256'),
    // Only what the client signed: no payload-hash header of the checker's own.
    applyChecksum: false,
  });
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const expected = await signer.sign(
    new HttpRequest({ method: request.method ?? 'GET', hostname: headers['host'] ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body }),
    { signingDate, signableHeaders: new Set(names) },
  );
  const computed = /Signature=([0-9a-f]{64})/.exec(expected.headers['authorization'] ?? '')?.[1];
  return computed === signature ? undefined : 'the signature does not match the request';
}
