// The storm: 1,000 concurrent requests all challenged for the same claims, after the token they
// were sent with is revoked. Counts provider calls, successes and sends per request.
import { attachCae } from '@cae-kit/axios'
import { createCaeFetch } from '@cae-kit/core'
import axios from 'axios'
import { countingProvider } from './server.mjs'

async function storm(name, server, size, send) {
  const before = new Map(server.sends)
  const results = await Promise.allSettled(
    Array.from({ length: size }, (_, i) => send(`${name}-${i}`, `body-${name}-${i}`)),
  )
  const ids = [...server.sends.keys()].filter((id) => id.startsWith(`${name}-`) && !before.has(id))
  return {
    successes: results.filter((r) => r.status === 'fulfilled' && r.value).length,
    maxSends: Math.max(...ids.map((id) => server.sends.get(id))),
  }
}

/**
 * One storm per client. `build` is the cae-kit under test (today's by default, or the before
 * build of before.mjs); `prefix` keeps its tokens and request ids apart from another build's.
 */
export async function measureStorm(
  server,
  { size = 1000, build = { createCaeFetch, attachCae, axios }, prefix = '' } = {},
) {
  const url = `${server.url}/v1/items`
  const resources = [{ url: `${server.url}/v1`, scopes: ['api://bench/.default'] }]
  const out = {}

  const fetchName = `${prefix}fetch`
  const fetchProvider = countingProvider(fetchName)
  const caeFetch = build.createCaeFetch({ tokenProvider: fetchProvider, resources })
  await (await caeFetch(url)).arrayBuffer()
  server.revoke(`Bearer ${fetchName}-1`)
  const callsBefore = fetchProvider.calls
  const fetchStorm = await storm(fetchName, server, size, async (id, body) => {
    const response = await caeFetch(url, { method: 'POST', body, headers: { 'x-request-id': id } })
    return response.status === 200 && (await response.text()) === body
  })
  out.fetch = { ...fetchStorm, providerCalls: fetchProvider.calls - callsBefore }

  const axiosName = `${prefix}axios`
  const axiosProvider = countingProvider(axiosName)
  const instance = build.axios.create()
  build.attachCae(instance, { tokenProvider: axiosProvider, resources })
  await instance.get(url)
  server.revoke(`Bearer ${axiosName}-1`)
  const axiosCallsBefore = axiosProvider.calls
  const axiosStorm = await storm(axiosName, server, size, async (id, body) => {
    const response = await instance.post(url, body, {
      headers: { 'x-request-id': id, 'content-type': 'text/plain' },
      responseType: 'text',
    })
    return response.status === 200 && response.data === body
  })
  out.axios = { ...axiosStorm, providerCalls: axiosProvider.calls - axiosCallsBefore }
  return out
}
