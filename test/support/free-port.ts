import { createServer } from 'node:net';

/**
 * Listening ports handed out here lie below Linux's ephemeral range (32768–60999), which is
 * where the kernel picks both `listen(0)` ports and the source ports of outgoing connections.
 * A port taken with `listen(0)` and released for a child process to bind seconds later can be
 * grabbed in between as the source port of any connection on the machine (the demo's client
 * once died of EADDRINUSE that way under a parallel test run); below that range only another
 * listener can take it.
 */
const FIRST = 20_000;
const LAST = 32_767;

function bindable(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

/** A TCP port nobody listens on right now, for a server started later (a child process). */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST + 1));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port between ${FIRST} and ${LAST} after 100 tries`);
}
