import type { DeviceInfo, GeoLocation } from '../../enrichment/interfaces/enrichment.interfaces';
import type { ReferrerCategory } from '../../storage/entities/pageview.entity';

/** A redirect to record (contract 3.12), enriched on the request path; plain JSON for any queue. */
export interface ClickJob {
  linkId: number;
  projectId: number;
  referrerUrl: string;
  referrerCategory: ReferrerCategory;
  ipHash: string;
  device: DeviceInfo;
  geo: GeoLocation;
  /** ISO-8601 instant of the redirect. */
  clickedAt: string;
}

/** Job kind of link clicks on the ingest queue. */
export const CLICK_JOB = 'click';
