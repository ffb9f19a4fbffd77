#!/usr/bin/env node
/** The `hookflow` operator CLI (package.json "bin"). Commands and exit codes: docs/operations.md. */
import { runCli } from './program';

/** Connections are closed by then; this only bounds a handle that lingers (a gRPC channel closing slowly). */
const LINGER_MS = 2000;

void runCli(process.argv).then((code) => {
  process.exitCode = code;
  setTimeout(() => process.exit(code), LINGER_MS).unref();
});
