import { createSafeActionClient } from "next-safe-action";
import { auth } from "@/lib/auth";

export const actionClient = createSafeActionClient();

// TODO: reject anonymous callers. Today this only passes the session along.
export const authActionClient = actionClient.use(async ({ next }) => {
  const session = await auth();
  return next({ ctx: { user: session?.user } });
});
