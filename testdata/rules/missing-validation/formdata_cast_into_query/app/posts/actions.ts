"use server";

import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";

export async function renamePost(formData: FormData) {
  const user = await requireUser();
  const id = formData.get("id") as string;
  const title = formData.get("title") as string;
  await prisma.post.updateMany({ where: { id, authorId: user.id }, data: { title } }); // want "missing-validation" "missing-validation"
}
