/** Security scheme names of the receiver's OpenAPI document. */
export const OPENAPI_SECURITY = {
  /** Project secret key in `X-API-Key`. */
  secret: 'secretKey',
  /** Project public key in `X-API-Key` (with the domain lock). */
  public: 'publicKey',
  /** `X-Admin-Key`. */
  admin: 'adminKey',
} as const;

/** Where the document is served by default: UI at `/api/docs`, JSON at `/api/docs-json`. */
export const DEFAULT_OPENAPI_PATH = 'docs';
