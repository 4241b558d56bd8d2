import { getSessionOrThrow } from "./session";

export async function requireUser() {
  const session = await getSessionOrThrow();
  return session.user;
}
