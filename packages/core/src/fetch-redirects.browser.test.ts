import { describe, expect, it, vi } from 'vitest'
import { sendGuarded, sendWithinResource } from './fetch-redirects.browser'
import type { SendAttempt } from './types'

/** A path-prefixed resource's attempt: in Node its redirects would be followed hop by hop. */
const attempt: SendAttempt = {
  replay: false,
  signal: undefined,
  body: undefined,
  covers: () => true,
  guardsRedirects: true,
}

describe('redirects in the browser build', () => {
  it('leaves redirects to the browser: no guarded send', () => {
    const send = vi.fn<typeof fetch>()
    const call = { input: 'https://api.test/v1/a', request: undefined, init: undefined }
    expect(sendGuarded(send, call, {}, {}, attempt, 'Bearer t')).toBeUndefined()
    expect(send).not.toHaveBeenCalled()
  })

  it('sends a request within its resource with one plain send', async () => {
    const response = new Response('ok')
    const send = vi.fn<typeof fetch>(async () => response)
    const request = new Request('https://api.test/v1/a')
    expect(await sendWithinResource(send, request, attempt)).toBe(response)
    expect(send).toHaveBeenCalledExactlyOnceWith(request)
  })
})
