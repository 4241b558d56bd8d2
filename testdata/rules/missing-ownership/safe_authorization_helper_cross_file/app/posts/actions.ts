"use server";

import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";
import { assertCanEdit } from "@/lib/permissions";

export async function publishPost(postId: string) {
  const user = await requireUser();
  await assertCanEdit(postId, user.id);
  await prisma.post.update({ where: { id: postId }, data: { published: true } });
}
