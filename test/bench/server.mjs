// A loopback CAE resource for the benchmarks: answers 200, or a claims challenge for a revoked
// token, and counts what it receives per request id.
import { createServer } from 'node:http'

export const CLAIMS = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}'
const CHALLENGE = `Bearer realm="", error="insufficient_claims", claims="${Buffer.from(CLAIMS).toString('base64')}"`

export async function startServer() {
  const revoked = new Set()
  const sends = new Map()
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      const id = req.headers['x-request-id']
      if (id !== undefined) sends.set(id, (sends.get(id) ?? 0) + 1)
      if (revoked.has(req.headers.authorization)) {
        res.writeHead(401, { 'www-authenticate': CHALLENGE, 'content-length': '0' }).end()
        return
      }
      const body = chunks.length > 0 ? Buffer.concat(chunks) : Buffer.from('ok')
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length }).end(body)
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    revoke: (authorization) => revoked.add(authorization),
    sends,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

/** A provider handing out `<prefix>-<n>` tokens, counting its calls. */
export function countingProvider(prefix = 'bench') {
  const provider = {
    calls: 0,
    async getToken() {
      provider.calls++
      return { token: `${prefix}-${provider.calls}`, expiresOn: Date.now() + 3_600_000 }
    },
  }
  return provider
}
