import fs from 'node:fs';
import path from 'node:path';

let root: string | undefined;

/**
 * The project folder (holds `plugins/` and the sandbox's source). The server runs from source via
 * tsx (bin/waihu.js), but the Remix build moves this module, so look for the package rather than
 * relying on import.meta.url: the working directory first, then the folder of bin/waihu.js.
 */
export function projectRoot(): string {
  if (root) return root;
  const candidates = [process.cwd(), process.argv[1] ? path.resolve(path.dirname(process.argv[1]), '..') : ''];
  for (const start of candidates.filter(Boolean)) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const pkg = path.join(dir, 'package.json');
      if (fs.existsSync(pkg) && fs.existsSync(path.join(dir, 'app/plugins/sdk/index.ts'))) {
        root = dir;
        return dir;
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error('Cannot find the Waihu project folder (package.json with app/plugins/sdk) from the working directory');
}

export const sdkEntry = () => path.join(projectRoot(), 'app/plugins/sdk/index.ts');
export const sandboxEntry = () => path.join(projectRoot(), 'app/plugins/runtime/child.ts');
/** First-party plugins, one folder each. */
export const pluginsDir = () => path.join(projectRoot(), 'plugins');
