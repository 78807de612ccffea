import { parseExchangeBoard, ParsedExchangeBoard } from './stats-leaderboard-parser';

/**
 * The exchange's public leaderboard file: a plain GET of a static JSON document (tens of MB for
 * ~30–45k wallets), outside the info endpoint, so it carries no weight and skips the budget.
 */
export class ExchangeBoardClient {
  constructor(
    private readonly url: string,
    private readonly timeoutMs = 120_000,
  ) {}

  async fetch(signal?: AbortSignal): Promise<ParsedExchangeBoard> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const res = await fetch(this.url, {
      headers: { accept: 'application/json' },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!res.ok) throw new Error(`exchange leaderboard answered ${res.status}`);
    return parseExchangeBoard(await res.json());
  }
}
