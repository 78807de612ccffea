import type { RedisContract } from './contract';

/** Key prefix of the Socket.IO Redis adapter's channels (cross-replica room operations), per logical db. */
export const SocketIoAdapter = {
  prefix: 'ts:socket.io',
  key: (db: number): string => `${SocketIoAdapter.prefix}:${db}`,
} as const;

export const contract: RedisContract = {
  title: 'Socket.IO adapter channels (api replicas)',
  names: [{ name: SocketIoAdapter.prefix, type: 'prefix' }],
  users: ['gateway'],
};
