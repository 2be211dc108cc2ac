import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { MetricsService } from 'nest-telemetry';

/** A user session, as the gateway hands it out. */
export interface Session {
  session_id: string;
  user_id: string;
  expires_at: string;
}

interface OpenSession {
  session: Session;
  expiresAt: number;
  /** Ends its count in `active_sessions`. */
  end: () => void;
}

/**
 * In-memory sessions (a sample: a real gateway keeps them in Redis or a database), each
 * counted in `active_sessions` from its creation to its end: closed, expired, or pushed
 * out by the bound.
 */
@Injectable()
export class SessionStore implements OnModuleDestroy {
  private static readonly MAX_SESSIONS = 10_000;
  private readonly ttlMillis = Number(process.env.SESSION_TTL_SECONDS ?? 1800) * 1000;
  private readonly sessions = new Map<string, OpenSession>();
  // Expired sessions are ended once a minute; the timer never keeps the process alive.
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  constructor(private readonly metrics: MetricsService) {}

  open(userId: string): Session {
    if (this.sessions.size >= SessionStore.MAX_SESSIONS) this.close(this.sessions.keys().next().value!);
    const expiresAt = Date.now() + this.ttlMillis;
    const session = { session_id: randomUUID(), user_id: userId, expires_at: new Date(expiresAt).toISOString() };
    this.sessions.set(session.session_id, { session, expiresAt, end: this.metrics.trackActiveSession() });
    return session;
  }

  /** Whether the session was open. */
  close(sessionId: string): boolean {
    const open = this.sessions.get(sessionId);
    if (!open) return false;
    open.end();
    this.sessions.delete(sessionId);
    return true;
  }

  sweep(now = Date.now()): void {
    for (const [id, open] of this.sessions) if (open.expiresAt <= now) this.close(id);
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
