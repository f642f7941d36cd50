#!/usr/bin/env node
// Launcher: runs the compiled CLI (dist/, built by `npm ci` / `npm run build`).
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
