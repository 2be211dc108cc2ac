import { Body, Controller, Get, HttpStatus, NotFoundException, Param, Post, Res, UseInterceptors } from '@nestjs/common';
import type { Response } from 'express';
import { TrackingId, TracingInterceptor } from 'nest-telemetry';
import { CreateWorkflowDto } from './create-workflow.dto';
import type { WorkflowRecord } from './workflow';
import { WorkflowsService } from './workflows.service';

// A `WorkflowsController.create` span under the server span, where it is worth its cost
// (instrumentation-nestjs-core, which would make one for every route, is off by default).
@UseInterceptors(TracingInterceptor)
@Controller('api/v1/workflows')
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  /**
   * 201 when every step succeeded, 502 when the engine reported a failed step (the
   * record is kept). The record's `tracking_id` is this request's tracking id.
   */
  @Post()
  async create(@Body() dto: CreateWorkflowDto, @Res({ passthrough: true }) response: Response): Promise<WorkflowRecord> {
    const record = await this.workflows.create(dto);
    if (record.status === 'failed') response.status(HttpStatus.BAD_GATEWAY);
    return record;
  }

  /** The stored record, plus the tracking id of this read. */
  @Get(':id')
  get(@Param('id') id: string, @TrackingId() trackingId: string): WorkflowRecord & { request_tracking_id: string } {
    const record = this.workflows.find(id);
    if (!record) throw new NotFoundException(`workflow ${JSON.stringify(id.slice(0, 100))} not found`);
    return { ...record, request_tracking_id: trackingId };
  }
}
