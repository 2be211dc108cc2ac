import { Injectable } from '@nestjs/common';
import { Traced } from 'nest-telemetry';
import type { ExecutionResult, GeneratedPlan } from './workflow';
import { PeerCallException } from './peer-call.exception';

const TIMEOUT_MS = 10_000;

/**
 * Calls the agent and the engine with plain `fetch`. No tracing code here: the
 * undici instrumentation adds the CLIENT span and the `traceparent` header.
 */
@Injectable()
export class PeerClient {
  private readonly agentUrl = process.env.AGENT_URL ?? 'http://127.0.0.1:8001';
  private readonly engineUrl = process.env.ENGINE_URL ?? 'http://127.0.0.1:8002';

  @Traced()
  generatePlan(name: string, steps: string[]): Promise<GeneratedPlan> {
    return this.post<GeneratedPlan>('workflow-agent', `${this.agentUrl}/generate`, { name, steps });
  }

  /** The engine answers 500 when a step fails; that body is still a result worth keeping. */
  @Traced()
  async execute(workflowId: string, steps: string[]): Promise<ExecutionResult> {
    return this.post<ExecutionResult>('workflow-engine', `${this.engineUrl}/execute`, { workflow_id: workflowId, steps }, true);
  }

  private async post<T>(peer: string, url: string, body: unknown, acceptFailureBody = false): Promise<T> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new PeerCallException(peer, `unreachable (${error instanceof Error ? error.message : String(error)})`);
    }
    const payload: unknown = await response.json().catch(() => undefined);
    if (response.ok) return payload as T;
    if (acceptFailureBody && isExecutionResult(payload)) return payload as T;
    throw new PeerCallException(peer, `answered ${response.status}`, payload);
  }
}

function isExecutionResult(value: unknown): value is ExecutionResult {
  return typeof value === 'object' && value !== null && Array.isArray((value as ExecutionResult).steps);
}
