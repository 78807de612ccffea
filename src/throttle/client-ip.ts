import type { IncomingMessage } from 'http';

/**
 * The client's address as Express's `req.ip` gives it with `trust proxy` = `hops` (a hop count):
 * the socket's peer, else across up to `hops` trusted proxies the X-Forwarded-For entry that many
 * steps from the right (proxy-addr's rule). For code that answers before Express. Pure.
 */
export function clientIp(req: Pick<IncomingMessage, 'headers' | 'socket'>, hops: number): string {
  const socket = req.socket.remoteAddress ?? '';
  if (hops <= 0) return socket;
  const header = req.headers['x-forwarded-for'];
  if (!header) return socket;
  const forwarded = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((s) => s.replace(/^ +| +$/g, ''))
    .filter((s) => s !== '');
  // [socket, then X-Forwarded-For from right to left]; the first untrusted one is the client.
  const chain = [socket, ...forwarded.reverse()];
  return chain[Math.min(hops, chain.length - 1)];
}
