"use server";

import { auth } from "@clerk/nextjs/server";
import { prisma } from "@/lib/db";

export async function clearDrafts() {
  const { userId } = await auth();
  if (!userId) throw new Error("Unauthorized");
  await prisma.post.deleteMany({ where: { authorId: userId, draft: true } });
}
