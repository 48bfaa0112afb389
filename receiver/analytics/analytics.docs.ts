import type { ApiEndpointOptions, ApiParam } from '../openapi/api-docs.decorators';

/** Query parameters every analytics endpoint accepts (contract 1.11 plus CSV export). */
const RANGE_PARAMS: ApiParam[] = [
  { name: 'range', description: '`Nd` (1…365, default 30d: today − N … today) or `custom`' },
  { name: 'from', description: '`YYYY-MM-DD`, with range=custom' },
  { name: 'to', description: '`YYYY-MM-DD`, with range=custom; at most 365 days after from' },
  { name: 'format', description: '`csv` to download one list as CSV', enum: ['json', 'csv'] },
  { name: 'list', description: 'Which list of `data` the CSV holds (default: the first)' },
];

/** OpenAPI description of one analytics endpoint. */
export function analyticsDoc(
  summary: string,
  lists: readonly string[],
  extra: ApiParam[] = [],
  errors: Record<number, string> = {},
): ApiEndpointOptions {
  return {
    summary,
    description: `CSV lists: ${lists.map((l) => `\`${l}\``).join(', ')}. Cached (contract 1.12).`,
    auth: 'secret',
    query: [...RANGE_PARAMS, ...extra],
    errors: { 400: 'Bad date range or parameter', ...errors },
  };
}
