/** Shapes exchanged between the gateway, the agent and the engine. */

export type WorkflowStatus = 'completed' | 'failed';

export interface GeneratedPlan {
  model: string;
  provider: string;
  steps: string[];
  usage: { prompt_tokens: number; completion_tokens: number };
}

export interface StepResult {
  name: string;
  status: 'succeeded' | 'failed';
  duration_ms: number;
  error?: string;
}

export interface ExecutionResult {
  workflow_id: string;
  status: WorkflowStatus;
  steps: StepResult[];
}

/** What the gateway stores and returns: every record carries the tracking id of the request that made it. */
export interface WorkflowRecord {
  id: string;
  name: string;
  status: WorkflowStatus;
  plan: GeneratedPlan;
  steps: StepResult[];
  tracking_id: string | undefined;
  created_at: string;
}
