/** Texts of the privacy API (access and erasure requests). */
export const PrivacyMessages = {
  visitorExported: 'Visitor data exported',
  visitorErased: 'Visitor data erased',
  auditsExported: 'Audit events of the actor exported',
  auditsErased: 'Audit events of the actor erased',
  requestsListed: 'Privacy requests fetched',
  projectRequired: 'project is required (the project id)',
  visitorRequired: 'visitor id is required',
  actorRequired: 'actor is required',
  ipInvalid: 'ip must be an IPv4 or IPv6 address',
  pageInvalid: 'page must be a positive integer',
  limitInvalid: (max: number): string => `limit must be an integer from 1 to ${max}`,
  afterCommitFailed: (reason: string): string =>
    `privacy: a clean-up after an erasure failed: ${reason}`,
};
