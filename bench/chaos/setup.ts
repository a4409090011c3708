import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Imported first by index.ts: the environment must be in place before any module reads it (the
// logger is created when it is imported). The harness logs nothing; the children log to files.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waihu-chaos-'));
fs.chmodSync(dir, 0o755);
process.env.WAIHU_DATA_DIR = dir;
process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 12).toString('base64');
process.env.WAIHU_LOG_LEVEL = 'silent';
