#!/usr/bin/env node
// Published entry point: runs the compiled CLI. In the monorepo, `pnpm scalewise` runs the sources instead.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2));
