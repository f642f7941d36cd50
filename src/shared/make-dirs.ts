/**
 * Creates a folder and its missing parents, one non-recursive mkdir at a time. Node 20's `mkdir(path,
 * { recursive: true })` never returns under /proc (it spins at 100 % CPU and ignores SIGTERM: issue 12 item 3);
 * walking the path ourselves ends at the first folder that cannot be made, with an error that names it.
 * checkOutputFile asks the same of a file a run will write, before the run binds a socket.
 */
import { accessSync, constants, mkdirSync, statSync, type Stats } from "node:fs";
import { dirname } from "node:path";
import { ConfigError, SipwrightError } from "./errors.js";

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether `path` is a folder (false when nothing is there); throws when it is something else. */
function isFolder(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) return true;
  } catch (error) {
    const code = codeOf(error);
    // ENOTDIR: a parent is not a folder; the walk up reports which one.
    if (code === "ENOENT" || code === "ENOTDIR") return false;
    throw new SipwrightError("FILE_ERROR", `cannot create folder ${path}: ${messageOf(error)}`, { cause: error });
  }
  throw new SipwrightError("FILE_ERROR", `cannot create folder ${path}: it exists and is not a folder`);
}

/**
 * `path` exists as a folder when this returns; throws a FILE_ERROR "cannot create folder X: reason" naming the
 * first component that could not be made (or that exists and is not a folder).
 */
export function makeDirs(path: string): void {
  if (isFolder(path)) return;
  const parent = dirname(path);
  if (parent !== path) makeDirs(parent);
  try {
    mkdirSync(path);
  } catch (error) {
    // Made meanwhile by someone else: fine if it is a folder.
    if (codeOf(error) === "EEXIST" && isFolder(path)) return;
    throw new SipwrightError("FILE_ERROR", `cannot create folder ${path}: ${messageOf(error)}`, { cause: error });
  }
}

/** makeDirs for the folder a file goes in. */
export function makeParentDirs(file: string): void {
  makeDirs(dirname(file));
}

/**
 * Whether a run can write `path`, asked before it binds a socket (`--records` naming a folder used to fail only once
 * the SIP transport was open, `--summary-json` naming one only at the end of the run). Makes the file's folder
 * (makeParentDirs' FILE_ERROR when it cannot), then throws a ConfigError `<option>: cannot write <path>: <reason>`
 * when the path is a folder, or when the file (or, for a new file, its folder) is not writable. Creates no file: a
 * run that never starts leaves none behind.
 */
export function checkOutputFile(option: string, path: string): void {
  makeParentDirs(path);
  const cannot = (reason: string): ConfigError => new ConfigError(`${option}: cannot write ${path}: ${reason}`);
  let stats: Stats | undefined;
  try {
    stats = statSync(path);
  } catch (error) {
    if (codeOf(error) !== "ENOENT") throw cannot(messageOf(error));
  }
  if (stats?.isDirectory() === true) throw cannot("it is a folder");
  try {
    accessSync(stats === undefined ? dirname(path) : path, constants.W_OK);
  } catch (error) {
    throw cannot(messageOf(error));
  }
}
