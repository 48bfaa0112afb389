import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { type IngestJob, newEventId } from '../../receiver/ingest';
import { CLICK_JOB, type ClickJob } from '../../receiver/links/interfaces/click-job.interface';
import { LINK, linkDimensions, linkKey } from '../../receiver/rollups/link-click.facts';
import { RollupMaintenance } from '../../receiver/rollups/rollup-maintenance.service';
import { LinkClickEntity, TrackedLinkEntity } from '../../receiver/storage/entities';
import { storedRollups } from '../analytics/stored-rollups';

/** A link of the project, saved as the links API would (code `<code><projectId>`). */
export function saveLink(
  ds: DataSource,
  projectId: number,
  code: string,
): Promise<TrackedLinkEntity> {
  return ds.getRepository(TrackedLinkEntity).save({
    project_id: projectId,
    code: `${code}${projectId}`,
    destination_url: 'https://site.test/',
    label: '',
    is_active: true,
    created_at: new Date(),
  });
}

/** A click of `link` from address `ip`, as the redirect puts it on the ingest queue. */
export function clickJob(link: TrackedLinkEntity, ip: string, at = new Date()): IngestJob {
  return {
    id: newEventId(),
    kind: CLICK_JOB,
    payload: {
      linkId: link.id,
      projectId: link.project_id,
      referrerUrl: '',
      referrerCategory: 'direct',
      ipHash: ip.padEnd(64, '0'),
      device: { deviceType: 'desktop', os: 'Linux', browser: 'Firefox', browserVersion: '120' },
      geo: { country: 'France', countryCode: 'FR', region: '', city: '' },
      clickedAt: at.toISOString(),
    } satisfies ClickJob,
  };
}

/** What is stored of a link: its clicks, its rollup rows and its clickers. */
export async function storedOfLink(ds: DataSource, link: TrackedLinkEntity) {
  const breakdowns = linkDimensions(link.id).slice(1);
  const rows = (await storedRollups(ds)).filter(
    (row) =>
      (row.dimension === LINK && row.value_key === linkKey(link.id)) ||
      breakdowns.includes(row.dimension as string),
  );
  const [{ n }] = await ds.query(
    `SELECT COUNT(*) AS n FROM link_clickers WHERE link_id = ${Number(link.id)}`,
  );
  const clicks = await ds.getRepository(LinkClickEntity).count({ where: { link_id: link.id } });
  return { clicks, rows: rows.length, clickers: Number(n) };
}

/**
 * What `LinksService.delete` does (LinksRepository.delete with the rollups' part), in its order,
 * on a transaction the test holds open.
 */
export async function deleteLinkIn(
  app: INestApplicationContext,
  manager: EntityManager,
  link: TrackedLinkEntity,
): Promise<void> {
  await manager.delete(TrackedLinkEntity, { id: link.id });
  await app.get(RollupMaintenance).forgetLink(manager, link.project_id, link.id);
  await manager.delete(LinkClickEntity, { link_id: link.id });
}
