// Run by attach.dual-package.test.ts in a plain Node process (no test runner's module
// conditions): an axios instance of axios' ESM build, protected with the CommonJS build of
// @cae-kit/axios (dist/index.cjs). Prints what happened as JSON.
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import axios from 'axios'

const require = createRequire(import.meta.url)
const { attachCae, encodeClaims } = {
  ...require('../../dist/index.cjs'),
  ...require('@cae-kit/core'),
}

const challenge = `Bearer error="insufficient_claims", claims="${encodeClaims('{"access_token":{"nbf":{"essential":true}}}')}"`
const seen = []
const server = createServer((request, response) => {
  seen.push(request.headers.authorization)
  if (request.headers.authorization === 'Bearer tok-1') {
    response.writeHead(401, { 'www-authenticate': challenge }).end('challenged')
  } else response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${server.address().port}`

const ownAdapter = axios.getAdapter('http', {})
const resolved = []
const getAdapter = axios.getAdapter
axios.getAdapter = (...args) => {
  const adapter = getAdapter(...args)
  resolved.push(adapter === ownAdapter ? 'own http adapter' : String(adapter?.name))
  return adapter
}

let count = 0
const instance = axios.create({ baseURL: `${origin}/v1`, adapter: 'http' })
attachCae(instance, {
  tokenProvider: { getToken: async () => ({ token: `tok-${++count}` }) },
  resources: [{ url: origin, scopes: ['api://test/.default'] }],
})
const response = await instance.get('/me')
server.close()
console.log(
  JSON.stringify({
    status: response.status,
    seen,
    resolved,
    ownHeaders: response.config.headers instanceof axios.AxiosHeaders,
  }),
)
