// Runs an emulator's command-line entry point and exits when the process that started it is
// gone, so a test run that crashes or is killed never leaves an emulator behind.
// Usage: node emulator-guard.cjs <parent pid> <script> [args...]
const [parentPid, script, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], script, ...args];
setInterval(() => {
  try {
    process.kill(Number(parentPid), 0);
  } catch {
    process.exit(0);
  }
}, 1000);
require(require("node:path").resolve(script));
