/**
 * The bare baseline of bench/gateway.bench.ts: what the runtime needs to serve the same clients,
 * and nothing else. A `node:http` server with Socket.IO namespace `/updates`, one Redis
 * subscription to `trade_events`, rooms `all` / `trader:<address>` / `coin:<coin>` joined on
 * `subscribe`, and one `to(rooms).emit` per event. No validation, no de-duplication, no metrics,
 * no limits, no Nest. `GET /health` answers 200 once it is subscribed.
 *
 *   PORT=… REDIS_URL=… node -r ts-node/register/transpile-only bench/gateway-bare-server.ts
 */
import { createServer } from 'http';
import Redis from 'ioredis';
import { Server } from 'socket.io';
import { TradeEventsChannel } from '../src/redis/contracts/trade-events-channel';

let ready = false;
const http = createServer((req, res) => {
  res.writeHead(req.url === '/health' && ready ? 200 : 503).end();
});
const io = new Server(http, { serveClient: false, maxHttpBufferSize: 16 * 1024 });
const nsp = io.of('/updates');
nsp.on('connection', (socket) => {
  void socket.join('all');
  socket.emit('connection', { message: 'bare', timestamp: new Date().toISOString() });
  socket.on('subscribe', (body: { traders?: string[]; coins?: string[] }, ack?: (r: unknown) => void) => {
    void socket.leave('all');
    for (const t of body?.traders ?? []) void socket.join(`trader:${t.toLowerCase()}`);
    for (const c of body?.coins ?? []) void socket.join(`coin:${c}`);
    ack?.({ ok: true });
  });
});

const sub = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
sub.on('message', (_channel: string, message: string) => {
  const event = JSON.parse(message) as { trader_address: string; details: { coin: string } };
  nsp.to(['all', `trader:${event.trader_address.toLowerCase()}`, `coin:${event.details.coin}`]).emit('trade_event', event);
});
void sub.subscribe(TradeEventsChannel.channel).then(() => (ready = true));
http.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => {
  sub.disconnect();
  void io.close();
  http.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
