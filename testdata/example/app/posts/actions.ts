"use server";

import { z } from "zod";
import { prisma } from "@/lib/db";
import { auth } from "@/lib/auth";
import { requireUser } from "@/lib/session";

const PostInput = z.object({ title: z.string().min(1).max(200) });

// Unauthenticated: anyone can delete any post.
export async function deletePost(formData: FormData) {
  const id = formData.get("id") as string;
  await prisma.post.delete({ where: { id } });
}

// Authenticated, but the post is not tied to the caller.
export async function renamePost(id: string, input: unknown) {
  const user = await requireUser();
  const { title } = PostInput.parse(input);
  await prisma.post.update({ where: { id }, data: { title } });
  return { ok: true, by: user.id };
}

// Correct: authenticated, validated, scoped, and returns a DTO.
export async function createPost(input: unknown) {
  const session = await auth();
  if (!session?.user?.id) throw new Error("Unauthorized");
  const { title } = PostInput.parse(input);
  const post = await prisma.post.create({ data: { title, authorId: session.user.id } });
  return { id: post.id, title: post.title };
}

// Returns whole User rows, password hashes included.
export async function getProfile() {
  const user = await requireUser();
  return prisma.user.findUnique({ where: { id: user.id } });
}
