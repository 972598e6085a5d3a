import * as fs from 'node:fs';
import * as path from 'node:path';

/** The package root (the folder with resyn's package.json), found from this file whether run from dist/ or source. */
export const projectRoot: string = (() => {
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'resyn') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`resyn: cannot find the package root above ${__dirname}`);
    dir = parent;
  }
})();

/** Where seed environments, keywords and prompt templates live (plain files, not compiled). */
export const seedsDir = path.join(projectRoot, 'seeds');
