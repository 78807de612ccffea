/** The shared ioredis client (commands, Lua, streams). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
/** A duplicate connection reserved for SUBSCRIBE (a subscribed connection can do nothing else). */
export const REDIS_SUBSCRIBER = Symbol('REDIS_SUBSCRIBER');
