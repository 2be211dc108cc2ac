import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';

/**
 * The API keys the gateway knows, from `GATEWAY_API_KEYS` (`client:key,client:key`), e.g.
 * `GATEWAY_API_KEYS=acme:sk_demo_acme`. A sample: a real gateway reads hashed keys from a store.
 */
@Injectable()
export class ApiKeyRegistry {
  private readonly clients: { client: string; key: Buffer }[] = (process.env.GATEWAY_API_KEYS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.includes(':'))
    .map((entry) => {
      const separator = entry.indexOf(':');
      return { client: entry.slice(0, separator), key: Buffer.from(entry.slice(separator + 1)) };
    });

  /** The client a key belongs to, compared in constant time; undefined for an unknown key. */
  clientOf(apiKey: string): string | undefined {
    const given = Buffer.from(apiKey);
    return this.clients.find(({ key }) => key.length === given.length && timingSafeEqual(key, given))?.client;
  }
}
