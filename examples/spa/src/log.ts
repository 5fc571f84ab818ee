/** The "What cae-kit did" panel: a bounded, chronological list of what the kit and MSAL did. */

/** One line kind per step of a claims challenge, in the order they usually happen. */
export type LogKind =
  | 'challenge'
  | 'claims'
  | 'silent'
  | 'prompt'
  | 'token'
  | 'replay'
  | 'outcome'
  | 'error'
  | 'info'

export interface SdkLog {
  add(kind: LogKind, text: string): void
  clear(): void
}

/**
 * Renders log lines into `list`, keeping the newest `limit` lines and the view scrolled to the end.
 * Each line carries `data-kind` so tests and CSS can pick steps out.
 */
export function createSdkLog(list: HTMLOListElement, limit = 300): SdkLog {
  return {
    add(kind, text) {
      const item = document.createElement('li')
      item.dataset.kind = kind
      const time = document.createElement('time')
      time.textContent = new Date().toLocaleTimeString([], { hour12: false })
      const label = document.createElement('span')
      label.className = 'kind'
      label.textContent = kind
      const detail = document.createElement('span')
      detail.className = 'detail'
      detail.textContent = text
      item.append(time, label, detail)
      list.append(item)
      while (list.childElementCount > limit) list.firstElementChild?.remove()
      list.scrollTop = list.scrollHeight
    },
    clear() {
      list.replaceChildren()
    },
  }
}
