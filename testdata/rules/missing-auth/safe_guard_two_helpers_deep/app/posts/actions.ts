"use server";

import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/guards";

export async function clearDrafts() {
  const user = await requireUser();
  await prisma.post.deleteMany({ where: { authorId: user.id, draft: true } });
}
