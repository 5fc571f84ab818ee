// Defect 11 (issue 11): an axios instance of one build of axios (CommonJS or ESM) given to the
// other build of @cae-kit/axios is dispatched through the instance's own copy of axios, never
// through a second copy of its adapters.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import esmAxios from 'axios'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { counting, resources, useChallengingApi } from '../test/challenging-api'
import { attachCae as attachCaeEsm } from './attach'
import { copyResolver } from './axios-copy'

const require = createRequire(import.meta.url)
/** The CommonJS build of axios, as `require('axios')` gives it to a CommonJS app. */
const cjsAxios: typeof esmAxios = require('axios')

const api = useChallengingApi()

afterEach(() => {
  vi.restoreAllMocks()
})

describe('an axios instance of the other module format', () => {
  it('is a second copy of axios (what the tests below rely on)', () => {
    expect(cjsAxios.getAdapter).not.toBe(esmAxios.getAdapter)
  })

  it('a CommonJS instance attached with the ESM build answers and replays through its own adapter', async () => {
    const instance = cjsAxios.create({ baseURL: 'https://api.test/v1', adapter: 'http' })
    const ownAdapter = cjsAxios.getAdapter('http', {})
    const resolve = vi.spyOn(cjsAxios, 'getAdapter')
    attachCaeEsm(instance, { tokenProvider: counting(), resources })
    api.revoked.add('Bearer tok-1')
    const response = await instance.get('/me')
    expect(response.status).toBe(200)
    expect(api.seen.map((r) => r.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2'])
    // The first send and the replay: both through the CommonJS copy's own http adapter.
    expect(resolve.mock.results.map((r) => r.value)).toEqual([ownAdapter])
    expect(response.config.headers).toBeInstanceOf(cjsAxios.AxiosHeaders)
  })

  it('an ESM instance attached with the CommonJS build answers and replays through its own adapter', () => {
    // A plain Node process: what a CommonJS app loading @cae-kit/axios gets (no test runner).
    const script = fileURLToPath(
      new URL('../test/dual-package/esm-instance-cjs-build.mjs', import.meta.url),
    )
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8' })
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual({
      status: 200,
      seen: ['Bearer tok-1', 'Bearer tok-2'],
      resolved: ['own http adapter'],
      ownHeaders: true,
    })
  })

  it('finds the copy of the default axios itself when it is the instance given', () => {
    const copyOf = copyResolver(cjsAxios)
    const copy = copyOf(new cjsAxios.AxiosHeaders())
    expect(copy.getAdapter).toBe(cjsAxios.getAdapter)
    expect(copy.AxiosError).toBe(cjsAxios.AxiosError)
  })

  it("uses this package's copy for headers no known copy made, and remembers that", () => {
    const copyOf = copyResolver(esmAxios.create())
    const copy = copyOf(new (class Foreign {})())
    expect(copy.getAdapter).toBe(esmAxios.getAdapter)
    expect(copyOf(new esmAxios.AxiosHeaders()).getAdapter).toBe(esmAxios.getAdapter)
  })
})
