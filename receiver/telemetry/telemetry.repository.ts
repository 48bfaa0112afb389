import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  deleteProjectRows,
  ProjectDataRegistry,
  type ProjectDataOwner,
} from '../projects/project-data.registry';

/**
 * The telemetry domain's tables as a whole: a project's hosts, their samples and latest values,
 * tokens, replay signatures and feature flags, deleted with the project.
 */
@Injectable()
export class TelemetryRepository implements ProjectDataOwner, OnModuleInit {
  readonly domain = 'telemetry';
  /** Children before the hosts they belong to. */
  readonly tables = [
    'telemetry_signatures',
    'telemetry_tokens',
    'telemetry_latest',
    'telemetry_samples',
    'telemetry_hosts',
    'feature_flags',
  ] as const;

  constructor(private readonly projectData: ProjectDataRegistry) {}

  onModuleInit(): void {
    this.projectData.register(this);
  }

  deleteProjectData(manager: EntityManager, projectId: number): Promise<void> {
    return deleteProjectRows(manager, this.tables, projectId);
  }
}
