/** DOM access and rendering. No framework: a handful of elements found by their `data-testid`. */
import type { AdminAction } from './admin'
import type { Message, Profile } from './api'
import { messageText } from './api'
import type { SpaConfig } from './config'

export type StatusState = 'info' | 'busy' | 'ok' | 'error' | 'blocked'

export interface View {
  account: HTMLElement
  signIn: HTMLButtonElement
  signOut: HTMLButtonElement
  status: HTMLElement
  callApi: HTMLButtonElement
  autoRefresh: HTMLInputElement
  refreshLabel: HTMLElement
  apiResult: HTMLElement
  messageForm: HTMLFormElement
  messageInput: HTMLInputElement
  postMessage: HTMLButtonElement
  adminPanel: HTMLUListElement
  adminReset: HTMLButtonElement
  adminResult: HTMLElement
  sdkLog: HTMLOListElement
  clearLog: HTMLButtonElement
  credentials: HTMLElement
}

function byTestId<T extends HTMLElement>(id: string): T {
  const element = document.querySelector<T>(`[data-testid="${id}"]`)
  if (!element) throw new Error(`index.html lacks [data-testid="${id}"]`)
  return element
}

/** Finds every element the app drives. */
export function getView(): View {
  return {
    account: byTestId('account'),
    signIn: byTestId('sign-in'),
    signOut: byTestId('sign-out'),
    status: byTestId('app-status'),
    callApi: byTestId('call-api'),
    autoRefresh: byTestId('auto-refresh'),
    refreshLabel: byTestId('refresh-label'),
    apiResult: byTestId('api-result'),
    messageForm: byTestId('message-form'),
    messageInput: byTestId('message-input'),
    postMessage: byTestId('post-message'),
    adminPanel: byTestId('admin-panel'),
    adminReset: byTestId('admin-reset'),
    adminResult: byTestId('admin-result'),
    sdkLog: byTestId('sdk-log'),
    clearLog: byTestId('clear-log'),
    credentials: byTestId('credentials'),
  }
}

/** Sets the status line; `data-state` drives its colour and lets tests wait on it. */
export function setStatus(view: View, state: StatusState, text: string): void {
  view.status.dataset.state = state
  view.status.textContent = text
}

/** Shows who is signed in and which of the sign-in/sign-out buttons applies. */
export function setAccount(view: View, username: string | undefined): void {
  view.account.textContent = username ? `Signed in as ${username}` : 'Not signed in'
  view.signIn.hidden = Boolean(username)
  view.signOut.hidden = !username
  view.callApi.disabled = !username
  view.postMessage.disabled = !username
}

/** Renders the profile and the message list into `api-result`. */
export function renderData(view: View, profile: Profile, messages: Message[]): void {
  const details = document.createElement('dl')
  details.dataset.testid = 'profile'
  for (const [key, value] of Object.entries(profile)) {
    if (value === null || typeof value === 'object') continue
    const term = document.createElement('dt')
    term.textContent = key
    const text = document.createElement('dd')
    text.textContent = String(value)
    details.append(term, text)
  }
  const heading = document.createElement('h3')
  heading.textContent = `Messages (${messages.length})`
  const list = document.createElement('ul')
  list.className = 'messages'
  list.dataset.testid = 'messages'
  for (const message of messages) {
    const item = document.createElement('li')
    item.dataset.testid = 'message'
    item.textContent = `${message.from}: ${messageText(message)}`
    list.append(item)
  }
  if (messages.length === 0) list.append(muted('No messages yet.'))
  const updated = muted(`Updated ${new Date().toLocaleTimeString([], { hour12: false })}`)
  updated.classList.add('small')
  view.apiResult.replaceChildren(details, heading, list, updated)
}

/** Clears the data view (after sign-out or when access is blocked). */
export function clearData(view: View, text: string): void {
  view.apiResult.replaceChildren(muted(text))
}

/** Builds one button per admin action; `onClick` runs the action. */
export function renderAdmin(
  view: View,
  actions: AdminAction[],
  onClick: (action: AdminAction, button: HTMLButtonElement) => void,
): void {
  view.adminPanel.replaceChildren(
    ...actions.map((action) => {
      const item = document.createElement('li')
      const button = document.createElement('button')
      button.type = 'button'
      button.dataset.testid = `admin-${action.id}`
      button.textContent = action.label
      button.addEventListener('click', () => onClick(action, button))
      const hint = document.createElement('span')
      hint.className = 'hint'
      hint.textContent = action.hint
      item.append(button, hint)
      return item
    }),
  )
}

/** Shows the demo account so anyone can sign in to the emulator. */
export function renderCredentials(view: View, config: SpaConfig): void {
  const rows: Array<[string, string]> = [
    ['Username', config.demoUser.username],
    ['Password', config.demoUser.password],
    ['Password after "Reset password"', config.demoUser.newPassword],
    ['MFA code', config.demoUser.mfaCode],
    ['Identity provider', config.authority],
    ['API', config.apiUrl],
  ]
  view.credentials.replaceChildren(
    ...rows.flatMap(([term, value]) => {
      const dt = document.createElement('dt')
      dt.textContent = term
      const dd = document.createElement('dd')
      dd.textContent = value
      return [dt, dd]
    }),
  )
}

function muted(text: string): HTMLParagraphElement {
  const paragraph = document.createElement('p')
  paragraph.className = 'muted'
  paragraph.textContent = text
  return paragraph
}
