import type { IncomingMessage } from 'node:http';
import type { ReceiverBody } from '../request/receiver-request';

/** Micrologs body cap: 65 536 bytes are accepted, one more byte is 413. */
export const MAX_BODY_BYTES = 65_536;

/**
 * Reads the whole body whatever its content type, keeping at most `cap + 1` bytes and draining
 * the rest, so an oversized upload is answered 413 by the pipeline (after auth) instead of being
 * cut off mid-stream.
 */
export function readBody(request: IncomingMessage, cap = MAX_BODY_BYTES): Promise<ReceiverBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      if (kept + chunk.length > cap) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
      kept += chunk.length;
    });
    let ended = false;
    request.on('end', () => {
      ended = true;
      // A small body arrives in one chunk: keep it rather than copy it.
      resolve({ raw: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), tooLarge });
    });
    request.on('error', reject);
    // A client that hangs up mid-body never sends 'end': settle instead of waiting forever.
    request.on('close', () => {
      if (!ended) reject(new Error('the client closed the request before its body was complete'));
    });
  });
}
