import { packageBuild } from '../../tsup.shared'

export default packageBuild('node', ['src/index.ts', 'src/msw.ts', 'src/server.ts', 'src/cli.ts'])
