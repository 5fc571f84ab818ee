/**
 * The packages under `packages/`, read from their manifests: the one listing the release and
 * check scripts share (changesets, versions, pack, docs, the package test).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Every folder of `<root>/packages` that holds a `package.json`.
 *
 * @param {string} root - The repository's root folder.
 * @returns {{ name: string, version: string, dir: string, path: string, manifest: any, private: boolean }[]}
 *   `dir` relative to `root` (`packages/core`), `path` absolute.
 */
export function workspacePackages(root) {
  const folder = join(root, 'packages')
  if (!existsSync(folder)) return []
  return readdirSync(folder)
    .filter((name) => existsSync(join(folder, name, 'package.json')))
    .map((name) => {
      const manifest = JSON.parse(readFileSync(join(folder, name, 'package.json'), 'utf8'))
      return {
        name: manifest.name,
        version: manifest.version,
        dir: `packages/${name}`,
        path: join(folder, name),
        manifest,
        private: manifest.private === true,
      }
    })
}

/**
 * The packages a release publishes: {@link workspacePackages} without the private ones.
 *
 * @param {string} root - The repository's root folder.
 */
export const publicPackages = (root) => workspacePackages(root).filter((pkg) => !pkg.private)
