import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { QueryFailedError } from 'typeorm';
import { RedisUnavailableError } from '../redis/redis-availability';
import { unavailableDependency } from './dependency-errors';

function pgError(code: string, message = 'x'): Error {
  return Object.assign(new Error(message), { code, severity: 'FATAL' });
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });
}

describe('unavailableDependency', () => {
  it('recognises PostgreSQL being down, restarting or too slow', () => {
    expect(unavailableDependency(socketError('ECONNREFUSED'))).toBe('database');
    expect(unavailableDependency(new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')]))).toBe('database');
    expect(unavailableDependency(new Error('Connection terminated unexpectedly'))).toBe('database');
    expect(unavailableDependency(new Error('timeout exceeded when trying to connect'))).toBe('database');
    expect(unavailableDependency(pgError('57P01', 'terminating connection due to administrator command'))).toBe('database');
    expect(unavailableDependency(pgError('57P03', 'the database system is starting up'))).toBe('database');
    expect(unavailableDependency(pgError('08006'))).toBe('database');
    expect(unavailableDependency(new QueryFailedError('SELECT 1', [], pgError('57014', 'canceling statement due to statement timeout')))).toBe(
      'database',
    );
    expect(unavailableDependency(new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly')))).toBe('database');
  });

  it('recognises Redis outages', () => {
    expect(unavailableDependency(new MaxRetriesPerRequestError(2))).toBe('redis');
    expect(unavailableDependency(new Error('Connection is closed.'))).toBe('redis');
    expect(unavailableDependency(new RedisUnavailableError('redis unavailable (connection reconnecting)'))).toBe('redis');
    expect(unavailableDependency(new Error('LOADING Redis is loading the dataset in memory'))).toBe('redis');
  });

  it('leaves every other error alone (a bad query is a bug, not an outage)', () => {
    expect(unavailableDependency(new QueryFailedError('SELECT nope', [], pgError('42703', 'column "nope" does not exist')))).toBeNull();
    expect(unavailableDependency(new QueryFailedError('INSERT', [], pgError('23505', 'duplicate key')))).toBeNull();
    expect(unavailableDependency(new RangeError('Invalid time value'))).toBeNull();
    expect(unavailableDependency(new Error('ERR wrong number of arguments'))).toBeNull();
    expect(unavailableDependency(null)).toBeNull();
    expect(unavailableDependency('Connection terminated')).toBeNull();
  });
});
