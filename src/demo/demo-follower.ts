import { randomBytes } from 'crypto';

/**
 * The demo's paper follower, created through the app's own REST API with the demo's admin key,
 * as a user would: once the leaderboard has a first generation, a paper follower (a fresh random
 * address, the API's default 10,000 USD of paper equity) follows the top-ranked non-vault trader,
 * proportionally, entering the leader's open positions at once. Followers of earlier demo runs
 * (same name, data kept in DEMO_DATA_DIR) are stopped first, so one demo runs one follower.
 */

export const DEMO_FOLLOWER_NAME = 'demo paper follower';
const TIMEOUT_MS = 10_000;
/** Leaderboard rows looked at for a non-vault leader. */
const CANDIDATES = 20;

export interface DemoFollower {
  id: string;
  /** The follower's token: returned once by the API; the demo shows it once. */
  token: string;
  leader: string;
  rank: number;
}

interface Call {
  status: number;
  body: Record<string, unknown> | null;
}

export class DemoApi {
  constructor(
    readonly base: string,
    private readonly adminKey: string,
  ) {}

  /** `auth`: a follower's token (Bearer), or the admin key's header. */
  async call(method: string, path: string, auth: string | { admin: string } | null, body?: object): Promise<Call> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (typeof auth === 'string') headers.authorization = `Bearer ${auth}`;
    else if (auth) headers['x-api-key'] = auth.admin;
    if (body) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.base}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await res.text();
    let parsed: Record<string, unknown> | null = null;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      parsed = null;
    }
    return { status: res.status, body: parsed };
  }

  admin(method: string, path: string, body?: object): Promise<Call> {
    return this.call(method, path, { admin: this.adminKey }, body);
  }
}

const failure = (what: string, res: Call) => new Error(`${what}: HTTP ${res.status} ${String(res.body?.message ?? '')}`.trim());

/** The top-ranked non-vault trader of the newest leaderboard, or null while there is none. */
export async function topLeader(api: DemoApi): Promise<{ address: string; rank: number } | null> {
  const board = await api.call('GET', `/api/v1/leaderboard?limit=${CANDIDATES}`, null);
  const items = board.status === 200 && Array.isArray(board.body?.items) ? (board.body.items as Array<{ address: string; rank: number | null }>) : [];
  for (const [i, item] of items.entries()) {
    const trader = await api.call('GET', `/api/v1/traders/${item.address}`, null);
    if (trader.status === 200 && trader.body?.is_vault === false) return { address: item.address, rank: item.rank ?? i + 1 };
  }
  return null;
}

/** Stops the followers earlier demo runs left active (their positions stay, paper only). */
async function stopEarlierFollowers(api: DemoApi): Promise<void> {
  const list = await api.admin('GET', '/api/v1/copy/followers');
  if (list.status !== 200) throw failure('listing followers', list);
  const earlier = ((list.body?.items ?? []) as Array<{ id: string; name: string | null; status: string }>).filter(
    (f) => f.name === DEMO_FOLLOWER_NAME && f.status !== 'stopped',
  );
  for (const f of earlier) {
    const res = await api.admin('POST', `/api/v1/copy/followers/${f.id}/stop`, { close_positions: false });
    if (res.status >= 300) throw failure(`stopping follower ${f.id}`, res);
  }
}

/** One attempt: null while the leaderboard has no generation (or no non-vault trader) yet. */
export async function createDemoFollower(api: DemoApi): Promise<DemoFollower | null> {
  const leader = await topLeader(api);
  if (!leader) return null;
  await stopEarlierFollowers(api);
  const created = await api.admin('POST', '/api/v1/copy/followers', {
    address: `0x${randomBytes(20).toString('hex')}`,
    mode: 'paper',
    name: DEMO_FOLLOWER_NAME,
  });
  if (created.status !== 201) throw failure('creating the paper follower', created);
  const id = String(created.body?.id);
  const token = String(created.body?.token);
  const followed = await api.call('POST', `/api/v1/copy/followers/${id}/follows`, token, {
    leader: leader.address,
    sizing: 'proportional',
    copy_open_positions: true,
  });
  if (followed.status !== 201) throw failure(`following ${leader.address}`, followed);
  return { id, token, leader: leader.address, rank: leader.rank };
}

/** The follower's equity and status for the status line ("?" when unavailable). */
export async function followerStatus(api: DemoApi, f: DemoFollower): Promise<string> {
  const res = await api.call('GET', `/api/v1/copy/followers/${f.id}`, f.token).catch(() => null);
  if (res?.status !== 200 || !res.body) return `follower=#${f.id} equity=?`;
  const equity = Number(res.body.equity_usd);
  const shown = Number.isFinite(equity) ? `$${equity.toFixed(2)}` : '?';
  return `follower=#${f.id} equity=${shown}${res.body.status === 'active' ? '' : ` (${String(res.body.status)})`}`;
}
