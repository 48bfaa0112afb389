/** Texts of the alerts API, the CLI commands and the alert messages. */
export const AlertsMessages = {
  created: 'Alert rule created',
  listed: 'Alert rules fetched successfully',
  fetched: 'Alert rule fetched successfully',
  updated: 'Alert rule updated successfully',
  deleted: 'Alert rule deleted',
  testQueued: 'Test delivery queued: it is sent within one alerts interval',
  deliveriesListed: 'Alert deliveries fetched successfully',
  notFound: 'Alert rule not found',
  projectRequired: 'project_id must be the id of an existing project',
  projectQueryRequired: 'project (query parameter) must be a project id',
  idRequired: 'id must be a positive integer',
  nameRequired: 'name is required (≤ 100 characters)',
  kindInvalid: (kinds: readonly string[]): string => `kind must be one of: ${kinds.join(', ')}`,
  channelInvalid: (channels: readonly string[]): string =>
    `channel must be one of: ${channels.join(', ')}`,
  urlInvalid: 'url must be an http:// or https:// URL of at most 2048 characters',
  conditionsObject: 'conditions must be a JSON object',
  conditionInvalid: (field: string, rule: string): string => `conditions.${field} must be ${rule}`,
  conditionUnknown: (field: string, kind: string): string =>
    `conditions.${field} is not a condition of ${kind} rules`,
  cooldownInvalid: 'cooldown_seconds must be a whole number from 0 to 86400',
  isActiveBoolean: 'is_active must be a boolean',
  kindImmutable: 'kind cannot be changed: create a new rule',
  nothingToUpdate: 'Nothing to update',
  statusInvalid: "status must be 'pending', 'delivered' or 'failed'",
  limitInvalid: 'limit must be a whole number from 1 to 500',
  deliveryFailed: (id: number, error: string): string =>
    `alert delivery ${id} failed: ${error} (retried with backoff)`,
  deliveryGaveUp: (id: number): string =>
    `alert delivery ${id} failed for 24 hours: given up (kept in the delivery log as failed)`,
  evaluationFailed: (error: string): string => `alert evaluation failed: ${error}`,
  eventsFailed: (error: string): string =>
    `alert rules on committed events failed: ${error} (retried at the next alerts tick)`,
  firingsHeld: (ruleId: number, error: string): string =>
    `firings of alert rule ${ruleId} not written: ${error} (retried at the next alerts tick)`,
  retryDropped: (what: string): string =>
    `too many alert evaluations wait for the database: ${what} dropped`,
} as const;
