// The sipwright CLI run from source (through tsx) for integration and interop tests; the bench uses bin/ + dist/.
import { main } from "../../src/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
