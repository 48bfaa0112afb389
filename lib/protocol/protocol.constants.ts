/**
 * Names and numbers both halves of the wire protocol agree on. Header names are written in their
 * canonical case; HTTP compares them case-insensitively.
 */

/** Header of the HMAC-SHA256 signature (laravel-telemetry-reporter's default name). */
export const SIGNATURE_HEADER = 'X-Telemetry-Signature';

/** Header carrying the unix time (seconds) a `timestamped` signature covers. */
export const TIMESTAMP_HEADER = 'X-Telemetry-Timestamp';

/** Header naming the payload encryption scheme; its only value is {@link ENCRYPTION_SCHEME}. */
export const ENCRYPTION_HEADER = 'X-Telemetry-Encryption';

/** The one encryption scheme both halves speak. */
export const ENCRYPTION_SCHEME = 'aes-256-gcm';

/** @internal Accepted clock difference of a `timestamped` signature, both ways. */
export const SIGNATURE_WINDOW_SECONDS = 300;

/** @internal The signing modes: the Laravel package's plain HMAC, and the replay-safe one. */
export const SIGNING_MODES = ['compatible', 'timestamped'] as const;

/** @internal Top-level key of report and flags answers that carries the feature flags. */
export const FEATURE_FLAGS_KEY = 'feature_flags';

/**
 * @internal Answer header with which a receiver says it takes batches of rounds (catch-up after an
 * outage): its value is the most rounds one batch may hold. A laravel-era receiver never sets it,
 * so a client only ever sends it one payload per round.
 */
export const ACCEPT_BATCH_HEADER = 'X-Telemetry-Accept-Batch';

/** @internal Most wire bytes of one batch request: the receiver's body cap for every request. */
export const MAX_BATCH_BODY_BYTES = 65_536;

/** @internal Top-level key of a report carrying the declared type and unit of its values. */
export const METADATA_KEY = 'metadata';

/** The value types a collector may declare (public: `TelemetryValueType` is derived from it). */
export const TELEMETRY_VALUE_TYPES = ['gauge', 'counter', 'info'] as const;

/**
 * @internal Most occurrences one coalesced error report may carry (`occurrences`, an extension of
 * the Micrologs error body): the client closes a burst when it reaches this count, the receiver
 * refuses a larger one with 400.
 */
export const MAX_ERROR_OCCURRENCES = 100_000;
