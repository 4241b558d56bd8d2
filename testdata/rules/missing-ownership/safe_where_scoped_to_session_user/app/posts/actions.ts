"use server";

import { prisma } from "@/lib/db";
import { auth } from "@/lib/auth";

export async function publishPost(id: string) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  await prisma.post.update({ where: { id, userId: session.user.id }, data: { published: true } });
}
