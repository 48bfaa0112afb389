#!/usr/bin/env node
import 'reflect-metadata';
import { runCli } from './cli';

// Exit explicitly: a user's application may leave handles open (pools, sockets) after close().
runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
