import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { MetricsService, TraceService, Traced } from 'nest-telemetry';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { CreateWorkflowDto } from './create-workflow.dto';
import { PeerClient } from './peer.client';
import type { ExecutionResult, GeneratedPlan, WorkflowRecord } from './workflow';
import { WorkflowStore } from './workflow.store';

@Injectable()
export class WorkflowsService {
  constructor(
    private readonly peers: PeerClient,
    private readonly store: WorkflowStore,
    private readonly traces: TraceService,
    private readonly metrics: MetricsService,
    @InjectPinoLogger(WorkflowsService.name) private readonly logger: PinoLogger,
  ) {}

  /** Agent plans, engine runs; the record keeps the tracking id of the request that made it. */
  @Traced()
  async create(dto: CreateWorkflowDto): Promise<WorkflowRecord> {
    const id = randomUUID();
    this.traces.setAttributes({ 'workflow.id': id, 'workflow.name': dto.name });
    const finished = this.metrics.trackActiveWorkflow();
    let plan: GeneratedPlan;
    let execution: ExecutionResult;
    try {
      plan = await this.peers.generatePlan(dto.name, dto.steps);
      execution = await this.peers.execute(id, plan.steps);
    } finally {
      finished();
    }
    const record: WorkflowRecord = {
      id,
      name: dto.name,
      status: execution.status,
      plan,
      steps: execution.steps,
      tracking_id: this.traces.getTrackingId(),
      created_at: new Date().toISOString(),
    };
    this.store.save(record);
    this.logger.info({ workflow: { id, type: 'generated', status: record.status } }, 'workflow stored');
    this.traces.addEvent('workflow.stored', { 'workflow.id': id, 'workflow.status': record.status });
    return record;
  }

  find(id: string): WorkflowRecord | undefined {
    return this.store.find(id);
  }
}
