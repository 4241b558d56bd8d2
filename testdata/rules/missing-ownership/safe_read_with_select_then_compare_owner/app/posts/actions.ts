"use server";

import { prisma } from "@/lib/db";
import { auth } from "@/lib/auth";

export async function deletePost(id: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  const post = await prisma.post.findUnique({ where: { id }, select: { authorId: true } });
  if (!post || post.authorId !== session.user.id) throw new Error("Forbidden");
  await prisma.post.delete({ where: { id } });
}
