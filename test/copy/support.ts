import { io, Socket } from 'socket.io-client';
import request from 'supertest';
import { withClient } from '../support/database';
import { waitFor } from '../support/process';

export const ADMIN_KEY = 'copy-admin-key-for-tests';

export interface CopyApi {
  url: string;
  admin: Record<string, string>;
  bearer(token: string): Record<string, string>;
}

export function copyApi(url: string): CopyApi {
  return { url, admin: { 'x-api-key': ADMIN_KEY }, bearer: (token) => ({ authorization: `Bearer ${token}` }) };
}

export async function createFollower(api: CopyApi, body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const res = await request(api.url).post('/api/v1/copy/followers').set(api.admin).send(body);
  if (res.status !== 201) throw new Error(`create follower: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, token: res.body.token as string };
}

export async function follow(api: CopyApi, f: { id: string; token: string }, body: Record<string, unknown>): Promise<request.Response> {
  return request(api.url).post(`/api/v1/copy/followers/${f.id}/follows`).set(api.bearer(f.token)).send(body);
}

export interface PositionView {
  coin: string;
  desired_size: string;
  actual_size: string;
  mark_price: string | null;
}

export async function positions(api: CopyApi, f: { id: string; token: string }): Promise<Record<string, PositionView>> {
  const res = await request(api.url).get(`/api/v1/copy/followers/${f.id}/positions`).set(api.bearer(f.token));
  if (res.status !== 200) throw new Error(`positions: ${res.status}`);
  return Object.fromEntries((res.body.positions as PositionView[]).map((p) => [p.coin, p]));
}

export interface OrderView {
  cloid: string;
  coin: string;
  side: string;
  kind: string;
  size: string;
  status: string;
  reduce_only: boolean;
  error: string | null;
  filled_size: string;
  limit_price: string | null;
}

export async function journal(api: CopyApi, f: { id: string; token: string }): Promise<OrderView[]> {
  const res = await request(api.url).get(`/api/v1/copy/followers/${f.id}/orders?limit=500`).set(api.bearer(f.token));
  if (res.status !== 200) throw new Error(`orders: ${res.status}`);
  return res.body.items as OrderView[];
}

/** Waits until the follower's actual size of `coin` is `expected` within `tol`. */
export async function waitForActual(api: CopyApi, f: { id: string; token: string }, coin: string, expected: number, tol: number, timeoutMs = 30_000) {
  let last: PositionView | undefined;
  try {
    return await waitFor(async () => {
      last = (await positions(api, f))[coin];
      const actual = Number(last?.actual_size ?? 0);
      return Math.abs(actual - expected) <= tol ? last ?? { coin, desired_size: '0', actual_size: '0', mark_price: null } : null;
    }, timeoutMs, 200);
  } catch (err) {
    throw new Error(`${coin}: expected actual ${expected} ± ${tol}, last ${JSON.stringify(last)}: ${(err as Error).message}`);
  }
}

export async function waitForBaseline(dbUrl: string, address: string, timeoutMs = 40_000): Promise<number> {
  return waitFor(async () => {
    const { rows } = await withClient(dbUrl, (c) =>
      c.query<{ av: string | null }>(
        `SELECT t.account_value::text AS av FROM traders t JOIN live_baselines b ON b.trader_id = t.id WHERE t.address = $1`,
        [address],
      ),
    );
    return rows[0]?.av ? Number(rows[0].av) : null;
  }, timeoutMs, 250);
}

export function connectSocket(url: string): Promise<Socket> {
  const socket = io(`${url}/updates`, { transports: ['websocket'], forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connection', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}
