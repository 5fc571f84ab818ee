/**
 * Noticing that the user closed the sign-in popup. Entra's sign-in pages (and the emulator's) send
 * `Cross-Origin-Opener-Policy: same-origin`: from then on the opener's `popup.closed` reads `true`
 * while the window is still open, and no message, name lookup or event reaches the opener from
 * that window. What does reach it is the window manager giving the focus back when the popup
 * closes: the app window, which lost the focus (or visibility, where popups open as tabs) when the
 * popup opened, gets it back and keeps it.
 *
 * @module
 */

/** How long the app must keep the focus back before the prompt counts as abandoned. */
const SETTLE_MS = 400

/**
 * Calls `onReturn` once the page, having lost the focus or visibility after this call, has it back
 * for {@link SETTLE_MS}. A page that never lost it (the popup never took the focus) never calls.
 *
 * @param onReturn - Called at most once.
 * @returns Stops watching.
 */
export const watchReturn = (onReturn: () => void): (() => void) => {
  const w = globalThis.window
  const doc = globalThis.document
  // No page (a worker, Node, a test stub with a document only): nothing to watch.
  if (!doc || !w?.addEventListener) return () => undefined
  let away = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const watching = new AbortController()
  const stop = () => {
    clearTimeout(timer)
    watching.abort()
  }
  // Every change of focus or visibility is an event here, and each one clears the timer: when
  // it fires, the page has had the focus back for the whole time.
  const check = (event: Event) => {
    clearTimeout(timer)
    // A hidden page (the popup opened as a tab) never has the focus either.
    if (event.type === 'blur' || !doc.hasFocus()) away = true
    else if (away)
      timer = setTimeout(() => {
        stop()
        onReturn()
      }, SETTLE_MS)
  }
  // `visibilitychange` bubbles from the document to the window.
  for (const type of ['blur', 'focus', 'visibilitychange'])
    w.addEventListener(type, check, { signal: watching.signal })
  return stop
}
