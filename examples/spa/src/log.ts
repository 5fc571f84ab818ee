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
  /** Adds a line; `result: 'failed'` marks a failed outcome (shown in red, not green). */
  add(kind: LogKind, text: string, result?: 'failed'): void
  clear(): void
}

/**
 * Renders log lines into `list`, keeping the newest `limit` lines and the view scrolled to the end.
 * Each line carries `data-kind` so tests and CSS can pick steps out.
 */
export function createSdkLog(list: HTMLOListElement, limit = 300): SdkLog {
  return {
    add(kind, text, result) {
      const item = document.createElement('li')
      item.dataset.kind = kind
      if (result) item.dataset.result = result
      const time = document.createElement('time')
      time.textContent = new Date().toLocaleTimeString([], { hour12: false })
      const label = document.createElement('span')
      label.className = 'kind'
      label.textContent = kind
      const detail = document.createElement('span')
      detail.className = 'detail'
      // Break opportunities (<wbr>, not copied) after JSON punctuation: long claims wrap
      // between values, never inside a number.
      for (const part of text.split(/(?<=[,:{[])/)) {
        detail.append(part, document.createElement('wbr'))
      }
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
