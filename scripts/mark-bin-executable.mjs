// tsc writes dist/cli/main.js without the executable bit. npm sets it when the package is
// installed, but not in this repository: `npx nestjs-telemetry` run here (the README's commands,
// the CLI suites) executes the built file itself, and a fresh clone's first build would refuse.
import { chmodSync } from 'node:fs';

chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
