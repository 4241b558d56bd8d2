"use server";

import { auth } from "@clerk/nextjs/server";
import { prisma } from "@/lib/db";

// Clerk's auth() resolves for anonymous callers too, with userId: null.
export async function clearDrafts() { // want "missing-auth"
  const { userId } = await auth();
  await prisma.post.deleteMany({ where: { authorId: userId ?? undefined, draft: true } });
}
