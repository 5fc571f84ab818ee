import type { IncomingHttpHeaders } from 'node:http'
import { expectTypeOf } from 'vitest'
import type { ResponseLike } from './claims'
import type { HeadersLike } from './headers'

// Checked by `tsc -p tsconfig.test.json`: the shapes HTTP clients hand over need no cast.
expectTypeOf<Headers>().toExtend<HeadersLike>()
expectTypeOf<IncomingHttpHeaders>().toExtend<HeadersLike>()
expectTypeOf<{ get(name: string): string | null }>().toExtend<HeadersLike>()
expectTypeOf<
  Record<string, string | string[] | number | null | undefined>
>().toExtend<HeadersLike>()
expectTypeOf<Response>().toExtend<ResponseLike>()
expectTypeOf<number>().not.toExtend<HeadersLike>()
expectTypeOf<{ status: number }>().not.toExtend<ResponseLike>()
