// A worker process that only runs one import: the crash test kills it with SIGKILL mid-file.
import { runImport } from '../imports.server';

await runImport(process.argv[2]!);
process.exit(0);
