/**
 * The two Lua scripts of a coordinated acquisition, each one round trip, atomic on the server.
 * Both touch only the entry and lock of one acquisition, which share a hash slot (Redis Cluster
 * runs a script only on keys of one slot).
 *
 * @module
 */

import { createHash } from 'node:crypto'
import type { RedisClientLike } from './client'
import { text } from './client'
import type { AcquisitionKeys } from './keys'

/**
 * BEGIN: use the entry if this process can (sealed under its key; a failure shared with all, a
 * failure of an attempt this acquisition waited for, or a token that is not the rejected one and
 * not due for refresh), else take the lock, else say how long the lock still lives. ARGV: keyId,
 * rejected token's SHA-256 (or ''), now (ms), owner, lock TTL (ms), '1' to ignore the entry,
 * when this acquisition started (ms).
 */
const BEGIN = `
local v = redis.call('GET', KEYS[1])
if v and ARGV[6] == '0' then
  local kid, kind, hash, at = string.match(v, '^1|([^|]*)|(%a)|(%x*)|(%d+)|')
  if kid == ARGV[1] then
    if kind == 'e' then return {1, v} end
    if kind == 'f' and tonumber(ARGV[7]) <= tonumber(at) then return {1, v} end
    if kind == 't' and hash ~= ARGV[2] and tonumber(at) > tonumber(ARGV[3]) then return {1, v} end
  end
end
if redis.call('SET', KEYS[2], ARGV[4], 'NX', 'PX', ARGV[5]) then return {2, ''} end
return {3, redis.call('PTTL', KEYS[2])}
`

/**
 * FINISH: store the outcome (if any), release the lock only if this process still owns it (it
 * may have expired and been taken by another), and notify the waiters. ARGV: owner, entry value
 * (or '' for none), entry TTL (ms), channel.
 */
const FINISH = `
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
local mine = redis.call('GET', KEYS[2]) == ARGV[1]
if mine then redis.call('DEL', KEYS[2]) end
redis.call('PUBLISH', ARGV[4], ARGV[2] ~= '' and 'stored' or 'released')
if mine then return 1 end
return 0
`

const sha1 = (script: string) => createHash('sha1').update(script).digest('hex')
const SHAS = new Map([BEGIN, FINISH].map((script) => [script, sha1(script)]))

/** EVALSHA, and EVAL once when the server does not know the script yet (new or restarted). */
async function run(
  client: RedisClientLike,
  script: string,
  keys: readonly string[],
  args: readonly string[],
): Promise<unknown> {
  const tail = [String(keys.length), ...keys, ...args]
  try {
    return await client.sendCommand(['EVALSHA', SHAS.get(script) ?? sha1(script), ...tail])
  } catch (error) {
    if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error
    return client.sendCommand(['EVAL', script, ...tail])
  }
}

/** What BEGIN decided. */
export type BeginOutcome =
  | { kind: 'entry'; value: string }
  | { kind: 'owner' }
  | { kind: 'held'; ttlMs: number }

/** Runs BEGIN for `keys`. */
export async function begin(
  client: RedisClientLike,
  keys: AcquisitionKeys,
  args: {
    keyId: string
    rejectedHash: string
    now: number
    owner: string
    lockTtlMs: number
    ignoreEntry: boolean
    startedAt: number
  },
): Promise<BeginOutcome> {
  const reply = await run(
    client,
    BEGIN,
    [keys.entry, keys.lock],
    [
      args.keyId,
      args.rejectedHash,
      String(args.now),
      args.owner,
      String(args.lockTtlMs),
      args.ignoreEntry ? '1' : '0',
      String(args.startedAt),
    ],
  )
  const [kind, detail] = Array.isArray(reply) ? reply : []
  if (kind === 1) {
    const value = text(detail)
    if (value !== undefined) return { kind: 'entry', value }
  }
  if (kind === 2) return { kind: 'owner' }
  if (kind === 3) return { kind: 'held', ttlMs: Number(detail) }
  throw new TypeError('unexpected reply from the begin script')
}

/** Runs FINISH: resolves with true when this owner released its lock. */
export async function finish(
  client: RedisClientLike,
  keys: AcquisitionKeys,
  owner: string,
  entry: { value: string; ttlMs: number } | undefined,
): Promise<boolean> {
  const reply = await run(
    client,
    FINISH,
    [keys.entry, keys.lock],
    [owner, entry?.value ?? '', String(entry?.ttlMs ?? 0), keys.channel],
  )
  return reply === 1
}
