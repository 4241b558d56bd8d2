"use server";

import { z } from "zod";
import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";

const RenameInput = z.object({ id: z.string().uuid(), title: z.string().min(1).max(200) });

export async function renamePost(formData: FormData) {
  const user = await requireUser();
  const { id, title } = RenameInput.parse(Object.fromEntries(formData));
  await prisma.post.updateMany({ where: { id, authorId: user.id }, data: { title } });
}
