import type { ApiEndpointOptions, ApiParam } from '../openapi/api-docs.decorators';

const PROJECT: ApiParam = { name: 'project', description: 'Project id', required: true };
const VISITOR: ApiParam = {
  name: 'visitorId',
  description:
    'The visitor id the client sent (`_ml_vid` cookie value in cookie mode, `visitor_id` of an SDK)',
};
const IP: ApiParam = {
  name: 'ip',
  description:
    'An IP address of the person: adds the link clicks made from it (clicks store only a salted IP hash, shared by everyone behind that address)',
};
const ACTOR: ApiParam = {
  name: 'actor',
  description: 'The `actor` of the audit events, as the backend sent it',
  required: true,
};
const REQUESTED_BY: ApiParam = {
  name: 'X-Requested-By',
  description: 'Who asked (a name or ticket), kept in the request log',
};
const ERRORS = { 400: 'Missing or invalid parameter', 404: 'Project not found' };
const ROWS = '`rows`: rows per table';

/** OpenAPI descriptions of the privacy API (admin key). */
export const PrivacyDocs = {
  exportVisitor: {
    summary: 'Export everything stored about one visitor (GDPR Art. 15)',
    description:
      'The visitor, its sessions and pageviews with their devices and locations, the error events whose `context` holds the visitor id, and — with `ip` — link clicks from that address. The request is logged.',
    auth: 'admin',
    params: [VISITOR],
    query: [PROJECT, IP],
    headers: [REQUESTED_BY],
    success: {
      status: 200,
      description: `\`data\`: \`{request_id, project_id, visitor_id, rows, tables: {table: [row]}}\`; ${ROWS} (empty tables when nothing is stored)`,
    },
    errors: ERRORS,
  },
  eraseVisitor: {
    summary: 'Erase everything stored about one visitor (GDPR Art. 17)',
    description:
      'Deletes what the export returns (devices, locations and links are shared and stay), lowers the occurrence counts of the error groups concerned and deletes groups left empty, in one transaction. The request is logged.',
    auth: 'admin',
    params: [VISITOR],
    query: [PROJECT, IP],
    headers: [REQUESTED_BY],
    success: {
      status: 200,
      description: `\`data\`: \`{request_id, project_id, rows}\`; ${ROWS} deleted, \`error_groups.occurrence_count\`: groups whose count was lowered`,
    },
    errors: ERRORS,
  },
  exportAudits: {
    summary: 'Export the audit events of one actor (GDPR Art. 15)',
    auth: 'admin',
    query: [PROJECT, ACTOR],
    headers: [REQUESTED_BY],
    success: {
      status: 200,
      description: `\`data\`: \`{request_id, project_id, rows, tables: {audit_logs: [row]}}\``,
    },
    errors: ERRORS,
  },
  eraseAudits: {
    summary: 'Erase the audit events of one actor (GDPR Art. 17)',
    auth: 'admin',
    query: [PROJECT, ACTOR],
    headers: [REQUESTED_BY],
    success: { status: 200, description: `\`data\`: \`{request_id, project_id, rows}\`` },
    errors: ERRORS,
  },
  requests: {
    summary: 'The log of answered access and erasure requests, newest first',
    description:
      'Each entry names its subject only by a SHA-256 hash (for a visitor: the stored `visitor_hash`).',
    auth: 'admin',
    query: [
      { name: 'project', description: 'Only this project’s requests' },
      { name: 'page', description: 'Page number from 1 (default 1)' },
      { name: 'limit', description: 'Entries per page, 1–200 (default 50)' },
    ],
    success: {
      status: 200,
      description:
        '`data`: `{total, page, limit, requests: [{id, project_id, action, subject_type, subject_hash, requested_by, credential, rows, created_at}]}`',
    },
    errors: { 400: 'Invalid project, page or limit' },
  },
} satisfies Record<string, ApiEndpointOptions>;
