import { login } from '../../services/api'
import { setDevLoginName } from '../../platform/login.h5'

export const OPS_LOGIN_AVAILABLE = true

/** Simulator mode: the seeded operator (every operator role) through the ordinary login. */
export async function loginAsDemoOperator(): Promise<void> {
  setDevLoginName('operator')
  await login()
}
