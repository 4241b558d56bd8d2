"use server";

import { prisma } from "@/lib/db";
import { withAuth } from "@/lib/with-auth";

export const clearDrafts = withAuth(async (user) => {
  await prisma.post.deleteMany({ where: { authorId: user.id, draft: true } });
});
