import { useState } from 'react'
import { errorMessage } from '../services/api'

/**
 * An action a person starts with a tap: one at a time (`busy`), with one line to show beside it
 * (`message`): what went wrong, in the API's words, or whatever the page sets. `run` clears the
 * message, runs `action` and keeps its failure as the message; it resolves true when the action
 * succeeded (false when it failed or another was running), so a page can reload after a failure.
 */
export function useSubmit() {
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<string | null>(null)
  async function run(action: () => Promise<void>): Promise<boolean> {
    if (busy) return false
    setBusy(true)
    setMessage(null)
    try {
      await action()
      return true
    } catch (err) {
      setMessage(errorMessage(err))
      return false
    } finally {
      setBusy(false)
    }
  }
  return { busy, message, setMessage, run }
}
