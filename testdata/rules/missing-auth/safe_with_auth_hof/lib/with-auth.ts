import { auth } from "@/lib/auth";

type User = { id: string };

export function withAuth<A extends unknown[], R>(handler: (user: User, ...args: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    const session = await auth();
    if (!session?.user?.id) throw new Error("Unauthorized");
    return handler({ id: session.user.id }, ...args);
  };
}
