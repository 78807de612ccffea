import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

@Injectable()
export class VaultCheckMetrics {
  readonly lookups: Counter<'reason'>;
  readonly vaultsFound: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.lookups = new Counter({
      name: 'tracking_vault_lookups_total',
      help: 'userRole lookups (weight 60 each), by why the role was needed: follow, leaderboard, trades_look_like_vault',
      labelNames: ['reason'],
      registers,
    });
    this.vaultsFound = new Counter({ name: 'tracking_vaults_found_total', help: 'Addresses identified as vaults', registers });
  }
}
