/**
 * The wire shapes of the Grafana JSON datasource protocol, as the community plugin
 * `simpod-json-datasource` (and Infinity's JSON backend mode) send and expect them.
 */

/** `POST /query` body (the fields the receiver reads). */
export interface GrafanaQueryRequest {
  range: { from: string; to: string };
  intervalMs?: number;
  maxDataPoints?: number;
  targets: GrafanaTarget[];
}

/** One query of a panel: the metric (`target`) and its payload (the metric's options). */
export interface GrafanaTarget {
  target: string;
  refId?: string;
  hide?: boolean;
  payload?: Record<string, unknown>;
}

/** A time series: `[value, epoch milliseconds]` pairs, oldest first. */
export interface GrafanaSeries {
  target: string;
  datapoints: Array<[number, number]>;
}

/** A table: typed columns and rows of cells. */
export interface GrafanaTable {
  type: 'table';
  columns: Array<{ text: string; type: 'string' | 'number' | 'time' }>;
  rows: unknown[][];
}

/** A table column: its header, its Grafana type, and the record field it shows (the header by default). */
type TableColumn<T> = [text: string, type: 'string' | 'number', field?: keyof T];

/** A table of `records`, one column per entry of `columns`, in that order. */
export function grafanaTable<T extends object>(
  columns: Array<TableColumn<T>>,
  records: T[],
): GrafanaTable {
  return {
    type: 'table',
    columns: columns.map(([text, type]) => ({ text, type })),
    rows: records.map((record) =>
      columns.map(([text, , field]) => record[field ?? (text as keyof T)]),
    ),
  };
}

/** A payload option of a metric (`select` offers `options` or asks `/metric-payload-options`). */
export interface GrafanaPayloadDefinition {
  label: string;
  name: string;
  type: 'select' | 'input';
  placeholder?: string;
  reloadMetric?: boolean;
  options?: Array<{ label: string; value: string }>;
}

/** One entry of `POST /metrics`. */
export interface GrafanaMetric {
  label: string;
  value: string;
  payloads: GrafanaPayloadDefinition[];
}

/** The metrics the datasource offers, with their payloads. */
export const GRAFANA_METRICS: readonly GrafanaMetric[] = [
  { label: 'Pageviews per day', value: 'pageviews', payloads: [] },
  { label: 'Unique visitors per day', value: 'visitors', payloads: [] },
  { label: 'Sessions per day', value: 'sessions', payloads: [] },
  { label: 'Bounce rate per day (%)', value: 'bounce_rate', payloads: [] },
  {
    label: 'Error occurrences per day',
    value: 'errors',
    payloads: [{ label: 'Error group', name: 'group', type: 'select', placeholder: 'all groups' }],
  },
  {
    label: 'Error groups (table)',
    value: 'error_groups',
    payloads: [
      {
        label: 'Severity',
        name: 'severity',
        type: 'select',
        placeholder: 'any',
        options: ['info', 'warning', 'error', 'critical'].map((s) => ({ label: s, value: s })),
      },
      {
        label: 'Status',
        name: 'status',
        type: 'select',
        placeholder: 'any',
        options: ['open', 'investigating', 'resolved', 'ignored'].map((s) => ({
          label: s,
          value: s,
        })),
      },
    ],
  },
  { label: 'Error groups by severity and status (table)', value: 'error_summary', payloads: [] },
  {
    label: 'Link clicks per day',
    value: 'link_clicks',
    payloads: [{ label: 'Link', name: 'code', type: 'select', placeholder: 'all links' }],
  },
  { label: 'Links and their clicks (table)', value: 'links', payloads: [] },
  {
    label: 'Telemetry value (per host and key)',
    value: 'telemetry',
    payloads: [
      { label: 'Host', name: 'host', type: 'select', reloadMetric: true },
      { label: 'Key', name: 'key', type: 'select' },
    ],
  },
];

/** Payload options answered by `/metric-payload-options` (the others are fixed). */
export type DynamicPayload = 'group' | 'code' | 'host' | 'key';
