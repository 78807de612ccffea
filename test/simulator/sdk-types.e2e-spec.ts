import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import ts from 'typescript';
import { HLP_ADDRESS, startSimulator, type SimulatorHandle } from '../../src/simulator';
import { SUPPORTED_INFO_TYPES } from '../../src/simulator/info-handler';
import { postInfo, WsProbe } from './helpers';

/**
 * Every answer the simulator serves, checked against the response types @nktkas/hyperliquid
 * declares for it, with the TypeScript compiler over the SDK's own .d.ts files (not a hand copy).
 * In 0.32.2 the SDK validates requests with valibot; its responses are TypeScript types, so the
 * compiler is the validator: each answer becomes an object literal that must `satisfy` the
 * SDK's type (missing fields, wrong types and fields the SDK does not know all fail).
 */
const SDK_INFO = require.resolve('@nktkas/hyperliquid/api/info').replace(/\.js$/, '');
const SDK_SUBSCRIPTION = require.resolve('@nktkas/hyperliquid/api/subscription').replace(/\.js$/, '');

/** Info type → the SDK's response type (batchClearinghouseStates has no SDK method: one state per user). */
const INFO_TYPES: Readonly<Record<string, string>> = {
  meta: 'Info.MetaResponse',
  metaAndAssetCtxs: 'Info.MetaAndAssetCtxsResponse',
  allMids: 'Info.AllMidsResponse',
  clearinghouseState: 'Info.ClearinghouseStateResponse',
  batchClearinghouseStates: 'Info.ClearinghouseStateResponse[]',
  userFills: 'Info.UserFillsResponse',
  userFillsByTime: 'Info.UserFillsByTimeResponse',
  portfolio: 'Info.PortfolioResponse',
  userFunding: 'Info.UserFundingResponse',
  userRole: 'Info.UserRoleResponse',
  orderStatus: 'Info.OrderStatusResponse',
  extraAgents: 'Info.ExtraAgentsResponse',
  userRateLimit: 'Info.UserRateLimitResponse',
};

interface Sample {
  name: string;
  type: string;
  value: unknown;
}

/** Keeps samples small for the compiler: arrays cut to their first 8 items (tuples here are ≤ 8 long: portfolio). */
function trim(v: unknown): unknown {
  if (Array.isArray(v)) return v.slice(0, 8).map(trim);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, trim(x)]));
  return v;
}

/** Type-checks each sample against its SDK type; returns the compiler's messages per sample. */
function check(samples: Sample[]): Map<string, string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sdk-types-'));
  try {
    const file = join(dir, 'samples.ts');
    const lines = [
      `import type * as Info from ${JSON.stringify(SDK_INFO)};`,
      `import type * as Sub from ${JSON.stringify(SDK_SUBSCRIPTION)};`,
      ...samples.map((s) => `export const ${s.name} = ${JSON.stringify(trim(s.value))} satisfies ${s.type};`),
    ];
    writeFileSync(file, lines.join('\n'));
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      types: [],
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    });
    const out = new Map<string, string[]>(samples.map((s) => [s.name, []]));
    const source = program.getSourceFile(file)!;
    for (const d of ts.getPreEmitDiagnostics(program, source)) {
      const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
      const name = samples[line - 2]?.name ?? 'imports';
      const list = out.get(name) ?? [];
      list.push(ts.flattenDiagnosticMessageText(d.messageText, '\n').slice(0, 600));
      out.set(name, list);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('simulator answers against the SDK’s declared response types', () => {
  let sim: SimulatorHandle;
  let trader: string;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 41, traders: 40 });
    sim.control.generate(3000);
    sim.control.applyFunding();
    const truth = sim.control.truth().filter((t) => t.kind === 'trader' && t.positions.length > 0);
    truth.sort((a, b) => b.tradesCount - a.tradesCount);
    trader = truth[0].address;
    sim.control.liquidate({ user: truth[1].address, method: 'market' });
  });
  afterAll(() => sim?.close());

  it('maps every info type the simulator serves', () => {
    expect([...SUPPORTED_INFO_TYPES].sort()).toEqual(Object.keys(INFO_TYPES).sort());
  });

  it('every /info answer and WebSocket message type-checks against the SDK', async () => {
    const [agent, sub] = sim.control.traders().slice(20, 22);
    sim.control.setRole({ user: agent, role: 'agent', data: trader });
    sim.control.setRole({ user: sub, role: 'subAccount', data: trader });
    const bodies: Array<[string, Record<string, unknown>]> = [
      ['meta', { type: 'meta' }],
      ['meta_other_dex', { type: 'meta', dex: 'xyz' }],
      ['metaAndAssetCtxs', { type: 'metaAndAssetCtxs' }],
      ['metaAndAssetCtxs_other_dex', { type: 'metaAndAssetCtxs', dex: 'xyz' }],
      ['allMids', { type: 'allMids' }],
      ['clearinghouseState', { type: 'clearinghouseState', user: trader }],
      ['clearinghouseState_unknown', { type: 'clearinghouseState', user: '0x' + '9'.repeat(40) }],
      ['batchClearinghouseStates', { type: 'batchClearinghouseStates', users: [trader, HLP_ADDRESS] }],
      ['userFills', { type: 'userFills', user: trader }],
      ['userFillsByTime', { type: 'userFillsByTime', user: trader, startTime: 0 }],
      ['portfolio', { type: 'portfolio', user: trader }],
      ['userFunding', { type: 'userFunding', user: HLP_ADDRESS, startTime: 0 }],
      ['userRole_vault', { type: 'userRole', user: HLP_ADDRESS }],
      ['userRole_user', { type: 'userRole', user: trader }],
      ['userRole_agent', { type: 'userRole', user: agent }],
      ['userRole_subAccount', { type: 'userRole', user: sub }],
      ['userRole_missing', { type: 'userRole', user: '0x' + '8'.repeat(40) }],
      ['orderStatus_unknown', { type: 'orderStatus', user: trader, oid: '0x' + 'ab'.repeat(16) }],
      ['extraAgents', { type: 'extraAgents', user: trader }],
      ['userRateLimit', { type: 'userRateLimit', user: trader }],
    ];
    const samples: Sample[] = [];
    for (const [name, body] of bodies) {
      const r = await postInfo(sim.infoUrl, body);
      expect(r.status).toBe(200);
      samples.push({ name, type: INFO_TYPES[body.type as string], value: r.body });
    }
    expect(new Set(bodies.map(([, b]) => b.type))).toEqual(new Set(SUPPORTED_INFO_TYPES));

    // WebSocket: trades and allMids channels, and an info request over `post`.
    const ws = await WsProbe.connect(sim.wsUrl);
    try {
      ws.send({ method: 'subscribe', subscription: { type: 'trades', coin: 'ETH' } });
      ws.send({ method: 'subscribe', subscription: { type: 'allMids' } });
      const [a, b] = sim.control.traders().slice(5, 7);
      sim.control.trade({ coin: 'ETH', buyer: a, seller: b, sz: '1.5' });
      const trades = await ws.next((f) => (f.json as { channel?: string })?.channel === 'trades');
      const mids = await ws.next((f) => (f.json as { channel?: string })?.channel === 'allMids');
      ws.send({ method: 'post', id: 7, request: { type: 'info', payload: { type: 'clearinghouseState', user: trader } } });
      const post = await ws.next((f) => (f.json as { channel?: string })?.channel === 'post');
      samples.push({ name: 'ws_trades', type: 'Sub.TradesEvent', value: (trades.json as { data: unknown }).data });
      samples.push({ name: 'ws_allMids', type: 'Sub.AllMidsEvent', value: (mids.json as { data: unknown }).data });
      const payload = (post.json as { data: { response: { payload: { data: unknown } } } }).data.response.payload.data;
      samples.push({ name: 'ws_post_clearinghouseState', type: 'Info.ClearinghouseStateResponse', value: payload });
    } finally {
      ws.ws.close();
    }

    // The check can fail: meta as the simulator used to serve it (no marginTableId, no marginTables).
    const meta = samples[0].value as { universe: Array<Record<string, unknown>> };
    const oldMeta = { universe: meta.universe.map((u) => ({ szDecimals: u.szDecimals, name: u.name, maxLeverage: u.maxLeverage })) };
    samples.push({ name: 'control_old_meta', type: 'Info.MetaResponse', value: oldMeta });

    const problems = check(samples);
    expect(problems.get('control_old_meta')!.join('\n')).toMatch(/marginTableId|marginTables/);
    problems.delete('control_old_meta');
    const failed = Object.fromEntries([...problems].filter(([, list]) => list.length > 0));
    expect(failed).toEqual({});
  }, 120_000);
});
