/** The protected API, through the axios instance cae-kit is attached to. */
import type { AxiosInstance } from 'axios'

/** A message as the API returns it: the posted JSON comes back as `body`. */
export interface Message {
  id: string
  from: string
  body: unknown
  receivedAt: string
}

/** The text of a message (`{ text }` as this app posts, or `{ subject }`), else its body as JSON. */
export function messageText(message: Message): string {
  const body = message.body as { text?: unknown; subject?: unknown } | null
  if (typeof body?.text === 'string') return body.text
  if (typeof body?.subject === 'string') return body.subject
  return typeof message.body === 'string' ? message.body : JSON.stringify(message.body)
}

/** The signed-in user's profile as the API returns it (`GET /me`). */
export type Profile = Record<string, unknown>

export interface Api {
  me(): Promise<Profile>
  messages(): Promise<Message[]>
  postMessage(text: string): Promise<Message>
}

/** Calls `GET /me`, `GET /messages` and `POST /messages` under `apiUrl`. */
export function createApi(http: AxiosInstance, apiUrl: string): Api {
  return {
    async me() {
      return (await http.get<Profile>(`${apiUrl}/me`)).data
    },
    async messages() {
      const { data } = await http.get<unknown>(`${apiUrl}/messages`)
      return toMessages(data)
    },
    async postMessage(text) {
      return (await http.post<Message>(`${apiUrl}/messages`, { text })).data
    },
  }
}

// The list comes either bare or wrapped (`{ value: [...] }`, Graph style).
function toMessages(data: unknown): Message[] {
  const list = Array.isArray(data) ? data : (data as { value?: unknown } | null)?.value
  return Array.isArray(list) ? (list as Message[]) : []
}
