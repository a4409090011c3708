// `npm run deps:check`: lists the dependencies in package.json that nothing uses, and exits
// non-zero when there is one (ADR 093). `--why` also prints what uses each of the others.
//
// A dependency counts as used when any of these names it:
// - an import, export-from, import() or require() in app/, server/, bin/, scripts/, plugins/,
//   bench/, e2e/, tests/ or a root config file (parsed with TypeScript's own pre-processor);
// - a `node_modules/<name>/…` path in those files (scripts that run a package's CLI file);
// - a package.json script that runs one of its binaries, or loads it with `--import`/`--require`;
// - tsconfig.json `types` and `/// <reference types>` directives;
// - the Prisma generator in prisma/schema.prisma (its generated client imports @prisma/client);
// - a (non-optional) peer requirement of a package that is used, followed through the lockfile.
// `@types/x` counts as used when x is (and `@types/node` when a Node built-in is imported).
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { resolveInLock } from './lockfile';

const SOURCE_DIRS = ['app', 'server', 'bin', 'scripts', 'plugins', 'bench', 'e2e', 'tests'];
/** Generated or installed code: it is not ours and is not where our dependencies are chosen. */
const SKIPPED_PATHS = new Set(['node_modules', 'app/generated', 'build']);
const CODE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const ROOT_CONFIG_FILE = /^(?:[\w.-]+\.config\.(?:[cm]?[jt]s)|biome\.json|tsconfig(?:\.[\w-]+)?\.json)$/;
const NODE_MODULES_PATH = /node_modules\/(\.bin\/)?((?:@[\w.-]+\/)?[\w.-]+)/g;
const BUILTINS = new Set(builtinModules);

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
  bin?: string | Record<string, string>;
}

interface LockEntry {
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  bin?: Record<string, string>;
}

export interface DependencyReport {
  /** Declared dependencies nothing uses, sorted. */
  unused: string[];
  /** Why each used dependency counts as used (the first reason found). */
  usedBy: Record<string, string>;
  /** Packages imported by our code but not declared in package.json (they only resolve by luck of hoisting). */
  undeclared: Record<string, string>;
  /** `allowScripts` entries naming a package that is not installed any more. */
  staleAllowScripts: string[];
}

/** The package a module specifier names, or null for relative paths, built-ins and virtual modules. */
export function packageOf(specifier: string): string | null {
  if (/^[./]/.test(specifier) || /^[a-z]+:/.test(specifier) || specifier.startsWith('~')) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return BUILTINS.has(name) ? null : name;
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0]!);
}

/** `@types/scope__name` → `@scope/name`; `@types/react` → `react`. */
function typedPackage(typesPackage: string): string {
  const bare = typesPackage.slice('@types/'.length);
  return bare.includes('__') ? `@${bare.replace('__', '/')}` : bare;
}

function listFiles(root: string, dir: string, out: string[]): void {
  const full = path.join(root, dir);
  if (!fs.existsSync(full)) return;
  for (const entry of fs.readdirSync(full, { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.name.startsWith('.') || SKIPPED_PATHS.has(rel) || SKIPPED_PATHS.has(entry.name)) continue;
    if (entry.isDirectory()) listFiles(root, rel, out);
    else if (CODE_FILE.test(entry.name)) out.push(rel);
  }
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Binary name → declared dependency that provides it. */
function binaries(root: string, declared: string[], packages: Record<string, LockEntry>): Map<string, string> {
  const bins = new Map<string, string>();
  for (const dep of declared) {
    const installed = readJson<PackageJson>(path.join(root, 'node_modules', dep, 'package.json'));
    const bin = installed?.bin ?? packages[`node_modules/${dep}`]?.bin;
    if (typeof bin === 'string') bins.set(dep.replace(/^@[^/]+\//, ''), dep);
    else for (const name of Object.keys(bin ?? {})) bins.set(name, dep);
  }
  return bins;
}

export function checkDependencies(root: string): DependencyReport {
  const pkg = readJson<PackageJson>(path.join(root, 'package.json'));
  if (!pkg) throw new Error(`No readable package.json in ${root}`);
  const declared = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
  const isDeclared = new Set(declared);
  const lock = readJson<{ packages?: Record<string, LockEntry> }>(path.join(root, 'package-lock.json'));
  const packages = lock?.packages ?? {};
  const usedBy: Record<string, string> = {};
  const undeclared: Record<string, string> = {};
  const builtins: { usedBy: string | null } = { usedBy: null };

  const markUsed = (name: string, reason: string) => {
    if (isDeclared.has(name) && !(name in usedBy)) usedBy[name] = reason;
  };
  const markSpecifier = (specifier: string, where: string) => {
    if (isBuiltin(specifier)) {
      builtins.usedBy ??= where;
      return;
    }
    const name = packageOf(specifier);
    if (!name) return;
    if (isDeclared.has(name)) markUsed(name, `imported by ${where}`);
    else if (!(name in undeclared)) undeclared[name] = where;
  };
  const markTypeReference = (reference: string, where: string) => {
    const name = packageOf(reference) ?? reference;
    markUsed(name, `type reference in ${where}`);
    markUsed(`@types/${name.replace(/^@([^/]+)\//, '$1__')}`, `type reference in ${where}`);
  };
  const bins = binaries(root, declared, packages);
  const scanPaths = (text: string, where: string) => {
    for (const match of text.matchAll(NODE_MODULES_PATH)) {
      const name = match[1] ? bins.get(match[2]!) : match[2];
      if (name) markUsed(name, `path node_modules/${match[1] ?? ''}${match[2]} in ${where}`);
    }
  };

  // Source and config files.
  const files: string[] = [];
  for (const dir of SOURCE_DIRS) listFiles(root, dir, files);
  for (const entry of fs.readdirSync(root)) if (ROOT_CONFIG_FILE.test(entry)) files.push(entry);
  for (const file of files) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    scanPaths(text, file);
    if (file.endsWith('.json')) continue;
    const info = ts.preProcessFile(text, true, true);
    for (const imported of info.importedFiles) markSpecifier(imported.fileName, file);
    for (const reference of info.typeReferenceDirectives) markTypeReference(reference.fileName, file);
  }
  const tsconfig = readJson<{ compilerOptions?: { types?: string[] } }>(path.join(root, 'tsconfig.json'));
  for (const type of tsconfig?.compilerOptions?.types ?? []) markTypeReference(type, 'tsconfig.json');

  // package.json scripts: the binaries they run and the modules node preloads.
  for (const [script, command] of Object.entries(pkg.scripts ?? {})) {
    const where = `script "${script}"`;
    scanPaths(command, where);
    const words = command.split(/[\s;&|()]+/).filter(Boolean);
    words.forEach((word, i) => {
      const bin = bins.get(word);
      if (bin) markUsed(bin, `${where} runs ${word}`);
      if (/^(?:--import|--require|-r|--loader|--experimental-loader)$/.test(words[i - 1] ?? '')) markSpecifier(word, where);
      const inline = /^--(?:import|require|loader)=(.+)$/.exec(word);
      if (inline) markSpecifier(inline[1]!, where);
    });
  }

  // Prisma's generated client (not committed, so not scanned) imports @prisma/client's runtime.
  const schemaFile = path.join(root, 'prisma', 'schema.prisma');
  if (fs.existsSync(schemaFile) && /provider\s*=\s*"prisma-client(?:-js)?"/.test(fs.readFileSync(schemaFile, 'utf8'))) {
    markUsed('@prisma/client', 'the client generated from prisma/schema.prisma');
  }

  // Type packages follow the package they describe (again after peers, which may add packages).
  const markTypePackages = () => {
    for (const dep of declared.filter((name) => name.startsWith('@types/'))) {
      const typed = typedPackage(dep);
      if (typed === 'node' && builtins.usedBy) markUsed(dep, `Node built-ins imported (e.g. by ${builtins.usedBy})`);
      else if (typed in usedBy) markUsed(dep, `types for ${typed}`);
    }
  };
  markTypePackages();

  // Peer requirements of everything used, through the installed tree, until nothing new is used.
  const queue = Object.keys(usedBy)
    .map((name) => resolveInLock(packages, '', name))
    .filter((key): key is string => key !== null);
  const seen = new Set(queue);
  while (queue.length) {
    const key = queue.shift()!;
    const entry = packages[key]!;
    const requirer = entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const peers = Object.keys(entry.peerDependencies ?? {}).filter((peer) => !entry.peerDependenciesMeta?.[peer]?.optional);
    for (const peer of peers) markUsed(peer, `peer dependency of ${requirer}`);
    for (const name of [...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}), ...peers]) {
      const next = resolveInLock(packages, key, name);
      if (next && !seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }

  markTypePackages();

  const staleAllowScripts = Object.keys(pkg.allowScripts ?? {}).filter(
    (name) =>
      lock && !Object.keys(packages).some((key) => key === `node_modules/${name}` || key.endsWith(`/node_modules/${name}`)),
  );
  return {
    unused: declared.filter((name) => !(name in usedBy)).sort(),
    usedBy,
    undeclared,
    staleAllowScripts,
  };
}

function main(): void {
  const report = checkDependencies(process.cwd());
  if (process.argv.includes('--why')) {
    for (const [name, reason] of Object.entries(report.usedBy).sort()) console.log(`${name}: ${reason}`);
  }
  for (const [name, where] of Object.entries(report.undeclared)) {
    console.warn(`warning: ${name} is imported by ${where} but not declared in package.json`);
  }
  for (const name of report.staleAllowScripts) {
    console.warn(`warning: allowScripts names ${name}, which is not installed`);
  }
  if (report.unused.length) {
    console.log(`Unused dependencies (${report.unused.length}): nothing imports, runs or requires them:`);
    for (const name of report.unused) console.log(`  ${name}`);
    console.log(
      'Remove them from package.json (npm uninstall <name>), or see ADR 093 if one is used in a way this check misses.',
    );
    process.exitCode = 1;
  } else {
    console.log(`All ${Object.keys(report.usedBy).length} dependencies are used.`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
