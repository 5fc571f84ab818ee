import { packageBuild } from '../../tsup.shared'

export default packageBuild('neutral', undefined, { browser: true })
