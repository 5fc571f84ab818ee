// Recovery latency after a revocation, against the emulator over real HTTPS with real msal-node.
//
// Each round, in a freshly shuffled (seeded) order, both variants first make the API challenge
// the token they hold (`admin.leaveTrustedLocation()`: `invalid_token` + claims, which a silent
// token request with those claims satisfies), then are timed:
// - recovered: `createCaeFetch` over `fromMsalNode(cca, { flow: 'clientCredentials' })`, from
//   the challenge (the 401 reaching cae-kit) to the replayed 200: decoding, the token request with
//   the claims, the replay. The whole call (challenged request included) is timed too;
// - baseline: what an app that already knew the claims would do at the least: the same MSAL call
//   with the claims (`acquireTokenByClientCredential({ scopes, claims })`) followed by one plain
//   request with the new token. The claims come from an untimed challenged request just before.
// A block's figure per variant is its median round; the result is the ratio of the medians of
// the block figures. Every recovered round is checked: one token request, two API requests, 200.
// With a before build (before.mjs), its `createCaeFetch` over its `fromMsalNode` is a third
// variant of the same rounds (`beforeRecovered`), timed the same way.
import { ConfidentialClientApplication } from '@azure/msal-node'
import { createCaeFetch, getClaimsChallenge } from '@cae-kit/core'
import { startEmulator } from '@cae-kit/emulator'
import { fromMsalNode } from '@cae-kit/msal-node'
import { median, random, shuffled } from './stats.mjs'

function daemon(idp) {
  return new ConfidentialClientApplication(idp.msalNodeConfig()) // the daemon client, CP1
}

async function timed(run) {
  const start = process.hrtime.bigint()
  await run()
  return Number(process.hrtime.bigint() - start) / 1e6
}

/**
 * The recovered variant for one build: its `createCaeFetch` over its `fromMsalNode`. Returns
 * [challenge -> replayed 200, whole call] in ms, after checking the round.
 */
async function recoveredWith(idp, build, name) {
  const url = `${idp.apiUrl}/messages`
  let challengedAt = 0n
  const caeFetch = build.createCaeFetch({
    tokenProvider: build.fromMsalNode(daemon(idp), { flow: 'clientCredentials' }),
    resources: [{ url: idp.apiUrl, scopes: [idp.apiScopes.app] }],
    // Notes when the challenge reaches cae-kit: recovery is timed from there.
    fetch: async (input, init) => {
      const response = await idp.fetch(input, init)
      if (response.status === 401) challengedAt = process.hrtime.bigint()
      return response
    },
  })
  await (await caeFetch(url)).arrayBuffer() // the first token, outside the measurement
  return async () => {
    idp.admin.leaveTrustedLocation()
    const tokens = idp.admin.tokenRequests().length
    const calls = idp.admin.apiRequests().length
    challengedAt = 0n
    const start = process.hrtime.bigint()
    const response = await caeFetch(url)
    await response.arrayBuffer()
    const end = process.hrtime.bigint()
    if (response.status !== 200) throw new Error(`${name}: ${response.status}`)
    if (challengedAt === 0n) throw new Error(`${name}: the API did not challenge`)
    const tokenRequests = idp.admin.tokenRequests().length - tokens
    const apiRequests = idp.admin.apiRequests().length - calls
    if (tokenRequests !== 1 || apiRequests !== 2) {
      throw new Error(`${name}: ${tokenRequests} token and ${apiRequests} API requests`)
    }
    return [Number(end - challengedAt) / 1e6, Number(end - start) / 1e6]
  }
}

export async function measureRecovery({ blocks = 21, rounds = 10, before } = {}) {
  const idp = await startEmulator({ port: 0 })
  try {
    const url = `${idp.apiUrl}/messages`
    const scopes = [idp.apiScopes.app]
    const plain = daemon(idp)
    let token = (await plain.acquireTokenByClientCredential({ scopes })).accessToken
    const get = async (accessToken) => {
      const response = await idp.fetch(url, { headers: { authorization: `Bearer ${accessToken}` } })
      await response.arrayBuffer()
      return response
    }

    const variants = {
      recovered: await recoveredWith(idp, { createCaeFetch, fromMsalNode }, 'recovered'),
      async baseline() {
        idp.admin.leaveTrustedLocation()
        let challenge
        const challenged = await timed(async () => {
          challenge = getClaimsChallenge(await get(token))
        })
        if (challenge === undefined) throw new Error('baseline: the API did not challenge')
        const renewed = await timed(async () => {
          const result = await plain.acquireTokenByClientCredential({
            scopes,
            claims: challenge.claims,
          })
          token = result.accessToken
          const response = await get(token)
          if (response.status !== 200) throw new Error(`baseline: ${response.status}`)
        })
        return [renewed, challenged]
      },
    }
    if (before !== undefined) {
      variants.beforeRecovered = await recoveredWith(idp, before, 'beforeRecovered')
    }

    const names = Object.keys(variants)
    const next = random(0x7ec0)
    for (let i = 0; i < 5; i++) for (const name of shuffled(names, next)) await variants[name]()
    const series = [
      'recovered',
      'whole',
      'beforeRecovered',
      'beforeWhole',
      'baseline',
      'challenged',
    ]
    // Where each variant's pair of figures goes.
    const into = {
      recovered: ['recovered', 'whole'],
      beforeRecovered: ['beforeRecovered', 'beforeWhole'],
      baseline: ['baseline', 'challenged'],
    }
    const perBlock = Object.fromEntries(series.map((name) => [name, []]))
    for (let b = 0; b < blocks; b++) {
      const samples = Object.fromEntries(series.map((name) => [name, []]))
      for (let r = 0; r < rounds; r++) {
        for (const name of shuffled(names, next)) {
          const [first, second] = await variants[name]()
          samples[into[name][0]].push(first)
          samples[into[name][1]].push(second)
        }
      }
      for (const name of series) {
        if (samples[name].length > 0) perBlock[name].push(median(samples[name]))
      }
    }
    const recovered = median(perBlock.recovered)
    const whole = median(perBlock.whole)
    const baseline = median(perBlock.baseline)
    const challenged = median(perBlock.challenged)
    const result = {
      blocks,
      rounds,
      recovered,
      baseline,
      challenged,
      whole,
      ratio: recovered / baseline,
      ratioWithChallenge: whole / (baseline + challenged),
    }
    if (before !== undefined) {
      const recoveredBefore = median(perBlock.beforeRecovered)
      const wholeBefore = median(perBlock.beforeWhole)
      result.before = {
        recovered: recoveredBefore,
        whole: wholeBefore,
        ratio: recoveredBefore / baseline,
        ratioWithChallenge: wholeBefore / (baseline + challenged),
      }
    }
    return result
  } finally {
    await idp.close()
  }
}
