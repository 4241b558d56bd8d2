"use server";

import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";

export async function renamePost(id: unknown, title: unknown) {
  const user = await requireUser();
  if (typeof id !== "string" || typeof title !== "string" || title.length > 200) {
    throw new Error("Invalid input");
  }
  await prisma.post.updateMany({ where: { id, authorId: user.id }, data: { title } }); // want "missing-validation:warning" "missing-validation:warning"
}
