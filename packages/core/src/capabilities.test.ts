import { expect, it } from 'vitest'
import { addClientCapabilities } from './capabilities'
import { isCaeError } from './errors'

const CP1 = { access_token: { xms_cc: { values: ['CP1'] } } }

it('declares CP1 alone for a first token', () => {
  expect(JSON.parse(addClientCapabilities(undefined))).toEqual(CP1)
  expect(JSON.parse(addClientCapabilities(''))).toEqual(CP1)
})

it('merges CP1 into the claims of a challenge, keeping every claim it asked for', () => {
  const claims =
    '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}},"id_token":{"acrs":{"essential":true}}}'
  expect(JSON.parse(addClientCapabilities(claims))).toEqual({
    access_token: { nbf: { essential: true, value: '1700000000' }, xms_cc: { values: ['CP1'] } },
    id_token: { acrs: { essential: true } },
  })
})

it('keeps capabilities already declared and adds none twice, whatever their case', () => {
  const claims = '{"access_token":{"xms_cc":{"values":["cp1","CP2"]}}}'
  expect(JSON.parse(addClientCapabilities(claims, ['CP1', 'CP3']))).toEqual({
    access_token: { xms_cc: { values: ['cp1', 'CP2', 'CP3'] } },
  })
})

it('rejects claims that are not the JSON text of an object, and bad capabilities, with a setup error', () => {
  for (const claims of ['not json', '[1]', 'null', '"text"']) {
    expect(() => addClientCapabilities(claims)).toThrowError(
      expect.objectContaining({ code: 'ERR_CAE_INVALID_OPTIONS' }),
    )
  }
  for (const capabilities of [[''], [1], 'CP1']) {
    let thrown: unknown
    try {
      addClientCapabilities(undefined, capabilities as string[])
    } catch (error) {
      thrown = error
    }
    expect(isCaeError(thrown) && thrown.code).toBe('ERR_CAE_INVALID_OPTIONS')
  }
})
