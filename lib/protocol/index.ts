// The wire protocol both halves share: the client (lib/) and the receiver (receiver/) import it
// from here, so each rule has one implementation.
export * from './protocol.constants';
export * from './protocol.interfaces';
export * from './protocol.messages';
export * from './env.reader';
export * from './payload.cipher';
export * from './payload.codec';
export * from './php-json.unescape';
export * from './request.signature';
export * from './report-batch.codec';
