import { decompressBody } from '../../../lib/protocol';
import { ReceiverHttpException } from '../../common/envelope/envelope';
import { header } from '../../common/request/receiver-request';
import { TelemetryMessages } from '../telemetry.messages';

/**
 * Undoes the report's `Content-Encoding` (gzip, sent by TelemetryModule for batches). Called after
 * the signature check, which covers the bytes as they travelled: compressed.
 */
export async function inflateReport(request: unknown, raw: Buffer): Promise<Buffer> {
  const encoding = header(request, 'content-encoding');
  const result = await decompressBody(raw, encoding);
  if ('body' in result) return result.body;
  switch (result.failure) {
    case 'unsupported':
      throw new ReceiverHttpException(415, TelemetryMessages.encodingUnsupported(encoding));
    case 'too-large':
      throw new ReceiverHttpException(413, TelemetryMessages.inflatedTooLarge);
    case 'corrupt':
      throw new ReceiverHttpException(400, TelemetryMessages.encodingCorrupt);
  }
}
