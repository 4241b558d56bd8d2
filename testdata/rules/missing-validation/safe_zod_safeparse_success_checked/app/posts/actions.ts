"use server";

import { z } from "zod";
import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";

const RenameInput = z.object({ id: z.string().uuid(), title: z.string().min(1).max(200) });

export async function renamePost(input: unknown) {
  const user = await requireUser();
  const parsed = RenameInput.safeParse(input);
  if (!parsed.success) return { error: parsed.error.flatten() };
  const { id, title } = parsed.data;
  await prisma.post.updateMany({ where: { id, authorId: user.id }, data: { title } });
  return { ok: true };
}
