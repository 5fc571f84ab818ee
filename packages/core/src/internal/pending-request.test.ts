// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { describeRequest, MAX_PENDING_BODY_CHARS } from './pending-request'

describe('describeRequest', () => {
  it('drops Authorization and lowercases header names', () => {
    const described = describeRequest(
      'post',
      'https://api.test/x',
      new Headers({ Authorization: 'Bearer t', 'X-A': '1' }),
      '{"a":1}',
    )
    expect(described).toEqual({
      method: 'POST',
      url: 'https://api.test/x',
      headers: { 'x-a': '1' },
      body: '{"a":1}',
    })
  })

  it('keeps text bodies and marks others as omitted', () => {
    const headers: [string, string][] = []
    expect(describeRequest('PUT', 'u', headers, new URLSearchParams('a=1')).body).toBe('a=1')
    expect(describeRequest('PUT', 'u', headers, new TextEncoder().encode('hé')).body).toBe('hé')
    expect(describeRequest('PUT', 'u', headers, new Uint8Array([0xff, 0xfe])).bodyOmitted).toBe(
      true,
    )
    expect(describeRequest('PUT', 'u', headers, new FormData()).bodyOmitted).toBe(true)
    expect(
      describeRequest('PUT', 'u', headers, 'x'.repeat(MAX_PENDING_BODY_CHARS + 1)).bodyOmitted,
    ).toBe(true)
    expect(describeRequest('GET', 'u', headers, undefined)).toEqual({
      method: 'GET',
      url: 'u',
      headers: {},
    })
  })
})
