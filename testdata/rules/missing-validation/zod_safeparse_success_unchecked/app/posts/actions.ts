"use server";

import { z } from "zod";
import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";

const RenameInput = z.object({ id: z.string().uuid(), title: z.string().min(1).max(200) });

export async function renamePost(input: unknown) {
  const user = await requireUser();
  // success is never checked: on failure data is undefined and the query runs anyway.
  const { data } = RenameInput.safeParse(input);
  await prisma.post.updateMany({ where: { id: data?.id, authorId: user.id }, data: { title: data?.title } }); // want "missing-validation"
}
