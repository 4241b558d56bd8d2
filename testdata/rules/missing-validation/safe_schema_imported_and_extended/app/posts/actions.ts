"use server";

import { z } from "zod";
import { prisma } from "@/lib/db";
import { requireUser } from "@/lib/session";
import { PostFields } from "@/lib/schemas";

const UpdatePost = PostFields.extend({ id: z.string().uuid() });

export async function updatePost(input: unknown) {
  const user = await requireUser();
  const { id, title, body } = UpdatePost.parse(input);
  await prisma.post.updateMany({ where: { id, authorId: user.id }, data: { title, body } });
}
