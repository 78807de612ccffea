/**
 * What one live-update client may cost the api: messages per second (a token bucket with a burst),
 * connections per client IP, and unread bytes. Pure: no Nest, no sockets.
 */

/** Messages a client may send per second, sustained … */
export const MESSAGES_PER_SECOND = 10;
/** … and at once (a page subscribing to its lists on connect, a reconnect re-subscribing). */
export const MESSAGE_BURST = 40;
/** A client with more than this unsent (queued in the server plus its socket's buffer) is not reading. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Socket.IO only: queued packets, a backstop for many tiny messages. */
export const MAX_QUEUED_PACKETS = 4_000;
/** A client cut for its rate, or for reading too slowly, has this long to finish the close handshake. */
export const CLOSE_GRACE_MS = 1_000;

export const RATE_LIMITED = `rate limit exceeded: at most ${MESSAGES_PER_SECOND} messages per second (burst ${MESSAGE_BURST}); disconnecting`;

/** A token bucket: `burst` tokens, refilled at `perSecond`. One per client (two numbers). */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond = MESSAGES_PER_SECOND,
    private readonly burst = MESSAGE_BURST,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** Takes one token; false when the bucket is empty (the message is over the limit). */
  take(now = Date.now()): boolean {
    if (now > this.at) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.perSecond) / 1000);
      this.at = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Open connections per client IP, across both transports of this process. */
export class ConnectionCap {
  private readonly counts = new Map<string, number>();

  constructor(readonly perIp: number) {}

  /** Whether one more connection from this IP would be within the cap (a handshake pre-check). */
  admits(ip: string): boolean {
    return (this.counts.get(ip) ?? 0) < this.perIp;
  }

  /** Counts an opened connection; false (and not counted) when the IP is already at the cap. */
  open(ip: string): boolean {
    const n = this.counts.get(ip) ?? 0;
    if (n >= this.perIp) return false;
    this.counts.set(ip, n + 1);
    return true;
  }

  close(ip: string): void {
    const n = this.counts.get(ip) ?? 0;
    if (n <= 1) this.counts.delete(ip);
    else this.counts.set(ip, n - 1);
  }

  of(ip: string): number {
    return this.counts.get(ip) ?? 0;
  }
}

const normalize = (ip: string): string => (ip.startsWith('::ffff:') ? ip.slice(7) : ip);

/**
 * The client IP of a request, as Express's `trust proxy = <hops>` reads it: the socket address,
 * or, behind `trustedHops` proxies, the X-Forwarded-For entry that many hops back.
 */
export function clientIp(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string {
  const chain = [remoteAddress ?? ''];
  if (trustedHops > 0 && forwardedFor) {
    const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
    chain.push(
      ...header
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .reverse(),
    );
  }
  return normalize(chain[Math.min(trustedHops, chain.length - 1)]);
}
