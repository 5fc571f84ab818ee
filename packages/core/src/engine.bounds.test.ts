// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { ok, scripted } from './__fixtures__/transport'
import { createCaeEngine } from './engine'
import type { TokenProvider } from './provider'

const resources = [{ url: 'https://api.test', scopes: ['s'] }]
const hung: TokenProvider = { getToken: () => new Promise(() => {}) }

describe('waiting for a token', () => {
  it("ends at the request's own timeout with what the transport says", async () => {
    const engine = createCaeEngine({ tokenProvider: hung, resources })
    const timeout = new Error('timeout of 30ms exceeded')
    const { transport, sent } = scripted(ok, { timedOut: () => timeout })
    const error = await engine
      .execute({ url: 'https://api.test/a', timeoutMs: 30 }, transport)
      .catch((e: unknown) => e)
    expect(error).toBe(timeout)
    expect(sent).toHaveLength(0)
  })

  it('ends at the request timeout with a TokenAcquisitionError when the transport says nothing', async () => {
    const engine = createCaeEngine({ tokenProvider: hung, resources })
    const error = await engine
      .execute({ url: 'https://api.test/a', timeoutMs: 30 }, scripted(ok).transport)
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ERR_CAE_TOKEN_ACQUISITION_FAILED' })
    expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' })
  })

  it('is not cut short by the request timeout while a prompt is open', async () => {
    const engine = createCaeEngine({
      tokenProvider: {
        async getToken({ interactionStarted }) {
          const done = interactionStarted?.()
          await new Promise((resolve) => setTimeout(resolve, 120))
          done?.()
          return { token: 'prompted' }
        },
      },
      resources,
    })
    const { transport, sent } = scripted(ok)
    await engine.execute({ url: 'https://api.test/a', timeoutMs: 40 }, transport)
    expect(sent).toEqual(['Bearer prompted'])
  })

  it('rejects with what the transport makes of an abort', async () => {
    const engine = createCaeEngine({ tokenProvider: hung, resources })
    const controller = new AbortController()
    const canceled = new Error('canceled')
    const { transport } = scripted(ok, { aborted: () => canceled })
    const pending = engine.execute(
      { url: 'https://api.test/a', signal: controller.signal },
      transport,
    )
    controller.abort()
    await expect(pending).rejects.toBe(canceled)
  })

  it('rejects invalid acquisitionTimeoutMs and coordinator options at setup', () => {
    for (const bad of [0, -1, 1.5, '10']) {
      expect(() =>
        createCaeEngine({ tokenProvider: hung, resources, acquisitionTimeoutMs: bad as number }),
      ).toThrow(expect.objectContaining({ code: 'ERR_CAE_INVALID_OPTIONS' }))
    }
    expect(() =>
      createCaeEngine({ tokenProvider: hung, resources, coordinator: {} as never }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CAE_INVALID_OPTIONS' }))
  })
})
