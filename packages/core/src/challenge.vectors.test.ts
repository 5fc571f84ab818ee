// @vitest-environment node
import { expect, it } from 'vitest'
import vectors from './__fixtures__/www-authenticate.json'
import type { Challenge } from './challenge'
import { parseWwwAuthenticate } from './challenge'
import { getClaimsChallenge } from './claims'

// The vectors write `token68: null` for "absent"; the parser omits the key.
function normalise(challenge: {
  scheme: string
  params: object
  token68: string | null
}): Challenge {
  const { token68, ...rest } = challenge
  return token68 === null
    ? { ...rest, params: { ...rest.params } }
    : { ...rest, params: { ...rest.params }, token68 }
}

// Independent oracle for the decoded claims: Node's Buffer, not the code under test.
function decodeWithBuffer(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8')
}

it('has vectors to run', () => {
  expect(vectors.length).toBeGreaterThanOrEqual(15)
})

for (const vector of vectors) {
  it(`parses ${vector.id} (${vector.source})`, () => {
    expect(parseWwwAuthenticate(vector.header)).toStrictEqual(vector.challenges.map(normalise))
  })

  it(`detects the claims of ${vector.id} as the vector says when the status is 401`, () => {
    const found = getClaimsChallenge({
      status: 401,
      headers: { 'www-authenticate': vector.header },
    })
    if (vector.claims === null) {
      expect(found).toBeUndefined()
      return
    }
    expect(found).toBeDefined()
    expect(JSON.parse(found?.claims ?? '')).toStrictEqual(vector.claims)
    const raw = parseWwwAuthenticate(vector.header)[0]?.params.claims ?? ''
    expect(found?.claims).toBe(decodeWithBuffer(raw))
  })

  it(`detects claims in ${vector.id} only for its own status when that is not 401`, () => {
    const found = getClaimsChallenge({
      status: vector.status,
      headers: new Headers({ 'WWW-Authenticate': vector.header }),
    })
    expect(found === undefined).toBe(vector.status !== 401 || vector.claims === null)
  })
}
