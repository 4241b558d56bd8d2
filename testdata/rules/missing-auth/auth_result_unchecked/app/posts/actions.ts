"use server";

import { prisma } from "@/lib/db";
import { auth } from "@/lib/auth";

export async function clearDrafts() { // want "missing-auth"
  const session = await auth();
  await prisma.post.deleteMany({ where: { authorId: session?.user?.id, draft: true } });
}
