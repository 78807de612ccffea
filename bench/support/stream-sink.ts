/**
 * A subscriber that reads every coin's `trades` channel from a simulator and throws the frames
 * away (no JSON parse, no validation): the load a remote exchange would not put on this machine
 * (the simulator generating and sending), without discovery's work. The ceiling is measured
 * beside it so that it competes for the same CPU as discovery's statements do.
 */
import WebSocket from 'ws';
import { simMeta } from './events';
import { sleep } from './processes';

export interface StreamSink {
  /** Frames and bytes read so far. */
  frames: number;
  bytes: number;
  stop(): void;
}

export async function startStreamSink(httpUrl: string, wsUrl: string, client = 'bench-sink'): Promise<StreamSink> {
  const meta = await simMeta(httpUrl, client);
  const ws = new WebSocket(wsUrl, { perMessageDeflate: false, headers: { 'x-sim-client': client } });
  const sink: StreamSink = { frames: 0, bytes: 0, stop: () => undefined };
  let acks = 0;
  const ACK = Buffer.from('{"channel":"subscriptionResponse"');
  ws.on('message', (data: Buffer) => {
    sink.frames++;
    sink.bytes += data.length;
    if (data.length >= ACK.length && data.subarray(0, ACK.length).equals(ACK)) acks++;
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  for (const { name } of meta.universe) ws.send(JSON.stringify({ method: 'subscribe', subscription: { type: 'trades', coin: name } }));
  const t0 = Date.now();
  while (acks < meta.universe.length) {
    if (Date.now() - t0 > 10_000) throw new Error(`stream sink: ${acks}/${meta.universe.length} subscriptions acknowledged in 10 s`);
    await sleep(10);
  }
  const ping = setInterval(() => ws.send('{"method":"ping"}'), 20_000);
  sink.stop = () => {
    clearInterval(ping);
    ws.terminate();
  };
  return sink;
}
