// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { acquisitionKeys, channelPattern } from './keys'

const base = {
  partition: undefined,
  scopes: ['api://x/.default'],
  claims: undefined,
  stepUp: undefined,
}

/** The hash tag Redis Cluster hashes: from the first `{` to the next `}`. */
const hashTag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1]

describe('acquisitionKeys', () => {
  it('puts the entry, the lock and the channel of one acquisition in one hash slot', () => {
    const keys = acquisitionKeys('app', base)
    const tags = new Set([keys.entry, keys.lock, keys.channel].map(hashTag))
    expect(tags.size).toBe(1)
    expect([...tags][0]).toMatch(/^[0-9a-f]{64}$/)
  })

  it('hashes the partition, scopes and claims: none of them appears in a name', () => {
    const keys = acquisitionKeys('app', {
      partition: 'alice@contoso.test',
      scopes: ['https://graph.microsoft.com/.default'],
      claims: '{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}',
      stepUp: { acrValues: ['c1'] },
    })
    for (const name of Object.values(keys)) {
      expect(name).not.toMatch(/alice|graph|nbf|1604106651|c1"/)
      expect(name.startsWith('cae-kit:app:{')).toBe(true)
    }
  })

  it('separates partitions, claims, step-up requirements and namespaces', () => {
    const entries = [
      acquisitionKeys('app', base),
      acquisitionKeys('app', { ...base, partition: 'alice' }),
      acquisitionKeys('app', { ...base, partition: 'bob' }),
      acquisitionKeys('app', { ...base, claims: '{"a":1}' }),
      acquisitionKeys('app', { ...base, stepUp: { maxAge: 60 } }),
      acquisitionKeys('other', base),
    ].map((keys) => keys.entry)
    expect(new Set(entries).size).toBe(entries.length)
  })

  it('names the same acquisition alike whatever the order of its scopes', () => {
    const one = acquisitionKeys('app', { ...base, scopes: ['a', 'b'] })
    expect(acquisitionKeys('app', { ...base, scopes: ['b', 'a'] })).toEqual(one)
  })

  it("matches its namespace's channels only, not those of a namespace it prefixes", () => {
    const toRegExp = (glob: string) =>
      new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*')}$`)
    const pattern = toRegExp(channelPattern('app'))
    expect(pattern.test(acquisitionKeys('app', base).channel)).toBe(true)
    expect(pattern.test(acquisitionKeys('app:b', base).channel)).toBe(false)
  })
})
