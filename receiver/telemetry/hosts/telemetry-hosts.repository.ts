import { Injectable } from '@nestjs/common';
import type { DataSource, Repository } from 'typeorm';
import type { ProjectEntity } from '../../storage/entities/project.entity';
import {
  TelemetryHostEntity,
  type TelemetryHostStatus,
} from '../../storage/entities/telemetry-host.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';

/** Finds and creates telemetry hosts (unique per project and host name). */
@Injectable()
export class TelemetryHostsRepository {
  readonly repository: Repository<TelemetryHostEntity>;

  constructor(@InjectReceiverDataSource() dataSource: DataSource) {
    this.repository = dataSource.getRepository(TelemetryHostEntity);
  }

  find(projectId: number, host: string): Promise<TelemetryHostEntity | null> {
    return this.repository.findOneBy({ project_id: projectId, host });
  }

  /**
   * The host row, created with `status` when new. Two replicas reporting for the first time at
   * once race on the unique key: the loser reads the winner's row.
   */
  async findOrCreate(
    project: ProjectEntity,
    host: string,
    status: TelemetryHostStatus,
  ): Promise<TelemetryHostEntity> {
    const existing = await this.find(project.id, host);
    if (existing) return existing;
    try {
      return await this.repository.save(
        this.repository.create({
          project_id: project.id,
          host,
          status,
          response_extras: {},
          first_seen: new Date(),
          last_seen: null,
          report_count: 0,
          avg_interval_seconds: null,
        }),
      );
    } catch (error) {
      const raced = await this.find(project.id, host);
      if (raced) return raced;
      throw error;
    }
  }
}
