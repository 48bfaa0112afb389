import type { ServerResponse } from 'node:http';

/** How often an SSE stream is looked at: an idle one then gets a comment line. */
export const SSE_CHECK_MS = 15_000;
/** Checks in a row in which the socket took no byte while bytes waited, before the stream is closed. */
const STALLED_CHECKS = 2;

/**
 * The SSE counterpart of the WebSocket's ping. An idle stream gets a comment line, so proxies do
 * not close it; a stream with bytes waiting is not idle and gets none (a client that stopped
 * reading would only buffer it). A stream whose socket has taken no byte for two checks while
 * bytes wait — a client that stopped reading, a peer that vanished — is closed, so its outbox and
 * its place under `realtime.maxClients` are freed, as a WebSocket that stops answering pings is.
 * Returns the function that stops watching.
 */
export function watchSseStream(response: ServerResponse, everyMs: number): () => void {
  let taken = bytesTaken(response);
  let stalled = 0;
  const timer = setInterval(() => {
    const now = bytesTaken(response);
    if (response.writableLength === 0) {
      stalled = 0;
      response.write(': ping\n\n');
    } else if (now > taken) {
      stalled = 0;
    } else if (++stalled >= STALLED_CHECKS) {
      response.destroy();
    }
    taken = now;
  }, everyMs).unref();
  return () => clearInterval(timer);
}

/**
 * Bytes the socket has handed to the kernel: what `bytesWritten` counts (sent or queued) less
 * what the socket still holds (`writableLength`).
 */
function bytesTaken(response: ServerResponse): number {
  const socket = response.socket;
  return socket ? socket.bytesWritten - socket.writableLength : 0;
}
