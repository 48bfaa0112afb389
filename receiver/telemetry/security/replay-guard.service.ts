import { Injectable } from '@nestjs/common';
import { LessThan, type DataSource, type Repository } from 'typeorm';
import { TelemetrySignatureEntity } from '../../storage/entities/telemetry-signature.entity';
import { InjectReceiverDataSource } from '../../storage/inject-receiver-data-source.decorator';
import { SIGNATURE_WINDOW_SECONDS } from '../../../lib/protocol';

/**
 * Remembers the signatures of timestamped requests inside the accepted window. The unique key in
 * the database makes "seen once" hold across every receiver instance sharing that database.
 */
@Injectable()
export class ReplayGuardService {
  private readonly signatures: Repository<TelemetrySignatureEntity>;

  constructor(@InjectReceiverDataSource() dataSource: DataSource) {
    this.signatures = dataSource.getRepository(TelemetrySignatureEntity);
  }

  /** Records a signature; returns `false` when it was already recorded (a replay). */
  async remember(projectId: number, signature: string): Promise<boolean> {
    const now = Date.now();
    // Anything older than two windows can no longer pass the timestamp check: forget it.
    await this.signatures.delete({
      created_at: LessThan(new Date(now - 2 * SIGNATURE_WINDOW_SECONDS * 1000)),
    });
    try {
      await this.signatures.insert({ project_id: projectId, signature, created_at: new Date(now) });
      return true;
    } catch (error) {
      const seen = await this.signatures.findOneBy({ project_id: projectId, signature });
      if (seen) return false;
      throw error;
    }
  }
}
